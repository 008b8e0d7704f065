// PUT /expenses/{id}: the submitter's new version of a claim returned for changes; review starts again at level 1.
import * as z from 'zod/mini';
import { reviseClaim } from '#expense-approval/claim-filing.ts';
import { claimInputSchema } from '#expense-approval/model.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { filingDepsFromEnv } from '#shared/workflow-kit/filing-deps.ts';

const deps = filingDepsFromEnv(expenseApproval);

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('EX') }), body: claimInputSchema },
  async ({ path, body, caller }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    const claim = await reviseClaim(deps(), person.email, path.id, body);
    return { body: { id: claim.id, status: claim.status, version: claim.version, total: claim.total } };
  },
);
