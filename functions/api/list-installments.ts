// GET /contracts/{id}/installments: the contract's installments, what is owed and paid, levels, promises, its credit.
import * as z from 'zod/mini';
import { collectionDeps } from '#payment-collection/collection-deps.ts';
import { highestLevel, outstandingOf } from '#payment-collection/model.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { forbidden, notFound } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';
import type { Role } from '#shared/people.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { attentionFor } from '#shared/workflow-kit/subject-view.ts';

/** Who follows the money besides the contract's salesperson. */
const readers: readonly Role[] = [
  'finance',
  'sales-manager',
  'sales-director',
  'legal',
  'legal-head',
  'admin',
];

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('CT') }) },
  async ({ path, caller }) => {
    const person = await requireRole(peopleFromEnv(), caller);
    const deps = collectionDeps();
    const contract = await deps.contracts.get(path.id);
    if (!contract) throw notFound(`Contract ${path.id}`);
    if (contract.submitter !== person.email && !person.roles.some((role) => readers.includes(role))) {
      throw forbidden(`You are not involved in ${path.id}`);
    }
    const [installments, credits] = await Promise.all([
      deps.installments.ofContract(path.id),
      deps.installments.creditsOf(path.id),
    ]);
    return {
      body: {
        contractId: path.id,
        installments: installments.map(
          ({ revision: _r, endedMailAt: _m, told: _t, runs: _runs, attention, ...installment }) => ({
            ...installment,
            ...(attention ? { attention: attentionFor(person, attention) } : {}),
            outstanding: { amount: outstandingOf(installment), currency: 'CNY' },
            level: highestLevel(installment),
          }),
        ),
        credit: { amount: credits.reduce((sum, entry) => sum + entry.remaining, 0), currency: 'CNY' },
      },
    };
  },
);
