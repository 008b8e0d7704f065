// The follow-up workflow's own steps: the ladder resumes after a settled dispute; legal's payment plan is checked.
import { loadSubject } from '#shared/workflow-kit/steps.ts';
import type { SubjectRef } from '#shared/workflow-kit/subject.ts';
import { type StartDeps, startRun } from './collection-start.ts';
import { breakPromise } from './ladder-steps.ts';
import { isOwed } from './model.ts';
import { type CollectionDeps, paymentCollection } from './workflow.ts';

/**
 * The dispute is settled and the customer pays as agreed: a ladder run that ended to wait for it is followed by the
 * next one. A run still waiting (it never saw the dispute) just goes on. Safe to repeat.
 */
export async function resumeAfterDispute(deps: StartDeps & CollectionDeps, ref: SubjectRef) {
  const installment = await loadSubject(paymentCollection, deps, ref);
  const paused = installment.pausedForDispute;
  if (paused === undefined) return { resumed: false };
  // Started before the pause is cleared: a retry after a crash starts the same run again, which is harmless.
  await startRun(deps, installment, paused + 1);
  const fresh = await loadSubject(paymentCollection, deps, ref);
  if (fresh.pausedForDispute === paused)
    await deps.installments.save({ ...fresh, pausedForDispute: undefined });
  return { resumed: true };
}

/** Legal's payment plan has run its course: kept if the installment is paid, else broken (and legal decides again). */
export async function checkPaymentPlan(deps: CollectionDeps, ref: SubjectRef) {
  const installment = await loadSubject(paymentCollection, deps, ref);
  if (!isOwed(installment)) return { kept: true };
  const plan = installment.promises.findLast((promise) => promise.state === 'open');
  if (plan) await breakPromise(deps, installment, plan.at);
  return { kept: false };
}
