// The collection policy: the reminder, the overdue ladder, promise grace and run length; defaults, overridable.
import * as z from 'zod/mini';
import { slaInBusinessDays as sla } from '#human-tasks/task-model.ts';
import { readPolicy } from '#shared/policy-config.ts';

export const collectionPolicySchema = z.strictObject({
  /** Days before the due date when the customer is reminded (the owner in copy). */
  reminderDaysBefore: z._default(z.int().check(z.nonnegative()), 3),
  /** Days overdue at which each level comes; strictly increasing. */
  ladder: z
    ._default(
      z.strictObject({
        level1: z._default(z.int().check(z.positive()), 1),
        level2: z._default(z.int().check(z.positive()), 15),
        level3: z._default(z.int().check(z.positive()), 30),
        level4: z._default(z.int().check(z.positive()), 60),
      }),
      { level1: 1, level2: 15, level3: 30, level4: 60 },
    )
    .check(
      z.refine((l) => l.level1 < l.level2 && l.level2 < l.level3 && l.level3 < l.level4, {
        message: 'the levels must come in order: level1 < level2 < level3 < level4 days overdue',
      }),
    ),
  /** Days after a promised date before the promise counts as broken. */
  promiseGraceDays: z._default(z.int().check(z.nonnegative()), 3),
  /** Longest a ladder run waits before going on as a new run (Step Functions keeps an execution at most a year). */
  runDays: z._default(z.int().check(z.gte(1), z.lte(330)), 300),
  /** How long a follow-up task stays open before it closes unanswered (the ladder goes on regardless). */
  followUpDays: z._default(z.int().check(z.positive()), 30),
  followUpSla: sla(2, 4),
  legalSla: sla(3, 6),
  disputeSla: sla(3, 6),
  writeOffSla: sla(2, 4),
});

export type CollectionPolicy = z.infer<typeof collectionPolicySchema>;

/** The policy from `COLLECTION_POLICY` (JSON, any subset), or the defaults; a bad one stops the start. */
export const readCollectionPolicy = (json: string | undefined): CollectionPolicy =>
  readPolicy('COLLECTION_POLICY', collectionPolicySchema, json);
