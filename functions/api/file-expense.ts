// POST /expenses: a salesperson files a claim; the budget is held and the review starts. Idempotency-Key honoured.
import { fileClaim } from '#expense-approval/claim-filing.ts';
import { claimInputSchema } from '#expense-approval/model.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { filingDepsFromEnv } from '#shared/workflow-kit/filing-deps.ts';
import { oncePerKey } from './idempotency-store.ts';

const deps = filingDepsFromEnv(expenseApproval);

export const handler = apiHandler(
  { access: 'signed-in', body: claimInputSchema },
  async ({ body, caller, headers }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    return oncePerKey(person.email, headers, ['POST /expenses', body], async () => {
      const claim = await fileClaim(deps(), person.email, body);
      return {
        status: 201,
        body: { id: claim.id, status: claim.status, version: claim.version, total: claim.total },
      };
    });
  },
);
