// POST /expense-applications: an advance application for over-budget spending, reviewed by manager then director.
import { fileApplication } from '#expense-application/application-filing.ts';
import { applicationInputSchema } from '#expense-application/model.ts';
import { expenseApplication } from '#expense-application/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { filingDepsFromEnv } from '#shared/workflow-kit/filing-deps.ts';
import { oncePerKey } from './idempotency-store.ts';

const deps = filingDepsFromEnv(expenseApplication);

export const handler = apiHandler(
  { access: 'signed-in', body: applicationInputSchema },
  async ({ body, caller, headers }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    return oncePerKey(person.email, headers, ['POST /expense-applications', body], async () => {
      const application = await fileApplication(deps(), person.email, body);
      return { status: 201, body: { id: application.id, status: application.status } };
    });
  },
);
