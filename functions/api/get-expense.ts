// GET /expenses/{id}: the claim with its status, version, reviews, current step and assignee, and the full trail.
import * as z from 'zod';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { viewSubject } from '#shared/workflow-kit/subject-view.ts';
import { viewDepsFromEnv } from './view-deps.ts';

const deps = workflowDepsFromEnv(expenseApproval);

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('EX') }) },
  async ({ path, caller }) => {
    const reader = await requireRole(peopleFromEnv(), caller);
    // Those involved, finance and admins may read a claim.
    return {
      body: await viewSubject(expenseApproval, deps(), viewDepsFromEnv(), path.id, reader, [
        'finance',
        'admin',
      ]),
    };
  },
);
