// Workflow step: the order was delivered (or accepted): the installments due on it get their dates and start; or it
// was cancelled: those still waiting for it close unbilled.
import * as z from 'zod/mini';
import { cancelUntriggered } from '#payment-collection/billing.ts';
import { reach } from '#payment-collection/collection-start.ts';
import { startDeps } from '#payment-collection/start-deps.ts';
import { stepHandler, workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { loadSubject } from '#shared/workflow-kit/steps.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { orderHandoff } from '../workflow.ts';

const deps = workflowDepsFromEnv(orderHandoff);

export const handler = stepHandler(
  z.strictObject({
    subject: subjectRefSchema,
    milestone: z.enum(['delivery', 'acceptance', 'cancellation']),
  }),
  async ({ subject, milestone }) => {
    const order = await loadSubject(orderHandoff, deps(), subject);
    if (milestone === 'cancellation') return cancelUntriggered(startDeps(), order.contractId, order.id);
    const on = milestone === 'delivery' ? order.delivery?.deliveredOn : order.acceptance?.acceptedOn;
    if (!on) throw new Error(`${order.id} has no ${milestone} date`);
    return reach(startDeps(), order.contractId, milestone, on);
  },
);
