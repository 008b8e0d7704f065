// GET /budgets/{costCenter}/{period}: limit, committed, consumed and what is available.
import { BudgetRepository } from '#expense-approval/budgets.ts';
import { budgetPathSchema } from '#expense-approval/model.ts';
import { requireRole } from '#shared/access.ts';
import { notFound } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';
import { lazy } from '#shared/lazy.ts';
import { peopleFromEnv, tableFromEnv } from '#shared/table.ts';

const budgets = lazy(() => new BudgetRepository(tableFromEnv().db, tableFromEnv().tableName));

export const handler = apiHandler(
  { access: 'signed-in', path: budgetPathSchema },
  async ({ path, caller }) => {
    await requireRole(peopleFromEnv(), caller);
    const budget = await budgets().get(path.costCenter, path.period);
    if (!budget) throw notFound(`Budget ${path.costCenter} ${path.period}`);
    return { body: budget };
  },
);
