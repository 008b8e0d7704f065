// PUT /budgets/{costCenter}/{period}: finance (or an admin) sets a budget's limit; holds and spending stay.
import * as z from 'zod';
import { expenseDeps } from '#expense-approval/expense-deps.ts';
import { budgetPathSchema } from '#expense-approval/model.ts';
import { requireRole } from '#shared/access.ts';
import { apiHandler } from '#shared/http.ts';
import { moneySchema } from '#shared/money.ts';

const bodySchema = z
  .object({ limit: moneySchema.extend({ currency: z.literal('CNY', { error: 'budgets are in CNY' }) }) })
  .strict();

export const handler = apiHandler(
  { access: 'signed-in', path: budgetPathSchema, body: bodySchema },
  async ({ path, body, caller }) => {
    const deps = expenseDeps();
    const person = await requireRole(deps.people, caller, ['finance', 'admin']);
    const before = await deps.budgets.get(path.costCenter, path.period);
    const budget = await deps.budgets.setLimit(
      path.costCenter,
      path.period,
      body.limit,
      person.email,
      deps.clock.now(),
    );
    await deps.audit.record({
      subjectId: `BUDGET-${path.costCenter}-${path.period}`,
      at: budget.updatedAt,
      actor: person.email,
      action: 'budget-limit-set',
      detail: { from: before?.limit, to: body.limit },
    });
    return { status: before ? 200 : 201, body: budget };
  },
);
