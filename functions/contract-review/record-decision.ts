// Workflow step: stores a stage's decision on the contract (checking the content hash at signing) and says what next.
import * as z from 'zod';
import { taskResultSchema } from '#human-tasks/task-model.ts';
import { contractDeps } from './contract-deps.ts';
import { recordContractDecision } from './contract-service.ts';
import { contractRefSchema } from './plan-stage.ts';

const inputSchema = contractRefSchema.extend({
  stage: z.enum(['legal', 'director', 'signing']),
  decision: taskResultSchema,
});

export const handler = async (event: unknown) =>
  recordContractDecision(contractDeps(), inputSchema.parse(event));
