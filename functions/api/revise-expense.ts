// PUT /expenses/{id}: the submitter's new version of a claim returned for changes; review starts again at level 1.
// Idempotency-Key honoured: a retried revision whose reply was lost is answered as the first, not refused with 409.
import * as z from 'zod/mini';
import { reviseClaim } from '#expense-approval/claim-filing.ts';
import { claimInputSchema } from '#expense-approval/model.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { filingDepsFromEnv } from '#shared/workflow-kit/filing-deps.ts';
import { oncePerKey } from './idempotency-store.ts';

const deps = filingDepsFromEnv(expenseApproval);

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('EX') }), body: claimInputSchema },
  async ({ path, body, caller, headers }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    return oncePerKey(person.email, headers, ['PUT /expenses/{id}', path.id, body], async () => {
      const claim = await reviseClaim(deps(), person.email, path.id, body);
      return { body: { id: claim.id, status: claim.status, version: claim.version, total: claim.total } };
    });
  },
);
