// Workflow step: an installment written off with finance's approval: collection ends, the owner is told.
import { finishHandler } from '#shared/workflow-kit/handlers.ts';
import { paymentCollection } from '../workflow.ts';

export const handler = finishHandler(paymentCollection);
