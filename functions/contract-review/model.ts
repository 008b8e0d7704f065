// Contracts under review: what sales submits, the stored versions with findings and hashes, reviews and statuses.
import * as z from 'zod';
import { moneySchema } from '#shared/money.ts';
import { emailSchema } from '#shared/people.ts';

export const paymentTriggers = ['signing', 'delivery', 'acceptance'] as const;

export const paymentTermSchema = z
  .object({
    label: z.string().trim().min(1).max(100),
    percent: z.number().gt(0, 'must be more than 0').max(100),
    trigger: z.enum(paymentTriggers),
    dueDays: z.number().int().min(0).max(3650),
  })
  .strict();
export type PaymentTerm = z.infer<typeof paymentTermSchema>;

export const contractItemSchema = z
  .object({
    sku: z.string().trim().min(1).max(64),
    description: z.string().trim().min(1).max(500),
    quantity: z.number().int().positive(),
    qualityStandard: z.string().trim().min(1).max(200),
  })
  .strict();
export type ContractItem = z.infer<typeof contractItemSchema>;

/** What sales submits (POST /contracts) and revises (POST /contracts/{id}/revisions). */
export const contractInputSchema = z
  .object({
    customer: z.object({ name: z.string().trim().min(1).max(200), email: emailSchema }).strict(),
    title: z.string().trim().min(1).max(200),
    amount: moneySchema
      .extend({ currency: z.literal('CNY', { error: 'contracts are in CNY' }) })
      .refine((m) => m.amount > 0, { error: 'amount must be more than zero' }),
    paymentTerms: z.array(paymentTermSchema).min(1).max(20),
    deliveryDate: z.iso.date('use YYYY-MM-DD'),
    items: z.array(contractItemSchema).min(1, 'a contract needs at least one item').max(200),
    documentUrl: z.url().optional(),
  })
  .strict();
export type ContractContent = z.infer<typeof contractInputSchema>;

export type Severity = 'info' | 'warning' | 'high';

export interface Finding {
  /** Stable id of the rule, e.g. `long-credit`. */
  rule: string;
  severity: Severity;
  message: string;
}

export interface ContractVersion {
  version: number;
  content: ContractContent;
  /** SHA-256 of the content's canonical JSON: approvals are bound to it. */
  contentHash: string;
  submittedAt: string;
  findings: Finding[];
  /** What changed from the previous version, in words, for legal. */
  changes: string[];
}

export type ContractStatus =
  | 'IN_REVIEW'
  | 'CHANGES_REQUESTED'
  | 'AWAITING_DIRECTOR'
  | 'AWAITING_SIGNATURE'
  | 'SIGNED'
  | 'REJECTED'
  | 'EXPIRED';

export type ContractStage = 'legal' | 'director' | 'signing';

export interface ContractReview {
  version: number;
  stage: ContractStage;
  by: string;
  outcome: 'approve' | 'request-changes' | 'reject' | 'send-back' | 'sign';
  comment: string;
  at: string;
  /** The content hash the decider saw. */
  contentHash: string;
  /** Set on approvals voided later (the director sent it back, or the content changed). */
  voided?: string;
}

export interface Signature {
  signedDate: string;
  signerName: string;
  signedCopy: string;
  recordedBy: string;
  contentHash: string;
}

export interface Contract {
  id: string;
  submitter: string;
  status: ContractStatus;
  /** The current version number; `versions` holds them all. */
  version: number;
  versions: ContractVersion[];
  reviews: ContractReview[];
  currentStep?: { stage: ContractStage; assignee: string; since: string };
  signature?: Signature;
  /** Workflows started after signing, or why one could not be. */
  followUps?: { workflow: string; state: 'started' | 'not-deployed'; executionName: string }[];
  revision: number;
}
