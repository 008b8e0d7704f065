// POST /contracts/{id}/revisions: the submitter's next version after legal asked for changes.
import * as z from 'zod';
import { contractDeps } from '#contract-review/contract-deps.ts';
import { reviseContract } from '#contract-review/contract-service.ts';
import { contractInputSchema } from '#contract-review/model.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';

export const handler = apiHandler(
  {
    access: 'signed-in',
    path: z.object({ id: z.string().regex(/^CT-\d{4}-\d{5}$/) }),
    body: contractInputSchema,
  },
  async ({ path, body, caller }) => {
    const deps = contractDeps();
    const person = await requireRole(deps.people, caller);
    const contract = await reviseContract(deps, person.email, path.id, body);
    const version = contract.versions.at(-1);
    return {
      status: 201,
      body: {
        id: contract.id,
        status: contract.status,
        version: contract.version,
        changes: version?.changes ?? [],
      },
    };
  },
);
