// PUT /expenses/{id}: the submitter's new version of a claim returned for changes; review starts again at level 1.
import * as z from 'zod';
import { reviseClaim } from '#expense-approval/claim-filing.ts';
import { claimInputSchema } from '#expense-approval/model.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { processClock } from '#shared/clock.ts';
import { apiHandler } from '#shared/http.ts';
import { lazy } from '#shared/lazy.ts';
import { auditFromEnv, nextIdFromEnv, peopleFromEnv } from '#shared/table.ts';
import { workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { starterFromEnv } from '#shared/workflow-starter.ts';

const deps = lazy(() => ({
  ...workflowDepsFromEnv(expenseApproval)(),
  audit: auditFromEnv(),
  starter: starterFromEnv(),
  clock: processClock,
  nextId: nextIdFromEnv(),
}));

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('EX') }), body: claimInputSchema },
  async ({ path, body, caller }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    const claim = await reviseClaim(deps(), person.email, path.id, body);
    return { body: { id: claim.id, status: claim.status, version: claim.version, total: claim.total } };
  },
);
