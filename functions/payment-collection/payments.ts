// A payment received: applied to the contract's owed installments, earliest due first, the rest kept as credit; once.
import type { ContractRepository } from '#contract-review/contract-repository.ts';
import { localDate } from '#shared/clock.ts';
import { conflict, notFound, unprocessable } from '#shared/errors.ts';
import type { BillingDeps } from './billing.ts';
import type { InstallmentRepository } from './installment-repository.ts';
import type { Installment } from './model.ts';
import { applyToInstallment } from './money-in.ts';
import type { PaymentRecord, PaymentRecords, PaymentResult } from './payment-records.ts';

export interface PaymentDeps extends BillingDeps {
  installments: BillingDeps['installments'] & Pick<InstallmentRepository, 'addCredit'>;
  contracts: Pick<ContractRepository, 'get'>;
  payments: Pick<PaymentRecords, 'claim' | 'get' | 'takeOver' | 'finish'>;
  /** An installment paid in full: its collection has nothing more to ask of anyone (open follow-ups close). */
  paidInFull(installment: Installment): Promise<void>;
  /** Waits between looks at a payment another request is applying. */
  sleep(ms: number): Promise<void>;
}

export interface PaymentRequest {
  contractId: string;
  /** Fen received. */
  amount: number;
  reference: string;
  receivedOn?: string;
}

/** How long a request holds a reference it applies; a request finding it held longer than this takes it over. */
const leaseMs = 30_000;
/** How long a request waits for another one applying the same reference before answering 409. */
const waitForOtherMs = 10_000;
const lookEveryMs = 100;

/**
 * Applies the payment once per reference, whoever asks and however often: a second request with the same reference
 * and the same payment gets the first one's result; with another payment, a 409. A request that died halfway is
 * finished by the next one with that reference: each installment takes a reference once, credit is kept once.
 */
export async function receivePayment(
  deps: PaymentDeps,
  request: PaymentRequest,
  by: string,
): Promise<PaymentResult> {
  const today = localDate(deps.clock.now());
  const receivedOn = request.receivedOn ?? today;
  if (receivedOn > today) throw unprocessable('future-payment', `receivedOn ${receivedOn} is in the future`);
  const contract = await deps.contracts.get(request.contractId);
  if (!contract) throw notFound(`Contract ${request.contractId}`);
  if (contract.status !== 'SIGNED') {
    throw unprocessable(
      'contract-not-signed',
      `${request.contractId} is ${contract.status}: only a signed contract takes payments`,
    );
  }
  const fingerprint = JSON.stringify([request.contractId, request.amount, receivedOn]);
  const now = deps.clock.now();
  const record: PaymentRecord = {
    reference: request.reference,
    fingerprint,
    state: 'applying',
    leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    by,
    at: now.toISOString(),
  };
  const taken = await deps.payments.claim(record);
  if (taken) {
    if (taken.fingerprint !== fingerprint) {
      throw conflict(`Reference ${request.reference} was already used for another payment`, {
        reference: request.reference,
      });
    }
    const settled = await settledElsewhere(deps, taken);
    if (settled) return settled;
  }
  return apply(deps, { ...request, receivedOn }, by);
}

/** The result of the request applying this reference, once it has one; undefined when this request takes over. */
async function settledElsewhere(deps: PaymentDeps, first: PaymentRecord): Promise<PaymentResult | undefined> {
  let record = first;
  for (let waited = 0; ; waited += lookEveryMs) {
    if (record.state === 'applied' && record.result) return record.result;
    const now = deps.clock.now();
    if (Date.parse(record.leaseUntil) <= now.getTime()) {
      const lease = new Date(now.getTime() + leaseMs).toISOString();
      if (await deps.payments.takeOver(record, lease)) return undefined;
    } else if (waited >= waitForOtherMs) {
      throw conflict(`Payment ${first.reference} is being applied by another request; ask again shortly`);
    }
    await deps.sleep(lookEveryMs);
    record = (await deps.payments.get(first.reference)) ?? record;
  }
}

async function apply(
  deps: PaymentDeps,
  request: Required<PaymentRequest>,
  by: string,
): Promise<PaymentResult> {
  // Every billed installment, not only those owed now: one this reference paid in full on an earlier, cut-short
  // run must count what it took.
  const billed = (await deps.installments.ofContract(request.contractId))
    .filter((installment) => installment.billedOn !== undefined && installment.status !== 'WRITTEN_OFF')
    .sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || a.number - b.number);
  let left = request.amount;
  const applied: PaymentResult['applied'] = [];
  for (const installment of billed) {
    const result = await applyToInstallment(deps, installment.id, {
      reference: request.reference,
      upTo: left,
      on: request.receivedOn,
      by,
    });
    if (result.amount === 0) continue;
    left -= result.amount;
    applied.push({ installmentId: installment.id, amount: result.amount, paidInFull: result.paidInFull });
    if (result.paidInFull) await deps.paidInFull(result.installment);
  }
  if (left > 0) {
    await deps.installments.addCredit(request.contractId, {
      reference: request.reference,
      remaining: left,
      on: request.receivedOn,
    });
  }
  const result: PaymentResult = {
    reference: request.reference,
    contractId: request.contractId,
    amount: request.amount,
    receivedOn: request.receivedOn,
    applied,
    credit: left,
  };
  await deps.payments.finish(request.reference, result);
  await deps.audit.record({
    subjectId: request.contractId,
    at: deps.clock.now().toISOString(),
    actor: by,
    action: 'payment-received',
    detail: { ...result },
  });
  return result;
}
