// Contracts under review: what sales submits, the stored versions with findings and hashes, and the statuses.
import * as z from 'zod/mini';
import { type Money, moneySchema } from '#shared/money.ts';
import { emailSchema } from '#shared/people.ts';
import { multiLineText, oneLineText } from '#shared/text.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';
import type { Change } from './changes.ts';

export const paymentTriggers = ['signing', 'delivery', 'acceptance'] as const;
export type PaymentTrigger = (typeof paymentTriggers)[number];

/**
 * Limits keep a version item (100 items with 300-character descriptions in Chinese, 3 bytes a character, plus what
 * changed) well inside DynamoDB's 400 KB; each version is an item of its own.
 */
export const contractLimits = {
  items: 100,
  description: 300,
  qualityStandard: 200,
  terms: 20,
  changes: 60,
} as const;

export const paymentTermSchema = z.strictObject({
  label: oneLineText({ max: 100 }),
  percent: z.number().check(z.gt(0, 'must be more than 0'), z.lte(100)),
  trigger: z.enum(paymentTriggers),
  dueDays: z.int().check(z.gte(0), z.lte(3650)),
});
export type PaymentTerm = z.infer<typeof paymentTermSchema>;

export const contractItemSchema = z.strictObject({
  sku: oneLineText({ max: 64 }),
  /** What is delivered, as the order shows it: a specification may run over several lines. */
  description: multiLineText({ max: contractLimits.description }),
  quantity: z.int().check(z.positive(), z.lte(1_000_000_000)),
  qualityStandard: oneLineText({ max: contractLimits.qualityStandard }),
});
export type ContractItem = z.infer<typeof contractItemSchema>;

/** What sales submits (POST /contracts) and revises (POST /contracts/{id}/revisions). */
export const contractInputSchema = z.strictObject({
  customer: z.strictObject({
    name: oneLineText({ max: 200 }),
    email: emailSchema,
  }),
  title: oneLineText({ max: 200 }),
  amount: z
    .extend(moneySchema, { currency: z.literal('CNY', { error: 'contracts are in CNY' }) })
    .check(z.refine((m) => m.amount > 0, { error: 'amount must be more than zero' })),
  paymentTerms: z.array(paymentTermSchema).check(z.minLength(1), z.maxLength(contractLimits.terms)),
  deliveryDate: z.iso.date('use YYYY-MM-DD'),
  /** Where the goods go, as logistics should read it on the delivery plan. */
  deliveryAddress: z.optional(multiLineText({ max: 300 })),
  items: z
    .array(contractItemSchema)
    .check(z.minLength(1, 'a contract needs at least one item'), z.maxLength(contractLimits.items)),
  documentUrl: z.optional(z.url().check(z.maxLength(2000))),
});
export type ContractContent = z.infer<typeof contractInputSchema>;

export type Severity = 'info' | 'warning' | 'high';

/** What each automatic check records: the numbers a reader's sentence is made of (words.ts makes the sentence). */
export interface FindingParams {
  'advance-too-low': { advancePercent: number; amount: Money; largeFrom: Money; minPercent: number };
  'long-credit': {
    label: string;
    percent: number;
    trigger: PaymentTrigger;
    dueDays: number;
    maxDays: number;
  };
  'short-delivery': { deliveryDate: string; leadDays: number; minLeadDays: number };
  'customer-overdue': { count: number; amount: Money };
  'missing-document': Record<string, never>;
  'duplicate-term-label': { labels: string[] };
}
export type FindingRule = keyof FindingParams;

/** One automatic finding: its rule's stable id, how serious it is, and its numbers. */
export type Finding = {
  [R in FindingRule]: { rule: R; severity: Severity; params: FindingParams[R] };
}[FindingRule];

export interface ContractVersion {
  contractId: string;
  version: number;
  content: ContractContent;
  /** SHA-256 of the content's canonical JSON: approvals are bound to it. */
  contentHash: string;
  submittedAt: string;
  /** The automatic checks' findings, once they have run for this version. */
  findings?: Finding[];
  /** What changed from the previous version, for legal. */
  changes: Change[];
}

export type ContractStatus =
  | 'IN_REVIEW'
  | 'CHANGES_REQUESTED'
  | 'AWAITING_DIRECTOR'
  | 'AWAITING_SIGNATURE'
  | 'SIGNED'
  | 'REJECTED'
  | 'EXPIRED'
  | 'NEEDS_ATTENTION';

export interface Signature {
  signedDate: string;
  signerName: string;
  signedCopy: string;
  recordedBy: string;
  contentHash: string;
}

/** The contract's own item: what stays with it across versions, and the current version's headline. */
export interface Contract extends Subject {
  submitter: string;
  status: ContractStatus;
  customer: ContractContent['customer'];
  title: string;
  amount: Money;
  submittedAt: string;
  signature?: Signature;
}
