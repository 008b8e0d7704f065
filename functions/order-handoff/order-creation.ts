// A signed contract becomes its order: items, dates, customer and sales owner, once per contract however often asked.
import type { ContractRepository } from '#contract-review/contract-repository.ts';
import type { AuditTrail } from '#shared/audit.ts';
import type { IdPrefix } from '#shared/business-ids.ts';
import { type Clock, localDate } from '#shared/clock.ts';
import { DomainError } from '#shared/errors.ts';
import type { Order } from './model.ts';
import type { OrderRepository } from './order-repository.ts';

export interface CreationDeps {
  orders: Pick<OrderRepository, 'get' | 'save' | 'claimFor'>;
  contracts: Pick<ContractRepository, 'get' | 'version'>;
  audit: Pick<AuditTrail, 'record'>;
  clock: Clock;
  nextId(prefix: IdPrefix, year: number): Promise<string>;
}

export class ContractNotSigned extends Error {
  override name = 'ContractNotSigned';
}

export async function createOrder(deps: CreationDeps, contractId: string): Promise<Order> {
  const contract = await deps.contracts.get(contractId);
  if (contract?.status !== 'SIGNED') throw new ContractNotSigned(`${contractId} is not a signed contract`);
  const version = await deps.contracts.version(contractId, contract.version);
  if (!version) throw new Error(`${contractId} has no version ${contract.version}`);
  const now = deps.clock.now();
  const { id } = await deps.orders.claimFor(contractId, () =>
    deps.nextId('OR', Number(localDate(now).slice(0, 4))),
  );
  const existing = await deps.orders.get(id);
  if (existing) return existing;
  const { order, created } = await createOnce(deps, {
    id,
    version: 1,
    revision: 0,
    contractId,
    customer: version.content.customer,
    title: version.content.title,
    items: version.content.items,
    requiredDelivery: version.content.deliveryDate,
    promisedDelivery: version.content.deliveryDate,
    salesOwner: contract.submitter,
    status: 'SCHEDULING',
    createdAt: now.toISOString(),
  });
  if (!created) return order;
  const at = now.toISOString();
  await deps.audit.record({ subjectId: id, at, actor: 'system', action: 'created', detail: { contractId } });
  await deps.audit.record({
    subjectId: contractId,
    at,
    actor: 'system',
    action: 'order-created',
    detail: { orderId: id },
  });
  return order;
}

/** Saves the new order; when a concurrent run saved it first, that one is the order (and its trail is theirs). */
async function createOnce(deps: CreationDeps, order: Order): Promise<{ order: Order; created: boolean }> {
  try {
    return { order: await deps.orders.save(order), created: true };
  } catch (error) {
    if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
    const saved = await deps.orders.get(order.id);
    if (!saved) throw error;
    return { order: saved, created: false };
  }
}
