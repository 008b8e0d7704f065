// What a human task is: the request a workflow sends to open one, the stored task, outcomes, fields and decision.
import * as z from 'zod';
import { signedMoneySchema } from '#shared/money.ts';
import { emailSchema, roles } from '#shared/people.ts';

/** Stable outcome ids (DESIGN §5), used in forms, the API and the task result. */
export const outcomeIds = [
  'approve',
  'reject',
  'return',
  'request-changes',
  'send-back',
  'sign',
  'confirm',
  'cannot-meet',
  'accept',
  'escalate',
  'done',
] as const;
export type OutcomeId = (typeof outcomeIds)[number];

/** Outcomes that need a reason; the reason is the form's comment. */
export const outcomesNeedingReason: ReadonlySet<OutcomeId> = new Set([
  'reject',
  'return',
  'request-changes',
  'send-back',
]);

const durationSchema = z.union([
  z.object({ businessDays: z.number().int().min(0).max(60) }).strict(),
  z
    .object({
      hours: z
        .number()
        .int()
        .min(0)
        .max(24 * 60),
    })
    .strict(),
  z.object({ days: z.number().int().min(0).max(90) }).strict(),
]);

export const slaSchema = z
  .object({
    reminderAfter: durationSchema,
    escalateAfter: durationSchema,
    /** Who takes over at escalation; by default the assignee's manager. */
    escalateTo: z.enum(roles).optional(),
  })
  .strict();

const fieldBase = {
  // The task form's own inputs use these names.
  name: z
    .string()
    .regex(/^[a-z][a-zA-Z0-9]*$/)
    .refine((name) => !['comment', 'k', 'nonce', 'outcome'].includes(name), 'is reserved by the task form'),
  label: z.string().min(1),
  required: z.boolean(),
  /** The outcomes this field belongs to (e.g. the signing details only for `sign`); all outcomes when absent. */
  forOutcomes: z.array(z.enum(outcomeIds)).optional(),
  /** Filling this field in needs a reason in the comment (e.g. approving less than claimed). */
  needsReason: z.boolean().optional(),
};

/** A field the decider fills in, per outcome or for all; validated with zod when the decision arrives. */
export const fieldSpecSchema = z.discriminatedUnion('type', [
  z.object({
    ...fieldBase,
    type: z.literal('text'),
    maxLength: z.number().int().positive().max(5000).default(1000),
  }),
  z.object({ ...fieldBase, type: z.literal('date') }),
  z.object({ ...fieldBase, type: z.literal('url') }),
  z.object({
    ...fieldBase,
    type: z.literal('money'),
    currency: z.literal('CNY').default('CNY'),
    /** The most that may be entered, in minor units (e.g. the amount claimed). */
    max: z.number().int().nonnegative().optional(),
  }),
  z.object({ ...fieldBase, type: z.literal('choice'), options: z.array(z.string().min(1)).min(1) }),
]);
export type FieldSpec = z.infer<typeof fieldSpecSchema>;

// Signed: a budget covered by an advance application can show a negative balance.
const summaryValueSchema = z.union([z.string(), z.number(), signedMoneySchema]);

/** What the decider sees: facts about the subject, optional line items and automatic findings. */
export const summarySchema = z
  .object({
    title: z.string().min(1).max(300),
    facts: z
      .array(z.object({ label: z.string(), value: summaryValueSchema }))
      .max(40)
      .default([]),
    lines: z
      .array(z.object({ label: z.string(), value: summaryValueSchema, note: z.string().optional() }))
      .max(200)
      .default([]),
    findings: z
      .array(z.object({ severity: z.enum(['info', 'warning', 'high']), message: z.string() }))
      .max(50)
      .default([]),
    /** Earlier comments (e.g. legal's change requests) shown above the form. */
    history: z
      .array(z.object({ at: z.string(), by: z.string(), text: z.string() }))
      .max(50)
      .default([]),
  })
  .strict();
export type TaskSummary = z.infer<typeof summarySchema>;

/** What a workflow's `.waitForTaskToken` state sends to open-task. */
export const openTaskInputSchema = z
  .object({
    taskToken: z.string().min(1),
    executionArn: z.string().min(1),
    stateName: z.string().min(1),
    /** Task type, for SLA reporting and the mail's wording, e.g. `expense-review`. */
    type: z.string().regex(/^[a-z][a-z0-9-]*$/),
    subject: z.object({ kind: z.string().min(1), id: z.string().min(1) }).strict(),
    summary: summarySchema,
    assignee: z.union([
      z.object({ person: emailSchema }).strict(),
      z.object({ role: z.enum(roles) }).strict(),
    ]),
    /** The person the subject belongs to: told when the task expires, and never its decider. */
    requester: emailSchema,
    /** Others who must not decide (e.g. who approved an earlier level). */
    excluded: z.array(emailSchema).default([]),
    outcomes: z.array(z.enum(outcomeIds)).min(1),
    fields: z.array(fieldSpecSchema).default([]),
    sla: slaSchema,
    /** The state's TimeoutSeconds: the hard deadline, also the link's expiry (the ASL rules check they agree). */
    deadlineSeconds: z.number().int().positive(),
  })
  .strict();
export type OpenTaskInput = z.infer<typeof openTaskInputSchema>;

export type TaskStatus = 'PENDING' | 'DECIDED' | 'EXPIRED' | 'CANCELLED';

export interface Decision {
  outcome: OutcomeId;
  fields: Record<string, unknown>;
  comment: string;
  decidedBy: string;
  decidedAt: string;
}

/** The task's result as its workflow receives it (the SendTaskSuccess output), checked by the step that records it. */
export const taskResultSchema = z.object({
  outcome: z.enum(outcomeIds),
  fields: z.record(z.string(), z.unknown()).default({}),
  comment: z.string().default(''),
  decidedBy: z.string(),
  decidedAt: z.string(),
});
export type TaskResult = z.infer<typeof taskResultSchema>;

/** How the decision reached the workflow: pending until SendTaskSuccess answers. */
export type Delivery = 'pending' | 'delivered' | 'too-late';

export interface RetiredLink {
  hash: string;
  reason: 'reminded' | 'escalated' | 'reassigned';
  at: string;
  /** Who has the task since. */
  to: string;
}

export interface Task {
  id: string;
  type: string;
  status: TaskStatus;
  workflow: { executionArn: string; stateName: string };
  subject: { kind: string; id: string };
  summary: TaskSummary;
  assignee: string;
  onBehalfOf?: string;
  requester: string;
  excluded: string[];
  outcomes: OutcomeId[];
  fields: FieldSpec[];
  sla: z.infer<typeof slaSchema>;
  openedAt: string;
  deadlineAt: string;
  remindAt?: string;
  escalateAt?: string;
  escalated: boolean;
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
