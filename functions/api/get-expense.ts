// GET /expenses/{id}: the claim with its status, version, reviews, current step and assignee, and the full trail.
import { expenseApproval } from '#expense-approval/workflow.ts';
import { subjectViewHandler } from './subject-view.ts';

/** Those involved, finance and admins may read a claim. */
export const handler = subjectViewHandler(expenseApproval, { prefix: 'EX', readers: ['finance', 'admin'] });
