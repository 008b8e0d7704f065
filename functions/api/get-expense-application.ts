// GET /expense-applications/{id}: the advance application with its reviews, current step and the full trail.
import * as z from 'zod';
import { expenseApplication } from '#expense-application/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { viewSubject } from '#shared/workflow-kit/subject-view.ts';
import { viewDepsFromEnv } from './view-deps.ts';

const deps = workflowDepsFromEnv(expenseApplication);

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('PA') }) },
  async ({ path, caller }) => {
    const reader = await requireRole(peopleFromEnv(), caller);
    // Those involved, finance and admins may read an application.
    return {
      body: await viewSubject(expenseApplication, deps(), viewDepsFromEnv(), path.id, reader, [
        'finance',
        'admin',
      ]),
    };
  },
);
