// The first SLA sweep (Step Functions): decisions handed to their workflows again, and tasks nobody waits for closed.

import { deliver, type TaskDeps } from './task-service.ts';
import { closeUndecidable, type SweepLimits, type SweepOutcome, SweepRun, unlimited } from './task-sweep.ts';

export type DeliverySweepDeps = Pick<TaskDeps, 'tasks' | 'workflow' | 'audit' | 'clock' | 'ops'>;

export interface DeliverySweepReport extends SweepOutcome {
  redelivered: number;
  cancelled: number;
}

/**
 * Runs before the mail sweep, so that a task whose execution stopped or was lost is cancelled before anyone is
 * reminded of it (the execution watcher closes most of them the moment they end; this catches the rest).
 */
export async function sweepDeliveries(
  deps: DeliverySweepDeps,
  limits: SweepLimits = unlimited,
): Promise<DeliverySweepReport> {
  const run = new SweepRun(deps.ops, limits);
  const counts = { redelivered: 0, cancelled: 0 };
  const now = deps.clock.now();
  await run.dueTasks(deps.tasks, now, async (task) => {
    if (task.status === 'DECIDED' && task.delivery === 'pending') {
      const result = await deliver(deps, task, true);
      if (result.kind !== 'recorded-pending-delivery') counts.redelivered++;
    } else if (task.status === 'PENDING' && !(await deps.workflow.isRunning(task.workflow.executionArn))) {
      await closeUndecidable(deps, task, now, 'CANCELLED', 'workflow no longer running');
      counts.cancelled++;
    }
  });
  return { ...counts, ...run.end() };
}
