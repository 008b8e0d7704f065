// Payment collection for the kit: what the follow-up steps' decisions change on the installment, and the ledger lines
// they write. The steps themselves, their summaries and endings are in tasks.ts.
import { localDate } from '#shared/clock.ts';
import type { Review } from '#shared/workflow-kit/reviews.ts';
import type { AfterDecision, Workflow } from '#shared/workflow-kit/workflow.ts';
import { promiseEnds } from './ladder.ts';
import { type Ledger, LedgerStore } from './ledger.ts';
import { type Installment, outstandingOf, type PaymentPromise } from './model.ts';
import { type CollectionTaskDeps, paymentCollectionTasks } from './tasks.ts';

export interface CollectionDeps extends CollectionTaskDeps {
  ledger: Ledger;
}

/** The promise a decision made, if it made one (`promised`, or legal's payment plan). */
function promiseOf(review: Review): PaymentPromise | undefined {
  const date = review.fields.promisedDate;
  if (typeof date !== 'string') return undefined;
  const amount = review.fields.promisedAmount as { amount?: unknown } | undefined;
  return {
    promisedDate: date,
    ...(typeof amount?.amount === 'number' ? { amount: amount.amount } : {}),
    by: review.by,
    at: review.at,
    ...(review.comment ? { note: review.comment } : {}),
    state: 'open',
  };
}

/** The installment with the promise this decision made, once however often the decision is recorded. */
function withPromise(installment: Installment, promise: PaymentPromise): Partial<Installment> {
  const known = installment.promises.some((p) => p.at === promise.at && p.by === promise.by);
  // A new promise replaces an open one: the ladder waits for the latest.
  const earlier = known
    ? installment.promises
    : installment.promises.map((p) => (p.state === 'open' ? { ...p, state: 'broken' as const } : p));
  return { promises: known ? earlier : [...earlier, promise], status: 'PROMISED' };
}

/** Back on the ladder: overdue once its due date has passed, else scheduled. */
const unpaused = (installment: Installment, today: string): Installment['status'] =>
  installment.dueDate && installment.dueDate < today ? 'OVERDUE' : 'SCHEDULED';

export const paymentCollection: Workflow<Installment, CollectionDeps> = {
  ...paymentCollectionTasks,
  deps: (table) => ({ ...paymentCollectionTasks.deps(table), ledger: new LedgerStore(table) }),
  async afterDecision({ subject: installment, review, deps }): Promise<AfterDecision<Installment>> {
    const today = localDate(new Date(review.at));
    switch (review.outcome) {
      case 'promised':
      case 'payment-plan': {
        const promise = promiseOf(review);
        if (!promise) return {};
        return {
          route: { promiseEndsAt: promiseEnds(promise, deps.policy()).toISOString() },
          changes: withPromise(installment, promise),
        };
      }
      case 'dispute':
        return {
          changes: {
            dispute: { reason: review.comment, by: review.by, at: review.at, state: 'open' },
            status: 'DISPUTED',
          },
        };
      case 'accept':
        // The customer pays as agreed: the dispute is settled and the ladder goes on.
        return {
          changes: {
            ...(installment.dispute
              ? { dispute: { ...installment.dispute, state: 'settled' as const } }
              : {}),
            status: unpaused(installment, today),
          },
        };
      case 'write-off':
        return { changes: { writeOff: { reason: review.comment, by: review.by, at: review.at } } };
      case 'approve':
        return installment.writeOff
          ? {
              changes: {
                writeOff: { ...installment.writeOff, approvedBy: review.by, approvedAt: review.at },
              },
            }
          : {};
      case 'reject':
        // Finance refused the write-off: it goes back to who asked, and the request is gone (the review keeps it).
        return { changes: { writeOff: undefined } };
      case 'pursue':
        return { changes: { status: 'LEGAL' } };
      default:
        return {};
    }
  },
  async onRecorded({ subject: installment, review, deps }) {
    const promise = promiseOf(review);
    if (!promise || !['promised', 'payment-plan'].includes(review.outcome)) return;
    await deps.ledger.record({
      kind: 'promised',
      id: `promised#${installment.id}#${review.taskId}`,
      installmentId: installment.id,
      contractId: installment.contractId,
      owner: installment.owner,
      on: localDate(new Date(review.at)),
      promisedDate: promise.promisedDate,
      ...(promise.amount !== undefined ? { amount: promise.amount } : {}),
    });
  },
  async onFinish({ subject: installment, ending, deps }) {
    if (ending !== 'written-off' || !installment.dueDate) return undefined;
    const outstanding = outstandingOf(installment);
    if (outstanding > 0) {
      await deps.ledger.record({
        kind: 'written-off',
        id: `written-off#${installment.id}`,
        installmentId: installment.id,
        contractId: installment.contractId,
        owner: installment.owner,
        on: localDate(new Date(installment.writeOff?.approvedAt ?? installment.closedAt ?? deps.clock.now())),
        amount: outstanding,
        dueDate: installment.dueDate,
      });
    }
    return undefined;
  },
};
