// POST /contracts: sales submits a draft; findings are computed and legal review starts. Idempotency-Key honoured.
import { contractDeps } from '#contract-review/contract-deps.ts';
import { submitContract } from '#contract-review/contract-service.ts';
import { contractInputSchema } from '#contract-review/model.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';
import { idempotencyKeyOf, once, requestFingerprint } from '#shared/idempotency.ts';
import { idempotencyStore } from './idempotency-store.ts';

export const handler = apiHandler(
  { access: 'signed-in', body: contractInputSchema },
  async ({ body, caller, headers }) => {
    const deps = contractDeps();
    const person = await requireRole(deps.people, caller, ['sales']);
    const fingerprint = requestFingerprint('POST /contracts', body);
    return once(
      idempotencyStore(),
      { caller: person.email, key: idempotencyKeyOf(headers), fingerprint },
      async () => {
        const contract = await submitContract(deps, person.email, body);
        const version = contract.versions.at(-1);
        return {
          status: 201,
          body: {
            id: contract.id,
            status: contract.status,
            version: contract.version,
            findings: version?.findings ?? [],
          },
        };
      },
    );
  },
);
