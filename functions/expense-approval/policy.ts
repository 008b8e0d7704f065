// The expense policy's numbers: thresholds, receipt rule, claim age, SLAs; defaults here, overridable by configuration.
import * as z from 'zod';
import { slaSchema } from '#human-tasks/task-model.ts';

const fen = z.number().int().nonnegative();

export const expensePolicySchema = z
  .object({
    /** Level 2 (sales manager) reviews claims whose total exceeds this… */
    managerReviewAboveTotal: fen.default(500_000),
    /** …or with an entertainment item over this. */
    managerReviewAboveEntertainmentItem: fen.default(200_000),
    /** Items of this amount or more need a receipt reference. */
    receiptRequiredFrom: fen.default(20_000),
    /** Items older than this many days cannot be claimed. */
    maxItemAgeDays: z.number().int().positive().default(90),
    reviewSla: slaSchema.default({ reminderAfter: { businessDays: 2 }, escalateAfter: { businessDays: 3 } }),
  })
  .strict();

export type ExpensePolicy = z.infer<typeof expensePolicySchema>;

/** The policy from `EXPENSE_POLICY` (JSON, any subset of the fields), or the defaults; bad JSON stops the start. */
export function readExpensePolicy(json: string | undefined): ExpensePolicy {
  const parsed = expensePolicySchema.safeParse(json ? JSON.parse(json) : {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Bad EXPENSE_POLICY: ${problems}`);
  }
  return parsed.data;
}
