// Workflow step: ends an expense claim's review (approved for payment, rejected, returned, expired): budget settled, submitter told.
import { finishHandler } from '#shared/workflow-kit/handlers.ts';
import { expenseApproval } from '../workflow.ts';

export const handler = finishHandler(expenseApproval);
