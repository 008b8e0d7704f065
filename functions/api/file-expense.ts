// POST /expenses: a salesperson files a claim; the budget is held and the review starts. Idempotency-Key honoured.
import { fileClaim } from '#expense-approval/claim-filing.ts';
import { claimInputSchema } from '#expense-approval/model.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { processClock } from '#shared/clock.ts';
import { apiHandler } from '#shared/http.ts';
import { idempotencyKeyOf, once, requestFingerprint } from '#shared/idempotency.ts';
import { lazy } from '#shared/lazy.ts';
import { auditFromEnv, nextIdFromEnv, peopleFromEnv } from '#shared/table.ts';
import { workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { starterFromEnv } from '#shared/workflow-starter.ts';
import { idempotencyStore } from './idempotency-store.ts';

const deps = lazy(() => ({
  ...workflowDepsFromEnv(expenseApproval)(),
  audit: auditFromEnv(),
  starter: starterFromEnv(),
  clock: processClock,
  nextId: nextIdFromEnv(),
}));

export const handler = apiHandler(
  { access: 'signed-in', body: claimInputSchema },
  async ({ body, caller, headers }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    const request = {
      caller: person.email,
      key: idempotencyKeyOf(headers),
      fingerprint: requestFingerprint('POST /expenses', body),
    };
    return once(idempotencyStore(), request, async () => {
      const claim = await fileClaim(deps(), person.email, body);
      return {
        status: 201,
        body: { id: claim.id, status: claim.status, version: claim.version, total: claim.total },
      };
    });
  },
);
