// Every workflow step handler run twice with the same input, as a retry or a redrive does, has one effect.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, localDate } from '#shared/clock.ts';
import { registry } from '#workflows/registry.ts';
import { differences, stable, tableClient, tableState } from '../support/table-snapshot.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

const rep = 'li.lei@example.com';
const supervisor = 'zhao.min@example.com';
const salesManager = 'sun.li@example.com';
const director = 'zhou.qiang@example.com';
const finance = 'qian.yu@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];
const production = 'feng.lin@example.com';
const logistics = 'ma.chao@example.com';

/** What a step did on each of its two runs, and whether the second changed anything. */
interface Repeat {
  entry: string;
  subjectId: string;
  sameOutput: boolean;
  /** Items written, changed or removed by the second run, and mails it sent. */
  secondRunEffects: string[];
}

const repeats: Repeat[] = [];
/** Subjects whose next "record decision" step fails once, to reach each workflow's Needs attention path. */
const failRecordFor = new Set<string>();
let inFlight = 0;
/** Steps run their two runs one step at a time: a parallel branch's writes must not count as another step's. */
let stepsDone: Promise<unknown> = Promise.resolve();
// Each step's two runs wait for requests to end; a decision's reply need not wait for the workflow to move on.
process.env.DECISION_REPLY_WAIT_MS = '0';
// Level 2 at 20 days overdue: a follow-up left unanswered closes (two weeks) before the next level comes.
process.env.COLLECTION_POLICY = JSON.stringify({ ladder: { level1: 1, level2: 20, level3: 30, level4: 40 } });
let sandbox: TestSandbox;
let db: DynamoDBDocumentClient;
let tokens: Record<string, string>;

/** The whole table and every captured mail, as comparable text per item. */
async function effects(): Promise<Map<string, string>> {
  const state = new Map(await tableState(db));
  for (const mail of await sandbox.mail.list())
    state.set(`mail ${mail.id}`, `${mail.to.join()} ${mail.subject}`);
  return state;
}

/** Until the test's own HTTP requests have been answered: their handlers write too (a decision's delivery). */
async function quiet(): Promise<void> {
  for (let i = 0; i < 400 && inFlight > 0; i++) await new Promise((resolve) => setTimeout(resolve, 5));
}

const isRecordStep = (entry: string) => entry.endsWith('/steps/record-decision.ts');

beforeAll(async () => {
  sandbox = await startTestSandbox({
    aroundStep: async (entry, payload, run) => {
      const subjectId = String(
        (payload as { subject?: { id?: unknown }; contract?: { id?: unknown } }).subject?.id ??
          (payload as { contract?: { id?: unknown } }).contract?.id,
      );
      if (isRecordStep(entry) && failRecordFor.delete(subjectId)) {
        throw Object.assign(new Error('injected: a bug in the step'), { name: 'InjectedFault' });
      }
      const twice = async () => {
        await quiet();
        const first = await run();
        const before = await effects();
        const second = await run();
        const after = await effects();
        repeats.push({
          entry,
          subjectId,
          sameOutput: stable(first) === stable(second),
          secondRunEffects: differences(before, after),
        });
        return first;
      };
      const result = stepsDone.then(twice);
      stepsDone = result.catch(() => undefined);
      return result;
    },
  });
  const request = sandbox.client.request.bind(sandbox.client);
  sandbox.client.request = async (...args) => {
    // Nobody acts between a step's two runs: what they did would count as the second run's effect.
    await stepsDone;
    inFlight++;
    try {
      return await request(...args);
    } finally {
      inFlight--;
    }
  };
  db = tableClient(sandbox.urls.dynamodb);
  tokens = {};
  for (const email of [rep, finance, salesManager, director]) tokens[email] = await sandbox.login(email);
});

afterAll(async () => {
  await sandbox?.stop();
});

const cny = (yuan: number) => ({ amount: yuan * 100, currency: 'CNY' });
const today = () => localDate(sandbox.clock.now());
let costCenters = 0;

async function budget(limit: number): Promise<string> {
  const costCenter = `TWICE-${++costCenters}`;
  const reply = await sandbox.client.request('PUT', `/budgets/${costCenter}/${today().slice(0, 7)}`, {
    token: tokens[finance],
    json: { limit: cny(limit) },
  });
  expect(reply.status).toBe(201);
  return costCenter;
}

async function fileClaim(): Promise<string> {
  const reply = await sandbox.client.request('POST', '/expenses', {
    token: tokens[rep],
    json: {
      title: 'Customer visit',
      costCenter: await budget(10_000),
      items: [{ category: 'travel', amount: cny(300), date: today(), description: 'Taxi', receipt: 'R-1' }],
    },
  });
  expect(reply.status).toBe(201);
  return reply.json<{ id: string }>().id;
}

async function statusOf(path: string): Promise<string> {
  return (await sandbox.client.request('GET', path, { token: tokens[rep] })).json<{ status: string }>()
    .status;
}

async function until(path: string, status: string): Promise<void> {
  await eventually(async () => ((await statusOf(path)) === status ? true : undefined), `${path} ${status}`);
  // The execution-ended handler closes what a failed execution left; let it finish before the next path.
  await new Promise((resolve) => setTimeout(resolve, 100));
}

const decide = async (who: string, id: string, outcome: string, form: Record<string, string> = {}) =>
  expect((await sandbox.client.decideFromMail(who, id, outcome, form)).reply.status).toBe(200);

/** Whoever of `people` has the open task about `id`. */
async function holderOf(people: string[], id: string): Promise<string> {
  return eventually(async () => {
    for (const person of people) {
      const { tasks } = (
        await sandbox.client.request('GET', '/tasks', { token: await sandbox.login(person) })
      ).json<{ tasks: { subject: { id: string } }[] }>();
      if (tasks.some((task) => task.subject.id === id)) return person;
    }
    return undefined;
  }, `the holder of ${id}'s task`);
}

function contractDraft() {
  const inDays = (days: number) =>
    new Date(Date.parse(today()) + days * 86_400_000).toISOString().slice(0, 10);
  return {
    customer: { name: 'East Machinery Co.', email: `buyer${++costCenters}@east-machinery.example` },
    title: 'CNC lathes 2027',
    amount: cny(300_000),
    paymentTerms: [
      { label: 'Advance', percent: 30, trigger: 'signing', dueDays: 10 },
      { label: 'On delivery', percent: 70, trigger: 'delivery', dueDays: 30 },
    ],
    deliveryDate: inDays(60),
    items: [{ sku: 'CNC-200', description: 'CNC lathe', quantity: 2, qualityStandard: 'GB/T 25659' }],
    documentUrl: 'https://docs.example.com/contracts/draft.pdf',
  };
}

describe('each workflow path, every step run twice', () => {
  it('expense approval: approved by the supervisor and finance', async () => {
    const id = await fileClaim();
    await decide(supervisor, id, 'approve');
    await decide(finance, id, 'approve');
    await until(`/expenses/${id}`, 'APPROVED_FOR_PAYMENT');
  });

  it('expense approval: a bug in a step takes the claim to Needs attention', async () => {
    const id = await fileClaim();
    failRecordFor.add(id);
    await decide(supervisor, id, 'approve');
    await until(`/expenses/${id}`, 'NEEDS_ATTENTION');
  });

  it('advance application: approved by the sales manager and the director, and a failing one', async () => {
    const apply = async () => {
      const reply = await sandbox.client.request('POST', '/expense-applications', {
        token: tokens[rep],
        json: {
          costCenter: await budget(1_000),
          amount: cny(600),
          reason: 'Trade fair in Shenzhen next month',
        },
      });
      expect(reply.status).toBe(201);
      return reply.json<{ id: string }>().id;
    };
    const approved = await apply();
    await decide(salesManager, approved, 'approve');
    await decide(director, approved, 'approve');
    await until(`/expense-applications/${approved}`, 'APPROVED');

    const failing = await apply();
    failRecordFor.add(failing);
    await decide(salesManager, failing, 'approve');
    await until(`/expense-applications/${failing}`, 'NEEDS_ATTENTION');
  });

  it('contract review: checked, approved by legal, signed; and a failing one', async () => {
    const submit = async () => {
      const reply = await sandbox.client.request('POST', '/contracts', {
        token: tokens[rep],
        json: contractDraft(),
      });
      expect(reply.status).toBe(201);
      return reply.json<{ id: string }>().id;
    };
    const signed = await submit();
    await decide(await holderOf(legal, signed), signed, 'approve');
    await decide(salesManager, signed, 'sign', {
      signedDate: today(),
      signerName: '孙丽',
      signedCopy: 'https://docs.example.com/signed/1.pdf',
    });
    await until(`/contracts/${signed}`, 'SIGNED');

    const failing = await submit();
    failRecordFor.add(failing);
    await decide(await holderOf(legal, failing), failing, 'approve');
    await until(`/contracts/${failing}`, 'NEEDS_ATTENTION');
  });
});

describe('an order, every step run twice', () => {
  const inDays = (days: number) => addDays(today(), days);
  /** A contract signed, and its order's id once its workflow has begun. */
  async function signedOrder(): Promise<string> {
    const reply = await sandbox.client.request('POST', '/contracts', {
      token: tokens[rep],
      json: contractDraft(),
    });
    expect(reply.status).toBe(201);
    const contract = reply.json<{ id: string }>().id;
    await decide(await holderOf(legal, contract), contract, 'approve');
    await decide(salesManager, contract, 'sign', {
      signedDate: today(),
      signerName: '孙丽',
      signedCopy: 'https://docs.example.com/signed/2.pdf',
    });
    return eventually(async () => {
      const listed = await sandbox.client.request('GET', `/orders?contractId=${contract}`, {
        token: await sandbox.login(rep),
      });
      return listed.json<{ orders?: { id: string }[] }>().orders?.[0]?.id;
    }, `the order of ${contract}`);
  }

  it('order handoff: scheduled, made, shipped, delivered, accepted; and a failing one', async () => {
    const order = await signedOrder();
    await decide(production, order, 'confirm', { plannedDate: inDays(30) });
    await decide(production, order, 'done');
    await decide(logistics, order, 'shipped', {
      carrier: 'SF Express',
      trackingNumber: 'SF1',
      expectedDelivery: inDays(40),
    });
    await decide(logistics, order, 'delivered', { deliveredOn: today(), receiver: 'Wang' });
    await decide(rep, order, 'accept', { acceptedOn: today() });
    await until(`/orders/${order}`, 'ACCEPTED');

    const failing = await signedOrder();
    failRecordFor.add(failing);
    await decide(production, failing, 'confirm', { plannedDate: inDays(30) });
    await until(`/orders/${failing}`, 'NEEDS_ATTENTION');
  });

  it('order handoff: pushed back, escalated, cancelled, its delivery installment closed once', async () => {
    const order = await signedOrder();
    await decide(production, order, 'cannot-meet', { proposedDate: inDays(120), comment: 'Line is full' });
    await decide(rep, order, 'escalate');
    await decide(salesManager, order, 'reject', { comment: 'The customer will not wait' });
    await until(`/orders/${order}`, 'CANCELLED');
  });
});

describe('payment collection, every step run twice', () => {
  /** A contract signed for one installment due `dueDays` after signing; returns the installment's id. */
  async function signedInstallment(dueDays: number): Promise<{ contractId: string; id: string }> {
    const reply = await sandbox.client.request('POST', '/contracts', {
      token: await sandbox.login(rep),
      json: {
        ...contractDraft(),
        paymentTerms: [{ label: 'All', percent: 100, trigger: 'signing', dueDays }],
      },
    });
    expect(reply.status).toBe(201);
    const contractId = reply.json<{ id: string }>().id;
    await decide(await holderOf(legal, contractId), contractId, 'approve');
    await decide(salesManager, contractId, 'sign', {
      signedDate: today(),
      signerName: '孙丽',
      signedCopy: 'https://docs.example.com/signed/3.pdf',
    });
    await installment(contractId, (i) => i.status === 'SCHEDULED');
    return { contractId, id: `${contractId}-I1` };
  }

  async function installment(contractId: string, ready: (i: { status: string; level: number }) => boolean) {
    return eventually(async () => {
      const reply = await sandbox.client.request('GET', `/contracts/${contractId}/installments`, {
        token: await sandbox.login(rep),
      });
      const found = reply.json<{ installments?: { status: string; level: number }[] }>().installments?.[0];
      return found && ready(found) ? found : undefined;
    }, `the installment of ${contractId}`);
  }

  const advanceDays = async (days: number) => {
    const reply = await sandbox.client.request('POST', '/_local/clock', {
      json: { advanceSeconds: days * 86_400 },
    });
    expect(reply.status).toBe(200);
  };

  it('from the reminder through every level, a dispute settled, a follow-up left unanswered, to a write-off', async () => {
    const { contractId, id } = await signedInstallment(10);
    await advanceDays(7); // the reminder
    await advanceDays(4); // level 1: the owner's follow-up, left unanswered
    await installment(contractId, (i) => i.level === 1);
    await advanceDays(15); // it closes unanswered after two weeks (level 2 is 20 days overdue here)
    await advanceDays(5); // level 2: the sales manager disputes it, then accepts the customer's terms
    await installment(contractId, (i) => i.level === 2);
    await decide(salesManager, id, 'dispute', { comment: 'Invoice missing' });
    await decide(salesManager, id, 'accept');
    await advanceDays(10); // level 3: the demand letter
    await advanceDays(10); // level 4: legal agrees a plan, which is broken; then a write-off finance approves
    await installment(contractId, (i) => i.level === 4);
    const lawyer = await holderOf(legal, id);
    const inDays = (days: number) =>
      new Date(Date.parse(today()) + days * 86_400_000).toISOString().slice(0, 10);
    await decide(lawyer, id, 'payment-plan', { promisedDate: inDays(3) });
    await advanceDays(8); // past the plan's date and its three days of grace
    await decide(await holderOf(legal, id), id, 'write-off', { comment: 'Insolvent' });
    await decide(finance, id, 'approve');
    await installment(contractId, (i) => i.status === 'WRITTEN_OFF');
  });

  it('a bug in a follow-up step takes the installment to Needs attention', async () => {
    const { contractId, id } = await signedInstallment(0);
    await advanceDays(1);
    await installment(contractId, (i) => i.level === 1);
    failRecordFor.add(id);
    await decide(rep, id, 'contacted', { comment: 'Called them' });
    await installment(contractId, (i) => i.status === 'NEEDS_ATTENTION');
  });
});

describe('the second run of the same input', () => {
  it('has no effect, and answers as the first did, for every step', () => {
    const withEffects = repeats.filter((r) => r.secondRunEffects.length > 0 || !r.sameOutput);
    expect(withEffects).toEqual([]);
  });

  it('was tried for every function step of every workflow', () => {
    const steps = new Set(
      Object.values(registry).flatMap((spec) => (spec.kind === 'function' ? [spec.entry] : [])),
    );
    expect(new Set(repeats.map((r) => r.entry))).toEqual(steps);
  });
});
