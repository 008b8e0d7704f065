// Money applied to one installment, once per reference: the installment, its ledger line, its kept promise.
import type { AuditTrail } from '#shared/audit.ts';
import type { Clock } from '#shared/clock.ts';
import { DomainError } from '#shared/errors.ts';
import type { InstallmentRepository } from './installment-repository.ts';
import type { Ledger } from './ledger.ts';
import { type Installment, isOwed, outstandingOf } from './model.ts';

export interface MoneyInDeps {
  installments: Pick<InstallmentRepository, 'get' | 'save'>;
  ledger: Ledger;
  audit: Pick<AuditTrail, 'record'>;
  clock: Clock;
}

export interface MoneyIn {
  /** A payment's reference, or `credit#<reference>` for credit the contract held. */
  reference: string;
  /** At most this many fen go to the installment. */
  upTo: number;
  /** The day the money arrived. */
  on: string;
  /** Who applied it, for the trail. */
  by: string;
}

export interface Applied {
  /** Fen this reference put on the installment (now or on an earlier run). */
  amount: number;
  /** This reference left nothing outstanding on it. */
  paidInFull: boolean;
  installment: Installment;
}

const attempts = 5;

/**
 * Puts up to `money.upTo` fen on the installment, at most what is outstanding. A reference already on it is not
 * applied again: the earlier amount is returned, and its ledger line written if a crash left it out.
 */
export async function applyToInstallment(deps: MoneyInDeps, id: string, money: MoneyIn): Promise<Applied> {
  for (let attempt = 1; ; attempt++) {
    const installment = await deps.installments.get(id);
    if (!installment) throw new Error(`Installment ${id} does not exist`);
    const earlier = appliedBy(installment, money.reference);
    if (earlier) {
      await recordInLedger(deps, installment, money.reference, earlier);
      return { amount: earlier.amount, paidInFull: earlier.paidInFull, installment };
    }
    if (!isOwed(installment) || money.upTo <= 0) return { amount: 0, paidInFull: false, installment };
    const amount = Math.min(money.upTo, outstandingOf(installment));
    const paid = installment.paid + amount;
    const paidInFull = paid === installment.amount.amount;
    const now = deps.clock.now().toISOString();
    const next: Installment = {
      ...installment,
      paid,
      payments: [...installment.payments, { reference: money.reference, amount, on: money.on, at: now }],
      ...(paidInFull
        ? {
            status: 'PAID',
            paidOn: money.on,
            // Paid in full: whatever the customer promised is kept.
            promises: installment.promises.map((p) => (p.state === 'open' ? { ...p, state: 'kept' } : p)),
          }
        : {}),
    };
    try {
      const saved = await deps.installments.save(next);
      await recordInLedger(deps, saved, money.reference, { amount, paidInFull, on: money.on });
      await deps.audit.record({
        subjectId: id,
        at: now,
        actor: money.by,
        action: paidInFull ? 'paid-in-full' : 'payment-applied',
        detail: { reference: money.reference, amount, on: money.on, outstanding: outstandingOf(saved) },
      });
      return { amount, paidInFull, installment: saved };
    } catch (error) {
      // Another payment or a ladder step saved it meanwhile: read it again.
      if (!(error instanceof DomainError && error.code === 'conflict') || attempt === attempts) throw error;
    }
  }
}

interface Application {
  amount: number;
  paidInFull: boolean;
  on: string;
}

/** What `reference` put on the installment, when, and whether that payment is the one that paid it in full. */
function appliedBy(installment: Installment, reference: string): Application | undefined {
  let running = 0;
  for (const payment of installment.payments) {
    running += payment.amount;
    if (payment.reference === reference) {
      return { amount: payment.amount, paidInFull: running === installment.amount.amount, on: payment.on };
    }
  }
  return undefined;
}

async function recordInLedger(
  deps: MoneyInDeps,
  installment: Installment,
  reference: string,
  applied: Application,
): Promise<void> {
  if (applied.amount === 0 || !installment.dueDate) return;
  await deps.ledger.record({
    kind: 'paid',
    id: `paid#${reference}#${installment.id}`,
    installmentId: installment.id,
    contractId: installment.contractId,
    owner: installment.owner,
    on: applied.on,
    amount: applied.amount,
    dueDate: installment.dueDate,
    reference,
    closes: applied.paidInFull,
    ...(applied.paidInFull ? { installmentAmount: installment.amount.amount } : {}),
  });
}
