// The one SLA mechanism (DESIGN §5): reminders, escalations, mail resends, redeliveries, in batches that fit the run.

import { type MailOutbox, resendKept } from '#shared/mail-outbox.ts';
import { findAssignee } from './assignee-lookup.ts';
import { closePending } from './task-closing.ts';
import { overdueCheckAt, type StoredTask, TaskConflict } from './task-repository.ts';
import { alertOverdue, deliver, issueLink, type TaskDeps } from './task-service.ts';

export interface SweepDeps extends TaskDeps {
  outbox: Pick<MailOutbox, 'due' | 'keep' | 'remove'>;
}

/** How much a sweep may do: the Lambda's remaining time, and the batch sizes that keep each step well inside it. */
export interface SweepLimits {
  timeLeftMs(): number;
  /** Stop taking new batches with less than this left: a batch's slowest task must still finish. */
  reserveMs: number;
  pageSize: number;
  /** Tasks handled at once within a batch: each waits mostly on DynamoDB, SES and Step Functions. */
  concurrency: number;
}

export const unlimited: SweepLimits = {
  timeLeftMs: () => Number.POSITIVE_INFINITY,
  reserveMs: 0,
  pageSize: 25,
  concurrency: 4,
};

export interface SweepReport {
  reminded: number;
  escalated: number;
  resent: number;
  redelivered: number;
  cancelled: number;
  expired: number;
  mailsResent: number;
  failed: number;
  /** It stopped at its time budget with work still due; the next run goes on. */
  backlog: boolean;
}

export async function sweepTasks(deps: SweepDeps, limits: SweepLimits = unlimited): Promise<SweepReport> {
  const report: SweepReport = {
    reminded: 0,
    escalated: 0,
    resent: 0,
    redelivered: 0,
    cancelled: 0,
    expired: 0,
    mailsResent: 0,
    failed: 0,
    backlog: false,
  };
  const now = deps.clock.now();
  const timeIsUp = () => limits.timeLeftMs() < limits.reserveMs;
  let handled = 0;

  let after: Record<string, unknown> | undefined;
  do {
    if (timeIsUp()) {
      report.backlog = true;
      break;
    }
    const page = await deps.tasks.duePage(now, limits.pageSize, after);
    await inBatches(page.tasks, limits.concurrency, (task) => sweepOne(deps, task, now, report));
    handled += page.tasks.length;
    after = page.next;
  } while (after);

  // Kept mails leave the due range once handled (sent, given up, or due later), so each query starts afresh; one
  // that failed stays due, and is not tried twice in a run.
  const tried = new Set<string>();
  while (!report.backlog) {
    if (timeIsUp()) {
      report.backlog = true;
      break;
    }
    const kept = (await deps.outbox.due(now, limits.pageSize + tried.size)).filter(
      (mail) => !tried.has(mail.id),
    );
    if (kept.length === 0) break;
    await inBatches(kept, limits.concurrency, async (mail) => {
      tried.add(mail.id);
      try {
        if ((await resendKept(deps, mail)) === 'sent') report.mailsResent++;
      } catch (error) {
        report.failed++;
        deps.ops.tell({
          event: 'sweep-task-failed',
          workflow: mail.workflow,
          taskId: `mail ${mail.id}`,
          reason: describe(error),
        });
      }
    });
    handled += kept.length;
  }
  if (report.backlog) deps.ops.tell({ event: 'sweep-backlog', handled });
  return report;
}

const describe = (error: unknown) => `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);

async function inBatches<T>(
  items: readonly T[],
  size: number,
  run: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

/** Whatever is due for one task. A failure is this task's alone: counted for ops, and the sweep goes on. */
async function sweepOne(deps: SweepDeps, task: StoredTask, now: Date, report: SweepReport): Promise<void> {
  const due = (at: string | undefined) => at !== undefined && Date.parse(at) <= now.getTime();
  try {
    if (task.status === 'DECIDED' && task.delivery === 'pending') {
      const result = await deliver(deps, task, true);
      if (result.kind !== 'recorded-pending-delivery') report.redelivered++;
    } else if (task.status !== 'PENDING') {
      // Closed since the index was read: nothing left to do.
    } else if (!(await deps.workflow.isRunning(task.workflow.executionArn))) {
      // Nobody waits for this task any more (the execution was stopped or lost): stop chasing people for it.
      await close(deps, task, now, 'CANCELLED', 'workflow no longer running');
      report.cancelled++;
    } else if (due(task.escalateAt)) {
      if (await escalate(deps, task)) report.escalated++;
    } else if (due(task.dueAlertAt)) {
      await alertOverdue(deps, task);
      report.reminded++;
    } else if (task.mailRetry && due(task.mailRetry.at)) {
      await issueLink(deps, task, { kind: task.mailRetry.kind, retireAs: 'resent' });
      report.resent++;
    } else if (due(task.remindAt)) {
      await issueLink(deps, task, { kind: 'reminder', retireAs: 'reminded' });
      report.reminded++;
    } else if (due(overdueCheckAt(task))) {
      // Its workflow's own timeout path should have closed it a day ago; nobody can decide it any more.
      await close(deps, task, now, 'EXPIRED', 'deadline passed and its workflow did not close it');
      report.expired++;
    }
  } catch (error) {
    if (error instanceof TaskConflict) return; // decided or closed meanwhile: nothing left to do
    report.failed++;
    deps.ops.tell({
      event: 'sweep-task-failed',
      workflow: task.workflow.slug,
      taskId: task.id,
      reason: describe(error),
    });
  }
}

async function close(
  deps: SweepDeps,
  task: StoredTask,
  now: Date,
  status: 'CANCELLED' | 'EXPIRED',
  reason: string,
): Promise<void> {
  if (!(await closePending(deps, task, { status, closedReason: reason }, now))) return;
  await deps.audit.record({
    subjectId: task.subject.id,
    at: now.toISOString(),
    actor: 'system',
    action: status === 'CANCELLED' ? 'task-cancelled' : 'task-expired',
    detail: { taskId: task.id, reason },
  });
}

/** After an escalation found nobody, the next try: a day later, by when someone may have fixed the directory. */
const escalationRetryMs = 24 * 60 * 60_000;

/**
 * Reassigns to the escalation role or the assignee's manager. When nobody can take it over the task stays with its
 * assignee, marked, so the gauges count it as past escalation and ops are alarmed, and the sweep tries again a day
 * later (the directory may have been fixed meanwhile); returns false then.
 */
async function escalate(deps: SweepDeps, task: StoredTask): Promise<boolean> {
  const current = await deps.people.get(task.assignee);
  const rule = task.sla.escalateTo
    ? { role: task.sla.escalateTo }
    : current?.manager
      ? { person: current.manager }
      : undefined;
  const assignment = rule
    ? await findAssignee(deps, {
        rule,
        requester: task.requester,
        requesterMayDecide: task.requesterMayDecide,
        excluded: [...task.excluded, task.assignee],
      })
    : undefined;
  if (!assignment?.ok) {
    const reason = assignment ? assignment.reason : `${task.assignee} has no manager`;
    const retryAt = new Date(deps.clock.now().getTime() + escalationRetryMs).toISOString();
    await deps.tasks.replace(task, { ...task, escalateAt: retryAt, escalationFailed: reason });
    await deps.audit.record({
      subjectId: task.subject.id,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: 'task-escalation-failed',
      detail: { taskId: task.id, assignee: task.assignee, reason, retryAt },
    });
    return false;
  }
  await issueLink(deps, task, {
    kind: 'escalated',
    retireAs: 'escalated',
    assignee: assignment.assignee,
    onBehalfOf: assignment.onBehalfOf,
  });
  return true;
}
