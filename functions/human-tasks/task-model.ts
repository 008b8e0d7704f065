// What a human task is: the request a workflow sends to open one, the stored task, outcomes, fields and decision.
import * as z from 'zod/mini';
import { roles } from '#shared/people.ts';
import { outcomeWords, type ShownValue } from '#shared/words.ts';
import { type SubjectRef, subjectRefSchema } from '#shared/workflow-kit/subject.ts';

/** Stable outcome ids (DESIGN §5), used in forms, the API and the task result; their words are in the catalogue. */
export type OutcomeId = keyof typeof outcomeWords;
export const outcomeIds = Object.keys(outcomeWords) as [OutcomeId, ...OutcomeId[]];

/** Outcomes that need a reason; the reason is the form's comment. */
export const outcomesNeedingReason: ReadonlySet<OutcomeId> = new Set<OutcomeId>([
  'reject',
  'return',
  'request-changes',
  'send-back',
  'cannot-meet',
  'rework',
  'dispute',
  'write-off',
]);

const durationSchema = z.union([
  z.strictObject({ businessDays: z.int().check(z.gte(0), z.lte(60)) }),
  z.strictObject({
    hours: z.int().check(z.gte(0), z.lte(24 * 60)),
  }),
  z.strictObject({ days: z.int().check(z.gte(0), z.lte(90)) }),
]);

export const slaSchema = z.strictObject({
  reminderAfter: durationSchema,
  escalateAfter: durationSchema,
  /** Who takes over at escalation; by default the assignee's manager. */
  escalateTo: z.optional(z.enum(roles)),
  /**
   * A date the step is due by (a planned completion): reminders and escalation count from the day after it, when
   * the assignee is reminded…
   */
  dueOn: z.optional(z.iso.date()),
  /** …and these people are alerted, once per task. */
  alertAtDue: z.optional(z.array(z.email())),
});
export type Sla = z.infer<typeof slaSchema>;

/** A policy's SLA field: remind after `reminderDays` business days, escalate after `escalateDays`, unless configured. */
export const slaInBusinessDays = (reminderDays: number, escalateDays: number) =>
  z._default(slaSchema, {
    reminderAfter: { businessDays: reminderDays },
    escalateAfter: { businessDays: escalateDays },
  });

const fieldBase = {
  // The task form's own inputs use these names.
  name: z.string().check(
    z.regex(/^[a-z][a-zA-Z0-9]*$/),
    z.refine((name) => !['comment', 'k', 'nonce', 'outcome'].includes(name), 'is reserved by the task form'),
  ),
  /** What the field is called on the page, in both locales. */
  label: z.strictObject({ 'zh-CN': z.string().check(z.minLength(1)), en: z.string().check(z.minLength(1)) }),
  required: z.boolean(),
  /** The outcomes this field belongs to (e.g. the signing details only for `sign`); all outcomes when absent. */
  forOutcomes: z.optional(z.array(z.enum(outcomeIds))),
  /** Filling this field in needs a reason in the comment (e.g. approving less than claimed). */
  needsReason: z.optional(z.boolean()),
};

/** Text fields up to this length are one line (an input on the page); longer ones may have several (a textarea). */
export const oneLineTextLimit = 200;

/** A field the decider fills in, per outcome or for all; validated with zod when the decision arrives. */
export const fieldSpecSchema = z.discriminatedUnion('type', [
  z.object({
    ...fieldBase,
    type: z.literal('text'),
    maxLength: z._default(z.int().check(z.positive(), z.lte(5000)), 1000),
  }),
  z.object({ ...fieldBase, type: z.literal('date') }),
  z.object({ ...fieldBase, type: z.literal('url') }),
  z.object({
    ...fieldBase,
    type: z.literal('money'),
    currency: z._default(z.literal('CNY'), 'CNY'),
    /** The most that may be entered, in minor units (e.g. the amount claimed). */
    max: z.optional(z.int().check(z.nonnegative())),
  }),
  z.object({
    ...fieldBase,
    type: z.literal('choice'),
    options: z.array(z.string().check(z.minLength(1))).check(z.minLength(1)),
  }),
]);
export type FieldSpec = z.infer<typeof fieldSpecSchema>;

/** What the decider sees: facts about the subject, optional line items and automatic findings. */
export interface TaskSummary {
  facts: { label: string; value: SummaryValue }[];
  lines: { label: string; value: SummaryValue; note?: string }[];
  findings: { severity: 'info' | 'warning' | 'high'; message: string }[];
  /** Earlier comments (e.g. legal's change requests) shown above the form. */
  history: { at: string; by: string; text: string }[];
}

/** What a summary shows: text, numbers, money (signed: a budget can be below zero), dates, hashes, links. */
export type SummaryValue = ShownValue;

/**
 * What the workflow's human-task state sends to open-task: which step, about which subject, and the deadline. The
 * rest (who, outcomes, fields, SLA) the step's declaration says; the execution carries no documents.
 */
export const openTaskRequestSchema = z.strictObject({
  taskToken: z.string().check(z.minLength(1)),
  executionArn: z.string().check(z.minLength(1)),
  /** The state's name, which is the step's name (`Supervisor review`). */
  stateName: z.string().check(z.minLength(1)),
  subject: subjectRefSchema,
  /** The state's TimeoutSeconds: the hard deadline, also the link's expiry (the ASL rules check they agree). */
  deadlineSeconds: z.int().check(z.positive()),
});
export type OpenTaskRequest = z.infer<typeof openTaskRequestSchema>;

export type AssigneeRequest = { person: string } | { role: (typeof roles)[number] };

/** A task as the task core opens it: the request plus what the step declares for this subject. */
export interface OpenTaskInput {
  taskToken: string;
  /** The workflow's slug (`expense-approval`), for its metrics. */
  workflow: string;
  executionArn: string;
  stateName: string;
  /** Task type, for SLA reporting and the mail's wording, e.g. `expense-review-supervisor`. */
  type: string;
  subject: SubjectRef;
  /** The subject's own title (what its owner called it), for lists and notices. */
  title: string;
  assignee: AssigneeRequest;
  /** The person the subject belongs to: told when the task expires, and never its decider unless the step says so. */
  requester: string;
  /** The step records what the requester reports (a delivery accepted), so the requester may take it. */
  requesterMayDecide?: boolean;
  /** Others who must not decide (e.g. who approved an earlier level). */
  excluded: string[];
  outcomes: OutcomeId[];
  fields: FieldSpec[];
  sla: z.infer<typeof slaSchema>;
  deadlineSeconds: number;
}

export type TaskStatus = 'PENDING' | 'DECIDED' | 'EXPIRED' | 'CANCELLED';

export interface Decision {
  outcome: OutcomeId;
  fields: Record<string, unknown>;
  comment: string;
  decidedBy: string;
  decidedAt: string;
}

/**
 * The task's result as its workflow receives it (the SendTaskSuccess output): which task and the outcome its Choice
 * reads. The fields and the comment stay in the table, where the step that records the decision reads them.
 */
export const taskResultSchema = z.strictObject({
  taskId: z.string().check(z.minLength(1)),
  outcome: z.enum(outcomeIds),
});
export type TaskResult = z.infer<typeof taskResultSchema>;

/** How the decision reached the workflow: pending until SendTaskSuccess answers. */
export type Delivery = 'pending' | 'delivered' | 'too-late';

export interface RetiredLink {
  hash: string;
  /** `resent`: the mail carrying it never reached SES, so a fresh link went out instead. */
  reason: 'reminded' | 'escalated' | 'reassigned' | 'resent';
  at: string;
  /** Who has the task since. */
  to: string;
}

export interface MailRetry {
  /** The mail to send again: the first one, a reminder, an escalation or a reassignment. */
  kind: 'opened' | 'reminder' | 'escalated' | 'reassigned';
  at: string;
  attempts: number;
  /** What SES answered last, for ops. */
  reason: string;
}

export interface Task {
  id: string;
  type: string;
  status: TaskStatus;
  /** The workflow (its slug), the execution waiting for this task, and its state: the step's name. */
  workflow: { slug: string; executionArn: string; stateName: string };
  subject: SubjectRef;
  title: string;
  assignee: string;
  onBehalfOf?: string;
  requester: string;
  requesterMayDecide?: boolean;
  excluded: string[];
  outcomes: OutcomeId[];
  fields: FieldSpec[];
  sla: z.infer<typeof slaSchema>;
  openedAt: string;
  deadlineAt: string;
  remindAt?: string;
  escalateAt?: string;
  /** When the step's due date has passed and its alert is still to be sent. */
  dueAlertAt?: string;
  escalated: boolean;
  /** Why escalation found nobody to take the task over; it stays with its assignee and ops are alerted. */
  escalationFailed?: string;
  /** When SES took the mail carrying the current link; unset while it has not (yet). */
  mailedAt?: string;
  /** The current link's mail that SES refused or could not take: the sweeper sends a fresh link at `at`. */
  mailRetry?: MailRetry;
  /**
   * Set with every new link, cleared once SES has answered for its mail (`mailedAt` or `mailRetry`). Still set at
   * `checkAt`, the run that was to mail it stopped in between (killed, timed out): the sweeper sends a fresh link.
   */
  unconfirmedMail?: { kind: MailRetry['kind']; checkAt: string };
  /** SHA-256 of the current link secret; the secret itself only ever travels in the assignee's mail. */
  linkHash: string;
  linkVersion: number;
  retiredLinks: RetiredLink[];
  decision?: Decision;
  delivery?: Delivery;
  closedAt?: string;
  closedReason?: string;
  version: number;
}
