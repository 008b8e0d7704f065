// GET /budgets/{costCenter}/{period}: limit, committed, consumed and what is available.
import { expenseDeps } from '#expense-approval/expense-deps.ts';
import { budgetPathSchema } from '#expense-approval/model.ts';
import { requireRole } from '#shared/access.ts';
import { notFound } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';

export const handler = apiHandler(
  { access: 'signed-in', path: budgetPathSchema },
  async ({ path, caller }) => {
    const deps = expenseDeps();
    await requireRole(deps.people, caller);
    const budget = await deps.budgets.get(path.costCenter, path.period);
    if (!budget) throw notFound(`Budget ${path.costCenter} ${path.period}`);
    return { body: budget };
  },
);
