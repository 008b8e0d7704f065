// Workflow step (contract review, after signing): the signed contract becomes its order; returns the order's id.
import * as z from 'zod/mini';
import { processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { auditFromEnv, nextIdFromEnv } from '#shared/table.ts';
import { stepHandler, workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { createOrder } from '../order-creation.ts';
import { orderHandoff } from '../workflow.ts';

const workflowDeps = workflowDepsFromEnv(orderHandoff);
const deps = lazy(() => ({
  ...workflowDeps(),
  audit: auditFromEnv(),
  clock: processClock,
  nextId: nextIdFromEnv(),
}));

export const handler = stepHandler(z.strictObject({ contract: subjectRefSchema }), async ({ contract }) => {
  const order = await createOrder(deps(), contract.id);
  return { order: { kind: orderHandoff.kind, id: order.id, version: order.version } };
});
