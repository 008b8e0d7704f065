// Workflow step: the order was delivered (or accepted): payment collection starts the installments due on it.
import * as z from 'zod';
import { milestoneReached } from '#payment-collection/installment-triggers.ts';
import { processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { auditFromEnv } from '#shared/table.ts';
import { stepHandler, workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { loadSubject } from '#shared/workflow-kit/steps.ts';
import { subjectRefSchema } from '#shared/workflow-kit/subject.ts';
import { starterFromEnv } from '#shared/workflow-starter.ts';
import { orderHandoff } from '../workflow.ts';

const deps = workflowDepsFromEnv(orderHandoff);
const triggers = lazy(() => ({ starter: starterFromEnv(), audit: auditFromEnv(), clock: processClock }));

export const handler = stepHandler(
  z.object({ subject: subjectRefSchema, milestone: z.enum(['delivery', 'acceptance']) }).strict(),
  async ({ subject, milestone }) => {
    const order = await loadSubject(orderHandoff, deps(), subject);
    const on = milestone === 'delivery' ? order.delivery?.deliveredOn : order.acceptance?.acceptedOn;
    if (!on) throw new Error(`${order.id} has no ${milestone} date`);
    return milestoneReached(triggers(), {
      contractId: order.contractId,
      milestone,
      on,
      reportedOn: order.id,
    });
  },
);
