// The expense policy's numbers: thresholds, receipt rule, claim age, SLAs; defaults here, overridable by configuration.
import * as z from 'zod/mini';
import { slaInBusinessDays } from '#human-tasks/task-model.ts';
import { readPolicy } from '#shared/policy-config.ts';

const fen = z.int().check(z.nonnegative());

export const expensePolicySchema = z.strictObject({
  /** The sales manager also reviews claims whose total exceeds this… */
  managerReviewAboveTotal: z._default(fen, 500_000),
  /** …or with an entertainment item over this. */
  managerReviewAboveEntertainmentItem: z._default(fen, 200_000),
  /** Items of this amount or more need a receipt reference. */
  receiptRequiredFrom: z._default(fen, 20_000),
  /** Items older than this many days cannot be claimed. */
  maxItemAgeDays: z._default(z.int().check(z.positive()), 90),
  reviewSla: slaInBusinessDays(2, 3),
});

export type ExpensePolicy = z.infer<typeof expensePolicySchema>;

/** The policy from `EXPENSE_POLICY` (JSON, any subset of the fields), or the defaults; bad JSON stops the start. */
export const readExpensePolicy = (json: string | undefined): ExpensePolicy =>
  readPolicy('EXPENSE_POLICY', expensePolicySchema, json);
