// Expense claims and advance applications: what is filed, what is stored, and the statuses they move through.
import * as z from 'zod';
import { type Money, moneySchema } from '#shared/money.ts';

export const expenseCategories = ['travel', 'entertainment', 'marketing', 'training', 'other'] as const;
export type ExpenseCategory = (typeof expenseCategories)[number];

/** Cost centers look like `SALES-EAST`; they key budgets, so the format is strict. */
export const costCenterSchema = z
  .string()
  .trim()
  .regex(/^[A-Z][A-Z0-9-]{1,31}$/, 'use upper-case letters, digits and dashes, e.g. SALES-EAST');

/** Claims are in CNY: budgets are kept in CNY and totals across currencies would need rates. */
const cnySchema = moneySchema.extend({ currency: z.literal('CNY', { error: 'claims are in CNY' }) });

export const claimItemSchema = z
  .object({
    category: z.enum(expenseCategories),
    amount: cnySchema.refine((m) => m.amount > 0, { error: 'amount must be more than zero' }),
    date: z.iso.date('use YYYY-MM-DD'),
    description: z.string().trim().min(1).max(500),
    receipt: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type ClaimItem = z.infer<typeof claimItemSchema>;

/** What a salesperson files (POST /expenses) or re-files after a return (PUT /expenses/{id}). */
export const claimInputSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    costCenter: costCenterSchema,
    items: z.array(claimItemSchema).min(1, 'a claim needs at least one item').max(100),
    applicationId: z
      .string()
      .regex(/^PA-\d{4}-\d{5}$/, 'an advance application id looks like PA-2026-00001')
      .optional(),
  })
  .strict();
export type ClaimInput = z.infer<typeof claimInputSchema>;

export const applicationInputSchema = z
  .object({
    costCenter: costCenterSchema,
    amount: cnySchema.refine((m) => m.amount > 0, { error: 'amount must be more than zero' }),
    reason: z.string().trim().min(10, 'explain the spending in at least 10 characters').max(2000),
  })
  .strict();
export type ApplicationInput = z.infer<typeof applicationInputSchema>;

export type ClaimStatus = 'IN_REVIEW' | 'RETURNED' | 'REJECTED' | 'APPROVED_FOR_PAYMENT' | 'EXPIRED';

export type ApplicationStatus = 'IN_REVIEW' | 'APPROVED' | 'REJECTED' | 'USED' | 'EXPIRED';

/** One reviewer's decision at one level of one version. */
export interface Review {
  version: number;
  level: ReviewLevel;
  by: string;
  outcome: 'approve' | 'reject' | 'return';
  comment: string;
  at: string;
  /** Finance's approved amount per item (index → fen) when lower than claimed. */
  approvedAmounts?: Record<string, number>;
  /** Set when the level was skipped because its reviewer had already approved an earlier level. */
  skipped?: boolean;
}

export type ReviewLevel = 'supervisor' | 'sales-manager' | 'finance' | 'director';

/** Where the budget commitment of a claim version came from. */
export interface Commitment {
  budget: { costCenter: string; period: string };
  amount: Money;
  /** The advance application that covered the part over budget. */
  applicationId?: string;
}

export interface Claim {
  id: string;
  submitter: string;
  title: string;
  costCenter: string;
  items: ClaimItem[];
  total: Money;
  applicationId?: string;
  status: ClaimStatus;
  version: number;
  submittedAt: string;
  /** The budget this version holds while in review; released or consumed at the end. */
  commitment?: Commitment;
  reviews: Review[];
  /** Who has the claim now, for GET /expenses/{id}. */
  currentStep?: { level: ReviewLevel; assignee: string; since: string };
  approvedTotal?: Money;
  closedAt?: string;
  closingReason?: string;
  /** Optimistic-locking counter of the item, distinct from the claim's business version. */
  revision: number;
}

export interface Application {
  id: string;
  applicant: string;
  costCenter: string;
  amount: Money;
  reason: string;
  status: ApplicationStatus;
  submittedAt: string;
  reviews: Review[];
  currentStep?: { level: ReviewLevel; assignee: string; since: string };
  usedBy?: string;
  closedAt?: string;
  revision: number;
}

/** `/budgets/{costCenter}/{period}`: a month (`2026-11`) or a year (`2026`). */
export const budgetPathSchema = z.object({
  costCenter: costCenterSchema,
  period: z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]))?$/, 'a month (2026-11) or a year (2026)'),
});
