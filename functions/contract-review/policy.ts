// The contract policy's numbers: finding thresholds, the director threshold, SLAs; defaults overridable by configuration.
import * as z from 'zod/mini';
import { slaInBusinessDays, slaSchema } from '#human-tasks/task-model.ts';
import { readPolicy } from '#shared/policy-config.ts';

const fen = z.int().check(z.nonnegative());

export const contractPolicySchema = z.strictObject({
  /** Contracts whose amount exceeds this (fen) must have the advance payment below. */
  largeContractFrom: z._default(fen, 500_000_00),
  /** The least share of a large contract, in percent, paid on signing. */
  minAdvancePercent: z._default(z.number().check(z.gte(0), z.lte(100)), 30),
  /** Payment terms due more than this many days after their trigger are flagged. */
  maxCreditDays: z._default(z.int().check(z.nonnegative()), 90),
  /** Delivery sooner than this many days from submission is flagged (exactly this many is fine). */
  minDeliveryLeadDays: z._default(z.int().check(z.nonnegative()), 14),
  /** Contracts of this amount (fen) or more also go to the sales director. */
  directorApprovalFrom: z._default(fen, 1_000_000_00),
  legalSla: z._default(slaSchema, {
    reminderAfter: { businessDays: 2 },
    escalateAfter: { businessDays: 3 },
    escalateTo: 'legal-head',
  }),
  directorSla: slaInBusinessDays(2, 4),
  signingSla: slaInBusinessDays(2, 4),
});

export type ContractPolicy = z.infer<typeof contractPolicySchema>;

/** The policy from `CONTRACT_POLICY` (JSON, any subset of the fields), or the defaults; bad JSON stops the start. */
export const readContractPolicy = (json: string | undefined): ContractPolicy =>
  readPolicy('CONTRACT_POLICY', contractPolicySchema, json);
