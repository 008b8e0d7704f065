// PUT /expenses/{id}: the submitter's new version of a claim returned for changes; review starts again at level 1.
import * as z from 'zod';
import { expenseDeps } from '#expense-approval/expense-deps.ts';
import { reviseClaim } from '#expense-approval/expense-service.ts';
import { claimInputSchema } from '#expense-approval/model.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';

export const handler = apiHandler(
  {
    access: 'signed-in',
    path: z.object({ id: z.string().regex(/^EX-\d{4}-\d{5}$/) }),
    body: claimInputSchema,
  },
  async ({ path, body, caller }) => {
    const deps = expenseDeps();
    const person = await requireRole(deps.people, caller);
    const claim = await reviseClaim(deps, person.email, path.id, body);
    return { body: { id: claim.id, status: claim.status, version: claim.version, total: claim.total } };
  },
);
