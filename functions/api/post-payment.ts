// POST /payments: finance records a payment received; once per reference (and per Idempotency-Key), oldest due first, the rest as credit.
import * as z from 'zod/mini';
import { collectionDeps } from '#payment-collection/collection-deps.ts';
import { closeFollowUps } from '#payment-collection/follow-up-deps.ts';
import type { Installment } from '#payment-collection/model.ts';
import { PaymentRecords } from '#payment-collection/payment-records.ts';
import { receivePayment } from '#payment-collection/payments.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { lazy } from '#shared/lazy.ts';
import { moneySchema } from '#shared/money.ts';
import { peopleFromEnv, tableFromEnv } from '#shared/table.ts';
import { oncePerKey } from './idempotency-store.ts';

const paymentSchema = z.strictObject({
  contractId: businessIdSchema('CT'),
  amount: z
    .extend(moneySchema, { currency: z.literal('CNY', { error: 'contracts are in CNY' }) })
    .check(z.refine((m) => m.amount > 0, { error: 'amount must be more than zero' })),
  /** The bank's or the customer's reference: one payment per reference, ever. */
  reference: z
    .string()
    .check(
      z.trim(),
      z.regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/, 'a reference is 1–64 letters, digits and . _ : / -'),
    ),
  receivedOn: z.optional(z.iso.date('use YYYY-MM-DD')),
});

const deps = lazy(() => ({
  ...collectionDeps(),
  payments: new PaymentRecords(tableFromEnv()),
  paidInFull: (installment: Installment) => closeFollowUps()(installment, 'paid in full'),
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
}));

export const handler = apiHandler(
  { access: 'signed-in', body: paymentSchema },
  async ({ body, caller, headers }) => {
    const person = await requireRole(peopleFromEnv(), caller, ['finance']);
    // The reference alone already applies a payment once; the key also refuses another body sent under it.
    return oncePerKey(person.email, headers, ['POST /payments', body], async () => {
      const result = await receivePayment(
        deps(),
        {
          contractId: body.contractId,
          amount: body.amount.amount,
          reference: body.reference,
          ...(body.receivedOn ? { receivedOn: body.receivedOn } : {}),
        },
        person.email,
      );
      return { status: 201, body: result };
    });
  },
);
