// Workflow step: records a reviewer's decision on an expense claim; says which levels are still needed.
import { recordDecisionHandler } from '#shared/workflow-kit/handlers.ts';
import { expenseApproval } from '../workflow.ts';

export const handler = recordDecisionHandler(expenseApproval);
