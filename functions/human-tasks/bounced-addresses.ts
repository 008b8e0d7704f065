// A hard bounce or a complaint: the address marked undeliverable, its open tasks moved to the manager (audited), ops told.
import { findAssignee } from './assignee-lookup.ts';
import { TaskConflict } from './task-repository.ts';
import { issueLink, type OpeningDeps, type TaskDeps } from './task-service.ts';

export interface Reassignment {
  taskId: string;
  subjectId: string;
  /** The new assignee, or undefined when nobody could take it (audited, and counted as past escalation). */
  to?: string;
  reason?: string;
}

export interface BounceReport {
  email: string;
  /** Whether the address is someone in the directory. */
  known: boolean;
  reassigned: Reassignment[];
}

/**
 * A permanent bounce: the person gets nothing more by mail, so their open tasks go to their manager now rather than
 * waiting for an SLA to notice. Safe to repeat: a marked person stays marked, and reassigned tasks are no longer theirs.
 */
export async function handleHardBounce(
  deps: OpeningDeps,
  email: string,
  reason: string,
): Promise<BounceReport> {
  const address = email.toLowerCase();
  const marked = await deps.people.markUndeliverable(address, reason, deps.clock.now());
  const known = marked !== 'unknown';
  const reassigned = known
    ? await reassignOpenTasks(deps, address, `mail to ${address} bounced: ${reason}`)
    : [];
  deps.ops.tell({
    event: 'address-bounced',
    email: address,
    known,
    reassigned: reassigned.filter((r) => r.to).length,
    notReassigned: reassigned.filter((r) => !r.to).length,
  });
  return { email: address, known, reassigned };
}

/** A complaint (the recipient marked a mail as spam): nothing changes by itself; ops decide what to do. */
export function handleComplaint(deps: Pick<TaskDeps, 'ops'>, email: string, feedbackType: string): void {
  deps.ops.tell({ event: 'mail-complaint', email: email.toLowerCase(), feedbackType });
}

/**
 * Every open task of `from` goes to their manager; without one, to the task's escalation role; failing that, to an
 * admin, who routes it by hand. Each move is a fresh link to the new assignee and an audit item on its subject.
 */
export async function reassignOpenTasks(
  deps: OpeningDeps,
  from: string,
  reason: string,
): Promise<Reassignment[]> {
  const person = await deps.people.get(from);
  const done: Reassignment[] = [];
  for (const listed of await deps.tasks.openFor(from)) {
    // The assignee index is eventually consistent: act on the task as it is now.
    const task = await deps.tasks.get(listed.id);
    if (task?.status !== 'PENDING' || task.assignee !== from) continue;
    const excluded = [...task.excluded, from];
    const rule = person?.manager
      ? { person: person.manager }
      : task.sla.escalateTo
        ? { role: task.sla.escalateTo }
        : { role: 'admin' as const };
    let assignment = await findAssignee(deps, { rule, requester: task.requester, excluded });
    if (!assignment.ok) {
      assignment = await findAssignee(deps, { rule: { role: 'admin' }, requester: task.requester, excluded });
    }
    if (!assignment.ok) {
      await deps.audit.record({
        subjectId: task.subject.id,
        at: deps.clock.now().toISOString(),
        actor: 'system',
        action: 'task-reassignment-failed',
        detail: { taskId: task.id, assignee: from, reason: assignment.reason },
      });
      // Counted by the gauge as past escalation, so its alarm fires until someone routes it.
      await deps.tasks.replace(task, { ...task, escalationFailed: `${reason}; ${assignment.reason}` });
      done.push({ taskId: task.id, subjectId: task.subject.id, reason: assignment.reason });
      continue;
    }
    try {
      await issueLink(deps, task, {
        kind: 'reassigned',
        retireAs: 'reassigned',
        assignee: assignment.assignee,
        onBehalfOf: assignment.onBehalfOf,
        reason,
      });
      done.push({ taskId: task.id, subjectId: task.subject.id, to: assignment.assignee });
    } catch (error) {
      if (!(error instanceof TaskConflict)) throw error;
      // Decided or closed meanwhile: nothing to move.
    }
  }
  return done;
}
