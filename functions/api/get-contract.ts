// GET /contracts/{id}: the contract, all versions with findings and hashes, reviews, status and the full trail.
import { contractReview } from '#contract-review/workflow.ts';
import { subjectViewHandler } from './subject-view.ts';

export const handler = subjectViewHandler(contractReview, {
  prefix: 'CT',
  readers: ['sales', 'legal', 'legal-head', 'sales-manager', 'sales-director', 'signatory', 'admin'],
  more: async (deps, { id }) => ({
    versions: (await deps.contracts.versions(id)).map(({ contractId: _id, ...version }) => version),
  }),
});
