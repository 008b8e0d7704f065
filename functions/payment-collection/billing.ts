// Installments become due: at signing, delivery or acceptance each gets its due date once, and the contract's credit;
// or, when the order is cancelled, those still waiting for it close unbilled.

import type { PaymentTrigger } from '#contract-review/model.ts';
import { addDays, localDate } from '#shared/clock.ts';
import { DomainError } from '#shared/errors.ts';
import type { InstallmentRepository } from './installment-repository.ts';
import { type Installment, isOwed, outstandingOf } from './model.ts';
import { applyToInstallment, type MoneyInDeps } from './money-in.ts';

export interface BillingDeps extends MoneyInDeps {
  installments: Pick<
    InstallmentRepository,
    'get' | 'save' | 'ofContract' | 'creditsOf' | 'takeCredit' | 'settleCredit'
  >;
}

const attempts = 5;

/**
 * The contract's installments tied to `trigger` get their due date, `dueDays` after `on` (the signing, delivery or
 * acceptance date), once each however often asked; credit the contract holds goes to them, earliest due first.
 * Returns every installment of that trigger still owed: those whose collection runs (starting one again is harmless).
 */
export async function billInstallments(
  deps: BillingDeps,
  contractId: string,
  trigger: PaymentTrigger,
  on: string,
): Promise<Installment[]> {
  const ofTrigger = (await deps.installments.ofContract(contractId)).filter((i) => i.trigger === trigger);
  for (const installment of ofTrigger) await bill(deps, installment.id, on);
  await applyCredit(deps, contractId);
  const fresh = (await deps.installments.ofContract(contractId)).filter((i) => i.trigger === trigger);
  return fresh.filter(isOwed);
}

/**
 * The contract's order was cancelled: the installments still waiting for its delivery or acceptance will never be
 * billed. Each closes as CANCELLED (never a receivable, so no ledger line) with a trail entry; safe to repeat.
 */
export async function cancelUntriggered(
  deps: BillingDeps,
  contractId: string,
  orderId: string,
): Promise<{ cancelled: string[] }> {
  const cancelled: string[] = [];
  const byThisOrder = (i: Installment) => i.status === 'CANCELLED' && i.cancelledWith?.orderId === orderId;
  const waiting = (await deps.installments.ofContract(contractId)).filter(
    (i) => i.status === 'AWAITING_TRIGGER' || byThisOrder(i),
  );
  for (const { id } of waiting) {
    for (let attempt = 1; ; attempt++) {
      const installment = await deps.installments.get(id);
      // Closed by an earlier run of this step: answered the same; billed or closed otherwise meanwhile: left alone.
      if (installment && byThisOrder(installment)) cancelled.push(id);
      if (installment?.status !== 'AWAITING_TRIGGER') break;
      const at = deps.clock.now().toISOString();
      try {
        await deps.installments.save({ ...installment, status: 'CANCELLED', cancelledWith: { orderId, at } });
      } catch (error) {
        if (!(error instanceof DomainError && error.code === 'conflict') || attempt === attempts) throw error;
        continue;
      }
      await deps.audit.record({
        subjectId: id,
        at,
        actor: 'system',
        action: 'cancelled-with-order',
        detail: { orderId, amount: installment.amount.amount },
      });
      cancelled.push(id);
      break;
    }
  }
  return { cancelled };
}

async function bill(deps: BillingDeps, id: string, on: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const installment = await deps.installments.get(id);
    if (!installment) return;
    if (installment.billedOn && installment.dueDate) {
      // Dated by an earlier run: that run may have died before its ledger line, which is written once by its id.
      await recordBilled(deps, installment, installment.billedOn, installment.dueDate);
      return;
    }
    const dueDate = addDays(on, installment.dueDays);
    try {
      await deps.installments.save({ ...installment, billedOn: on, dueDate, status: 'SCHEDULED' });
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conflict') || attempt === attempts) throw error;
      continue;
    }
    await recordBilled(deps, installment, on, dueDate);
    await deps.audit.record({
      subjectId: id,
      at: deps.clock.now().toISOString(),
      actor: 'system',
      action: 'billed',
      detail: { on, dueDate, amount: installment.amount.amount },
    });
    return;
  }
}

/** From then on the installment is a receivable: the ledger's `billed` line, the same on every run. */
function recordBilled(deps: BillingDeps, installment: Installment, on: string, dueDate: string) {
  return deps.ledger.record({
    kind: 'billed',
    id: `billed#${installment.id}`,
    installmentId: installment.id,
    contractId: installment.contractId,
    owner: installment.owner,
    on,
    amount: installment.amount.amount,
    dueDate,
  });
}

/**
 * Credit from overpayments goes to the contract's owed installments, earliest due first. Each amount is set aside on
 * its credit entry before the installment gets it, and released after: a run cut short finishes on the next one.
 */
export async function applyCredit(deps: BillingDeps, contractId: string): Promise<void> {
  for (const entry of await deps.installments.creditsOf(contractId)) {
    for (const [installmentId, amount] of Object.entries(entry.pending)) {
      await giveCredit(deps, contractId, entry.reference, installmentId, amount);
    }
  }
  let conflicts = 0;
  while (conflicts < attempts) {
    const owed = (await deps.installments.ofContract(contractId))
      .filter(isOwed)
      .sort((a, b) => (a.dueDate ?? '').localeCompare(b.dueDate ?? '') || a.number - b.number);
    const entry = (await deps.installments.creditsOf(contractId)).find((e) => e.remaining > 0);
    const target = owed[0];
    if (!entry || !target) return;
    const amount = Math.min(entry.remaining, outstandingOf(target));
    if (await deps.installments.takeCredit(contractId, entry, target.id, amount)) {
      await giveCredit(deps, contractId, entry.reference, target.id, amount);
    } else {
      conflicts++; // someone took from this entry meanwhile: read it again
    }
  }
}

async function giveCredit(
  deps: BillingDeps,
  contractId: string,
  reference: string,
  installmentId: string,
  amount: number,
): Promise<void> {
  const installment = await deps.installments.get(installmentId);
  const applied = await applyToInstallment(deps, installmentId, {
    reference: `credit#${reference}`,
    upTo: amount,
    on: installment?.billedOn ?? localDate(deps.clock.now()),
    by: 'system',
  });
  // A payment got there first and less was owed: what the installment did not take goes back to the credit.
  await deps.installments.settleCredit(contractId, reference, installmentId, amount - applied.amount);
}
