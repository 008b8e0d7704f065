// Workflow step (follow-up): legal's payment plan came due: kept if paid in full, else broken.

import * as z from 'zod/mini';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { collectionDeps } from '../collection-deps.ts';
import { checkPaymentPlan } from '../follow-up-steps.ts';

export const handler = stepHandler(z.strictObject({ subject: subjectRefSchema }), ({ subject }) =>
  checkPaymentPlan(collectionDeps(), subject),
);
