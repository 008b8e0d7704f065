// Workflow step: an installment's collection needs attention: ops and the owner told.
import { needsAttentionHandler } from '#shared/workflow-kit/handlers.ts';
import { paymentCollection } from '../workflow.ts';

export const handler = needsAttentionHandler(paymentCollection);
