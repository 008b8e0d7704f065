// GET /expense-applications/{id}: the advance application with its reviews, current step and the full trail.
import { expenseApplication } from '#expense-application/workflow.ts';
import { subjectViewHandler } from './subject-view.ts';

/** Those involved, finance and admins may read an application. */
export const handler = subjectViewHandler(expenseApplication, {
  prefix: 'PA',
  readers: ['finance', 'admin'],
});
