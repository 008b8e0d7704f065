// Workflow step: ends an advance application's review (approved, rejected, expired) and tells the applicant.
import { finishHandler } from '#shared/workflow-kit/handlers.ts';
import { expenseApplication } from '../workflow.ts';

export const handler = finishHandler(expenseApplication);
