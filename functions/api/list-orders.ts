// GET /orders?contractId=: the orders a contract became (one, once signed), for the staff who follow orders.
import * as z from 'zod/mini';
import { orderHandoff } from '#order-handoff/workflow.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import type { Role } from '#shared/people.ts';
import { peopleFromEnv } from '#shared/table.ts';
import { workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';

/** Staff who work on or follow orders. */
export const orderReaders: readonly Role[] = [
  'production',
  'logistics',
  'sales',
  'supervisor',
  'sales-manager',
  'sales-director',
  'admin',
];

const deps = workflowDepsFromEnv(orderHandoff);

export const handler = apiHandler(
  { access: 'signed-in', query: z.strictObject({ contractId: businessIdSchema('CT') }) },
  async ({ query, caller }) => {
    await requireRole(peopleFromEnv(), caller, orderReaders);
    const orders = await deps().orders.ofContract(query.contractId);
    return { body: { orders: orders.map(({ revision: _r, endedMailAt: _m, ...order }) => order) } };
  },
);
