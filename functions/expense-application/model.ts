// Advance applications (事前申请): spending over budget applied for beforehand, and the statuses they move through.
import * as z from 'zod/mini';
import { costCenterSchema, positiveCnySchema } from '#expense-approval/model.ts';
import type { Money } from '#shared/money.ts';
import { multiLineText } from '#shared/text.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';

export const applicationInputSchema = z.strictObject({
  costCenter: costCenterSchema,
  amount: positiveCnySchema,
  reason: multiLineText({
    min: 10,
    max: 2000,
    minMessage: 'explain the spending in at least 10 characters',
  }),
});
export type ApplicationInput = z.infer<typeof applicationInputSchema>;

/** `USED` once a claim drew on it: an application covers one claim. */
export type ApplicationStatus =
  | 'IN_REVIEW'
  | 'APPROVED'
  | 'REJECTED'
  | 'USED'
  | 'EXPIRED'
  | 'NEEDS_ATTENTION';

export interface Application extends Subject {
  applicant: string;
  costCenter: string;
  amount: Money;
  reason: string;
  status: ApplicationStatus;
  submittedAt: string;
  /** The claim that used it. */
  usedBy?: string;
}
