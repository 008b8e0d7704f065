// Expense claims: what a salesperson files, what is stored, and the statuses a claim moves through.
import * as z from 'zod/mini';
import { businessIdSchema } from '#shared/business-ids.ts';
import { type Money, moneySchema } from '#shared/money.ts';
import { oneLineText } from '#shared/text.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';

export const expenseCategories = ['travel', 'entertainment', 'marketing', 'training', 'other'] as const;
export type ExpenseCategory = (typeof expenseCategories)[number];

/** Cost centers look like `SALES-EAST`; they key budgets, so the format is strict. */
export const costCenterSchema = z
  .string()
  .check(
    z.trim(),
    z.regex(/^[A-Z][A-Z0-9-]{1,31}$/, 'use upper-case letters, digits and dashes, e.g. SALES-EAST'),
  );

/** Claims are in CNY: budgets are kept in CNY and totals across currencies would need rates. */
export const cnySchema = z.extend(moneySchema, {
  currency: z.literal('CNY', { error: 'amounts are in CNY' }),
});
export const positiveCnySchema = cnySchema.check(
  z.refine((m) => m.amount > 0, {
    error: 'amount must be more than zero',
  }),
);

/**
 * Limits keep the largest claim item (100 items of 500-character descriptions in Chinese, 3 bytes a character)
 * well inside DynamoDB's 400 KB; reviews are kept as items of their own.
 */
export const claimLimits = { items: 100, description: 500, receipt: 200, title: 200 } as const;

export const claimItemSchema = z.strictObject({
  category: z.enum(expenseCategories),
  amount: positiveCnySchema,
  date: z.iso.date('use YYYY-MM-DD'),
  description: oneLineText({ max: claimLimits.description }),
  receipt: z.optional(oneLineText({ max: claimLimits.receipt })),
});
export type ClaimItem = z.infer<typeof claimItemSchema>;

/** What a salesperson files (POST /expenses) or re-files after a return (PUT /expenses/{id}). */
export const claimInputSchema = z.strictObject({
  title: oneLineText({ max: claimLimits.title }),
  costCenter: costCenterSchema,
  items: z
    .array(claimItemSchema)
    .check(z.minLength(1, 'a claim needs at least one item'), z.maxLength(claimLimits.items)),
  applicationId: z.optional(businessIdSchema('PA')),
});
export type ClaimInput = z.infer<typeof claimInputSchema>;

export type ClaimStatus =
  | 'IN_REVIEW'
  | 'RETURNED'
  | 'REJECTED'
  | 'APPROVED_FOR_PAYMENT'
  | 'EXPIRED'
  | 'NEEDS_ATTENTION';

/** Where the budget held by a claim version came from. */
export interface Commitment {
  budget: { costCenter: string; period: string };
  amount: Money;
  /** The advance application that covered the part over budget. */
  applicationId?: string;
}

export interface Claim extends Subject {
  submitter: string;
  title: string;
  costCenter: string;
  items: ClaimItem[];
  total: Money;
  applicationId?: string;
  status: ClaimStatus;
  submittedAt: string;
  /** The budget this version holds while in review; released or consumed at the end. */
  commitment?: Commitment;
  approvedTotal?: Money;
}

/** `/budgets/{costCenter}/{period}`: a month (`2026-11`) or a year (`2026`). */
export const budgetPathSchema = z.object({
  costCenter: costCenterSchema,
  period: z.string().check(z.regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'a month (2026-11) or a year (2026)')),
});
