import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { emfOps } from '#shared/ops-signals.ts';
import {
  type Armed,
  connectionReset,
  dynamoThrottled,
  injectFaults,
  type SdkFaults,
  sesRejected,
  sesThrottled,
  sfnServerError,
  sfnThrottled,
} from '../support/faults.ts';
import { eventually, hiddenInputs, startTestSandbox, type TestSandbox, taskLinkIn } from './harness.ts';
import { signedContract } from './signed-contract.ts';

const rep = 'li.lei@example.com';
const supervisor = 'zhao.min@example.com';
const salesManager = 'sun.li@example.com';
const director = 'zhou.qiang@example.com';
const finance = 'qian.yu@example.com';
const admin = 'admin@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];

// A decision's reply need not wait for the workflow to move on; the tests wait for what they check.
process.env.DECISION_REPLY_WAIT_MS = '0';

/** A step (by its handler file) failing with `name` the next `times` times it runs. */
interface StepFault {
  entry: string;
  name: string;
  times: number;
  runs: number;
}
const stepFaults: StepFault[] = [];

let sandbox: TestSandbox;
let faults: SdkFaults;
/** Another writer's client: its writes go around the fault middleware. */
let otherWriter: DynamoDBDocumentClient;

beforeAll(async () => {
  sandbox = await startTestSandbox({
    aroundStep: async (entry, _payload, run) => {
      const fault = stepFaults.find((f) => entry.endsWith(f.entry) && f.runs < f.times);
      if (fault) {
        fault.runs++;
        throw Object.assign(new Error(`injected: ${fault.name}`), { name: fault.name });
      }
      return run();
    },
  });
  faults = injectFaults();
  otherWriter = sandbox.db;
});

afterEach(() => {
  faults.clear();
  stepFaults.length = 0;
});

afterAll(async () => {
  await sandbox?.stop();
});

const cny = (yuan: number) => ({ amount: yuan * 100, currency: 'CNY' });
const today = () => localDate(sandbox.clock.now());
const as = async (email: string) => sandbox.login(email);

/** Advances virtual time; the SLA sweep runs (mail resends, decision redeliveries) and executions move on. */
async function advance(seconds: number): Promise<void> {
  expect((await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: seconds } })).status).toBe(
    200,
  );
}

/** Decides from the live link in `who`'s mail; returns the page's status (202: recorded, not yet delivered). */
async function decide(who: string, id: string, outcome: string, form: Record<string, string> = {}) {
  return (await sandbox.client.decideFromMail(who, id, outcome, form)).reply.status;
}

async function read<T>(path: string, who = admin): Promise<T> {
  const reply = await sandbox.request('GET', path, { token: await as(who) });
  expect(reply.status).toBe(200);
  return reply.json<T>();
}

interface SubjectView {
  status: string;
  attention?: { error?: string };
  trail: { action: string; actor?: string; detail?: Record<string, unknown> }[];
}

const statusIs = (path: string, status: string) =>
  eventually(async () => {
    const view = await read<SubjectView>(path);
    return view.status === status ? view : undefined;
  }, `${path} to be ${status}`);

/** Decisions recorded in the trail, as `actor outcome`. */
const decisions = (view: SubjectView) =>
  view.trail.filter((e) => e.action === 'task-decided').map((e) => `${e.actor} ${e.detail?.outcome}`);

const hit = (armed: Armed, times = 1) => expect(armed.hits).toBe(times);

let costCenters = 0;
async function budget(limitYuan: number): Promise<string> {
  const costCenter = `SDK-FAULT-${++costCenters}`;
  const reply = await sandbox.request('PUT', `/budgets/${costCenter}/${today().slice(0, 7)}`, {
    token: await as(finance),
    json: { limit: cny(limitYuan) },
  });
  expect(reply.status).toBe(201);
  return costCenter;
}

const budgetOf = (costCenter: string) =>
  read<{ committed: { amount: number }; consumed: { amount: number } }>(
    `/budgets/${costCenter}/${today().slice(0, 7)}`,
  );

/** The claims filed on a cost center: a test-side scan, to count what was created. */
async function claimsIn(costCenter: string): Promise<string[]> {
  const { Items = [] } = await otherWriter.send(
    new ScanCommand({
      TableName: 'local-business',
      FilterExpression: 'entity = :claim AND costCenter = :costCenter',
      ExpressionAttributeValues: { ':claim': 'expense-claim', ':costCenter': costCenter },
    }),
  );
  return Items.map((item) => String(item.id));
}

async function fileClaim(costCenter: string, yuan: number): Promise<string> {
  const reply = await sandbox.request('POST', '/expenses', {
    token: await as(rep),
    json: {
      title: 'Customer visit',
      costCenter,
      items: [{ category: 'travel', amount: cny(yuan), date: today(), description: 'Taxi', receipt: 'R-1' }],
    },
  });
  expect(reply.status).toBe(201);
  return reply.json<{ id: string }>().id;
}

describe('expense claim', () => {
  it('SES throttling the task mail: the task stays open and the sweep mails a fresh link; the claim completes', async () => {
    const throttled = faults.arm({
      service: 'ses',
      command: 'SendEmailCommand',
      when: (input) => JSON.stringify(input.Destination).includes(supervisor),
      fault: { error: sesThrottled },
    });
    const costCenter = await budget(10_000);
    const id = await fileClaim(costCenter, 300);
    await eventually(async () => (throttled.hits === 1 ? true : undefined), 'the throttled task mail');
    await eventually(async () => {
      const { trail } = await read<SubjectView>(`/expenses/${id}`);
      return trail.some((e) => e.action === 'task-mail-failed') ? true : undefined;
    }, 'the failed mail in the trail');
    await advance(5 * 60 + 1);
    expect(await decide(supervisor, id, 'approve')).toBe(200);
    expect(await decide(finance, id, 'approve')).toBe(200);
    const done = await statusIs(`/expenses/${id}`, 'APPROVED_FOR_PAYMENT');
    expect(decisions(done)).toEqual([`${supervisor} approve`, `${finance} approve`]);
    expect(await budgetOf(costCenter)).toMatchObject({
      committed: { amount: 0 },
      consumed: { amount: 30_000 },
    });
  });

  it('DynamoDB throttling the claim’s save, then Step Functions its start: 503 each, the hold given back each time', async () => {
    const costCenter = await budget(10_000);
    const claimBody = {
      title: 'Customer visit',
      costCenter,
      items: [{ category: 'travel', amount: cny(200), date: today(), description: 'Taxi', receipt: 'R-1' }],
    };
    const send = async () =>
      sandbox.request('POST', '/expenses', {
        token: await as(rep),
        headers: { 'idempotency-key': `claim-${costCenter}` },
        json: claimBody,
      });
    const saveThrottled = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: (input) => (input.Item as { costCenter?: string } | undefined)?.costCenter === costCenter,
      fault: { error: () => dynamoThrottled('ThrottlingException') },
    });
    expect((await send()).status).toBe(503);
    hit(saveThrottled);
    expect(await budgetOf(costCenter)).toMatchObject({ committed: { amount: 0 } });
    const startThrottled = faults.arm({
      service: 'sfn',
      command: 'StartExecutionCommand',
      fault: { error: sfnThrottled },
    });
    expect((await send()).status).toBe(503);
    hit(startThrottled);
    expect(await budgetOf(costCenter)).toMatchObject({ committed: { amount: 0 } });
    const filed = await send();
    expect(filed.status).toBe(201);
    expect(await budgetOf(costCenter)).toMatchObject({ committed: { amount: 20_000 } });
    expect(await claimsIn(costCenter)).toEqual([filed.json<{ id: string }>().id]);
  });

  it('DynamoDB throttling the trail’s write once the review has started: filed, answered 201, held once', async () => {
    const costCenter = await budget(10_000);
    const trailThrottled = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: (input) => {
        const item = input.Item as { pk?: string; action?: string } | undefined;
        return item?.pk?.startsWith('AUDIT#EX-') === true && item.action === 'submitted';
      },
      fault: { error: () => dynamoThrottled('ProvisionedThroughputExceededException') },
    });
    const told = vi.spyOn(emfOps, 'tell');
    const id = await fileClaim(costCenter, 250);
    hit(trailThrottled);
    // Ops get the entry the trail could not take, to put back by hand.
    expect(told).toHaveBeenCalledWith(
      expect.objectContaining({
        event: 'trail-entry-lost',
        entry: expect.objectContaining({ subjectId: id, action: 'submitted' }),
      }),
    );
    told.mockRestore();
    expect(await claimsIn(costCenter)).toEqual([id]);
    expect(await budgetOf(costCenter)).toMatchObject({ committed: { amount: 25_000 } });
    expect(await decide(supervisor, id, 'approve')).toBe(200);
  });

  it('DynamoDB throttling the task page’s decision: a page asking to try again, in the reader’s words; the retry decides', async () => {
    const costCenter = await budget(10_000);
    const id = await fileClaim(costCenter, 100);
    const mail = await eventually(
      async () => (await sandbox.mails(supervisor)).find((m) => m.text.includes(id)),
      `the task mail about ${id}`,
    );
    const link = taskLinkIn(mail);
    const page = await sandbox.request('GET', `${link.pathname}${link.search}`);
    expect(page.status).toBe(200);
    const form = { ...hiddenInputs(page.text), outcome: 'approve' };
    const throttled = faults.arm({
      service: 'dynamodb',
      command: 'GetItemCommand',
      when: (input) => (input.Key as { pk?: string } | undefined)?.pk?.startsWith('TASK#') === true,
      fault: { error: () => dynamoThrottled('ThrottlingException') },
    });
    const busy = await sandbox.request('POST', link.pathname, { form });
    hit(throttled);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('content-type')).toMatch(/text\/html/);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(busy.text).toContain('系统暂时繁忙');
    expect((await sandbox.request('POST', link.pathname, { form })).status).toBe(200);
    expect(await decide(finance, id, 'approve')).toBe(200);
    const done = await statusIs(`/expenses/${id}`, 'APPROVED_FOR_PAYMENT');
    expect(decisions(done)).toEqual([`${supervisor} approve`, `${finance} approve`]);
  });

  it('a 5xx on SendTaskSuccess: the decision is recorded, the sweep delivers it, the budget is consumed once', async () => {
    const costCenter = await budget(10_000);
    const id = await fileClaim(costCenter, 400);
    const unavailable = faults.arm({
      service: 'sfn',
      command: 'SendTaskSuccessCommand',
      fault: { error: () => sfnServerError('ServiceUnavailable') },
    });
    expect(await decide(supervisor, id, 'approve')).toBe(202);
    hit(unavailable);
    await advance(2 * 60);
    expect(await decide(finance, id, 'approve')).toBe(200);
    const done = await statusIs(`/expenses/${id}`, 'APPROVED_FOR_PAYMENT');
    expect(decisions(done)).toEqual([`${supervisor} approve`, `${finance} approve`]);
    expect(await budgetOf(costCenter)).toMatchObject({
      committed: { amount: 0 },
      consumed: { amount: 40_000 },
    });
  });
});

describe('a decision whose SendTaskSuccess went through but whose answer was lost', () => {
  it('is delivered once, the claim approved, and its task not called undeliverable afterwards', async () => {
    const costCenter = await budget(10_000);
    const id = await fileClaim(costCenter, 500);
    expect(await decide(supervisor, id, 'approve')).toBe(200);
    const lost = faults.arm({
      service: 'sfn',
      command: 'SendTaskSuccessCommand',
      fault: { answerLost: connectionReset },
    });
    expect(await decide(finance, id, 'approve')).toBe(202);
    hit(lost);
    await statusIs(`/expenses/${id}`, 'APPROVED_FOR_PAYMENT');
    // The sweep hands the decision over again and learns that it had arrived.
    await advance(2 * 60);
    const redelivered = faults.calls('sfn', 'SendTaskSuccessCommand');
    await advance(10 * 60);
    expect(faults.calls('sfn', 'SendTaskSuccessCommand')).toBe(redelivered);
    const { trail } = await read<SubjectView>(`/expenses/${id}`);
    expect(trail.map((e) => e.action)).not.toContain('decision-undeliverable');
    expect(await budgetOf(costCenter)).toMatchObject({
      committed: { amount: 0 },
      consumed: { amount: 50_000 },
    });
  });
});

describe('advance application', () => {
  async function apply(): Promise<string> {
    const reply = await sandbox.request('POST', '/expense-applications', {
      token: await as(rep),
      json: { costCenter: await budget(1_000), amount: cny(600), reason: 'Trade fair in Shenzhen' },
    });
    expect(reply.status).toBe(201);
    return reply.json<{ id: string }>().id;
  }

  it('SES rejecting the task mail, then a throttled SendTaskSuccess: resent, redelivered, approved once each', async () => {
    const rejected = faults.arm({
      service: 'ses',
      command: 'SendEmailCommand',
      when: (input) => JSON.stringify(input.Destination).includes(salesManager),
      fault: { error: sesRejected },
    });
    const id = await apply();
    await eventually(async () => {
      const { trail } = await read<SubjectView>(`/expense-applications/${id}`);
      return trail.some((e) => e.action === 'task-mail-refused') ? true : undefined;
    }, 'the refused mail in the trail');
    hit(rejected);
    await advance(5 * 60 + 1);
    expect(await decide(salesManager, id, 'approve')).toBe(200);
    const throttled = faults.arm({
      service: 'sfn',
      command: 'SendTaskSuccessCommand',
      fault: { error: sfnThrottled },
    });
    expect(await decide(director, id, 'approve')).toBe(202);
    hit(throttled);
    await advance(2 * 60);
    const done = await statusIs(`/expense-applications/${id}`, 'APPROVED');
    expect(decisions(done)).toEqual([`${salesManager} approve`, `${director} approve`]);
  });
});

describe('contract review', () => {
  async function submit(): Promise<string> {
    const reply = await sandbox.request('POST', '/contracts', {
      token: await as(rep),
      json: {
        customer: { name: 'East Machinery Co.', email: `buyer${++costCenters}@east.example` },
        title: 'CNC lathes',
        amount: cny(300_000),
        paymentTerms: [{ label: 'All', percent: 100, trigger: 'signing', dueDays: 30 }],
        deliveryDate: new Date(Date.parse(today()) + 60 * 86_400_000).toISOString().slice(0, 10),
        items: [{ sku: 'CNC-200', description: 'CNC lathe', quantity: 2, qualityStandard: 'GB/T 25659' }],
      },
    });
    expect(reply.status).toBe(201);
    return reply.json<{ id: string }>().id;
  }

  const lawyerOf = (id: string) =>
    eventually(async () => {
      for (const person of legal)
        if ((await sandbox.mails(person)).some((m) => m.text.includes(id))) return person;
      return undefined;
    }, `the lawyer of ${id}`);

  const signing = () => ({
    signedDate: today(),
    signerName: '孙丽',
    signedCopy: 'https://docs.example.com/s.pdf',
  });

  /** Writes of the contract item itself (not its versions, tasks or trail). */
  const contractItem = (id: string) => (input: Record<string, unknown>) => {
    const item = (input.Item ?? input.Key) as { pk?: string; sk?: string } | undefined;
    return item?.pk === `CONTRACT#${id}` && item.sk === 'CONTRACT';
  };

  it('DynamoDB throttling a step’s write twice: the step is retried and the contract is signed', async () => {
    const id = await submit();
    const throttled = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: contractItem(id),
      times: 2,
      fault: { error: () => dynamoThrottled('ProvisionedThroughputExceededException') },
    });
    expect(await decide(await lawyerOf(id), id, 'approve')).toBe(200);
    expect(await decide(salesManager, id, 'sign', signing())).toBe(200);
    const done = await statusIs(`/contracts/${id}`, 'SIGNED');
    hit(throttled, 2);
    expect(done.trail.filter((e) => e.action === 'signed')).toHaveLength(1);
  });

  it('another writer saving the contract just before a step’s write: the step reads it again and goes on', async () => {
    const id = await submit();
    const conflicted = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: contractItem(id),
      fault: {
        before: async () => {
          await otherWriter.send(
            new UpdateCommand({
              TableName: 'local-business',
              Key: { pk: `CONTRACT#${id}`, sk: 'CONTRACT' },
              UpdateExpression: 'SET revision = revision + :one',
              ExpressionAttributeValues: { ':one': 1 },
            }),
          );
        },
      },
    });
    expect(await decide(await lawyerOf(id), id, 'approve')).toBe(200);
    expect(await decide(salesManager, id, 'sign', signing())).toBe(200);
    await statusIs(`/contracts/${id}`, 'SIGNED');
    hit(conflicted);
  });

  it('DynamoDB throttling the trail’s write of a decision: the decision stands and reaches the workflow at once', async () => {
    const id = await submit();
    const lawyer = await lawyerOf(id);
    const throttled = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: (input) => {
        const item = input.Item as { pk?: string; action?: string } | undefined;
        return item?.pk === `AUDIT#${id}` && item.action === 'task-decided';
      },
      fault: { error: () => dynamoThrottled('ThrottlingException') },
    });
    const told = vi.spyOn(emfOps, 'tell');
    expect(await decide(lawyer, id, 'approve')).toBe(200);
    hit(throttled);
    expect(told).toHaveBeenCalledWith(
      expect.objectContaining({
        event: 'trail-entry-lost',
        entry: expect.objectContaining({ subjectId: id, action: 'task-decided', actor: lawyer }),
      }),
    );
    told.mockRestore();
    // No sweep has run: the workflow moved on because the decision was handed over in the same request.
    expect(await decide(salesManager, id, 'sign', signing())).toBe(200);
    await statusIs(`/contracts/${id}`, 'SIGNED');
  });

  it('DynamoDB throttling POST /contracts: 503, and the retry with the same Idempotency-Key files it once', async () => {
    const body = {
      customer: { name: 'West Tools Ltd.', email: 'buyer@west-tools.example' },
      title: 'Milling machines',
      amount: cny(200_000),
      paymentTerms: [{ label: 'All', percent: 100, trigger: 'signing', dueDays: 30 }],
      deliveryDate: new Date(Date.parse(today()) + 60 * 86_400_000).toISOString().slice(0, 10),
      items: [{ sku: 'MM-1', description: 'Milling machine', quantity: 1, qualityStandard: 'GB/T 1' }],
    };
    const throttled = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: (input) => {
        const item = input.Item as { entity?: string; customer?: { email?: string } } | undefined;
        return item?.entity === 'contract' && item.customer?.email === body.customer.email;
      },
      fault: { error: () => dynamoThrottled('ThrottlingException') },
    });
    const send = async () =>
      sandbox.request('POST', '/contracts', {
        token: await as(rep),
        headers: { 'idempotency-key': 'contract-under-throttling' },
        json: body,
      });
    const first = await send();
    hit(throttled);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBeTruthy();
    const second = await send();
    expect(second.status).toBe(201);
    const third = await send();
    expect(third.json()).toEqual(second.json());
    expect(third.headers.get('idempotent-replay')).toBe('true');
    const { Items = [] } = await otherWriter.send(
      new ScanCommand({
        TableName: 'local-business',
        FilterExpression: 'entity = :contract AND customer.email = :email',
        ExpressionAttributeValues: { ':contract': 'contract', ':email': body.customer.email },
      }),
    );
    expect(Items.map((item) => item.id)).toEqual([second.json<{ id: string }>().id]);
  });
});

describe('order handoff', () => {
  const orderOf = (contractId: string) =>
    eventually(async () => {
      const { orders } = await read<{ orders: { id: string }[] }>(`/orders?contractId=${contractId}`, rep);
      return orders.length > 0 ? orders : undefined;
    }, `the order of ${contractId}`);

  it('the order-creating step throwing once: retried, and the contract has one order', async () => {
    stepFaults.push({
      entry: 'order-handoff/steps/create-order.ts',
      name: 'Lambda.ServiceException',
      times: 1,
      runs: 0,
    });
    const { contractId } = await signedContract(sandbox, `buyer${++costCenters}@east.example`);
    // The contract's review has ended: whatever it was going to create, it has.
    const review = `${sandbox.stateMachines.get('contract-review')?.replace(':stateMachine:', ':execution:')}:${contractId}-r1`;
    expect(await sandbox.finished(review)).toMatchObject({ status: 'SUCCEEDED' });
    expect(stepFaults[0]?.runs).toBe(1);
    expect(await orderOf(contractId)).toHaveLength(1);
  });

  it('SES throttling a notice and a 5xx on SendTaskSuccess: the notice goes once, the decision is delivered', async () => {
    const logistics = 'ma.chao@example.com';
    const production = 'feng.lin@example.com';
    const throttled = faults.arm({
      service: 'ses',
      command: 'SendEmailCommand',
      when: (input) => JSON.stringify(input.Destination).includes(logistics),
      fault: { error: sesThrottled },
    });
    const { contractId } = await signedContract(sandbox, `buyer${++costCenters}@east.example`);
    const [order] = await orderOf(contractId);
    const id = order?.id ?? '';
    await eventually(async () => (throttled.hits === 1 ? true : undefined), 'the throttled notice');
    const internal = faults.arm({
      service: 'sfn',
      command: 'SendTaskSuccessCommand',
      fault: { error: () => sfnServerError('InternalFailure') },
    });
    expect(
      await decide(production, id, 'confirm', {
        plannedDate: new Date(Date.parse(today()) + 30 * 86_400_000).toISOString().slice(0, 10),
      }),
    ).toBe(202);
    hit(internal);
    // The sweep sends the kept notice and hands the decision over.
    await advance(5 * 60 + 1);
    await eventually(async () => {
      const { currentStep } = await read<{ currentStep?: { step: string } }>(`/orders/${id}`);
      return currentStep?.step === 'Production reports completion' ? true : undefined;
    }, `${id} at production's completion report`);
    const notices = (await sandbox.mails(logistics)).filter((m) => m.text.includes(id));
    expect(notices).toHaveLength(1);
    const view = await read<SubjectView>(`/orders/${id}`);
    expect(decisions(view)).toEqual([`${production} confirm`]);
  });

  it('a step that throws every time: the order ends in Needs attention, with the error named', async () => {
    stepFaults.push({ entry: 'order-handoff/steps/tell.ts', name: 'InjectedBug', times: Infinity, runs: 0 });
    const { contractId } = await signedContract(sandbox, `buyer${++costCenters}@east.example`);
    const [order] = await orderOf(contractId);
    const marked = await statusIs(`/orders/${order?.id}`, 'NEEDS_ATTENTION');
    expect(marked.attention?.error).toBe('InjectedBug');
    expect(marked.trail.map((e) => e.action)).toContain('needs-attention');
  });
});

describe('payment collection', () => {
  interface Installments {
    installments: {
      id: string;
      status: string;
      dueDate?: string;
      paid: number;
      payments: { reference: string }[];
      promises: { promisedDate: string; state: string }[];
      attention?: { at: string; error?: string };
    }[];
    credit: { amount: number };
  }
  const installmentsOf = (contractId: string) =>
    read<Installments>(`/contracts/${contractId}/installments`, finance);

  it('the collection-planning step throwing once: retried, and each payment term is one installment', async () => {
    stepFaults.push({
      entry: 'payment-collection/steps/plan-collection.ts',
      name: 'Lambda.ServiceException',
      times: 1,
      runs: 0,
    });
    const { contractId } = await signedContract(sandbox, `buyer${++costCenters}@east.example`);
    const planned = await eventually(async () => {
      const { installments } = await installmentsOf(contractId);
      return installments[0]?.status === 'SCHEDULED' ? installments : undefined;
    }, 'the installments');
    expect(stepFaults[0]?.runs).toBe(1);
    expect(planned.map((i) => i.id)).toEqual([`${contractId}-I1`, `${contractId}-I2`, `${contractId}-I3`]);
  });

  it('a payment recorded while a step saves the installment: the step reads it again, the payment counts once', async () => {
    const { contractId } = await signedContract(sandbox, `buyer${++costCenters}@east.example`, {
      paymentTerms: [{ label: 'All', percent: 100, trigger: 'signing', dueDays: 0 }],
    });
    const installment = `${contractId}-I1`;
    await eventually(async () => {
      const { installments } = await installmentsOf(contractId);
      return installments[0]?.dueDate ? true : undefined;
    }, 'the installment');
    await advance(2 * 86_400); // one day overdue: the owner's follow-up
    const reference = `BANK-${installment}`;
    const paid = { status: 0 };
    const conflicted = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: (input) => {
        const item = input.Item as { pk?: string; sk?: string } | undefined;
        return item?.pk === `CONTRACT#${contractId}` && item.sk?.startsWith('INSTALLMENT#') === true;
      },
      fault: {
        before: async () => {
          const reply = await sandbox.request('POST', '/payments', {
            token: await as(finance),
            json: { contractId, amount: cny(10_000), reference },
          });
          paid.status = reply.status;
        },
      },
    });
    const promisedDate = new Date(Date.parse(today()) + 5 * 86_400_000).toISOString().slice(0, 10);
    expect(await decide(rep, installment, 'promised', { promisedDate, comment: 'End of the week' })).toBe(
      200,
    );
    const settled = await eventually(async () => {
      const { installments } = await installmentsOf(contractId);
      const first = installments[0];
      return first?.status === 'PROMISED' ? first : undefined;
    }, `${installment} promised`);
    hit(conflicted);
    expect(paid.status).toBe(201);
    expect(settled).toMatchObject({ paid: 10_000_00, payments: [{ reference }] });
    expect(settled.promises).toMatchObject([{ promisedDate, state: 'open' }]);
  });

  it('the ladder’s check throwing every time: the installment ends in Needs attention, its error shown to admins only', async () => {
    stepFaults.push({
      entry: 'payment-collection/steps/check.ts',
      name: 'InjectedBug',
      times: Infinity,
      runs: 0,
    });
    const { contractId } = await signedContract(sandbox, `buyer${++costCenters}@east.example`, {
      paymentTerms: [{ label: 'All', percent: 100, trigger: 'signing', dueDays: 30 }],
    });
    const marked = await eventually(async () => {
      const { installments } = await read<Installments>(`/contracts/${contractId}/installments`, admin);
      return installments[0]?.status === 'NEEDS_ATTENTION' ? installments[0] : undefined;
    }, `the installment of ${contractId} to need attention`);
    expect(marked.attention).toMatchObject({ error: 'InjectedBug' });
    const { installments } = await installmentsOf(contractId);
    expect(installments[0]?.attention).toEqual({ at: marked.attention?.at });
  });

  it('DynamoDB throttling a payment halfway: 503; the retry finishes it, the installment paid and credit kept once', async () => {
    const { contractId } = await signedContract(sandbox, `buyer${++costCenters}@east.example`);
    await eventually(async () => {
      const { installments } = await installmentsOf(contractId);
      return installments[0]?.status === 'SCHEDULED' ? true : undefined;
    }, 'the installments');
    const reference = `BANK-${contractId}`;
    const throttled = faults.arm({
      service: 'dynamodb',
      command: 'PutItemCommand',
      when: (input) => (input.Item as { sk?: string } | undefined)?.sk === `CREDIT#${reference}`,
      fault: { error: () => dynamoThrottled('ProvisionedThroughputExceededException') },
    });
    // The first installment is 30% of 500,000 CNY: 150,000; 10,000 more is kept as credit.
    const pay = async () =>
      sandbox.request('POST', '/payments', {
        token: await as(finance),
        headers: { 'idempotency-key': reference },
        json: { contractId, amount: cny(160_000), reference },
      });
    const first = await pay();
    hit(throttled);
    expect(first.status).toBe(503);
    // The first request's hold on the reference lapses; the retry takes it over and finishes the payment.
    await advance(31);
    const second = await pay();
    expect(second.status).toBe(201);
    expect((await pay()).json()).toEqual(second.json());
    const after = await installmentsOf(contractId);
    expect(after.installments[0]).toMatchObject({ status: 'PAID', paid: 150_000_00 });
    expect(after.installments[0]?.payments).toHaveLength(1);
    expect(after.credit.amount).toBe(10_000_00);
  });
});
