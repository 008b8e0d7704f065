// Payment collection for the kit: the follow-up steps people take on an overdue installment, and what they change.
import { ContractRepository } from '#contract-review/contract-repository.ts';
import type { FieldSpec } from '#human-tasks/task-model.ts';
import { AuditTrail } from '#shared/audit.ts';
import { type Clock, daysBetween, localDate, processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { formatMoney } from '#shared/money.ts';
import type { Locale } from '#shared/people.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { formatNumber } from '#shared/words.ts';
import { type Review, ReviewStore } from '#shared/workflow-kit/reviews.ts';
import type { AfterDecision, Workflow } from '#shared/workflow-kit/workflow.ts';
import { InstallmentRepository } from './installment-repository.ts';
import { promiseEnds } from './ladder.ts';
import { type Ledger, LedgerStore } from './ledger.ts';
import { highestLevel, type Installment, outstandingOf, type PaymentPromise } from './model.ts';
import { type CollectionPolicy, readCollectionPolicy } from './policy.ts';
import { collectionWords as words } from './words.ts';

export interface CollectionDeps {
  installments: InstallmentRepository;
  reviews: Pick<ReviewStore, 'of'>;
  contracts: Pick<ContractRepository, 'get' | 'version'>;
  people: Pick<PeopleRepository, 'get' | 'membersOf'>;
  ledger: Ledger;
  audit: Pick<AuditTrail, 'record' | 'of'>;
  policy(): CollectionPolicy;
  clock: Clock;
}

/** The human steps of the follow-up workflow (workflows/collection-follow-up.asl.json), by state name. */
export const followUpSteps = {
  owner: 'Owner follows up overdue payment',
  manager: 'Sales manager follows up overdue payment',
  dispute: 'Sales manager resolves dispute',
  legal: 'Legal decides on overdue payment',
  writeOff: 'Finance approves write-off',
} as const;

const policy = lazy(() => readCollectionPolicy(process.env.COLLECTION_POLICY));

const followUpFields = (installment: Installment): FieldSpec[] => [
  {
    name: 'promisedDate',
    label: words.fields.promisedDate,
    type: 'date',
    required: true,
    forOutcomes: ['promised'],
  },
  {
    name: 'promisedAmount',
    label: words.fields.promisedAmount,
    type: 'money',
    currency: 'CNY',
    required: false,
    max: outstandingOf(installment),
    forOutcomes: ['promised'],
  },
];

const followUp = (type: string, assignee: Installment['owner'] | 'sales-manager') => ({
  type,
  outcomes: ['contacted', 'promised', 'dispute'] as const,
  fields: followUpFields,
  sla: (deps: CollectionDeps) => deps.policy().followUpSla,
  ...(assignee === 'sales-manager'
    ? { assignee: () => ({ role: 'sales-manager' as const }) }
    : { assignee: (installment: Installment) => ({ person: installment.owner }), requesterTakesPart: true }),
});

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
  slug: 'payment-collection',
  kind: 'installment',
  words,
  deps: (table) => ({
    installments: new InstallmentRepository(table),
    reviews: new ReviewStore(table.db, table.tableName),
    contracts: new ContractRepository(table),
    people: new PeopleRepository(table.db, table.tableName),
    ledger: new LedgerStore(table),
    audit: new AuditTrail(table.db, table.tableName),
    policy,
    clock: processClock,
  }),
  subjects: (deps) => deps.installments,
  requester: (installment) => installment.owner,
  title: (installment) => `${installment.title} · ${installment.label}`,
  amount: (installment) => installment.amount,
  humanSteps: {
    [followUpSteps.owner]: followUp('collection-follow-up-owner', 'owner'),
    [followUpSteps.manager]: followUp('collection-follow-up-manager', 'sales-manager'),
    [followUpSteps.dispute]: {
      type: 'collection-dispute',
      outcomes: ['accept', 'write-off'],
      assignee: () => ({ role: 'sales-manager' }),
      sla: (deps) => deps.policy().disputeSla,
      status: 'DISPUTED',
    },
    [followUpSteps.legal]: {
      type: 'collection-legal',
      outcomes: ['pursue', 'payment-plan', 'write-off'],
      assignee: () => ({ role: 'legal' }),
      fields: () => [
        {
          name: 'promisedDate',
          label: words.fields.planDate,
          type: 'date',
          required: true,
          forOutcomes: ['payment-plan'],
        },
      ],
      sla: (deps) => deps.policy().legalSla,
    },
    [followUpSteps.writeOff]: {
      type: 'collection-write-off',
      outcomes: ['approve', 'reject'],
      assignee: () => ({ role: 'finance' }),
      // Who asked for the write-off does not approve it, nor does the owner.
      alsoExcluded: (installment) => [
        installment.owner,
        ...(installment.writeOff ? [installment.writeOff.by] : []),
      ],
      sla: (deps) => deps.policy().writeOffSla,
    },
  },
  async summarize({ subject: installment, step, locale, deps }) {
    const label = (name: keyof typeof words.facts) => words.facts[name][locale];
    const owner = await deps.people.get(installment.owner);
    const today = localDate(deps.clock.now());
    const overdueDays = installment.dueDate ? daysBetween(installment.dueDate, today) : 0;
    const level = highestLevel(installment);
    const asker = installment.writeOff ? await deps.people.get(installment.writeOff.by) : undefined;
    return {
      facts: [
        { label: label('contract'), value: installment.contractId },
        { label: label('customer'), value: installment.customer.name },
        { label: label('installment'), value: installment.label },
        { label: label('amount'), value: installment.amount },
        ...(installment.paid > 0
          ? [{ label: label('paid'), value: { amount: installment.paid, currency: 'CNY' as const } }]
          : []),
        {
          label: label('outstanding'),
          value: { amount: outstandingOf(installment), currency: 'CNY' as const },
        },
        ...(installment.dueDate ? [{ label: label('dueDate'), value: { date: installment.dueDate } }] : []),
        ...(overdueDays > 0
          ? [{ label: label('daysOverdue'), value: formatNumber(overdueDays, locale) }]
          : []),
        ...(level > 0
          ? [{ label: label('level'), value: words.levels[level as 1 | 2 | 3 | 4][locale] }]
          : []),
        { label: label('owner'), value: owner?.name ?? installment.owner },
        ...(installment.dispute?.state === 'open'
          ? [{ label: label('dispute'), value: installment.dispute.reason }]
          : []),
        ...(step === followUpSteps.writeOff && installment.writeOff
          ? [
              { label: label('writeOff'), value: installment.writeOff.reason },
              { label: label('askedBy'), value: asker?.name ?? installment.writeOff.by },
            ]
          : []),
      ],
      lines: installment.promises.map((promise) => ({
        label: label('promise'),
        value: { date: promise.promisedDate },
        note: describePromise(promise, locale),
      })),
      findings: [],
      history: [],
    };
  },
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
  endings: {
    'written-off': {
      status: 'WRITTEN_OFF',
      ...words.endings['written-off'],
      alsoTell: (installment) => (installment.writeOff ? [installment.writeOff.by] : []),
    },
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

/** `¥10,000.00 · 已违约`: what was promised, and what became of it. */
function describePromise(promise: PaymentPromise, locale: Locale): string {
  const amount =
    promise.amount !== undefined
      ? formatMoney({ amount: promise.amount, currency: 'CNY' }, locale)
      : undefined;
  return [amount, words.promiseState[promise.state][locale]].filter(Boolean).join(' · ');
}
