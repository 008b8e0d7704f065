// Workflow step: stores one level's decision on the claim or application and says where to go next.
import * as z from 'zod';
import { taskResultSchema } from '#human-tasks/task-model.ts';
import { expenseDeps } from './expense-deps.ts';
import { recordDecision } from './expense-service.ts';
import { subjectRefSchema } from './plan-review.ts';

const inputSchema = subjectRefSchema.extend({
  level: z.enum(['supervisor', 'sales-manager', 'finance', 'director']),
  decision: taskResultSchema,
});

export const handler = async (event: unknown) => recordDecision(expenseDeps(), inputSchema.parse(event));
