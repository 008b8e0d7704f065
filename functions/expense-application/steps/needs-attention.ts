// Workflow step: the Catch-all path; the application needs attention, the applicant and ops are told.
import { needsAttentionHandler } from '#shared/workflow-kit/handlers.ts';
import { expenseApplication } from '../workflow.ts';

export const handler = needsAttentionHandler(expenseApplication);
