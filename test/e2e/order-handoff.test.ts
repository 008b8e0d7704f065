// Order handoff end to end in the sandbox: a signed contract becomes an order, each person decides from their mail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '#shared/clock.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';
import { stepsToAcceptance } from './order-steps.ts';
import { signedContract as signContract } from './signed-contract.ts';

const sales = 'li.lei@example.com';
const supervisor = 'zhao.min@example.com';
const salesManager = 'sun.li@example.com';
const production = 'feng.lin@example.com';
const logistics = 'ma.chao@example.com';
const finance = 'qian.yu@example.com';
const customer = 'buyer@east.example';

let sandbox: TestSandbox;
/** The first order's day of signing; later orders are signed weeks later in virtual time. */
let today: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  today = localDate(sandbox.clock.now());
});

afterAll(async () => {
  await sandbox?.stop();
});

interface OrderView {
  id: string;
  status: string;
  contractId: string;
  promisedDelivery: string;
  plannedDate?: string;
  shipment?: { carrier: string; trackingNumber: string; expectedDelivery: string };
  delivery?: { deliveredOn: string; receiver: string };
  acceptance?: { acceptedOn: string; deemed: boolean };
  cancellation?: { reason: string; by: string };
  currentStep?: { step: string; assignee: string };
  timeline: { step: string; outcome: string; by: string; at: string }[];
  trail: { action: string; detail?: Record<string, unknown> }[];
}

/** Sales' view of the order; signed in afresh, as virtual weeks pass and sign-ins expire. */
const getOrder = async (id: string) =>
  (await sandbox.request('GET', `/orders/${id}`, { token: await sandbox.login(sales) })).json<OrderView>();

/** Waits for the order's view to satisfy `ready`, and returns it. */
const orderWhen = (id: string, ready: (order: OrderView) => boolean, what: string) =>
  eventually(async () => {
    const order = await getOrder(id);
    return ready(order) ? order : undefined;
  }, what);

/** Waits for a mail to `to` about `id` whose subject starts with `prefix` (its outcome, e.g. `[已发货]`). */
const mailAbout = (to: string, prefix: string, id: string) =>
  eventually(
    async () =>
      (await sandbox.mails(to)).find((mail) => mail.subject.startsWith(prefix) && mail.subject.includes(id)),
    `${prefix} about ${id} to ${to}`,
  );

/** Mails to `to` about `id` whose subject starts with `prefix`, now. */
const mailsAbout = async (to: string, prefix: string, id: string) =>
  (await sandbox.mails(to)).filter((mail) => mail.subject.startsWith(prefix) && mail.subject.includes(id));

/** Advances virtual time to `hours` into `date` (company time) and lets the SLA sweep run. */
async function advanceTo(date: string, hours = 1) {
  const target = Date.parse(`${date}T00:00:00+08:00`) + hours * 3_600_000;
  const seconds = Math.ceil((target - sandbox.clock.now().getTime()) / 1000);
  const reply = await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: seconds } });
  expect(reply.status).toBe(200);
}

/** A contract for delivery in 60 days, approved by legal and signed (see signed-contract.ts); returns its order's id. */
async function signedContract(): Promise<{ contractId: string; orderId: string }> {
  const { contractId } = await signContract(sandbox, customer, {
    deliveryAddress: '上海市浦东新区张江路 1 号',
  });
  const orderId = await eventually(async () => {
    const listed = await sandbox.request('GET', `/orders?contractId=${contractId}`, {
      token: await sandbox.login(sales),
    });
    return listed.json<{ orders: { id: string }[] }>().orders[0]?.id;
  }, `the order of ${contractId}`);
  return { contractId, orderId };
}

describe('an order from signing to acceptance', () => {
  let contractId: string;
  let orderId: string;

  it('is created when the contract is signed, and logistics gets the delivery plan', async () => {
    ({ contractId, orderId } = await signedContract());
    expect(orderId).toMatch(/^OR-\d{4}-\d{5}$/);
    const order = await orderWhen(orderId, (view) => view.currentStep !== undefined, 'the first step');
    expect(order).toMatchObject({
      contractId,
      status: 'SCHEDULING',
      promisedDelivery: addDays(today, 60),
      currentStep: { step: 'Production confirms schedule', assignee: production },
    });
    const plan = await mailAbout(logistics, '[请安排交付]', orderId);
    expect(plan.text).toContain('上海市浦东新区张江路 1 号');
    expect(plan.text).toContain('CNC-200 数控车床 × 2');
    expect(plan.text).toMatch(/承诺交期：\d{4}年\d{1,2}月\d{1,2}日/);
  });

  it('goes into production when production confirms a date that meets the promise', async () => {
    const { reply } = await sandbox.client.decideFromMail(production, orderId, 'confirm', {
      plannedDate: addDays(today, 40),
    });
    expect(reply.status).toBe(200);
    const order = await orderWhen(
      orderId,
      (view) => view.currentStep?.step === 'Production reports completion',
      'the completion step',
    );
    expect(order).toMatchObject({ status: 'IN_PRODUCTION', plannedDate: addDays(today, 40) });
  });

  it('alerts sales and the sales manager once when the planned date passes; production is reminded', async () => {
    const productionMails = (await sandbox.mails(production)).length;
    await advanceTo(addDays(today, 41));
    const alert = await mailAbout(sales, '[已逾期]', orderId);
    expect(alert.text).toContain('冯林');
    expect(await mailsAbout(salesManager, '[已逾期]', orderId)).toHaveLength(1);
    expect((await sandbox.mails(production)).length).toBe(productionMails + 1);
    // A day later: nobody is alerted again, and the task is still production's.
    await advanceTo(addDays(today, 42));
    expect(await mailsAbout(sales, '[已逾期]', orderId)).toHaveLength(1);
    expect((await getOrder(orderId)).currentStep).toMatchObject({
      step: 'Production reports completion',
      assignee: production,
    });
  });

  it('ships when production reports it done: the customer and sales get the carrier and tracking number', async () => {
    const done = await sandbox.client.decideFromMail(production, orderId, 'done', { qcNote: '全检合格' });
    expect(done.reply.status).toBe(200);
    const { reply } = await sandbox.client.decideFromMail(logistics, orderId, 'shipped', {
      carrier: '顺丰速运',
      trackingNumber: 'SF1234567890',
      expectedDelivery: addDays(today, 59),
    });
    expect(reply.status).toBe(200);
    for (const reader of [customer, sales]) {
      const shipped = await mailAbout(reader, '[已发货]', orderId);
      expect(shipped.text).toContain('顺丰速运');
      expect(shipped.text).toContain('SF1234567890');
    }
    expect((await getOrder(orderId)).status).toBe('SHIPPED');
  });

  it('alerts sales and the sales manager once when the promised delivery date passes undelivered', async () => {
    const deliveryAlerts = async () =>
      (await mailsAbout(salesManager, '[已逾期]', orderId)).filter((mail) => mail.text.includes('确认送达'));
    await advanceTo(addDays(today, 61));
    await eventually(
      async () => ((await deliveryAlerts()).length > 0 ? true : undefined),
      'the delivery alert',
    );
    await advanceTo(addDays(today, 61), 20);
    expect(await deliveryAlerts()).toHaveLength(1);
    expect(await mailsAbout(sales, '[已逾期]', orderId)).toHaveLength(2);
  });

  it('is delivered, then accepted by sales for the customer: ACCEPTED, with the whole timeline', async () => {
    const delivered = await sandbox.client.decideFromMail(logistics, orderId, 'delivered', {
      deliveredOn: addDays(today, 61),
      receiver: '王工',
    });
    expect(delivered.reply.status).toBe(200);
    const accepted = await sandbox.client.decideFromMail(sales, orderId, 'accept', {
      acceptedOn: addDays(today, 62),
    });
    expect(accepted.reply.status).toBe(200);
    const order = await orderWhen(orderId, (view) => view.status === 'ACCEPTED', 'the order accepted');
    expect(order).toMatchObject({
      shipment: { carrier: '顺丰速运', trackingNumber: 'SF1234567890', expectedDelivery: addDays(today, 59) },
      delivery: { deliveredOn: addDays(today, 61), receiver: '王工' },
      acceptance: { acceptedOn: addDays(today, 62), deemed: false },
    });
    expect(order.timeline.map(({ step, outcome, by }) => [step, outcome, by])).toEqual([
      ['Production confirms schedule', 'confirm', production],
      ['Production reports completion', 'done', production],
      ['Logistics ships', 'shipped', logistics],
      ['Confirm delivery', 'delivered', logistics],
      ['Customer acceptance', 'accept', sales],
    ]);
    // Delivery and acceptance date the installments tied to them: payment collection takes over.
    const installments = await eventually(async () => {
      const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
        token: await sandbox.login(sales),
      });
      const list = reply.json<{ installments: { trigger: string; dueDate?: string }[] }>().installments;
      return list.every((i) => i.dueDate) ? list : undefined;
    }, 'the installments dated');
    expect(installments.map((i) => [i.trigger, i.dueDate])).toEqual([
      ['signing', addDays(today, 10)],
      ['delivery', addDays(today, 61 + 30)],
      ['acceptance', addDays(today, 62 + 30)],
    ]);
    await mailAbout(sales, '[客户已验收]', orderId);
  });

  it('is readable by the staff who follow orders, and by nobody else', async () => {
    const financeToken = await sandbox.login(finance);
    expect((await sandbox.request('GET', `/orders/${orderId}`, { token: financeToken })).status).toBe(403);
    const list = await sandbox.request('GET', `/orders?contractId=${contractId}`, { token: financeToken });
    expect(list.status).toBe(403);
    for (const reader of [production, logistics, salesManager]) {
      const view = await sandbox.request('GET', `/orders/${orderId}`, { token: await sandbox.login(reader) });
      expect(view.status).toBe(200);
    }
    const token = await sandbox.login(sales);
    expect((await sandbox.request('GET', '/orders/OR-2026-99999', { token })).status).toBe(404);
    expect((await sandbox.request('GET', '/orders?contractId=nonsense', { token })).status).toBe(400);
  });
});

describe('orders that do not go to plan', () => {
  it('moves the promise when production cannot make it and sales accepts the new date; the customer is told', async () => {
    const { orderId } = await signedContract();
    const base = localDate(sandbox.clock.now());
    const pushed = await sandbox.client.decideFromMail(production, orderId, 'cannot-meet', {
      proposedDate: addDays(base, 70),
      comment: '主轴供应商延期',
    });
    expect(pushed.reply.status).toBe(200);
    const decision = await sandbox.client.decideFromMail(sales, orderId, 'accept');
    expect(decision.page.text).toContain('主轴供应商延期');
    expect(decision.reply.status).toBe(200);
    const newDate = await mailAbout(customer, '[交付日期变更]', orderId);
    const order = await orderWhen(
      orderId,
      (view) => view.currentStep?.step === 'Production reports completion',
      'production to continue',
    );
    expect(order).toMatchObject({ status: 'IN_PRODUCTION', plannedDate: addDays(base, 70) });
    expect(order.promisedDelivery).toBe(addDays(base, 73));
    expect(newDate.text).toContain(`${Number(addDays(base, 73).slice(8))}日`);
  });

  it('is cancelled when the sales manager rejects the new date, and everyone who worked on it is told', async () => {
    const { contractId, orderId } = await signedContract();
    const base = localDate(sandbox.clock.now());
    await sandbox.client.decideFromMail(production, orderId, 'cannot-meet', {
      proposedDate: addDays(base, 90),
      comment: '产能已排满',
    });
    await sandbox.client.decideFromMail(sales, orderId, 'escalate');
    const rejected = await sandbox.client.decideFromMail(salesManager, orderId, 'reject', {
      comment: '客户不接受延期',
    });
    expect(rejected.reply.status).toBe(200);
    const order = await orderWhen(orderId, (view) => view.status === 'CANCELLED', 'the order cancelled');
    expect(order.cancellation).toMatchObject({ reason: '客户不接受延期', by: salesManager });
    for (const person of [sales, production]) {
      expect((await mailAbout(person, '[订单已取消]', orderId)).text).toContain('客户不接受延期');
    }
    // What the order would have made due is never billed; the advance, due on signing, is still owed.
    const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
      token: await sandbox.login(finance),
    });
    const installments = reply.json<{
      installments: {
        trigger: string;
        status: string;
        dueDate?: string;
        cancelledWith?: { orderId: string };
      }[];
    }>().installments;
    expect(installments.map((i) => [i.trigger, i.status, i.cancelledWith?.orderId])).toEqual([
      ['signing', 'SCHEDULED', undefined],
      ['delivery', 'CANCELLED', orderId],
      ['acceptance', 'CANCELLED', orderId],
    ]);
    expect(installments.filter((i) => i.status === 'CANCELLED' && i.dueDate !== undefined)).toEqual([]);
  });

  /** An order delivered today, waiting for acceptance. */
  async function deliveredOrder(): Promise<string> {
    const { orderId } = await signedContract();
    const base = localDate(sandbox.clock.now());
    for (const { assignee, outcome, form } of stepsToAcceptance(base, sales).slice(0, -1))
      await sandbox.client.decideFromMail(assignee, orderId, outcome, form);
    await orderWhen(
      orderId,
      (view) => view.currentStep?.step === 'Customer acceptance',
      'the acceptance step',
    );
    return orderId;
  }

  it('tells the sales manager of a dispute and reopens acceptance for sales', async () => {
    const orderId = await deliveredOrder();
    const disputed = await sandbox.client.decideFromMail(sales, orderId, 'dispute', {
      comment: '一台设备外壳破损',
    });
    expect(disputed.reply.status).toBe(200);
    expect((await mailAbout(salesManager, '[客户提出异议]', orderId)).text).toContain('一台设备外壳破损');
    const reopened = await orderWhen(
      orderId,
      (view) => view.status === 'DISPUTED' && view.currentStep?.step === 'Customer acceptance',
      'acceptance reopened',
    );
    expect(reopened.currentStep?.assignee).toBe(sales);
    // While disputed, the acceptance period does not run: sixteen days on, the order is still disputed (and, past
    // its SLA, the step has gone up to sales' supervisor).
    await advanceTo(addDays(localDate(sandbox.clock.now()), 16));
    const later = await getOrder(orderId);
    expect(later.status).toBe('DISPUTED');
    expect(later.currentStep).toMatchObject({ step: 'Customer acceptance', assignee: supervisor });
    const accepted = await sandbox.client.decideFromMail(supervisor, orderId, 'accept', {
      acceptedOn: localDate(sandbox.clock.now()),
    });
    expect(accepted.reply.status).toBe(200);
    await orderWhen(orderId, (view) => view.status === 'ACCEPTED', 'ACCEPTED');
  });

  it('counts as accepted when nobody decides within the acceptance period, and the timeline says so', async () => {
    const orderId = await deliveredOrder();
    const deliveredOn = localDate(sandbox.clock.now());
    await advanceTo(addDays(deliveredOn, 16));
    const order = await orderWhen(orderId, (view) => view.status === 'ACCEPTED', 'acceptance by default');
    expect(order.acceptance).toEqual({ acceptedOn: addDays(deliveredOn, 15), deemed: true, by: 'system' });
    expect(order.timeline.at(-1)).toMatchObject({
      step: 'Customer acceptance',
      outcome: 'deemed-accepted',
      by: 'system',
    });
    expect((await mailAbout(sales, '[视同验收]', orderId)).text).toContain('视同验收');
  });
});
