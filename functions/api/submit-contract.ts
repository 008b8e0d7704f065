// POST /contracts: sales submits a draft; findings are computed and legal review starts. Idempotency-Key honoured.
import { submitContract } from '#contract-review/contract-filing.ts';
import { contractInputSchema } from '#contract-review/model.ts';
import { contractReview } from '#contract-review/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { filingDepsFromEnv } from '#shared/workflow-kit/filing-deps.ts';
import { oncePerKey } from './idempotency-store.ts';

export const filingDeps = filingDepsFromEnv(contractReview);

export const handler = apiHandler(
  { access: 'signed-in', body: contractInputSchema },
  async ({ body, caller, headers }) => {
    const person = await requireRole(peopleFromEnv(), caller, ['sales']);
    return oncePerKey(person.email, headers, ['POST /contracts', body], async () => {
      const { contract, version } = await submitContract(filingDeps(), person.email, body);
      return {
        status: 201,
        body: {
          id: contract.id,
          status: contract.status,
          version: contract.version,
          findings: version.findings ?? [],
        },
      };
    });
  },
);
