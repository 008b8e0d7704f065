// The overdue ladder as one plain function: what an installment's collection does next, and until when it waits.
import { addDays, startOfLocalDate } from '#shared/clock.ts';
import {
  highestLevel,
  type Installment,
  type Level,
  levels,
  outstandingOf,
  type PaymentPromise,
} from './model.ts';
import type { CollectionPolicy } from './policy.ts';

/** Reminders, notices and levels go out at 09:00 company time, not at midnight. */
const sendingHourMs = 9 * 3_600_000;
const dayMs = 86_400_000;

/** 09:00 company time on `date`. */
export const sendingTimeOn = (date: string): Date =>
  new Date(startOfLocalDate(date).getTime() + sendingHourMs);

/** When level `level` comes for an installment due on `dueDate`. */
export const levelTime = (dueDate: string, level: Level, policy: Pick<CollectionPolicy, 'ladder'>): Date =>
  sendingTimeOn(addDays(dueDate, policy.ladder[`level${level}`]));

export const reminderTime = (dueDate: string, policy: Pick<CollectionPolicy, 'reminderDaysBefore'>): Date =>
  sendingTimeOn(addDays(dueDate, -policy.reminderDaysBefore));

/** The morning after a promise's grace days: not paid in full by then, it is broken. */
export const promiseEnds = (
  promise: Pick<PaymentPromise, 'promisedDate'>,
  policy: Pick<CollectionPolicy, 'promiseGraceDays'>,
) => sendingTimeOn(addDays(promise.promisedDate, policy.promiseGraceDays + 1));

/** Where a collection stands; each `wait-*` comes with the time to wake and look again. */
export type LadderStep =
  | { next: 'paid' }
  | { next: 'written-off' }
  /** Level 4 handed it to legal: the ladder has nothing more to do. */
  | { next: 'with-legal' }
  /** An open dispute: the ladder stops until the sales manager settles it, which starts the next run. */
  | { next: 'dispute' }
  /** This run has waited as long as one run may: the next run takes over. */
  | { next: 'continue' }
  | { next: 'remind' }
  | { next: 'level-1' | 'level-2' | 'level-3' | 'level-4'; level: Level; skipped: Level[] }
  | {
      next: 'wait-reminder' | 'wait-due' | 'wait-level-2' | 'wait-level-3' | 'wait-level-4' | 'wait-promise';
      wakeAt: string;
    };

export interface LadderPlan {
  step: LadderStep;
  /** An open promise whose grace ran out unpaid: the step records it broken before going on. */
  brokenPromise?: PaymentPromise;
}

/**
 * What comes next for `installment` at `now`, in a run that started at `runStartedAt`. A level comes at most once:
 * when the system was down or a wait fired late, the level days overdue call for comes at once, and the levels it
 * passed are listed as skipped (recorded, never sent).
 */
export function planLadder(
  installment: Installment,
  now: Date,
  runStartedAt: Date,
  policy: CollectionPolicy,
): LadderPlan {
  if (installment.status === 'PAID' || outstandingOf(installment) <= 0) return { step: { next: 'paid' } };
  if (installment.status === 'WRITTEN_OFF') return { step: { next: 'written-off' } };
  const done = highestLevel(installment);
  if (installment.status === 'LEGAL' || done === 4) return { step: { next: 'with-legal' } };
  if (installment.dispute?.state === 'open') return { step: { next: 'dispute' } };
  const { dueDate } = installment;
  if (!dueDate) throw new Error(`${installment.id} has no due date: its collection cannot run yet`);

  const runEndsAt = runStartedAt.getTime() + policy.runDays * dayMs;
  if (now.getTime() >= runEndsAt) return { step: { next: 'continue' } };
  const wait = (next: Extract<LadderStep, { wakeAt: string }>['next'], at: Date): LadderStep => ({
    next,
    wakeAt: new Date(Math.min(at.getTime(), runEndsAt)).toISOString(),
  });

  const promise = installment.promises.findLast((p) => p.state === 'open');
  let brokenPromise: PaymentPromise | undefined;
  if (promise) {
    const ends = promiseEnds(promise, policy);
    if (now < ends) return { step: wait('wait-promise', ends) };
    brokenPromise = promise;
  }
  const plan = (step: LadderStep): LadderPlan => (brokenPromise ? { step, brokenPromise } : { step });

  const firstLevelAt = levelTime(dueDate, 1, policy);
  if (!installment.remindedAt && now < firstLevelAt) {
    const remindAt = reminderTime(dueDate, policy);
    return plan(now < remindAt ? wait('wait-reminder', remindAt) : { next: 'remind' });
  }
  const due = levels.filter((level) => levelTime(dueDate, level, policy) <= now).at(-1);
  if (due !== undefined && due > done) {
    const skipped = levels.filter((level) => level > done && level < due);
    return plan({ next: `level-${due}`, level: due, skipped });
  }
  const upcoming = (done + 1) as Level;
  const at = levelTime(dueDate, upcoming, policy);
  return plan(wait(upcoming === 1 ? 'wait-due' : `wait-level-${upcoming as 2 | 3 | 4}`, at));
}
