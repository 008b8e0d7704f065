// POST /contracts/{id}/revisions: the submitter's next version after legal asked for changes. Idempotency-Key honoured.
import * as z from 'zod/mini';
import { reviseContract } from '#contract-review/contract-filing.ts';
import { contractInputSchema } from '#contract-review/model.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { oncePerKey } from './idempotency-store.ts';
import { filingDeps } from './submit-contract.ts';

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('CT') }), body: contractInputSchema },
  async ({ path, body, caller, headers }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    return oncePerKey(person.email, headers, ['POST /contracts/{id}/revisions', path.id, body], async () => {
      const { contract, version } = await reviseContract(filingDeps(), person.email, path.id, body);
      return {
        status: 201,
        body: {
          id: contract.id,
          status: contract.status,
          version: contract.version,
          changes: version.changes,
        },
      };
    });
  },
);
