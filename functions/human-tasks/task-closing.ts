// Closing the tasks an execution leaves behind: expired at the state's deadline, or cancelled when it stopped on a failure.
import type { AuditTrail } from '#shared/audit.ts';
import type { Clock } from '#shared/clock.ts';
import type { SubjectMailer } from '#shared/mail-outbox.ts';
import type { Locale } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import { Transient } from '#shared/transient.ts';
import { renderExpiryNotice } from './task-mail.ts';
import { type StoredTask, TaskConflict, type TaskRepository } from './task-repository.ts';
import type { SubjectNames } from './task-subjects.ts';
import type { WorkflowGateway } from './workflow-gateway.ts';

export interface ClosingDeps {
  tasks: Pick<TaskRepository, 'ofSubject' | 'get' | 'replace'>;
  people: Pick<PeopleRepository, 'get'>;
  audit: Pick<AuditTrail, 'record'>;
  /** The expiry notice to the requester; one SES does not take is kept for the sweep, never failing the step. */
  mailer: SubjectMailer;
  clock: Clock;
}

const ofExecution = async (deps: Pick<ClosingDeps, 'tasks'>, subjectId: string, executionArn: string) =>
  (await deps.tasks.ofSubject(subjectId)).filter((task) => task.workflow.executionArn === executionArn);

/** A human step's `States.Timeout` path: the execution's open tasks close as expired and each requester is told. */
export async function closeExpiredTasks(
  deps: ClosingDeps,
  subjectId: string,
  executionArn: string,
  names: (task: StoredTask, locale: Locale) => SubjectNames,
): Promise<number> {
  const now = deps.clock.now();
  let closed = 0;
  for (const found of await ofExecution(deps, subjectId, executionArn)) {
    const task = await closePending(deps, found, { status: 'EXPIRED', closedReason: 'deadline' }, now);
    if (!task) continue;
    closed++;
    await deps.audit.record({
      subjectId: task.subject.id,
      at: now.toISOString(),
      actor: 'system',
      action: 'task-expired',
      detail: { taskId: task.id, assignee: task.assignee, deadlineAt: task.deadlineAt },
    });
    const requester = await deps.people.get(task.requester);
    const assignee = await deps.people.get(task.assignee);
    const locale = requester?.locale ?? 'zh-CN';
    const notice = renderExpiryNotice({
      task,
      names: names(task, locale),
      locale,
      recipientName: requester?.name ?? task.requester,
      assigneeName: assignee?.name ?? task.assignee,
    });
    await deps.mailer.send(
      { to: task.requester, ...notice },
      { subjectId: task.subject.id, workflow: task.workflow.slug },
    );
  }
  return closed;
}

/** The execution stopped (a failure, ops stopped it): its open tasks close so nobody decides what nobody waits for. */
export async function cancelOpenTasks(
  deps: Omit<ClosingDeps, 'mailer' | 'people'>,
  subjectId: string,
  executionArn: string,
  reason: string,
): Promise<void> {
  const now = deps.clock.now();
  for (const found of await ofExecution(deps, subjectId, executionArn)) {
    const task = await closePending(deps, found, { status: 'CANCELLED', closedReason: reason }, now);
    if (!task) continue;
    await deps.audit.record({
      subjectId: task.subject.id,
      at: now.toISOString(),
      actor: 'system',
      action: 'task-cancelled',
      detail: { taskId: task.id, reason },
    });
  }
}

/**
 * Closes a pending task. A reminder or an escalation may be writing the same task at this moment: re-read and try
 * again, so the close always wins over the SLA sweep; a decision that got in first stays.
 */
export async function closePending(
  deps: Pick<ClosingDeps, 'tasks'>,
  task: StoredTask,
  how: { status: 'EXPIRED' | 'CANCELLED'; closedReason: string },
  now: Date,
): Promise<StoredTask | undefined> {
  let current: StoredTask | undefined = task;
  for (let attempt = 0; attempt < 5 && current?.status === 'PENDING'; attempt++) {
    const closed: StoredTask = { ...current, ...how, closedAt: now.toISOString() };
    try {
      await deps.tasks.replace(current, closed);
      return closed;
    } catch (error) {
      if (!(error instanceof TaskConflict)) throw error;
      current = await deps.tasks.get(task.id);
    }
  }
  return undefined;
}

/**
 * Closes every open task about a subject that nobody needs any more (the next overdue level came, the installment
 * was paid) and ends the wait of the execution behind each with `error`, so its Catch takes it on. Safe to repeat:
 * tasks this closed before for the same reason are released again, which changes nothing once done.
 */
export async function closeTasksNoLongerNeeded(
  deps: Omit<ClosingDeps, 'mailer' | 'people'> & { workflow: Pick<WorkflowGateway, 'release'> },
  subjectId: string,
  reason: string,
  error: string,
): Promise<number> {
  const now = deps.clock.now();
  let closed = 0;
  for (const found of await deps.tasks.ofSubject(subjectId)) {
    const ours = found.status === 'CANCELLED' && found.closedReason === reason;
    const task =
      found.status === 'PENDING'
        ? await closePending(deps, found, { status: 'CANCELLED', closedReason: reason }, now)
        : ours
          ? found
          : undefined;
    if (!task) continue;
    if (found.status === 'PENDING') {
      closed++;
      await deps.audit.record({
        subjectId,
        at: now.toISOString(),
        actor: 'system',
        action: 'task-superseded',
        detail: { taskId: task.id, assignee: task.assignee, step: task.workflow.stateName, reason },
      });
    }
    const released = await deps.workflow.release(task.token, error, reason);
    if (released === 'retry') throw new Transient(`Could not end the wait of task ${task.id}; trying again`);
  }
  return closed;
}
