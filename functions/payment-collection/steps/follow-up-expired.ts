// Workflow step (follow-up): nobody answered the follow-up by its deadline; its task closes, the owner is told.
import { expiredStepHandler } from '#shared/workflow-kit/handlers.ts';
import { paymentCollection } from '../workflow.ts';

export const handler = expiredStepHandler(paymentCollection);
