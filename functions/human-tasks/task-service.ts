// The human-task core: open a task and mail its link, take a decision and hand it over, issue fresh links.
import type { AuditEntry, AuditTrail } from '#shared/audit.ts';
import { addDays, type Clock, startOfLocalDate } from '#shared/clock.ts';
import { logger } from '#shared/logger.ts';
import { mailRetryDelayMs } from '#shared/mail-outbox.ts';
import { type Mailer, trySend } from '#shared/mailer.ts';
import { failureReason, type Ops } from '#shared/ops-signals.ts';
import type { Locale } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import { findAssignee } from './assignee-lookup.ts';
import type { Assignment } from './assignment.ts';
import { type DecisionProblem, type RawDecision, validateDecision } from './decision-input.ts';
import { checkNonce, hashSecret, newLinkSecret, newTaskId, openingLinkSecret, sameHash } from './links.ts';
import { addDuration, slaSchedule } from './sla.ts';
import { closePending } from './task-closing.ts';
import { renderMovedNotice, renderOverdueAlert, renderTaskMail, type TaskMailKind } from './task-mail.ts';
import type { Decision, MailRetry, OpenTaskInput, RetiredLink, Task } from './task-model.ts';
import { type StoredTask, TaskConflict, type TaskRepository } from './task-repository.ts';
import type { TaskSubjects } from './task-subjects.ts';
import type { WorkflowGateway } from './workflow-gateway.ts';

export interface TaskDeps {
  tasks: TaskRepository;
  /** What the workflows say about a task's subject, for its mails. */
  subjects: TaskSubjects;
  people: PeopleRepository;
  audit: AuditTrail;
  mailer: Mailer;
  workflow: WorkflowGateway;
  clock: Clock;
  /** Where task pages are served, e.g. `https://abc.execute-api…amazonaws.com`; links are `<baseUrl>/t/<id>?k=…`. */
  baseUrl: string;
  /** Mail SES would not take and sweep failures reach ops through it (a metric an alarm watches, and a log line). */
  ops: Ops;
}

/**
 * What opening a task, issuing its link and mailing about it need: everything but the workflow gateway, so handlers
 * that only open and mail (open-task, mail-feedback) leave the Step Functions client out of their bundle and grants.
 */
export type OpeningDeps = Omit<TaskDeps, 'workflow'>;

/** What opening a step's task needs besides: the key its first link is derived with (links.ts). */
export interface OpenTaskDeps extends OpeningDeps {
  linkKey: string;
}

/** Who asks and from where; recorded with every decision. */
export interface Origin {
  ip?: string;
  userAgent?: string;
}

/** A decision that lost a race to a write leaving its task open is taken again on the fresh task, this often at most. */
const maxDecisionAttempts = 3;

/**
 * How long a new link's mail may stay unanswered by SES before the sweeper takes its run for dead and sends a fresh
 * link: well past any function's timeout, so a slow run is never overtaken by its own resend.
 */
const unconfirmedMailGraceMs = 15 * 60_000;

const unconfirmed = (kind: MailRetry['kind'], now: Date): Task['unconfirmedMail'] => ({
  kind,
  checkAt: new Date(now.getTime() + unconfirmedMailGraceMs).toISOString(),
});

/** How long after a failed delivery the sweeper tries SendTaskSuccess again (doubling, capped). */
const retryBaseMs = 60_000;
const retryCapMs = 60 * 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Opening

/**
 * Stores the task and mails the assignee. The workflow then waits for the task, whatever SES said: a mail it did not
 * take (in its sandbox, an unverified recipient) leaves the task open for the sweeper to mail again, and ops told.
 * Lambda may run this twice for one state (a retry after a timeout): the task found for the same token is kept, and
 * only if its mail's fate is unknown (the first run stopped before SES answered) does a fresh link go out.
 */
export async function openTask(deps: OpenTaskDeps, input: OpenTaskInput): Promise<StoredTask> {
  const ofSubject = await deps.tasks.ofSubject(input.subject.id);
  const existing = ofSubject.find((t) => t.token === input.taskToken);
  if (existing) {
    if (existing.status !== 'PENDING' || existing.mailedAt || existing.mailRetry) return existing;
    // The first run stopped before SES answered: the first link is mailed again, still valid (it derives from the
    // token and the link key); once a reminder or an escalation replaced it, that newer mail stands.
    if (existing.linkVersion > 1) return existing;
    const opening = openingLinkSecret(deps.linkKey, existing.token, existing.id);
    if (!sameHash(opening.hash, existing.linkHash)) {
      return issueLink(deps, existing, { kind: 'opened', retireAs: 'resent' });
    }
    return mailAssignee(deps, existing, opening.secret, 'opened');
  }
  // A retried state attempt brings a new token: the task the failed attempt left open is superseded, not kept.
  const now = deps.clock.now();
  for (const stale of ofSubject) {
    const sameState =
      stale.workflow.executionArn === input.executionArn && stale.workflow.stateName === input.stateName;
    if (!sameState || stale.status !== 'PENDING') continue;
    const reason = 'superseded by a retry of its step';
    if (await closePending(deps, stale, { status: 'CANCELLED', closedReason: reason }, now)) {
      await deps.audit.record({
        subjectId: stale.subject.id,
        at: now.toISOString(),
        actor: 'system',
        action: 'task-cancelled',
        detail: { taskId: stale.id, reason },
      });
    }
  }

  const assignment = await assign(deps, input, input.subject.id);
  // The day after the due date, in the company's time zone: "the date passed without a report".
  const dueAlertAt = input.sla.dueOn ? startOfLocalDate(addDays(input.sla.dueOn, 1)) : undefined;
  // A dated step is chased once its date has passed, not while the work is on schedule.
  const slaStart = dueAlertAt && dueAlertAt > now ? dueAlertAt : now;
  const { remindAt, escalateAt } = slaSchedule(slaStart, input.sla);
  const id = newTaskId();
  const { secret, hash } = openingLinkSecret(deps.linkKey, input.taskToken, id);
  const task: StoredTask = {
    id,
    type: input.type,
    status: 'PENDING',
    workflow: { slug: input.workflow, executionArn: input.executionArn, stateName: input.stateName },
    subject: input.subject,
    title: input.title,
    assignee: assignment.assignee,
    ...(assignment.onBehalfOf ? { onBehalfOf: assignment.onBehalfOf } : {}),
    requester: input.requester,
    ...(input.requesterMayDecide ? { requesterMayDecide: true } : {}),
    excluded: input.excluded,
    outcomes: input.outcomes,
    fields: input.fields,
    sla: input.sla,
    openedAt: now.toISOString(),
    deadlineAt: new Date(now.getTime() + input.deadlineSeconds * 1000).toISOString(),
    remindAt: remindAt.toISOString(),
    escalateAt: escalateAt.toISOString(),
    ...(dueAlertAt ? { dueAlertAt: dueAlertAt.toISOString() } : {}),
    escalated: false,
    linkHash: hash,
    linkVersion: 1,
    retiredLinks: [],
    unconfirmedMail: unconfirmed('opened', now),
    version: 1,
    token: input.taskToken,
  };
  await deps.tasks.create(task);
  await deps.audit.record({
    subjectId: task.subject.id,
    at: task.openedAt,
    actor: 'system',
    action: 'task-opened',
    detail: {
      taskId: task.id,
      type: task.type,
      assignee: task.assignee,
      onBehalfOf: task.onBehalfOf,
      route: assignment.route,
    },
  });
  return mailAssignee(deps, task, secret, 'opened');
}

async function assign(
  deps: OpeningDeps,
  input: Pick<OpenTaskInput, 'assignee' | 'requester' | 'requesterMayDecide' | 'excluded'>,
  subjectId: string,
): Promise<Extract<Assignment, { ok: true }>> {
  const { assignee: rule, ...who } = input;
  const assignment = await findAssignee(deps, { rule, ...who });
  if (assignment.ok) return assignment;
  // Nobody eligible (bad directory data): an admin routes it by hand rather than the workflow failing.
  const fallback = await findAssignee(deps, { rule: { role: 'admin' }, ...who });
  if (!fallback.ok)
    throw new Error(`No eligible assignee for ${subjectId}: ${assignment.reason}; no admin either`);
  return {
    ...fallback,
    route: [...assignment.route, `no eligible assignee (${assignment.reason}) → admin`, ...fallback.route],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Deciding

export type DecisionRequest = RawDecision &
  Origin & { taskId: string } & (
    | { via: 'link'; secret: string; nonce: string }
    | { via: 'api'; caller: string }
  );

export type DecisionResult =
  | { kind: 'decided'; task: StoredTask; decision: Decision }
  | { kind: 'recorded-pending-delivery'; task: StoredTask }
  | { kind: 'already-decided'; task: StoredTask }
  | { kind: 'expired'; task: StoredTask }
  | { kind: 'too-late'; task: StoredTask }
  | { kind: 'no-longer-running'; task: StoredTask }
  | { kind: 'link-replaced'; task: StoredTask; retired: RetiredLink }
  | { kind: 'invalid-link' }
  | { kind: 'not-assignee'; task: StoredTask }
  | { kind: 'stale-page'; task: StoredTask }
  | { kind: 'invalid-input'; task: StoredTask; errors: DecisionProblem[] };

export type ClosedState = Extract<
  DecisionResult,
  { kind: 'already-decided' | 'no-longer-running' | 'expired' | 'too-late' }
>;
export type LinkProblem = Extract<DecisionResult, { kind: 'invalid-link' | 'link-replaced' }>;

/** Why an open task cannot be decided now, if it cannot; used by the page (GET) and by decisions alike. */
export function closedState(task: StoredTask, now: Date): ClosedState | undefined {
  if (task.status === 'DECIDED') return { kind: 'already-decided', task };
  if (task.status === 'CANCELLED') return { kind: 'no-longer-running', task };
  if (task.status === 'EXPIRED') return { kind: task.delivery === 'too-late' ? 'too-late' : 'expired', task };
  if (now.getTime() >= Date.parse(task.deadlineAt)) return { kind: 'expired', task };
  return undefined;
}

/** Checks a link's secret against the task: current, replaced by a newer link, or not a link at all. */
export function checkLink(task: StoredTask | undefined, secret: string): LinkProblem | undefined {
  if (!task || !secret) return { kind: 'invalid-link' };
  const hash = hashSecret(secret);
  if (sameHash(hash, task.linkHash)) return undefined;
  const retired = task.retiredLinks.find((link) => sameHash(hash, link.hash));
  return retired ? { kind: 'link-replaced', task, retired } : { kind: 'invalid-link' };
}

/**
 * Takes a decision: checks who and what, moves the task PENDING → DECIDED in one conditional write (so racing
 * clicks make exactly one decision), records it, then hands it to the workflow. Nothing changes on any refusal.
 */
export async function decideTask(
  deps: TaskDeps,
  request: DecisionRequest,
  attempt = 1,
): Promise<DecisionResult> {
  const now = deps.clock.now();
  const task = await deps.tasks.get(request.taskId);
  if (request.via === 'link') {
    const linkProblem = checkLink(task, request.secret);
    if (linkProblem) return linkProblem;
  }
  if (!task) return { kind: 'invalid-link' };
  const closed = closedState(task, now);
  if (closed) return closed;
  if (request.via === 'api' && request.caller !== task.assignee) return { kind: 'not-assignee', task };
  if (request.via === 'link') {
    const nonce = checkNonce(request.nonce, task.id, task.linkHash, now);
    if (nonce === 'invalid') return { kind: 'invalid-link' };
    if (nonce === 'stale') return { kind: 'stale-page', task };
  }
  const checked = validateDecision(task, request);
  if (!checked.ok) return { kind: 'invalid-input', task, errors: checked.errors };
  // Don't record a decision nobody waits for (the workflow was stopped, or lost with a sandbox restart).
  if (!(await deps.workflow.isRunning(task.workflow.executionArn)))
    return { kind: 'no-longer-running', task };

  const decision: Decision = { ...checked.decision, decidedBy: task.assignee, decidedAt: now.toISOString() };
  const decided: StoredTask = {
    ...task,
    status: 'DECIDED',
    decision,
    delivery: 'pending',
    closedAt: decision.decidedAt,
  };
  try {
    await deps.tasks.replace(task, decided);
  } catch (error) {
    if (!(error instanceof TaskConflict)) throw error;
    // Someone else won the race (another click, the sweeper, the deadline): report what the task is now.
    const current = await deps.tasks.get(task.id);
    // A write that left it open (its mail just recorded, a reminder) decided nothing: decide on it as it is now, where
    // the link and the page are checked again.
    if (current?.status === 'PENDING' && attempt < maxDecisionAttempts) {
      return decideTask(deps, request, attempt + 1);
    }
    return (current && closedState(current, now)) ?? { kind: 'invalid-link' };
  }
  const entry: AuditEntry = {
    subjectId: task.subject.id,
    at: decision.decidedAt,
    actor: task.assignee,
    action: 'task-decided',
    detail: {
      taskId: task.id,
      type: task.type,
      outcome: decision.outcome,
      comment: decision.comment,
      via: request.via,
    },
    ip: request.ip,
    userAgent: request.userAgent,
  };
  try {
    await deps.audit.record(entry);
  } catch (error) {
    // The decision is taken (the task holds it, and its Record step keeps it with the subject): it must reach the
    // workflow now, not fail the person's request over the trail. Ops get the entry, to add by hand.
    deps.ops.tell({ event: 'trail-entry-lost', entry, reason: failureReason(error) });
  }
  return deliver(deps, { ...decided, version: task.version + 1 });
}

/**
 * Hands a recorded decision to the waiting workflow; a passing failure leaves it for the sweeper to retry. A
 * redelivery that Step Functions answers with TaskTimedOut before the deadline, while the execution still runs or has
 * since succeeded, means an earlier attempt got through and only its answer was lost (the process died, the call
 * timed out): the decision is in; the workflow went on from the step that waited for it.
 */
export async function deliver(
  deps: Pick<TaskDeps, 'workflow' | 'tasks' | 'audit' | 'clock'>,
  task: StoredTask,
  redelivery = false,
): Promise<DecisionResult> {
  const decision = task.decision as Decision;
  let outcome = await deps.workflow.deliver(task.token, { taskId: task.id, outcome: decision.outcome });
  const now = deps.clock.now();
  const beforeDeadline = now.getTime() < Date.parse(task.deadlineAt);
  if (redelivery && outcome === 'timed-out' && beforeDeadline) {
    if ((await deps.workflow.executionState(task.workflow.executionArn)) !== 'ended') outcome = 'delivered';
  }
  let next: StoredTask;
  let result: DecisionResult;
  if (outcome === 'delivered') {
    next = { ...task, delivery: 'delivered', deliveryRetryAt: undefined };
    result = { kind: 'decided', task: next, decision };
  } else if (outcome === 'retry') {
    const attempts = (task.deliveryAttempts ?? 0) + 1;
    const wait = Math.min(retryBaseMs * 2 ** (attempts - 1), retryCapMs);
    next = {
      ...task,
      deliveryAttempts: attempts,
      deliveryRetryAt: new Date(now.getTime() + wait).toISOString(),
    };
    result = { kind: 'recorded-pending-delivery', task: next };
  } else {
    // Step Functions answers TaskTimedOut for any closed task; only a passed deadline makes it "too late".
    const late = outcome === 'timed-out' && now.getTime() >= Date.parse(task.deadlineAt);
    next = late
      ? {
          ...task,
          status: 'EXPIRED',
          delivery: 'too-late',
          closedReason: 'deadline passed before the decision',
        }
      : { ...task, status: 'CANCELLED', delivery: 'too-late', closedReason: 'workflow no longer running' };
    result = { kind: late ? 'too-late' : 'no-longer-running', task: next };
    await deps.audit.record({
      subjectId: task.subject.id,
      at: now.toISOString(),
      actor: 'system',
      action: late ? 'decision-too-late' : 'decision-undeliverable',
      detail: { taskId: task.id },
    });
  }
  try {
    await deps.tasks.replace(task, next);
  } catch (error) {
    // The decision is already recorded; a lost race here only means the sweeper settles the delivery state.
    if (!(error instanceof TaskConflict)) throw error;
  }
  return result;
}

// ---------------------------------------------------------------------------------------------------------------
// Links and their mails

/** What a fresh link is for; the mail says so, and the trail names it. */
export interface LinkIssue {
  kind: TaskMailKind;
  retireAs: RetiredLink['reason'];
  /** A new assignee (escalation, reassignment); the same one otherwise. */
  assignee?: string;
  onBehalfOf?: string;
  /** Why, for the trail (a bounced address). */
  reason?: string;
  /** The step's due-date alert goes with this reminder: it is not sent again. */
  dueAlerted?: boolean;
}

const linkActions: Record<RetiredLink['reason'], string> = {
  reminded: 'task-reminded',
  escalated: 'task-escalated',
  reassigned: 'task-reassigned',
  resent: 'task-mail-resent',
};

/**
 * Sends the assignee a fresh link (the old one dies: the table keeps hashes only, so no mail can repeat an old
 * secret) and records it. Used for reminders, escalations, reassignments and mails SES did not take before.
 */
export async function issueLink(deps: OpeningDeps, task: StoredTask, how: LinkIssue): Promise<StoredTask> {
  const now = deps.clock.now();
  const { secret, hash } = newLinkSecret();
  const assignee = how.assignee ?? task.assignee;
  const next: StoredTask = {
    ...task,
    assignee,
    onBehalfOf: how.assignee ? how.onBehalfOf : task.onBehalfOf,
    linkHash: hash,
    linkVersion: task.linkVersion + 1,
    retiredLinks: [
      ...task.retiredLinks,
      { hash: task.linkHash, reason: how.retireAs, at: now.toISOString(), to: assignee },
    ],
    // The due-date reminder leaves the regular one in place: it counts from the due date.
    remindAt: how.kind === 'reminder' && !how.dueAlerted ? undefined : task.remindAt,
    dueAlertAt: how.dueAlerted ? undefined : task.dueAlertAt,
    mailedAt: undefined,
    mailRetry: undefined,
    unconfirmedMail: unconfirmed(how.kind, now),
    // Someone new has it: whatever kept it from escalating before no longer matters.
    escalationFailed: how.assignee ? undefined : task.escalationFailed,
  };
  if (how.kind === 'escalated' || how.kind === 'reassigned') {
    // The new assignee gets the whole reminder interval; an escalation happens once, a reassignment keeps its due time.
    next.remindAt = addDuration(now, task.sla.reminderAfter).toISOString();
  }
  if (how.kind === 'escalated') {
    next.escalated = true;
    next.escalateAt = undefined;
  }
  await deps.tasks.replace(task, next);
  const saved = { ...next, version: task.version + 1 };
  await deps.audit.record({
    subjectId: task.subject.id,
    at: now.toISOString(),
    actor: 'system',
    action: linkActions[how.retireAs],
    detail: {
      taskId: task.id,
      from: task.assignee,
      to: assignee,
      onBehalfOf: saved.onBehalfOf,
      ...(how.reason ? { reason: how.reason } : {}),
    },
  });
  // A resend continues the count of attempts, so its backoff keeps growing.
  const earlierAttempts = how.retireAs === 'resent' ? (task.mailRetry?.attempts ?? 0) : 0;
  const mailed = await mailAssignee(deps, saved, secret, how.kind, earlierAttempts);
  if (how.kind === 'escalated' && assignee !== task.assignee)
    await tellFormerAssignee(deps, mailed, task.assignee);
  return mailed;
}

/**
 * The step's due date passed with the task still open: the assignee gets a reminder (a fresh link) and the people the
 * step names are alerted, once; the task stays open.
 */
export async function alertOverdue(deps: OpeningDeps, task: StoredTask): Promise<void> {
  const reminded = await issueLink(deps, task, { kind: 'reminder', retireAs: 'reminded', dueAlerted: true });
  const alertAtDue = task.sla.alertAtDue ?? [];
  const [assignee, ...alerted] = await Promise.all(
    [reminded.assignee, ...alertAtDue].map((email) => deps.people.get(email)),
  );
  for (const [i, email] of alertAtDue.entries()) {
    if (email === reminded.assignee) continue;
    const locale: Locale = alerted[i]?.locale ?? 'zh-CN';
    const alert = renderOverdueAlert({
      task: reminded,
      names: deps.subjects.names(reminded, locale),
      locale,
      recipientName: alerted[i]?.name ?? email,
      assigneeName: assignee?.name ?? reminded.assignee,
    });
    const outcome = await trySend(deps.mailer, { to: email, ...alert });
    if (!outcome.sent)
      logger.warn('Could not send an overdue alert', { taskId: task.id, reason: outcome.reason });
  }
  await deps.audit.record({
    subjectId: task.subject.id,
    at: deps.clock.now().toISOString(),
    actor: 'system',
    action: 'task-overdue',
    detail: { taskId: task.id, dueOn: task.sla.dueOn, alerted: alertAtDue },
  });
}

/** Tells whoever had the task that it moved to someone else; a mail that does not go must not undo the escalation. */
async function tellFormerAssignee(
  deps: OpeningDeps,
  task: StoredTask,
  formerAssignee: string,
): Promise<void> {
  const [former, current] = await Promise.all([
    deps.people.get(formerAssignee),
    deps.people.get(task.assignee),
  ]);
  const locale: Locale = former?.locale ?? 'zh-CN';
  const notice = renderMovedNotice({
    task,
    names: deps.subjects.names(task, locale),
    locale,
    recipientName: former?.name ?? formerAssignee,
    toName: current?.name ?? task.assignee,
  });
  const outcome = await trySend(deps.mailer, { to: formerAssignee, ...notice });
  if (!outcome.sent) {
    logger.warn('Could not tell the former assignee that the task moved', {
      taskId: task.id,
      reason: outcome.reason,
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------

export function taskLink(baseUrl: string, task: Pick<Task, 'id'>, secret: string): string {
  return `${baseUrl.replace(/\/$/, '')}/t/${encodeURIComponent(task.id)}?k=${encodeURIComponent(secret)}`;
}

/**
 * Mails the assignee their link and records whether SES took it. When it did not, the task stays as it is (open,
 * its workflow waiting), the trail and ops are told, and the sweeper sends a fresh link after a backoff: the secret
 * exists only in this mail, so a resend always means a new link.
 */
async function mailAssignee(
  deps: OpeningDeps,
  task: StoredTask,
  secret: string,
  kind: TaskMailKind,
  earlierAttempts = 0,
): Promise<StoredTask> {
  const [person, standIn] = await Promise.all([
    deps.people.get(task.assignee),
    task.onBehalfOf ? deps.people.get(task.onBehalfOf) : undefined,
  ]);
  const locale: Locale = person?.locale ?? 'zh-CN';
  const mail = renderTaskMail({
    task,
    names: deps.subjects.names(task, locale),
    summary: await deps.subjects.summary(task, locale),
    link: taskLink(deps.baseUrl, task, secret),
    kind,
    locale,
    assigneeName: person?.name ?? task.assignee,
    ...(task.onBehalfOf ? { onBehalfOfName: standIn?.name ?? task.onBehalfOf } : {}),
  });
  const outcome = await trySend(deps.mailer, { to: task.assignee, ...mail });
  const now = deps.clock.now();
  if (outcome.sent) {
    return saveQuietly(deps, task, { ...task, mailedAt: now.toISOString(), unconfirmedMail: undefined });
  }

  const attempts = earlierAttempts + 1;
  const mailRetry: MailRetry = {
    kind,
    attempts,
    at: new Date(now.getTime() + mailRetryDelayMs(attempts)).toISOString(),
    reason: outcome.reason,
  };
  const saved = await saveQuietly(deps, task, { ...task, mailRetry, unconfirmedMail: undefined });
  await deps.audit.record({
    subjectId: task.subject.id,
    at: now.toISOString(),
    actor: 'system',
    action: outcome.refused ? 'task-mail-refused' : 'task-mail-failed',
    detail: {
      taskId: task.id,
      to: task.assignee,
      reason: outcome.reason,
      attempt: attempts,
      retryAt: mailRetry.at,
    },
  });
  deps.ops.tell({
    event: 'mail-not-sent',
    workflow: task.workflow.slug,
    subjectId: task.subject.id,
    taskId: task.id,
    to: task.assignee,
    refused: outcome.refused,
    reason: outcome.reason,
  });
  return saved;
}

/**
 * Records what became of a mail. Losing the race to a decision or a close is fine: the task moved on, and the
 * mail's record matters only while it is open.
 */
async function saveQuietly(deps: OpeningDeps, task: StoredTask, next: StoredTask): Promise<StoredTask> {
  try {
    await deps.tasks.replace(task, next);
    return { ...next, version: task.version + 1 };
  } catch (error) {
    if (!(error instanceof TaskConflict)) throw error;
    logger.info('Task changed while its mail was recorded', { taskId: task.id });
    return task;
  }
}
