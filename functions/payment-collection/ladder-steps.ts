// The ladder's steps: look at an installment and say what comes next; remind; take a level, at most once each.
import { localDate } from '#shared/clock.ts';
import { DomainError } from '#shared/errors.ts';
import type { SubjectMailer } from '#shared/mail-outbox.ts';
import { tellOnce } from '#shared/workflow-kit/notices.ts';
import { loadSubject } from '#shared/workflow-kit/steps.ts';
import type { SubjectRef } from '#shared/workflow-kit/subject.ts';
import { type LadderStep, planLadder, promiseEnds } from './ladder.ts';
import { type Installment, isOwed, type Level } from './model.ts';
import { type LadderNotice, ladderNoticeMails } from './notices.ts';
import { type CollectionDeps, paymentCollection } from './workflow.ts';

/** What the ladder's mails need. */
export interface NoticeDeps extends CollectionDeps {
  mailer: SubjectMailer;
}

export interface LadderDeps extends NoticeDeps {
  followUps: {
    /** Starts the follow-up of `level` (its tasks for the owner, the sales manager or legal), once. */
    start(installment: Installment, level: 1 | 2 | 4): Promise<void>;
    /** Closes the follow-ups still open: the ladder never waits for a person. */
    closeOpen(installment: Installment, reason: string): Promise<void>;
  };
}

/** Which run of an installment's ladder this is, and when it started (a run lasts at most `runDays`). */
export interface Run {
  run: number;
  startedAt: string;
}

/** What the state machine's Choice reads: the next step, and for a new run its number and execution name. */
export type LadderAnswer = LadderStep & { nextRun?: number; nextRunName?: string };

/** The execution name of an installment's `run`-th ladder run: its id, then `-run2`, `-run3`… */
export const runName = (installmentId: string, run: number) =>
  run <= 1 ? installmentId : `${installmentId}-run${run}`;

const attempts = 5;

/** Saves what `change` makes of the installment, read afresh on a conflict (a payment, a decision meanwhile). */
async function update(
  deps: CollectionDeps,
  id: string,
  change: (installment: Installment) => Installment | undefined,
): Promise<Installment> {
  for (let attempt = 1; ; attempt++) {
    const current = await deps.installments.get(id);
    if (!current) throw new Error(`Installment ${id} does not exist`);
    const next = change(current);
    if (!next) return current;
    try {
      return await deps.installments.save(next);
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conflict') || attempt === attempts) throw error;
    }
  }
}

/**
 * Looks at the installment and says what comes next. On the way it records what the look found: a promise whose
 * grace ran out unpaid is broken; a dispute stops this run; a run at its length hands over to the next.
 */
export async function checkInstallment(
  deps: CollectionDeps,
  ref: SubjectRef,
  run: Run,
): Promise<LadderAnswer> {
  const now = deps.clock.now();
  const first = await loadSubject(paymentCollection, deps, ref);
  const { step, brokenPromise } = planLadder(first, now, new Date(run.startedAt), deps.policy());
  if (brokenPromise) await breakPromise(deps, first, brokenPromise.at);
  if (step.next === 'dispute') {
    const paused = await update(deps, first.id, (i) =>
      i.dispute?.state !== 'open' || i.pausedForDispute === run.run
        ? undefined
        : { ...i, pausedForDispute: run.run },
    );
    // Settled while this look was under way: the run goes on instead.
    if (paused.dispute?.state !== 'open') return checkInstallment(deps, ref, run);
  }
  if (step.next === 'continue') {
    const nextRun = run.run + 1;
    await update(deps, first.id, (i) => (i.runs >= nextRun ? undefined : { ...i, runs: nextRun }));
    return { ...step, nextRun, nextRunName: runName(first.id, nextRun) };
  }
  const today = localDate(now);
  if (first.status === 'SCHEDULED' && first.dueDate && first.dueDate < today) {
    await update(deps, first.id, (i) => (i.status === 'SCHEDULED' ? { ...i, status: 'OVERDUE' } : undefined));
  }
  return step;
}

/** The promise made at `madeAt` was not kept: recorded broken, in the trail and the owner's figures. */
export async function breakPromise(
  deps: CollectionDeps,
  installment: Installment,
  madeAt: string,
): Promise<void> {
  const saved = await update(deps, installment.id, (i) => {
    const promise = i.promises.find((p) => p.at === madeAt);
    if (promise?.state !== 'open') return undefined;
    return {
      ...i,
      promises: i.promises.map((p) => (p === promise ? { ...p, state: 'broken' as const } : p)),
      status: i.status === 'PROMISED' ? 'OVERDUE' : i.status,
    };
  });
  const promise = saved.promises.find((p) => p.at === madeAt);
  if (!promise) return;
  await deps.ledger.record({
    kind: 'promise-broken',
    id: `promise-broken#${installment.id}#${madeAt}`,
    installmentId: installment.id,
    contractId: installment.contractId,
    owner: installment.owner,
    // Broken on the morning its grace ran out, whenever the ladder looked.
    on: localDate(promiseEnds(promise, deps.policy())),
    promisedDate: promise.promisedDate,
  });
  await deps.audit.record({
    subjectId: installment.id,
    at: deps.clock.now().toISOString(),
    actor: 'system',
    action: 'promise-broken',
    detail: { promisedDate: promise.promisedDate, by: promise.by },
  });
}

/** Sends a ladder notice once; nothing at all once the installment is paid (a payment during the step). */
async function notify(
  deps: NoticeDeps,
  installment: Installment,
  key: string,
  notice: LadderNotice,
  copyTo: readonly string[],
): Promise<void> {
  const today = localDate(deps.clock.now());
  await tellOnce(paymentCollection, deps, deps.mailer, installment, key, async () => {
    const fresh = await deps.installments.get(installment.id);
    return fresh && isOwed(fresh) ? ladderNoticeMails(deps.people, fresh, notice, today, copyTo) : [];
  });
}

const membersOf = async (deps: CollectionDeps, role: 'sales-manager' | 'finance') =>
  (await deps.people.membersOf(role)).map((person) => person.email);

/** The customer is reminded before the due date (the owner in copy), once. */
export async function remindCustomer(deps: NoticeDeps, ref: SubjectRef, run: Run): Promise<LadderAnswer> {
  const at = deps.clock.now().toISOString();
  const claimed = await update(deps, ref.id, (i) => (i.remindedAt ? undefined : { ...i, remindedAt: at }));
  if (isOwed(claimed)) await notify(deps, claimed, 'reminder', 'reminder', [claimed.owner]);
  return checkInstallment(deps, ref, run);
}

/**
 * Takes overdue level `level`, once: the levels it passes over are recorded as skipped, open follow-ups close (the
 * ladder does not wait for them), then the level's mails and follow-up. Paid meanwhile: nothing goes out.
 */
export async function takeLevel(
  deps: LadderDeps,
  ref: SubjectRef,
  level: Level,
  skipped: readonly Level[],
  run: Run,
): Promise<LadderAnswer> {
  const at = deps.clock.now().toISOString();
  const before = await loadSubject(paymentCollection, deps, ref);
  const claimed = await update(deps, ref.id, (i) =>
    i.levels.some((entry) => entry.level === level)
      ? undefined
      : {
          ...i,
          status: i.status === 'SCHEDULED' || i.status === 'PROMISED' ? 'OVERDUE' : i.status,
          levels: [
            ...i.levels,
            ...skipped
              .filter((s) => !i.levels.some((entry) => entry.level === s))
              .map((s) => ({ level: s, at, skipped: true })),
            { level, at },
          ],
        },
  );
  if (!before.levels.some((entry) => entry.level === level)) {
    await deps.audit.record({
      subjectId: ref.id,
      at,
      actor: 'system',
      action: 'overdue-level',
      detail: { level, skipped },
    });
  }
  await deps.ledger.record({
    kind: 'level',
    id: `level#${ref.id}#${level}`,
    installmentId: ref.id,
    contractId: claimed.contractId,
    owner: claimed.owner,
    on: localDate(new Date(claimed.levels.find((entry) => entry.level === level)?.at ?? at)),
    level,
  });
  await deps.followUps.closeOpen(claimed, `overdue level ${level} came`);
  const fresh = await loadSubject(paymentCollection, deps, ref);
  if (isOwed(fresh)) {
    switch (level) {
      case 1:
        await notify(deps, fresh, 'level-1', 'overdue', [fresh.owner]);
        await deps.followUps.start(fresh, 1);
        break;
      case 2:
        await deps.followUps.start(fresh, 2);
        await notify(deps, fresh, 'level-2', 'finance-informed', await membersOf(deps, 'finance'));
        break;
      case 3:
        await notify(deps, fresh, 'level-3', 'demand', [
          fresh.owner,
          ...(await membersOf(deps, 'sales-manager')),
          ...(await membersOf(deps, 'finance')),
        ]);
        break;
      case 4:
        await deps.followUps.start(fresh, 4);
        break;
    }
  }
  return checkInstallment(deps, ref, run);
}
