// Payment collection end to end in the sandbox: installments from signing, the ladder on virtual time, payments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '#shared/clock.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';
import { signedContract as signContract } from './signed-contract.ts';

const sales = 'li.lei@example.com';
const salesManager = 'sun.li@example.com';
const director = 'zhou.qiang@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];
const finance = 'qian.yu@example.com';
const production = 'feng.lin@example.com';
const logistics = 'ma.chao@example.com';

let sandbox: TestSandbox;
let customers = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});

afterAll(async () => {
  await sandbox?.stop();
});

interface InstallmentView {
  id: string;
  status: string;
  dueDate?: string;
  paid: number;
  level: number;
  outstanding: { amount: number };
  levels: { level: number; skipped?: boolean }[];
  promises: { promisedDate: string; state: string }[];
  payments: { reference: string; amount: number }[];
}

const today = () => localDate(sandbox.clock.now());

/** Advances virtual time to `hours` into `date` (company time); the SLA sweep runs and executions move on. */
async function advanceTo(date: string, hours = 10) {
  const target = Date.parse(`${date}T00:00:00+08:00`) + hours * 3_600_000;
  const seconds = Math.ceil((target - sandbox.clock.now().getTime()) / 1000);
  expect((await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: seconds } })).status).toBe(
    200,
  );
}

async function installments(contractId: string): Promise<InstallmentView[]> {
  const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
    token: await sandbox.login(sales),
  });
  expect(reply.status).toBe(200);
  return reply.json<{ installments: InstallmentView[] }>().installments;
}

const installmentWhen = (
  contractId: string,
  n: number,
  ready: (i: InstallmentView) => boolean,
  what: string,
) =>
  eventually(async () => {
    const found = (await installments(contractId))[n - 1];
    return found && ready(found) ? found : undefined;
  }, what);

const mailsAbout = async (to: string, prefix: string, id: string) =>
  (await sandbox.mails(to)).filter((mail) => mail.subject.startsWith(prefix) && mail.subject.includes(id));

const mailAbout = (to: string, prefix: string, id: string) =>
  eventually(async () => (await mailsAbout(to, prefix, id))[0], `${prefix} about ${id} to ${to}`);

async function pay(contractId: string, yuan: number, reference: string) {
  return sandbox.request('POST', '/payments', {
    token: await sandbox.login(finance),
    json: { contractId, amount: { amount: yuan * 100, currency: 'CNY' }, reference },
  });
}

/** A signed contract of 500,000 CNY (see signed-contract.ts): 30% 10 days after signing, 60% 30 days after delivery,
 * 10% after acceptance; once its installments are planned. */
async function signedContract(): Promise<{ contractId: string; customer: string; signedOn: string }> {
  const customer = `buyer${++customers}@east.example`;
  const { contractId, signedOn } = await signContract(sandbox, customer);
  await installmentWhen(contractId, 1, (i) => i.status === 'SCHEDULED', 'the installments');
  return { contractId, customer, signedOn };
}

describe('an installment from signing to payment', () => {
  let contractId: string;
  let customer: string;
  let signedOn: string;
  let i1: string;

  it('becomes three installments at signing, adding up to the contract; the first is due 10 days after', async () => {
    ({ contractId, customer, signedOn } = await signedContract());
    const all = await installments(contractId);
    i1 = `${contractId}-I1`;
    expect(all.map((i) => [i.id, i.status, i.dueDate, i.outstanding.amount])).toEqual([
      [i1, 'SCHEDULED', addDays(signedOn, 10), 150_000_00],
      [`${contractId}-I2`, 'AWAITING_TRIGGER', undefined, 300_000_00],
      [`${contractId}-I3`, 'AWAITING_TRIGGER', undefined, 50_000_00],
    ]);
  });

  it('reminds the customer three days before the due date, the owner in copy', async () => {
    await advanceTo(addDays(signedOn, 7));
    expect((await mailAbout(customer, '[付款提醒]', i1)).text).toContain('150,000.00');
    await mailAbout(sales, '[付款提醒]', i1);
  });

  it('sends the overdue notice the day after the due date, and asks the owner to follow up; a promise pauses it', async () => {
    await advanceTo(addDays(signedOn, 11));
    await mailAbout(customer, '[逾期未付]', i1);
    const promised = await sandbox.client.decideFromMail(sales, i1, 'promised', {
      promisedDate: addDays(signedOn, 20),
      comment: '客户财务承诺月底前付款',
    });
    expect(promised.reply.status).toBe(200);
    const view = await installmentWhen(contractId, 1, (i) => i.status === 'PROMISED', 'the promise');
    expect(view.promises).toMatchObject([{ promisedDate: addDays(signedOn, 20), state: 'open' }]);
  });

  it('goes on at level 2’s day with the promise broken: the sales manager follows up, finance is told', async () => {
    // The promise's grace ends on day 24; the ladder looks again at level 2's day, 15 days overdue.
    await advanceTo(addDays(signedOn, 24));
    expect(await mailsAbout(salesManager, '[待处理]', i1)).toEqual([]);
    await advanceTo(addDays(signedOn, 25));
    const broken = await installmentWhen(
      contractId,
      1,
      (i) => i.promises[0]?.state === 'broken',
      'the promise broken',
    );
    expect(broken.status).toBe('OVERDUE');
    await mailAbout(salesManager, '[待处理]', i1);
    await mailAbout(finance, '[逾期升级至销售经理]', i1);
    expect((await installments(contractId))[0]?.level).toBe(2);
  });

  it('takes a partial then a full payment; paid, its ladder ends quietly and the open follow-up closes', async () => {
    const partial = await pay(contractId, 50_000, `PAY-${contractId}-1`);
    expect(partial.status).toBe(201);
    expect((await installments(contractId))[0]).toMatchObject({ status: 'OVERDUE', paid: 50_000_00 });
    const full = await pay(contractId, 100_000, `PAY-${contractId}-2`);
    expect(full.json<{ applied: { paidInFull: boolean }[] }>().applied).toMatchObject([{ paidInFull: true }]);
    const again = await pay(contractId, 100_000, `PAY-${contractId}-2`);
    expect(again.json()).toEqual(full.json());
    expect((await installments(contractId))[0]).toMatchObject({ status: 'PAID', paid: 150_000_00 });
    // The sales manager's task is gone; at level 3's day nothing goes out.
    const task = (await sandbox.mails(salesManager)).find((m) => m.subject.includes(i1));
    const link = task?.text.match(/\/t\/[A-Za-z0-9_-]+\?k=[A-Za-z0-9_-]+/)?.[0];
    expect(link).toBeDefined();
    expect((await sandbox.request('GET', link as string)).status).not.toBe(200);
    await advanceTo(addDays(signedOn, 41));
    expect(await mailsAbout(customer, '[催款函]', i1)).toEqual([]);
  });
});

describe('a delivered order', () => {
  it('starts the delivery installment’s collection from the delivery date, and credits an overpayment', async () => {
    const { contractId } = await signedContract();
    const orderId = await eventually(async () => {
      const reply = await sandbox.request('GET', `/orders?contractId=${contractId}`, {
        token: await sandbox.login(sales),
      });
      return reply.json<{ orders?: { id: string }[] }>().orders?.[0]?.id;
    }, 'the order');
    const base = today();
    await sandbox.client.decideFromMail(production, orderId, 'confirm', { plannedDate: addDays(base, 20) });
    await sandbox.client.decideFromMail(production, orderId, 'done');
    await sandbox.client.decideFromMail(logistics, orderId, 'shipped', {
      carrier: '顺丰速运',
      trackingNumber: 'SF1',
      expectedDelivery: base,
    });
    await sandbox.client.decideFromMail(logistics, orderId, 'delivered', {
      deliveredOn: base,
      receiver: '王工',
    });
    const i2 = await installmentWhen(
      contractId,
      2,
      (i) => i.status === 'SCHEDULED',
      'the delivery installment',
    );
    expect(i2.dueDate).toBe(addDays(base, 30));
    // 150,000 (first) + 300,000 (delivery) owed; 480,000 paid: 30,000 kept as credit.
    const paid = await pay(contractId, 480_000, `PAY-${contractId}-ALL`);
    expect(paid.json<{ credit: number }>().credit).toBe(30_000_00);
    const accepted = await sandbox.client.decideFromMail(sales, orderId, 'accept', { acceptedOn: base });
    expect(accepted.reply.status).toBe(200);
    const i3 = await installmentWhen(contractId, 3, (i) => i.paid > 0, 'the credit applied');
    expect(i3).toMatchObject({ status: 'SCHEDULED', paid: 30_000_00, outstanding: { amount: 20_000_00 } });
    expect(i3.payments.map((p) => p.reference)).toEqual([`credit#PAY-${contractId}-ALL`]);
  });
});

describe('disputes, legal and a write-off', () => {
  it('pauses for a dispute, resumes when the sales manager accepts, and goes to legal, who writes it off with finance', async () => {
    const { contractId, signedOn } = await signedContract();
    const i1 = `${contractId}-I1`;
    await advanceTo(addDays(signedOn, 11));
    await sandbox.client.decideFromMail(sales, i1, 'dispute', { comment: '客户称未收到发票' });
    await installmentWhen(contractId, 1, (i) => i.status === 'DISPUTED', 'the dispute');
    // Level 2's day passes while disputed: the ladder waits for the sales manager.
    await advanceTo(addDays(signedOn, 26));
    expect((await installments(contractId))[0]?.level).toBe(1);
    // The sales manager let it pass the dispute's response time: it went up to the sales director, who settles it.
    await sandbox.client.decideFromMail(director, i1, 'accept', { comment: '已补开发票' });
    // Resumed: level 2, whose day has passed, comes at once.
    await installmentWhen(contractId, 1, (i) => i.level === 2, 'level 2 after the dispute');
    // 60 days overdue: legal decides, and asks for a write-off, which finance approves.
    await advanceTo(addDays(signedOn, 71));
    const lawyer = await eventually(async () => {
      for (const person of legal) if ((await mailsAbout(person, '[待处理]', i1)).length > 0) return person;
      return undefined;
    }, 'the legal task');
    await sandbox.client.decideFromMail(lawyer, i1, 'write-off', { comment: '客户已破产清算' });
    const approved = await sandbox.client.decideFromMail(finance, i1, 'approve');
    expect(approved.reply.status).toBe(200);
    const written = await installmentWhen(contractId, 1, (i) => i.status === 'WRITTEN_OFF', 'the write-off');
    expect(written.levels.map((l) => l.level)).toEqual([1, 2, 3, 4]);
    await mailAbout(sales, '[已核销]', i1);
  });

  it('shows legal the customer’s overdue installments on their next contract', async () => {
    const { contractId, customer, signedOn } = await signedContract();
    await advanceTo(addDays(signedOn, 12));
    await installmentWhen(contractId, 1, (i) => i.status === 'OVERDUE', 'overdue');
    const next = await sandbox.request('POST', '/contracts', {
      token: await sandbox.login(sales),
      json: {
        customer: { name: '东方机械', email: customer },
        title: '备件',
        amount: { amount: 10_000_00, currency: 'CNY' },
        paymentTerms: [{ label: '全款', percent: 100, trigger: 'signing', dueDays: 10 }],
        deliveryDate: addDays(today(), 60),
        items: [{ sku: 'SP-1', description: '备件', quantity: 1, qualityStandard: 'GB/T 1' }],
        documentUrl: 'https://docs.example.com/n.pdf',
      },
    });
    expect(next.status).toBe(201);
    expect(next.json<{ findings: { rule: string; params: { count: number } }[] }>().findings).toContainEqual(
      expect.objectContaining({ rule: 'customer-overdue', params: expect.objectContaining({ count: 1 }) }),
    );
  });

  it('lets only finance record payments, and only those involved read installments', async () => {
    const { contractId } = await signedContract();
    const asSales = await sandbox.request('POST', '/payments', {
      token: await sandbox.login(sales),
      json: { contractId, amount: { amount: 100, currency: 'CNY' }, reference: 'NOPE-1' },
    });
    expect(asSales.status).toBe(403);
    const production_ = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
      token: await sandbox.login(production),
    });
    expect(production_.status).toBe(403);
    const bad = await pay(contractId, 0, 'ZERO-1');
    expect(bad.status).toBe(400);
    const unknown = await pay('CT-2026-99999', 1, 'UNKNOWN-1');
    expect(unknown.status).toBe(404);
  });
});
