// Workflow step: the Catch-all path; the claim needs attention (its budget is released), the submitter and ops are told.
import { needsAttentionHandler } from '#shared/workflow-kit/handlers.ts';
import { expenseApproval } from '../workflow.ts';

export const handler = needsAttentionHandler(expenseApproval);
