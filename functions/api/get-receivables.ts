// GET /receivables?asOf=: aging, per salesperson, DSO, best possible DSO, ADD and CEI, for finance and managers.
import {
  receivablesQuerySchema,
  receivablesReaders,
  receivablesReport,
  receivablesSources,
} from '#payment-collection/receivables.ts';
import { requireRole } from '#shared/access.ts';
import { processClock } from '#shared/clock.ts';
import { apiHandler } from '#shared/http.ts';
import { lazy } from '#shared/lazy.ts';
import { peopleFromEnv, tableFromEnv } from '#shared/table.ts';

const sources = lazy(() => receivablesSources(tableFromEnv()));

export const handler = apiHandler(
  { access: 'signed-in', query: receivablesQuerySchema },
  async ({ query, caller }) => {
    await requireRole(peopleFromEnv(), caller, receivablesReaders);
    const report = await receivablesReport(
      { sources: sources(), people: peopleFromEnv(), clock: processClock },
      query.asOf,
    );
    return { body: report };
  },
);
