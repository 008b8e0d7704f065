// Workflow step: records a follow-up decision on an installment (a contact, a promise, a dispute, legal, a write-off).
import { recordDecisionHandler } from '#shared/workflow-kit/handlers.ts';
import { paymentCollection } from '../workflow.ts';

export const handler = recordDecisionHandler(paymentCollection);
