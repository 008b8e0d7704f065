// POST /expense-applications: an advance application for over-budget spending, reviewed by manager then director.
import { expenseDeps } from '#expense-approval/expense-deps.ts';
import { fileApplication } from '#expense-approval/expense-service.ts';
import { applicationInputSchema } from '#expense-approval/model.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';
import { idempotencyKeyOf, once, requestFingerprint } from '#shared/idempotency.ts';
import { idempotencyStore } from './idempotency-store.ts';

export const handler = apiHandler(
  { access: 'signed-in', body: applicationInputSchema },
  async ({ body, caller, headers }) => {
    const deps = expenseDeps();
    const person = await requireRole(deps.people, caller);
    const fingerprint = requestFingerprint('POST /expense-applications', body);
    return once(
      idempotencyStore(),
      { caller: person.email, key: idempotencyKeyOf(headers), fingerprint },
      async () => {
        const application = await fileApplication(deps, person.email, body);
        return { status: 201, body: { id: application.id, status: application.status } };
      },
    );
  },
);
