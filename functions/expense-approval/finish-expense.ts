// Workflow step: ends a claim or application (approved, rejected, returned, expired): budget settled, owner told.
import * as z from 'zod';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { expenseDeps } from './expense-deps.ts';
import { finish } from './expense-service.ts';
import { subjectRefSchema } from './plan-review.ts';

const inputSchema = subjectRefSchema.extend({
  ending: z.enum(['approved', 'rejected', 'returned', 'expired']),
});

export const handler = async (event: unknown): Promise<{ ended: string }> => {
  const input = inputSchema.parse(event);
  await finish(expenseDeps(mailFromEnv()), input);
  return { ended: input.ending };
};
