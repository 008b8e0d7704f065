// The human-task core: open a task, take a decision, run the SLA (reminders, escalation, redelivery).
import type { AuditTrail } from '#shared/audit.ts';
import type { Clock } from '#shared/clock.ts';
import type { FieldProblem } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';
import type { Mailer } from '#shared/mailer.ts';
import type { Locale } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import { findAssignee } from './assignee-lookup.ts';
import type { Assignment } from './assignment.ts';
import { type RawDecision, validateDecision } from './decision-input.ts';
import { checkNonce, hashSecret, newLinkSecret, newTaskId, openingLinkSecret, sameHash } from './links.ts';
import { addDuration, slaSchedule } from './sla.ts';
import { closePending } from './task-closing.ts';
import { renderTaskMail, type TaskMailKind } from './task-mail.ts';
import type { Decision, OpenTaskInput, RetiredLink, Task } from './task-model.ts';
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
}

/** Who asks and from where; recorded with every decision. */
export interface Origin {
  ip?: string;
  userAgent?: string;
}

/** How long after a failed delivery the sweeper tries SendTaskSuccess again (doubling, capped). */
const retryBaseMs = 60_000;
const retryCapMs = 60 * 60_000;

const mailRetryMs = 5 * 60_000;

// ---------------------------------------------------------------------------------------------------------------
// Opening

/**
 * Stores the task and mails the assignee. Lambda may run this twice for one state (a retry after a timeout): the
 * task found for the same token is kept and its link re-issued, so one state never makes two tasks.
 */
export async function openTask(deps: TaskDeps, input: OpenTaskInput): Promise<StoredTask> {
  const ofSubject = await deps.tasks.ofSubject(input.subject.id);
  const existing = ofSubject.find((t) => t.token === input.taskToken);
  if (existing) {
    if (existing.status !== 'PENDING') return existing;
    // The same step opened again (its Lambda ran twice): the first link is mailed again, still valid; once a reminder
    // or an escalation replaced it, that newer mail stands.
    const opening = openingLinkSecret(existing.token, existing.id);
    if (existing.linkVersion > 1) return existing;
    if (!sameHash(opening.hash, existing.linkHash)) {
      return issueLink(deps, existing, { kind: 'opened', retireAs: 'reminded' });
    }
    await mailAssignee(deps, existing, opening.secret, 'opened');
    return existing;
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

  const assignment = await assign(deps, input.assignee, input.requester, input.excluded, input.subject.id);
  const { remindAt, escalateAt } = slaSchedule(now, input.sla);
  const id = newTaskId();
  const { secret, hash } = openingLinkSecret(input.taskToken, id);
  const task: StoredTask = {
    id,
    type: input.type,
    status: 'PENDING',
    workflow: { executionArn: input.executionArn, stateName: input.stateName },
    subject: input.subject,
    title: input.title,
    assignee: assignment.assignee,
    ...(assignment.onBehalfOf ? { onBehalfOf: assignment.onBehalfOf } : {}),
    requester: input.requester,
    excluded: input.excluded,
    outcomes: input.outcomes,
    fields: input.fields,
    sla: input.sla,
    openedAt: now.toISOString(),
    deadlineAt: new Date(now.getTime() + input.deadlineSeconds * 1000).toISOString(),
    remindAt: remindAt.toISOString(),
    escalateAt: escalateAt.toISOString(),
    escalated: false,
    linkHash: hash,
    linkVersion: 1,
    retiredLinks: [],
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
  await mailAssignee(deps, task, secret, 'opened');
  return task;
}

async function assign(
  deps: TaskDeps,
  rule: OpenTaskInput['assignee'],
  requester: string,
  excluded: readonly string[],
  subjectId: string,
): Promise<Extract<Assignment, { ok: true }>> {
  const assignment = await findAssignee(deps, { rule, requester, excluded });
  if (assignment.ok) return assignment;
  // Nobody eligible (bad directory data): an admin routes it by hand rather than the workflow failing.
  const fallback = await findAssignee(deps, { rule: { role: 'admin' }, requester, excluded });
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
  | { kind: 'invalid-input'; task: StoredTask; errors: FieldProblem[] };

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
export async function decideTask(deps: TaskDeps, request: DecisionRequest): Promise<DecisionResult> {
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
    return (current && closedState(current, now)) ?? { kind: 'invalid-link' };
  }
  await deps.audit.record({
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
  });
  return deliver(deps, { ...decided, version: task.version + 1 });
}

/**
 * Hands a recorded decision to the waiting workflow; a passing failure leaves it for the sweeper to retry. A
 * redelivery that Step Functions answers with TaskTimedOut while the execution still runs and the deadline has not
 * passed means an earlier attempt got through and only its answer was lost (the process died, the call timed out):
 * the decision is in.
 */
async function deliver(deps: TaskDeps, task: StoredTask, redelivery = false): Promise<DecisionResult> {
  const decision = task.decision as Decision;
  let outcome = await deps.workflow.deliver(task.token, { taskId: task.id, outcome: decision.outcome });
  const now = deps.clock.now();
  const beforeDeadline = now.getTime() < Date.parse(task.deadlineAt);
  if (redelivery && outcome === 'timed-out' && beforeDeadline) {
    if (await deps.workflow.isRunning(task.workflow.executionArn)) outcome = 'delivered';
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
// SLA: reminders, escalation, redelivery

export interface SweepReport {
  reminded: number;
  escalated: number;
  redelivered: number;
  cancelled: number;
  failed: number;
}

/** Does whatever is due: the one SLA mechanism for every workflow's tasks (DESIGN §5). */
export async function sweepTasks(deps: TaskDeps): Promise<SweepReport> {
  const report: SweepReport = { reminded: 0, escalated: 0, redelivered: 0, cancelled: 0, failed: 0 };
  const now = deps.clock.now();
  const due = (at: string | undefined) => at !== undefined && Date.parse(at) <= now.getTime();
  for (const task of await deps.tasks.due(now)) {
    try {
      if (task.status === 'DECIDED' && task.delivery === 'pending') {
        const result = await deliver(deps, task, true);
        if (result.kind !== 'recorded-pending-delivery') report.redelivered++;
      } else if (task.status !== 'PENDING') {
      } else if (!(await deps.workflow.isRunning(task.workflow.executionArn))) {
        // Nobody waits for this task any more (the execution was stopped or lost): stop chasing people for it.
        await cancel(deps, task, now);
        report.cancelled++;
      } else if (due(task.escalateAt)) {
        if (await escalate(deps, task)) report.escalated++;
      } else if (due(task.remindAt)) {
        await issueLink(deps, task, { kind: 'reminder', retireAs: 'reminded' });
        report.reminded++;
      }
    } catch (error) {
      if (error instanceof TaskConflict) continue; // decided meanwhile: nothing left to do
      report.failed++;
      logger.error('SLA step failed', { taskId: task.id, error: error as Error });
    }
  }
  return report;
}

async function cancel(deps: TaskDeps, task: StoredTask, now: Date): Promise<void> {
  const closedReason = 'workflow no longer running';
  if (!(await closePending(deps, task, { status: 'CANCELLED', closedReason }, now))) return;
  await deps.audit.record({
    subjectId: task.subject.id,
    at: now.toISOString(),
    actor: 'system',
    action: 'task-cancelled',
    detail: { taskId: task.id, reason: closedReason },
  });
}

/**
 * Sends the assignee a fresh link (the old one dies: the table keeps hashes only, so a reminder cannot repeat the
 * old secret) and records it. Used for reminders and for a retried open.
 */
async function issueLink(
  deps: TaskDeps,
  task: StoredTask,
  how: { kind: TaskMailKind; retireAs: RetiredLink['reason']; assignee?: string; onBehalfOf?: string },
): Promise<StoredTask> {
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
    remindAt: how.kind === 'reminder' ? undefined : task.remindAt,
  };
  if (how.kind === 'escalated') {
    next.escalated = true;
    next.escalateAt = undefined;
    next.remindAt = addDuration(now, task.sla.reminderAfter).toISOString();
  }
  await deps.tasks.replace(task, next);
  const saved = { ...next, version: task.version + 1 };
  const action =
    how.kind === 'opened'
      ? 'task-link-reissued'
      : how.kind === 'reminder'
        ? 'task-reminded'
        : 'task-escalated';
  await deps.audit.record({
    subjectId: task.subject.id,
    at: now.toISOString(),
    actor: 'system',
    action,
    detail: { taskId: task.id, from: task.assignee, to: assignee, onBehalfOf: saved.onBehalfOf },
  });
  try {
    await mailAssignee(deps, saved, secret, how.kind);
  } catch (error) {
    if (how.kind === 'opened') throw error; // open-task's own retry sends it again
    // The new link exists only in this mail: schedule another reminder, which issues a fresh one.
    logger.error('Task mail failed; will re-send', { taskId: task.id, error: error as Error });
    await deps.tasks.replace(saved, {
      ...saved,
      remindAt: new Date(now.getTime() + mailRetryMs).toISOString(),
    });
  }
  return saved;
}

/** Reassigns to the escalation role or the assignee's manager; returns false when nobody can take it over. */
async function escalate(deps: TaskDeps, task: StoredTask): Promise<boolean> {
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
        excluded: [...task.excluded, task.assignee],
      })
    : undefined;
  if (!assignment?.ok) {
    const reason = assignment ? assignment.reason : `${task.assignee} has no manager`;
    await deps.tasks.replace(task, { ...task, escalated: true, escalateAt: undefined });
    await deps.audit.record({
      subjectId: task.subject.id,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: 'task-escalation-failed',
      detail: { taskId: task.id, assignee: task.assignee, reason },
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

// ---------------------------------------------------------------------------------------------------------------

export function taskLink(baseUrl: string, task: Pick<Task, 'id'>, secret: string): string {
  return `${baseUrl.replace(/\/$/, '')}/t/${encodeURIComponent(task.id)}?k=${encodeURIComponent(secret)}`;
}

async function mailAssignee(
  deps: TaskDeps,
  task: StoredTask,
  secret: string,
  kind: TaskMailKind,
): Promise<void> {
  const person = await deps.people.get(task.assignee);
  const locale: Locale = person?.locale ?? 'zh-CN';
  const mail = renderTaskMail({
    task,
    summary: await deps.subjects.summary(task, locale),
    link: taskLink(deps.baseUrl, task, secret),
    kind,
    locale,
    assigneeName: person?.name ?? task.assignee,
  });
  await deps.mailer.send({ to: task.assignee, ...mail });
}
