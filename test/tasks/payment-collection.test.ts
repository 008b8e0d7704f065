// Payment collection's core against the local table: installments, billing and credit, payments, the ladder's steps.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ContractContent } from '#contract-review/model.ts';
import { contractReview } from '#contract-review/workflow.ts';
import { demoPeople } from '#infra/local/seed.ts';
import { planCollection, reach, type StartDeps } from '#payment-collection/collection-start.ts';
import { resumeAfterDispute } from '#payment-collection/follow-up-steps.ts';
import {
  checkInstallment,
  type LadderDeps,
  remindCustomer,
  takeLevel,
} from '#payment-collection/ladder-steps.ts';
import { type LedgerLine, LedgerStore } from '#payment-collection/ledger.ts';
import type { Installment } from '#payment-collection/model.ts';
import { PaymentRecords } from '#payment-collection/payment-records.ts';
import { type PaymentDeps, receivePayment } from '#payment-collection/payments.ts';
import { readCollectionPolicy } from '#payment-collection/policy.ts';
import { paymentCollection } from '#payment-collection/workflow.ts';
import { addDays, localDate } from '#shared/clock.ts';
import type { OutgoingMail } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
let now: Date;
const clock = { now: () => now };
let sent: OutgoingMail[];
let started: { slug: string; name: string; input: unknown }[];
let followUpsStarted: { id: string; level: number }[];
let closed: { id: string; reason: string }[];
/** Runs inside a ladder step, right after open follow-ups close: a payment arriving mid-step. */
let duringStep: (() => Promise<void>) | undefined;
let deps: LadderDeps & StartDeps & PaymentDeps;
let contracts = 0;

const signedOn = '2027-03-01';
const at = (date: string, hour = 10) => new Date(Date.parse(`${date}T00:00:00+08:00`) + hour * 3_600_000);
const ref = (id: string) => ({ kind: 'installment', id, version: 1 });
const run1 = () => ({ run: 1, startedAt: at(signedOn).toISOString() });

beforeAll(async () => {
  local = await startLocalTable();
  const people = new PeopleRepository(local.db, local.tableName);
  for (const person of demoPeople) await people.put(person, new Date());
  const collection = paymentCollection.deps(local);
  deps = {
    ...collection,
    clock,
    policy: () => readCollectionPolicy(undefined),
    mailer: { send: async (mail) => void sent.push(mail) },
    starter: {
      start: async (slug, name, input) => {
        started.push({ slug, name, input });
        return `arn:aws:states:us-east-1:000000000000:execution:test-${slug}:${name}`;
      },
    },
    followUps: {
      start: async (installment, level) => void followUpsStarted.push({ id: installment.id, level }),
      closeOpen: async (installment, reason) => {
        closed.push({ id: installment.id, reason });
        await duringStep?.();
      },
    },
    payments: new PaymentRecords(local),
    paidInFull: async (installment) => void closed.push({ id: installment.id, reason: 'paid in full' }),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  };
});

afterAll(async () => {
  await local?.close();
});

beforeEach(() => {
  now = at(signedOn);
  sent = [];
  started = [];
  followUpsStarted = [];
  closed = [];
  duringStep = undefined;
});

/** A signed contract of 1,000,000.01 CNY: 30% on signing (10 days), 60% on delivery (30), 10% on acceptance (30). */
async function signedContract(): Promise<string> {
  const id = `CT-2027-7${String(++contracts).padStart(4, '0')}`;
  const content: ContractContent = {
    customer: { name: '东方机械', email: `buyer${contracts}@east.example` },
    title: '数控车床',
    amount: { amount: 100_000_001, currency: 'CNY' },
    paymentTerms: [
      { label: '预付款', percent: 30, trigger: 'signing', dueDays: 10 },
      { label: '到货款', percent: 60, trigger: 'delivery', dueDays: 30 },
      { label: '验收款', percent: 10, trigger: 'acceptance', dueDays: 30 },
    ],
    deliveryDate: '2027-05-01',
    items: [{ sku: 'CNC-200', description: '数控车床', quantity: 2, qualityStandard: 'GB/T 25659' }],
  };
  const { contracts: store } = contractReview.deps(local);
  await store.addVersion({
    contractId: id,
    version: 1,
    content,
    contentHash: 'f'.repeat(64),
    submittedAt: now.toISOString(),
    changes: [],
  });
  await store.save({
    id,
    version: 1,
    revision: 0,
    status: 'SIGNED',
    submitter: 'li.lei@example.com',
    customer: content.customer,
    title: content.title,
    amount: content.amount,
    submittedAt: now.toISOString(),
    signature: {
      signedDate: signedOn,
      signerName: '孙丽',
      signedCopy: 'https://docs.example.com/s.pdf',
      recordedBy: 'sun.li@example.com',
      contentHash: 'f'.repeat(64),
    },
  });
  return id;
}

const installment = async (id: string) => (await deps.installments.get(id)) as Installment;
const ledgerOf = async (installmentId: string, month = '2027-03') =>
  (await new LedgerStore(local).linesOf(month)).filter(
    (line: LedgerLine) => line.installmentId === installmentId,
  );
const pay = (contractId: string, yuan: number, reference: string, receivedOn?: string) =>
  receivePayment(
    deps,
    { contractId, amount: Math.round(yuan * 100), reference, ...(receivedOn ? { receivedOn } : {}) },
    'qian.yu@example.com',
  );

describe('the collection plan at signing', () => {
  it('makes one installment per term, adding up to the contract exactly, and starts those due on signing', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    await planCollection(deps, contractId); // a retried step
    const all = await deps.installments.ofContract(contractId);
    expect(all.map((i) => [i.id, i.amount.amount, i.status, i.dueDate])).toEqual([
      [`${contractId}-I1`, 30_000_000, 'SCHEDULED', '2027-03-11'],
      [`${contractId}-I2`, 60_000_001, 'AWAITING_TRIGGER', undefined],
      [`${contractId}-I3`, 10_000_000, 'AWAITING_TRIGGER', undefined],
    ]);
    expect(all.reduce((sum, i) => sum + i.amount.amount, 0)).toBe(100_000_001);
    expect(new Set(started.map((s) => s.name))).toEqual(new Set([`${contractId}-I1`]));
    expect(started[0]?.input).toEqual({ subject: ref(`${contractId}-I1`), run: 1 });
    expect(await ledgerOf(`${contractId}-I1`)).toMatchObject([
      { kind: 'billed', amount: 30_000_000, dueDate: '2027-03-11' },
    ]);
  });

  it('dates a delivery-triggered installment from the delivery, once, and starts its collection', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    started = [];
    await reach(deps, contractId, 'delivery', '2027-04-28');
    await reach(deps, contractId, 'delivery', '2027-04-29'); // reported again, later: the first date stands
    const delivered = await installment(`${contractId}-I2`);
    expect(delivered).toMatchObject({ status: 'SCHEDULED', billedOn: '2027-04-28', dueDate: '2027-05-28' });
    expect(new Set(started.map((s) => s.name))).toEqual(new Set([`${contractId}-I2`]));
    expect((await installment(`${contractId}-I3`)).dueDate).toBeUndefined();
  });

  it('writes the billed line on the retry when the step died after dating the installment, once', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    // The process dies between dating the installment and writing its ledger line.
    vi.spyOn(deps.ledger, 'record').mockRejectedValueOnce(new Error('SIGKILL'));
    await expect(reach(deps, contractId, 'delivery', '2027-04-28')).rejects.toThrow('SIGKILL');
    expect(await installment(`${contractId}-I2`)).toMatchObject({ billedOn: '2027-04-28' });
    await reach(deps, contractId, 'delivery', '2027-04-28'); // the retried step
    await reach(deps, contractId, 'delivery', '2027-04-28');
    expect(await ledgerOf(`${contractId}-I2`, '2027-04')).toMatchObject([
      { kind: 'billed', amount: 60_000_001, on: '2027-04-28', dueDate: '2027-05-28' },
    ]);
  });
});

describe('payments', () => {
  it('applies a partial then a full payment, oldest due first; paid in full, its follow-ups close', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    const i1 = `${contractId}-I1`;
    now = at('2027-03-12');
    const partial = await pay(contractId, 100_000, 'BANK-P1', '2027-03-12');
    expect(partial).toMatchObject({
      applied: [{ installmentId: i1, amount: 10_000_000, paidInFull: false }],
      credit: 0,
    });
    expect(await installment(i1)).toMatchObject({ status: 'SCHEDULED', paid: 10_000_000 });
    expect(closed).toEqual([]);
    now = at('2027-03-13');
    const rest = await pay(contractId, 200_000, 'BANK-P2', '2027-03-13');
    expect(rest.applied).toEqual([{ installmentId: i1, amount: 20_000_000, paidInFull: true }]);
    expect(await installment(i1)).toMatchObject({ status: 'PAID', paid: 30_000_000, paidOn: '2027-03-13' });
    expect(closed).toEqual([{ id: i1, reason: 'paid in full' }]);
    const paid = (await ledgerOf(i1)).filter((line) => line.kind === 'paid');
    expect(paid).toMatchObject([
      { amount: 10_000_000, closes: false, on: '2027-03-12' },
      { amount: 20_000_000, closes: true, installmentAmount: 30_000_000, on: '2027-03-13' },
    ]);
  });

  it('applies one reference once: asked again it answers the first result; with another payment, a 409', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    const first = await pay(contractId, 50_000, 'BANK-D1', signedOn);
    expect(await pay(contractId, 50_000, 'BANK-D1', signedOn)).toEqual(first);
    await expect(pay(contractId, 60_000, 'BANK-D1', signedOn)).rejects.toMatchObject({ status: 409 });
    expect((await installment(`${contractId}-I1`)).paid).toBe(5_000_000);
  });

  it('applies a reference once under 20 concurrent requests', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => pay(contractId, 70_000, 'BANK-C1', signedOn)),
    );
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect((await installment(`${contractId}-I1`)).paid).toBe(7_000_000);
    expect((await installment(`${contractId}-I1`)).payments).toHaveLength(1);
    expect((await ledgerOf(`${contractId}-I1`)).filter((l) => l.kind === 'paid')).toHaveLength(1);
  });

  it('finishes a payment whose request died halfway, once its lease has run out', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    await deps.payments.claim({
      reference: 'BANK-X1',
      fingerprint: JSON.stringify([contractId, 4_000_000, signedOn]),
      state: 'applying',
      leaseUntil: new Date(now.getTime() - 1000).toISOString(),
      by: 'qian.yu@example.com',
      at: now.toISOString(),
    });
    const result = await pay(contractId, 40_000, 'BANK-X1', signedOn);
    expect(result.applied).toEqual([
      { installmentId: `${contractId}-I1`, amount: 4_000_000, paidInFull: false },
    ]);
    expect((await deps.payments.get('BANK-X1'))?.state).toBe('applied');
  });

  it('keeps an overpayment as credit, applied to the next installment that becomes due', async () => {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    const result = await pay(contractId, 400_000, 'BANK-O1', signedOn);
    expect(result).toMatchObject({ applied: [{ amount: 30_000_000, paidInFull: true }], credit: 10_000_000 });
    // The delivery installment (600,000.01) takes the 100,000 of credit when it becomes due.
    started = [];
    await reach(deps, contractId, 'delivery', '2027-04-28');
    const i2 = await installment(`${contractId}-I2`);
    expect(i2).toMatchObject({ paid: 10_000_000, status: 'SCHEDULED' });
    expect(i2.payments.map((p) => p.reference)).toEqual(['credit#BANK-O1']);
    expect(await deps.installments.creditsOf(contractId)).toEqual([]);
    await reach(deps, contractId, 'delivery', '2027-04-28');
    expect((await installment(`${contractId}-I2`)).paid).toBe(10_000_000);
  });

  it('refuses a payment in the future or for a contract not signed', async () => {
    const contractId = await signedContract();
    await expect(pay(contractId, 1, 'BANK-F1', addDays(localDate(now), 1))).rejects.toMatchObject({
      status: 422,
    });
    await expect(pay('CT-2027-99999', 1, 'BANK-F2')).rejects.toMatchObject({ status: 404 });
  });
});

describe('the ladder’s steps', () => {
  async function due(): Promise<string> {
    const contractId = await signedContract();
    await planCollection(deps, contractId);
    return `${contractId}-I1`;
  }

  it('reminds the customer once, the owner in copy', async () => {
    const id = await due();
    now = at('2027-03-08');
    await remindCustomer(deps, ref(id), run1());
    const answer = await remindCustomer(deps, ref(id), run1());
    expect(sent.map((m) => [m.to, m.subject.split(' ')[0]])).toEqual([
      [(await installment(id)).customer.email, '[付款提醒]'],
      ['li.lei@example.com', '[付款提醒]'],
    ]);
    expect(answer.next).toBe('wait-due');
  });

  it('takes level 1 once: the overdue notice and the owner’s follow-up; then waits for level 2', async () => {
    const id = await due();
    now = at('2027-03-12');
    const answer = await takeLevel(deps, ref(id), 1, [], run1());
    await takeLevel(deps, ref(id), 1, [], run1()); // a retried step
    expect(sent.filter((m) => m.subject.startsWith('[逾期未付]')).map((m) => m.to)).toEqual([
      (await installment(id)).customer.email,
      'li.lei@example.com',
    ]);
    expect((await installment(id)).levels.map((l) => l.level)).toEqual([1]);
    expect((await installment(id)).status).toBe('OVERDUE');
    expect(answer).toMatchObject({ next: 'wait-level-2' });
    expect(closed.map((c) => c.reason)).toContain('overdue level 1 came');
    expect((await ledgerOf(id)).filter((l) => l.kind === 'level')).toHaveLength(1);
  });

  it('after an outage, takes only the level due, recording the ones passed as skipped and sending nothing for them', async () => {
    const id = await due();
    now = at('2027-04-15'); // 35 days overdue
    const first = await checkInstallment(deps, ref(id), run1());
    expect(first).toEqual({ next: 'level-3', level: 3, skipped: [1, 2] });
    await takeLevel(deps, ref(id), 3, [1, 2], run1());
    const levels = (await installment(id)).levels;
    expect(levels.map((l) => [l.level, l.skipped ?? false])).toEqual([
      [1, true],
      [2, true],
      [3, false],
    ]);
    expect(sent.map((m) => m.subject.split(' ')[0])).toEqual([
      '[催款函]',
      '[催款函]',
      '[催款函]',
      '[催款函]',
    ]);
    expect(sent.map((m) => m.to)).toEqual([
      (await installment(id)).customer.email,
      'li.lei@example.com',
      'sun.li@example.com',
      'qian.yu@example.com',
    ]);
    expect(followUpsStarted).toEqual([]);
  });

  it('sends nothing and starts no follow-up when a payment arrives while the level step runs', async () => {
    const id = await due();
    now = at('2027-03-12');
    const contractId = id.replace(/-I1$/, '');
    duringStep = async () => {
      await pay(contractId, 300_000, 'BANK-M1', '2027-03-12');
    };
    const answer = await takeLevel(deps, ref(id), 1, [], run1());
    expect(sent).toEqual([]);
    expect(followUpsStarted).toEqual([]);
    expect(answer).toEqual({ next: 'paid' });
  });

  it('finds a promise broken once its grace has passed unpaid, on record for the owner’s figures', async () => {
    const id = await due();
    const promised = await installment(id);
    await deps.installments.save({
      ...promised,
      levels: [{ level: 1, at: at('2027-03-12').toISOString() }],
      status: 'PROMISED',
      promises: [
        {
          promisedDate: '2027-03-20',
          by: 'li.lei@example.com',
          at: at('2027-03-13').toISOString(),
          state: 'open',
        },
      ],
    });
    now = at('2027-03-22');
    expect(await checkInstallment(deps, ref(id), run1())).toMatchObject({ next: 'wait-promise' });
    // Broken on the morning after its 3 days of grace (24 March); level 2 (day 15, 26 March) was due meanwhile.
    now = at('2027-03-27');
    expect(await checkInstallment(deps, ref(id), run1())).toMatchObject({ next: 'level-2' });
    expect(await installment(id)).toMatchObject({ status: 'OVERDUE', promises: [{ state: 'broken' }] });
    expect((await ledgerOf(id)).filter((l) => l.kind === 'promise-broken')).toHaveLength(1);
  });

  it('stops a run for a dispute; settled, the next run starts under its own name', async () => {
    const id = await due();
    const disputed = await installment(id);
    await deps.installments.save({
      ...disputed,
      status: 'DISPUTED',
      dispute: { reason: 'damaged', by: 'li.lei@example.com', at: now.toISOString(), state: 'open' },
    });
    now = at('2027-03-20');
    expect(await checkInstallment(deps, ref(id), run1())).toEqual({ next: 'dispute' });
    expect((await installment(id)).pausedForDispute).toBe(1);
    const settled = await installment(id);
    await deps.installments.save({
      ...settled,
      status: 'OVERDUE',
      dispute: { ...(settled.dispute as NonNullable<Installment['dispute']>), state: 'settled' },
    });
    started = [];
    expect(await resumeAfterDispute(deps, ref(id))).toEqual({ resumed: true });
    expect(await resumeAfterDispute(deps, ref(id))).toEqual({ resumed: false });
    expect(started).toEqual([
      { slug: 'payment-collection', name: `${id}-run2`, input: { subject: ref(id), run: 2 } },
    ]);
    expect((await installment(id)).pausedForDispute).toBeUndefined();
  });

  it('hands over to the next run after 300 days, counting runs on the installment', async () => {
    const id = await due();
    const longAgo = new Date(at('2027-03-20').getTime() - 300 * 86_400_000).toISOString();
    now = at('2027-03-20');
    const answer = await checkInstallment(deps, ref(id), { run: 1, startedAt: longAgo });
    expect(answer).toEqual({ next: 'continue', nextRun: 2, nextRunName: `${id}-run2` });
    expect((await installment(id)).runs).toBe(2);
  });
});
