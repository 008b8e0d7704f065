// The contract policy's numbers: finding thresholds, the director threshold, SLAs; defaults overridable by configuration.
import * as z from 'zod';
import { slaInBusinessDays, slaSchema } from '#human-tasks/task-model.ts';
import { readPolicy } from '#shared/policy-config.ts';

const fen = z.number().int().nonnegative();

export const contractPolicySchema = z
  .object({
    /** Contracts whose amount exceeds this (fen) must have the advance payment below. */
    largeContractFrom: fen.default(500_000_00),
    /** The least share of a large contract, in percent, paid on signing. */
    minAdvancePercent: z.number().min(0).max(100).default(30),
    /** Payment terms due more than this many days after their trigger are flagged. */
    maxCreditDays: z.number().int().nonnegative().default(90),
    /** Delivery sooner than this many days from submission is flagged (exactly this many is fine). */
    minDeliveryLeadDays: z.number().int().nonnegative().default(14),
    /** Contracts of this amount (fen) or more also go to the sales director. */
    directorApprovalFrom: fen.default(1_000_000_00),
    legalSla: slaSchema.default({
      reminderAfter: { businessDays: 2 },
      escalateAfter: { businessDays: 3 },
      escalateTo: 'legal-head',
    }),
    directorSla: slaInBusinessDays(2, 4),
    signingSla: slaInBusinessDays(2, 4),
  })
  .strict();

export type ContractPolicy = z.infer<typeof contractPolicySchema>;

/** The policy from `CONTRACT_POLICY` (JSON, any subset of the fields), or the defaults; bad JSON stops the start. */
export const readContractPolicy = (json: string | undefined): ContractPolicy =>
  readPolicy('CONTRACT_POLICY', contractPolicySchema, json);
