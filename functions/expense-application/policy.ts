// The advance application policy: the reviewers' SLA; defaults here, overridable by configuration.
import * as z from 'zod/mini';
import { slaInBusinessDays } from '#human-tasks/task-model.ts';
import { readPolicy } from '#shared/policy-config.ts';

export const applicationPolicySchema = z.strictObject({
  reviewSla: slaInBusinessDays(2, 3),
});

export type ApplicationPolicy = z.infer<typeof applicationPolicySchema>;

/** From `EXPENSE_APPLICATION_POLICY` (JSON, any subset of the fields), or the defaults; bad JSON stops the start. */
export const readApplicationPolicy = (json: string | undefined): ApplicationPolicy =>
  readPolicy('EXPENSE_APPLICATION_POLICY', applicationPolicySchema, json);
