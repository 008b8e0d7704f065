// GET /contracts/{id}: the contract, all versions with findings and hashes, reviews, status and the full trail.
import * as z from 'zod';
import { contractReview } from '#contract-review/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { viewSubject } from '#shared/workflow-kit/subject-view.ts';
import { viewDepsFromEnv } from './view-deps.ts';

const deps = workflowDepsFromEnv(contractReview);
const readers = [
  'sales',
  'legal',
  'legal-head',
  'sales-manager',
  'sales-director',
  'signatory',
  'admin',
] as const;

export const handler = apiHandler(
  { access: 'signed-in', path: z.object({ id: businessIdSchema('CT') }) },
  async ({ path, caller }) => {
    const reader = await requireRole(peopleFromEnv(), caller, readers);
    const view = await viewSubject(contractReview, deps(), viewDepsFromEnv(), path.id, reader, readers);
    const versions = (await deps().contracts.versions(path.id)).map(
      ({ contractId: _id, ...version }) => version,
    );
    return { body: { ...view, versions } };
  },
);
