// GET /contracts/{id}: the contract, all versions with findings, reviews, status and the full trail.
import * as z from 'zod';
import { contractDeps } from '#contract-review/contract-deps.ts';
import { requireRole } from '#shared/access.ts';
import { notFound } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';

export const handler = apiHandler(
  {
    access: 'signed-in',
    path: z.object({ id: z.string().regex(/^CT-\d{4}-\d{5}$/, 'a contract id looks like CT-2026-00042') }),
  },
  async ({ path, caller }) => {
    const deps = contractDeps();
    await requireRole(deps.people, caller, [
      'sales',
      'legal',
      'legal-head',
      'sales-manager',
      'sales-director',
      'signatory',
      'admin',
    ]);
    const contract = await deps.contracts.get(path.id);
    if (!contract) throw notFound(`Contract ${path.id}`);
    const { revision: _revision, ...view } = contract;
    return { body: { ...view, trail: await deps.audit.of(path.id) } };
  },
);
