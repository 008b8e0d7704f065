// Workflow step: the Catch-all path; the order needs attention, the sales owner and ops are told.
import { needsAttentionHandler } from '#shared/workflow-kit/handlers.ts';
import { orderHandoff } from '../workflow.ts';

export const handler = needsAttentionHandler(orderHandoff);
