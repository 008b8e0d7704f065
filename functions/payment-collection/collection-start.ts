// Where collection starts: a signed contract's installments, an order's delivery and acceptance, and each ladder run.
import type { ContractRepository } from '#contract-review/contract-repository.ts';
import type { PaymentTrigger } from '#contract-review/model.ts';
import { DomainError } from '#shared/errors.ts';
import { allocate } from '#shared/money.ts';
import type { WorkflowStarter } from '#shared/workflow-starter.ts';
import { type BillingDeps, billInstallments } from './billing.ts';
import type { InstallmentRepository } from './installment-repository.ts';
import { runName } from './ladder-steps.ts';
import { type Installment, installmentId } from './model.ts';

export interface StartDeps extends BillingDeps {
  installments: BillingDeps['installments'] & Pick<InstallmentRepository, 'ofContract'>;
  contracts: Pick<ContractRepository, 'get' | 'version'>;
  starter: Pick<WorkflowStarter, 'start'>;
}

export const collectionWorkflow = 'payment-collection';

/**
 * Runs the installment's ladder: run `run` (1 for the first), named by the installment, so asking twice starts it
 * once. A later run counts on the installment first, so the one after it gets the next name.
 */
export async function startRun(deps: StartDeps, installment: Installment, run = 1): Promise<string> {
  if (installment.runs < run) {
    try {
      await deps.installments.save({ ...installment, runs: run });
    } catch (error) {
      // Saved meanwhile (a payment): the count is only a floor for the next name; the start below decides.
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
    }
  }
  const subject = { kind: 'installment', id: installment.id, version: installment.version };
  return deps.starter.start(collectionWorkflow, runName(installment.id, run), { subject, run });
}

/**
 * A signed contract's collection plan: one installment per payment term (amounts allocated so they add up to the
 * contract exactly), its salesperson the owner; those due on signing get their due dates and start. Safe to repeat.
 */
export async function planCollection(deps: StartDeps, contractId: string): Promise<{ installments: number }> {
  const contract = await deps.contracts.get(contractId);
  if (contract?.status !== 'SIGNED' || !contract.signature) {
    throw new Error(`${contractId} is not a signed contract: no collection plan`);
  }
  const version = await deps.contracts.version(contractId, contract.version);
  if (!version) throw new Error(`${contractId} has no version ${contract.version}`);
  const terms = version.content.paymentTerms;
  const amounts = allocate(
    contract.amount,
    terms.map((term) => term.percent),
  );
  const existing = new Set((await deps.installments.ofContract(contractId)).map((i) => i.id));
  for (const [index, term] of terms.entries()) {
    const id = installmentId(contractId, index + 1);
    if (existing.has(id)) continue;
    try {
      await deps.installments.save({
        id,
        version: 1,
        revision: 0,
        contractId,
        number: index + 1,
        label: term.label,
        amount: amounts[index] as Installment['amount'],
        trigger: term.trigger,
        dueDays: term.dueDays,
        owner: contract.submitter,
        customer: contract.customer,
        title: contract.title,
        status: 'AWAITING_TRIGGER',
        paid: 0,
        payments: [],
        levels: [],
        promises: [],
        runs: 0,
      });
    } catch (error) {
      // Made meanwhile by a retried step: it is there either way.
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
    }
  }
  await reach(deps, contractId, 'signing', contract.signature.signedDate);
  return { installments: terms.length };
}

/**
 * The order reports delivery or acceptance on `on`: the installments tied to it get their due dates and their
 * ladders start. Safe to repeat.
 */
export async function reach(
  deps: StartDeps,
  contractId: string,
  trigger: PaymentTrigger,
  on: string,
): Promise<{ started: string[] }> {
  const owed = await billInstallments(deps, contractId, trigger, on);
  const started = [];
  for (const installment of owed) {
    await startRun(deps, installment, Math.max(1, installment.runs));
    started.push(installment.id);
  }
  return { started };
}
