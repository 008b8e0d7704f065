// Workflow step: ends a contract version's review (signed, rejected, changes requested, expired) and tells sales.
import * as z from 'zod';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { contractDeps } from './contract-deps.ts';
import { finishContract } from './contract-service.ts';
import { contractRefSchema } from './plan-stage.ts';

const inputSchema = contractRefSchema.extend({
  ending: z.enum(['signed', 'rejected', 'changes-requested', 'expired']),
});

export const handler = async (event: unknown): Promise<{ ended: string }> => {
  const input = inputSchema.parse(event);
  await finishContract(contractDeps(mailFromEnv()), input);
  return { ended: input.ending };
};
