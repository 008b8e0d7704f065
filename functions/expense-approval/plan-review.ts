// Workflow step: the next review level of a claim or application and its reviewer, or "done".
import * as z from 'zod';
import { expenseDeps } from './expense-deps.ts';
import { type Plan, planReview } from './expense-service.ts';

export const subjectRefSchema = z.object({
  kind: z.enum(['claim', 'application']),
  id: z.string().regex(/^(EX|PA)-\d{4}-\d{5}$/),
  version: z.number().int().positive(),
});

export const handler = async (event: unknown): Promise<Plan> =>
  planReview(expenseDeps(), subjectRefSchema.parse(event));
