// Workflow step: records a reviewer's decision on an advance application.
import { recordDecisionHandler } from '#shared/workflow-kit/handlers.ts';
import { expenseApplication } from '../workflow.ts';

export const handler = recordDecisionHandler(expenseApplication);
