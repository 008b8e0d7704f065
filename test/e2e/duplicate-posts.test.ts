import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '#infra/local/sandbox-client.ts';
import { routes } from '#infra/routes.ts';
import { addDays, localDate } from '#shared/clock.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';
import { signedContract } from './signed-contract.ts';

const rep = 'li.lei@example.com';
const finance = 'qian.yu@example.com';
const supervisor = 'zhao.min@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];

process.env.DECISION_REPLY_WAIT_MS = '0';

let sandbox: TestSandbox;
let db: DynamoDBDocumentClient;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  db = sandbox.db;
});

afterAll(async () => {
  await sandbox?.stop();
});

/**
 * A POST that creates (not a decision on a task: those are once by the task's own PENDING → DECIDED write), and a PUT
 * that starts a workflow (a revision: a new version under a new review). The other PUTs set a state, the same twice.
 */
const creatingRoutes = routes
  .filter(
    (route) =>
      (route.method === 'POST' && !route.uses.answersTasks) ||
      (route.method === 'PUT' && (route.uses.starts ?? []).length > 0),
  )
  .map((route) => `${route.method} ${route.path}`);

/** One fresh request of a route, another body for the same path, and how many records such requests have made. */
interface Prepared {
  method?: 'POST' | 'PUT';
  /** What the first request answers: 201 for a creation (the default), 200 for a revision under PUT. */
  status?: number;
  path: string;
  as: string;
  body: Record<string, unknown>;
  otherBody: Record<string, unknown>;
  created(): Promise<number>;
}

let n = 0;
const cny = (yuan: number) => ({ amount: yuan * 100, currency: 'CNY' });
const today = () => localDate(sandbox.clock.now());

/** Items of `entity` whose attribute `name` (a path such as `customer.email`) is `value`; a test-side count. */
async function count(entity: string, name: string, value: string): Promise<number> {
  let total = 0;
  let after: Record<string, unknown> | undefined;
  const path = name.split('.');
  const names = Object.fromEntries(path.map((part, i) => [`#n${i}`, part]));
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: 'local-business',
        FilterExpression: `entity = :entity AND ${path.map((_, i) => `#n${i}`).join('.')} = :value`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':entity': entity, ':value': value },
        ExclusiveStartKey: after,
      }),
    );
    total += page.Count ?? 0;
    after = page.LastEvaluatedKey;
  } while (after);
  return total;
}

async function freshBudget(): Promise<string> {
  const costCenter = `DUP-${++n}`;
  const reply = await sandbox.request('PUT', `/budgets/${costCenter}/${today().slice(0, 7)}`, {
    token: await sandbox.login(finance),
    json: { limit: cny(10_000) },
  });
  expect(reply.status).toBe(201);
  return costCenter;
}

function contractDraft(customerEmail: string, yuan = 300_000) {
  return {
    customer: { name: 'East Machinery Co.', email: customerEmail },
    title: 'CNC lathes',
    amount: cny(yuan),
    paymentTerms: [{ label: 'All', percent: 100, trigger: 'signing', dueDays: 30 }],
    deliveryDate: addDays(today(), 60),
    items: [{ sku: 'CNC-200', description: 'CNC lathe', quantity: 2, qualityStandard: 'GB/T 25659' }],
  };
}

/** A contract legal has sent back for changes: where a revision may be posted. */
async function contractWithChangesRequested(): Promise<string> {
  const submitted = await sandbox.request('POST', '/contracts', {
    token: await sandbox.login(rep),
    json: contractDraft(`revise${++n}@east.example`),
  });
  expect(submitted.status).toBe(201);
  const id = submitted.json<{ id: string }>().id;
  const lawyer = await eventually(async () => {
    for (const person of legal)
      if ((await sandbox.mails(person)).some((m) => m.text.includes(id))) return person;
    return undefined;
  }, `the lawyer of ${id}`);
  const asked = await sandbox.client.decideFromMail(lawyer, id, 'request-changes', {
    comment: 'Penalty clause missing',
  });
  expect(asked.reply.status).toBe(200);
  await eventually(async () => {
    const reply = await sandbox.request('GET', `/contracts/${id}`, { token: await sandbox.login(rep) });
    return reply.json<{ status: string }>().status === 'CHANGES_REQUESTED' ? true : undefined;
  }, `${id} sent back for changes`);
  return id;
}

/** A one-item claim on `costCenter`. */
const claimBody = (costCenter: string, yuan: number) => ({
  title: 'Customer visit',
  costCenter,
  items: [{ category: 'travel', amount: cny(yuan), date: today(), description: 'Taxi', receipt: 'R-1' }],
});

const cases: Record<string, () => Promise<Prepared>> = {
  'POST /expenses': async () => {
    const costCenter = await freshBudget();
    const claim = (yuan: number) => claimBody(costCenter, yuan);
    return {
      path: '/expenses',
      as: rep,
      body: claim(300),
      otherBody: claim(301),
      created: () => count('expense-claim', 'costCenter', costCenter),
    };
  },
  'POST /expense-applications': async () => {
    const costCenter = await freshBudget();
    const application = (yuan: number) => ({
      costCenter,
      amount: cny(yuan),
      reason: 'Trade fair in Shenzhen',
    });
    return {
      path: '/expense-applications',
      as: rep,
      body: application(600),
      otherBody: application(601),
      created: () => count('expense-application', 'costCenter', costCenter),
    };
  },
  'POST /contracts': async () => {
    const email = `buyer${++n}@east.example`;
    return {
      path: '/contracts',
      as: rep,
      body: contractDraft(email),
      otherBody: contractDraft(email, 300_001),
      created: () => count('contract', 'customer.email', email),
    };
  },
  'POST /contracts/{id}/revisions': async () => {
    const id = await contractWithChangesRequested();
    const email = `revise${n}@east.example`;
    return {
      path: `/contracts/${id}/revisions`,
      as: rep,
      body: contractDraft(email, 280_000),
      otherBody: contractDraft(email, 280_001),
      // Versions besides the first.
      created: async () => (await count('contract-version', 'contractId', id)) - 1,
    };
  },
  'PUT /expenses/{id}': async () => {
    const costCenter = await freshBudget();
    const claim = (yuan: number) => claimBody(costCenter, yuan);
    const filed = await sandbox.request('POST', '/expenses', {
      token: await sandbox.login(rep),
      json: claim(300),
    });
    expect(filed.status).toBe(201);
    const id = filed.json<{ id: string }>().id;
    const returned = await sandbox.client.decideFromMail(supervisor, id, 'return', {
      comment: 'Which customer?',
    });
    expect(returned.reply.status).toBe(200);
    const version = async () => {
      const reply = await sandbox.request('GET', `/expenses/${id}`, { token: await sandbox.login(rep) });
      return reply.json<{ status: string; version: number }>();
    };
    await eventually(
      async () => ((await version()).status === 'RETURNED' ? true : undefined),
      `${id} returned`,
    );
    return {
      method: 'PUT',
      status: 200,
      path: `/expenses/${id}`,
      as: rep,
      body: claim(280),
      otherBody: claim(281),
      // Versions besides the first.
      created: async () => (await version()).version - 1,
    };
  },
  'POST /payments': async () => {
    const { contractId } = await signedContract(sandbox, `payer${++n}@east.example`);
    await eventually(async () => {
      const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
        token: await sandbox.login(finance),
      });
      return reply.json<{ installments: { status: string }[] }>().installments[0]?.status === 'SCHEDULED'
        ? true
        : undefined;
    }, `the installments of ${contractId}`);
    const reference = `BANK-${contractId}`;
    const payment = (yuan: number) => ({ contractId, amount: cny(yuan), reference });
    return {
      path: '/payments',
      as: finance,
      body: payment(10_000),
      otherBody: payment(10_001),
      // A payment is applied once per reference: what the installments took and the credit kept under it.
      created: async () => {
        const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
          token: await sandbox.login(finance),
        });
        const { installments } = reply.json<{ installments: { payments: { reference: string }[] }[] }>();
        return installments.flatMap((i) => i.payments).filter((p) => p.reference === reference).length;
      },
    };
  },
};

async function send(prepared: Prepared, key: string, body = prepared.body): Promise<Reply> {
  return sandbox.request(prepared.method ?? 'POST', prepared.path, {
    token: await sandbox.login(prepared.as),
    headers: { 'idempotency-key': key },
    json: body,
  });
}

it('has a case for every creating POST and revising PUT in routes.ts', () => {
  expect(creatingRoutes.length).toBeGreaterThanOrEqual(5);
  expect(Object.keys(cases).sort()).toEqual([...creatingRoutes].sort());
});

describe.each(creatingRoutes)('%s with one Idempotency-Key', (route) => {
  const prepare = () => {
    const make = cases[route];
    if (!make) throw new Error(`no case for ${route}: add one to this file`);
    return make();
  };

  it('sent twice in a row: created once, the second answered as the first', async () => {
    const prepared = await prepare();
    const key = `seq-${++n}`;
    const first = await send(prepared, key);
    expect(first.status).toBe(prepared.status ?? 201);
    const second = await send(prepared, key);
    expect({ status: second.status, body: second.json() }).toEqual({
      status: first.status,
      body: first.json(),
    });
    expect(second.headers.get('idempotent-replay')).toBe('true');
    expect(await prepared.created()).toBe(1);
  });

  it('sent three times at once: created once, all answered the same', async () => {
    const prepared = await prepare();
    const key = `par-${++n}`;
    const replies = await Promise.all([send(prepared, key), send(prepared, key), send(prepared, key)]);
    const answers = replies.map((reply) => ({ status: reply.status, body: reply.json() }));
    expect(answers[0]?.status).toBe(prepared.status ?? 201);
    for (const answer of answers) expect(answer).toEqual(answers[0]);
    expect(replies.filter((reply) => reply.headers.get('idempotent-replay') === null)).toHaveLength(1);
    expect(await prepared.created()).toBe(1);
  });

  it('with another body: refused with 422 naming the key, nothing more created', async () => {
    const prepared = await prepare();
    const key = `other-${++n}`;
    expect((await send(prepared, key)).status).toBe(prepared.status ?? 201);
    const refused = await send(prepared, key, prepared.otherBody);
    expect(refused.status).toBe(422);
    expect(refused.json()).toMatchObject({ error: 'idempotency-key-reused' });
    expect(await prepared.created()).toBe(1);
  });
});
