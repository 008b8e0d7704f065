// The kit's steps, written once for every workflow: open a human step, record its decision, finish, needs attention.
import type {
  OpenTaskInput,
  OpenTaskRequest,
  Task,
  TaskResult,
  TaskSummary,
} from '#human-tasks/task-model.ts';
import type { SubjectNames } from '#human-tasks/task-subjects.ts';
import type { AuditTrail } from '../audit.ts';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import type { SubjectMailer } from '../mail-outbox.ts';
import type { Ops } from '../ops-signals.ts';
import type { Locale } from '../people.ts';
import type { PeopleRepository } from '../people-repository.ts';
import {
  describeEarlierComments,
  renderEndingMail,
  renderNeedsAttentionMail,
  subjectNames,
} from './kit-mail.ts';
import { approversOf, type Review, type ReviewStore, reviewsOf } from './reviews.ts';
import { type Attention, MissingSubject, StaleSubject, type Subject, type SubjectRef } from './subject.ts';
import type { Workflow, WorkflowTasks } from './workflow.ts';

/** What the kit's steps read and write besides the workflow's own subjects. */
export interface KitDeps {
  reviews: Pick<ReviewStore, 'add' | 'of'>;
  tasks: { get(id: string): Promise<Task | undefined> };
  audit: Pick<AuditTrail, 'record'>;
  people: Pick<PeopleRepository, 'get' | 'getMany'>;
  clock: Clock;
}

/** The human-task operations the kit's endings need: close the tasks an ending leaves behind. */
export interface TaskClosing {
  /** A human step passed its deadline: its tasks close as expired and the requester is told, in these words. */
  closeExpired(
    subjectId: string,
    executionArn: string,
    names: (task: Task, locale: Locale) => SubjectNames,
  ): Promise<void>;
  /** The execution stopped on a failure: its open tasks close so nobody decides for nothing. */
  cancelOpen(subjectId: string, executionArn: string, reason: string): Promise<void>;
}

export interface KitEndingDeps extends KitDeps {
  /** Mails to the requester; one SES does not take is kept for the sweep, never failing the step. */
  mailer: SubjectMailer;
  closing: TaskClosing;
  /** Signals for operations (an EMF metric on AWS, which an alarm watches). */
  ops: Ops;
}

/** The subject at the version the execution is about; anything else is a failure no retry fixes. */
export async function loadSubject<S extends Subject, D>(
  workflow: WorkflowTasks<S, D>,
  deps: D,
  ref: SubjectRef,
) {
  const subject = await workflow.subjects(deps).get(ref.id);
  if (!subject) throw new MissingSubject(`${workflow.kind} ${ref.id} does not exist`);
  if (subject.version !== ref.version) {
    throw new StaleSubject(
      `${ref.id} is at version ${subject.version}; this execution is about ${ref.version}`,
    );
  }
  return subject;
}

export class UnknownStep extends Error {
  override name = 'UnknownStep';
}

/**
 * What the task core needs to open the human step `request.stateName` for this subject: the step's declaration
 * applied to the subject as it is now. Also puts the subject in the step's status (a contract awaiting signature).
 */
export async function prepareTask<S extends Subject, D>(
  workflow: WorkflowTasks<S, D>,
  deps: D,
  kit: Pick<KitDeps, 'reviews'>,
  request: OpenTaskRequest,
): Promise<OpenTaskInput> {
  const step = workflow.humanSteps[request.stateName];
  if (!step) throw new UnknownStep(`${workflow.slug} has no human step named "${request.stateName}"`);
  let subject = await loadSubject(workflow, deps, request.subject);
  // One approval per person: who approved this version before may not decide this step too.
  const excluded = [
    ...(step.excludeEarlierApprovers ? approversOf(await kit.reviews.of(subject.id), subject.version) : []),
    ...(step.alsoExcluded?.(subject) ?? []),
  ];
  if (step.status !== undefined && subject.status !== step.status) {
    subject = await workflow.subjects(deps).save({ ...subject, status: step.status });
  }
  return {
    taskToken: request.taskToken,
    workflow: workflow.slug,
    executionArn: request.executionArn,
    stateName: request.stateName,
    type: step.type,
    subject: request.subject,
    title: workflow.title(subject),
    assignee: await step.assignee(subject, deps),
    requester: workflow.requester(subject),
    ...(step.requesterTakesPart ? { requesterMayDecide: true } : {}),
    excluded,
    outcomes: [...step.outcomes],
    fields: step.fields?.(subject) ?? [],
    sla: await step.sla(deps, subject),
    deadlineSeconds: request.deadlineSeconds,
  };
}

/** What a decider sees for `task`: the workflow's summary of the subject now, and the earlier comments. */
export async function summarizeForTask<S extends Subject, D>(
  workflow: WorkflowTasks<S, D>,
  deps: D,
  kit: { reviews: Pick<KitDeps['reviews'], 'of'>; people: KitDeps['people'] },
  task: Pick<Task, 'subject' | 'workflow'>,
  locale: Locale,
): Promise<TaskSummary> {
  const subject = await workflow.subjects(deps).get(task.subject.id);
  if (!subject) throw new MissingSubject(`${workflow.kind} ${task.subject.id} does not exist`);
  const reviews = await kit.reviews.of(task.subject.id);
  const summary = await workflow.summarize({ subject, step: task.workflow.stateName, locale, reviews, deps });
  const earlier = await describeEarlierComments(workflow, kit.people, reviews, locale);
  return { ...summary, history: [...earlier, ...summary.history] };
}

export class UnknownDecision extends Error {
  override name = 'UnknownDecision';
}

/** The recorded outcome, and what the workflow's rules computed for the Choice states that follow (`route`). */
export interface Recorded {
  outcome: string;
  route: Readonly<Record<string, boolean | string | number>>;
}

/**
 * Records the decision of a human step on its subject: once (a retried step finds its review and changes nothing
 * twice), at the version the execution is about, with the workflow's rules applied. The decision's fields and comment
 * are read from the decided task, not carried by the execution.
 */
export async function recordDecision<S extends Subject, D>(
  workflow: Workflow<S, D>,
  deps: D,
  kit: KitDeps,
  input: { subject: SubjectRef; decision: TaskResult },
): Promise<Recorded> {
  let subject = await loadSubject(workflow, deps, input.subject);
  const task = await kit.tasks.get(input.decision.taskId);
  const decision = task?.decision;
  if (task?.status !== 'DECIDED' || !decision || task.subject.id !== subject.id) {
    throw new UnknownDecision(`task ${input.decision.taskId} is not a decided task of ${subject.id}`);
  }
  if (task.subject.version !== subject.version) {
    throw new StaleSubject(`task ${task.id} decided version ${task.subject.version} of ${subject.id}`);
  }
  const existing = await kit.reviews.of(subject.id);
  const known = existing.find((review) => review.taskId === task.id);
  const review: Review = known ?? {
    subjectId: subject.id,
    version: subject.version,
    step: task.workflow.stateName,
    taskId: task.id,
    outcome: decision.outcome,
    by: decision.decidedBy,
    ...(task.onBehalfOf ? { onBehalfOf: task.onBehalfOf } : {}),
    comment: decision.comment,
    fields: decision.fields,
    at: decision.decidedAt,
  };
  const reviews = known ? existing : [...existing, review];
  let after = (await workflow.afterDecision?.({ subject, review, reviews, deps })) ?? {};
  if (after.effect && !known) {
    // The decision became something else (signing refused: `content-changed`): the trail says so.
    await kit.audit.record({
      subjectId: subject.id,
      at: kit.clock.now().toISOString(),
      actor: 'system',
      action: after.effect,
      detail: { version: subject.version, step: review.step, taskId: review.taskId, outcome: review.outcome },
    });
  }
  await kit.reviews.add({
    ...review,
    ...(after.effect ? { effect: after.effect } : {}),
    ...(after.evidence ? { evidence: after.evidence } : {}),
  });
  for (const extra of after.reviews ?? []) await kit.reviews.add(extra);
  // A retried or redriven step computes the same changes again; saving them twice would still bump the revision.
  for (let attempt = 1; after.changes && !alreadyHas(subject, after.changes); attempt++) {
    try {
      subject = await workflow.subjects(deps).save({ ...subject, ...after.changes });
    } catch (error) {
      // Saved by someone else meanwhile (a payment on an installment): the rules run again on what is there now.
      if (!(error instanceof DomainError && error.code === 'conflict') || attempt === saveAttempts)
        throw error;
      subject = await loadSubject(workflow, deps, input.subject);
      after = (await workflow.afterDecision?.({ subject, review, reviews, deps })) ?? {};
    }
  }
  await workflow.onRecorded?.({ subject, review, deps });
  return { outcome: review.outcome, route: after.route ?? {} };
}

const saveAttempts = 5;

/** Whether the subject already holds every one of `changes` (maps compared regardless of key order). */
function alreadyHas<S extends Subject>(subject: S, changes: Partial<S>): boolean {
  return Object.entries(changes).every(
    ([key, value]) => canonical(subject[key as keyof S]) === canonical(value),
  );
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

export class UnknownEnding extends Error {
  override name = 'UnknownEnding';
}

/**
 * Ends the review of this version: the workflow's own work (a budget consumed or released), the final status, the
 * trail, and the requester's mail (an expired task's requester was told by the task core). Safe to repeat: a
 * finished subject is not finished twice, and a mail not yet sent is sent by the retry.
 */
export async function finishReview<S extends Subject, D>(
  workflow: Workflow<S, D>,
  deps: D,
  kit: KitEndingDeps,
  input: { subject: SubjectRef; ending: string; executionArn?: string },
): Promise<void> {
  const ending = workflow.endings[input.ending];
  if (!ending) throw new UnknownEnding(`${workflow.slug} has no ending "${input.ending}"`);
  let subject = await loadSubject(workflow, deps, input.subject);
  const now = kit.clock.now().toISOString();
  const reviews = reviewsOf(await kit.reviews.of(subject.id), subject.version);
  if (subject.status !== ending.status) {
    if (input.ending === 'expired' && input.executionArn) {
      await kit.closing.closeExpired(subject.id, input.executionArn, (task, locale) =>
        subjectNames(workflow, task.workflow.stateName, locale),
      );
    }
    const changes = await workflow.onFinish?.({ subject, ending: input.ending, reviews, deps });
    for (let attempt = 1; ; attempt++) {
      try {
        subject = await workflow.subjects(deps).save({
          ...subject,
          ...changes,
          status: ending.status,
          closedAt: now,
          endedMailAt: undefined,
        });
        break;
      } catch (error) {
        // Saved by someone else meanwhile (a payment on an installment): end what is there now.
        if (!(error instanceof DomainError && error.code === 'conflict') || attempt === saveAttempts)
          throw error;
        subject = await loadSubject(workflow, deps, input.subject);
      }
    }
    await kit.audit.record({
      subjectId: subject.id,
      at: now,
      actor: 'system',
      action: input.ending,
      // What the workflow's own ending work changed (approved total, follow-ups started or not deployed) goes too.
      detail: { version: subject.version, status: ending.status, ...changes },
    });
  }
  if (input.ending === 'expired' || subject.endedMailAt) return;
  const last = reviews.filter((review) => review.effect !== 'skipped').at(-1);
  const lastBy = last ? await kit.people.get(last.by) : undefined;
  const recipients = [
    ...new Set([workflow.requester(subject), ...(ending.alsoTell?.(subject, reviews) ?? [])]),
  ];
  for (const to of recipients) {
    await kit.mailer.send(
      renderEndingMail({
        workflow,
        subject,
        ending,
        to,
        recipient: await kit.people.get(to),
        // A turn-down's reason is what the requester needs; an approval's comment is the approver's own note.
        reason:
          last && !['approve', 'sign', 'accept', 'done'].includes(last.outcome) ? last.comment : undefined,
        by: last ? (lastBy?.name ?? last.by) : undefined,
      }),
      { subjectId: subject.id, workflow: workflow.slug },
    );
  }
  await workflow.subjects(deps).save({ ...subject, endedMailAt: kit.clock.now().toISOString() });
}

/** A step's failure as the Catch hands it over: `Error` and `Cause` (for a Lambda, JSON with its message). */
export interface Failure {
  Error: string;
  Cause?: string;
}

/** The error's name and message, short enough for an item and an alarm, without a stack trace. */
export function describeFailure(failure: Failure): { error: string; cause: string } {
  let cause = failure.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // Not JSON: a Step Functions error's cause is plain text.
  }
  return { error: failure.Error.slice(0, 200), cause: cause.slice(0, 1000) };
}

/**
 * The Catch-all path of every workflow: the subject goes to NEEDS_ATTENTION with the error, gives back what it holds,
 * its open tasks close, ops get a metric (an alarm watches it) and the requester a mail. Safe to repeat.
 */
export async function markNeedsAttention<S extends Subject, D>(
  workflow: Workflow<S, D>,
  deps: D,
  kit: KitEndingDeps,
  input: { subject: SubjectRef; executionArn: string; failure: Failure },
): Promise<void> {
  const store = workflow.subjects(deps);
  const subject = await store.get(input.subject.id);
  if (!subject) throw new MissingSubject(`${workflow.kind} ${input.subject.id} does not exist`);
  if (subject.status === 'NEEDS_ATTENTION' && subject.attention?.executionArn === input.executionArn) return;
  const { error, cause } = describeFailure(input.failure);
  const at = kit.clock.now().toISOString();
  await kit.closing.cancelOpen(subject.id, input.executionArn, 'the workflow stopped: needs attention');
  await workflow.onNeedsAttention?.({ subject, deps });
  const attention: Attention = {
    at,
    workflow: workflow.slug,
    error,
    cause,
    executionArn: input.executionArn,
  };
  await store.save({ ...subject, status: 'NEEDS_ATTENTION', attention });
  await kit.audit.record({
    subjectId: subject.id,
    at,
    actor: 'system',
    action: 'needs-attention',
    detail: { version: input.subject.version, error, cause, executionArn: input.executionArn },
  });
  kit.ops.tell({ event: 'needs-attention', workflow: workflow.slug, subjectId: subject.id, error });
  const to = workflow.requester(subject);
  await kit.mailer.send(
    renderNeedsAttentionMail({ workflow, subject, to, recipient: await kit.people.get(to) }),
    { subjectId: subject.id, workflow: workflow.slug },
  );
}

/**
 * A step that waited past its deadline without changing the subject (a follow-up nobody answered): its tasks close
 * as expired and each requester is told. Safe to repeat.
 */
export async function closeExpiredStep<S extends Subject, D>(
  workflow: Workflow<S, D>,
  kit: KitEndingDeps,
  input: { subject: SubjectRef; executionArn: string },
): Promise<void> {
  await kit.closing.closeExpired(input.subject.id, input.executionArn, (task, locale) =>
    subjectNames(workflow, task.workflow.stateName, locale),
  );
}
