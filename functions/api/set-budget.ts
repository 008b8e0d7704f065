// PUT /budgets/{costCenter}/{period}: finance (or an admin) sets a budget's limit; holds and spending stay.
import * as z from 'zod/mini';
import { BudgetRepository } from '#expense-approval/budgets.ts';
import { budgetPathSchema } from '#expense-approval/model.ts';
import { requireRole } from '#shared/access.ts';
import { processClock } from '#shared/clock.ts';
import { apiHandler } from '#shared/http.ts';
import { lazy } from '#shared/lazy.ts';
import { moneySchema } from '#shared/money.ts';
import { auditFromEnv, peopleFromEnv, tableFromEnv } from '#shared/table.ts';

const bodySchema = z.strictObject({
  limit: z.extend(moneySchema, { currency: z.literal('CNY', { error: 'budgets are in CNY' }) }),
});

const budgets = lazy(() => new BudgetRepository(tableFromEnv().db, tableFromEnv().tableName));

export const handler = apiHandler(
  { access: 'signed-in', path: budgetPathSchema, body: bodySchema },
  async ({ path, body, caller }) => {
    const person = await requireRole(peopleFromEnv(), caller, ['finance', 'admin']);
    const before = await budgets().get(path.costCenter, path.period);
    const budget = await budgets().setLimit(
      path.costCenter,
      path.period,
      body.limit,
      person.email,
      processClock.now(),
    );
    await auditFromEnv().record({
      subjectId: `BUDGET-${path.costCenter}-${path.period}`,
      at: budget.updatedAt,
      actor: person.email,
      action: 'budget-limit-set',
      detail: { from: before?.limit, to: body.limit },
    });
    return { status: before ? 200 : 201, body: budget };
  },
);
