// Workflow step: the next stage of a contract version (legal, director, signing) and its task.
import * as z from 'zod';
import { contractDeps } from './contract-deps.ts';
import { planStage } from './contract-service.ts';

export const contractRefSchema = z.object({
  id: z.string().regex(/^CT-\d{4}-\d{5}$/),
  version: z.number().int().positive(),
});

export const handler = async (event: unknown) => planStage(contractDeps(), contractRefSchema.parse(event));
