// The second SLA sweep (SES): reminders, escalations, due-date alerts, mail resends, and tasks left past their deadline.
import { type MailOutbox, resendKept } from '#shared/mail-outbox.ts';
import { findAssignee } from './assignee-lookup.ts';
import { overdueCheckAt, type StoredTask } from './task-repository.ts';
import { alertOverdue, issueLink, type OpeningDeps } from './task-service.ts';
import { closeUndecidable, type SweepLimits, type SweepOutcome, SweepRun, unlimited } from './task-sweep.ts';

export interface MailSweepDeps extends OpeningDeps {
  outbox: Pick<MailOutbox, 'due' | 'keep' | 'remove'>;
}

export interface MailSweepReport extends SweepOutcome {
  reminded: number;
  escalated: number;
  resent: number;
  expired: number;
  mailsResent: number;
}

type Counts = Omit<MailSweepReport, keyof SweepOutcome>;

/** Runs after the delivery sweep, which has closed the tasks whose workflow no longer runs. */
export async function sweepMail(
  deps: MailSweepDeps,
  limits: SweepLimits = unlimited,
): Promise<MailSweepReport> {
  const run = new SweepRun(deps.ops, limits);
  const counts: Counts = { reminded: 0, escalated: 0, resent: 0, expired: 0, mailsResent: 0 };
  const now = deps.clock.now();
  await run.dueTasks(deps.tasks, now, async (task) => {
    if (task.status === 'PENDING') await chase(deps, task, now, counts);
  });

  // Kept mails leave the due range once handled (sent, given up, or due later), so each query starts afresh; one
  // that failed stays due, and is not tried twice in a run.
  const tried = new Set<string>();
  while (run.mayGoOn()) {
    const kept = (await deps.outbox.due(now, run.pageSize + tried.size)).filter(
      (mail) => !tried.has(mail.id),
    );
    if (kept.length === 0) break;
    await run.inBatches(
      kept,
      (mail) => ({ workflow: mail.workflow, taskId: `mail ${mail.id}` }),
      async (mail) => {
        tried.add(mail.id);
        if ((await resendKept(deps, mail)) === 'sent') counts.mailsResent++;
      },
    );
  }
  return { ...counts, ...run.end() };
}

/** The one thing due for an open task, most pressing first. */
async function chase(deps: MailSweepDeps, task: StoredTask, now: Date, counts: Counts): Promise<void> {
  const due = (at: string | undefined) => at !== undefined && Date.parse(at) <= now.getTime();
  if (due(task.escalateAt)) {
    if (await escalate(deps, task)) counts.escalated++;
  } else if (due(task.dueAlertAt)) {
    await alertOverdue(deps, task);
    counts.reminded++;
  } else if (task.mailRetry && due(task.mailRetry.at)) {
    await issueLink(deps, task, { kind: task.mailRetry.kind, retireAs: 'resent' });
    counts.resent++;
  } else if (task.unconfirmedMail && due(task.unconfirmedMail.checkAt)) {
    await issueLink(deps, task, { kind: task.unconfirmedMail.kind, retireAs: 'resent' });
    counts.resent++;
  } else if (due(task.remindAt)) {
    await issueLink(deps, task, { kind: 'reminder', retireAs: 'reminded' });
    counts.reminded++;
  } else if (due(overdueCheckAt(task))) {
    // Its workflow's own timeout path should have closed it a day ago; nobody can decide it any more.
    await closeUndecidable(deps, task, now, 'EXPIRED', 'deadline passed and its workflow did not close it');
    counts.expired++;
  }
}

/** After an escalation found nobody, the next try: a day later, by when someone may have fixed the directory. */
const escalationRetryMs = 24 * 60 * 60_000;

/**
 * Reassigns to the escalation role or the assignee's manager. When nobody can take it over the task stays with its
 * assignee, marked, so the gauges count it as past escalation and ops are alarmed, and the sweep tries again a day
 * later (the directory may have been fixed meanwhile); returns false then.
 */
async function escalate(deps: MailSweepDeps, task: StoredTask): Promise<boolean> {
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
