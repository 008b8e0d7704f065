// A signed contract becomes exactly one order, whatever retries or races; an unsigned one never does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContractContent } from '#contract-review/model.ts';
import { contractReview } from '#contract-review/workflow.ts';
import { ContractNotSigned, type CreationDeps, createOrder } from '#order-handoff/order-creation.ts';
import { orderHandoff } from '#order-handoff/workflow.ts';
import { AuditTrail } from '#shared/audit.ts';
import { nextBusinessId } from '#shared/business-ids.ts';
import type { Clock } from '#shared/clock.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
let deps: CreationDeps;
let audit: AuditTrail;
let n = 0;
const clock: Clock = { now: () => new Date('2026-12-31T17:00:00.000Z') };

const content: ContractContent = {
  customer: { name: 'East Machinery', email: 'buyer@east.example' },
  title: 'Lathes',
  amount: { amount: 100_000_00, currency: 'CNY' },
  paymentTerms: [{ label: 'All', percent: 100, trigger: 'acceptance', dueDays: 30 }],
  deliveryDate: '2027-03-01',
  deliveryAddress: '1 Zhangjiang Road',
  items: [{ sku: 'CNC-200', description: 'Lathe', quantity: 2, qualityStandard: 'GB/T 25659' }],
};

beforeAll(async () => {
  local = await startLocalTable();
  audit = new AuditTrail(local.db, local.tableName);
  deps = {
    ...orderHandoff.deps(local),
    contracts: contractReview.deps(local).contracts,
    audit,
    clock,
    nextId: (prefix, year) => nextBusinessId(local.db, local.tableName, prefix, year),
  };
});

afterAll(async () => {
  await local?.close();
});

async function contract(status: 'SIGNED' | 'AWAITING_SIGNATURE') {
  const id = `CT-2026-8${String(++n).padStart(4, '0')}`;
  const { contracts } = contractReview.deps(local);
  await contracts.addVersion({
    contractId: id,
    version: 1,
    content,
    contentHash: 'f'.repeat(64),
    submittedAt: clock.now().toISOString(),
    changes: [],
  });
  await contracts.save({
    id,
    version: 1,
    revision: 0,
    status,
    submitter: 'li.lei@example.com',
    customer: content.customer,
    title: content.title,
    amount: content.amount,
    submittedAt: clock.now().toISOString(),
  });
  return id;
}

describe('creating the order of a contract', () => {
  it('copies what production and logistics work from, numbered in the company’s year', async () => {
    const id = await contract('SIGNED');
    const order = await createOrder(deps, id);
    // 17:00 UTC on 31 December is already 1 January in Beijing.
    expect(order.id).toMatch(/^OR-2027-\d{5}$/);
    expect(order).toMatchObject({
      contractId: id,
      status: 'SCHEDULING',
      customer: content.customer,
      items: content.items,
      requiredDelivery: '2027-03-01',
      promisedDelivery: '2027-03-01',
      salesOwner: 'li.lei@example.com',
    });
    expect((await audit.of(id)).map((entry) => entry.action)).toContain('order-created');
  });

  it('makes one order however often, or however concurrently, it is asked', async () => {
    const id = await contract('SIGNED');
    const orders = await Promise.all([createOrder(deps, id), createOrder(deps, id), createOrder(deps, id)]);
    const again = await createOrder(deps, id);
    expect(new Set([...orders, again].map((order) => order.id)).size).toBe(1);
    expect(await orderHandoff.deps(local).orders.ofContract(id)).toHaveLength(1);
  });

  it('refuses a contract that is not signed, and makes nothing', async () => {
    const id = await contract('AWAITING_SIGNATURE');
    await expect(createOrder(deps, id)).rejects.toThrow(ContractNotSigned);
    await expect(createOrder(deps, 'CT-2026-99999')).rejects.toThrow(ContractNotSigned);
    expect(await orderHandoff.deps(local).orders.ofContract(id)).toEqual([]);
  });
});
