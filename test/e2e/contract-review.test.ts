// Contract review end to end in the sandbox: findings on the legal page, revisions, the director, signing and its hash.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

const sales = 'li.lei@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];
const director = 'zhou.qiang@example.com';
const signatory = 'sun.li@example.com';

let sandbox: TestSandbox;
let db: DynamoDBDocumentClient;
let token: string;
let customers = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  token = await sandbox.login(sales);
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: sandbox.urls.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
});

afterAll(async () => {
  await sandbox?.stop();
});

const daysFromNow = (days: number) =>
  new Date(Date.parse(localDate(sandbox.clock.now())) + days * 86_400_000).toISOString().slice(0, 10);

function draft(yuan: number, overrides: Record<string, unknown> = {}) {
  return {
    customer: { name: 'East Machinery Co.', email: `buyer${++customers}@east-machinery.example` },
    title: 'CNC lathes 2027',
    amount: { amount: Math.round(yuan * 100), currency: 'CNY' },
    paymentTerms: [
      { label: 'Advance', percent: 30, trigger: 'signing', dueDays: 10 },
      { label: 'On delivery', percent: 60, trigger: 'delivery', dueDays: 30 },
      { label: 'Retention', percent: 10, trigger: 'acceptance', dueDays: 60 },
    ],
    deliveryDate: daysFromNow(60),
    items: [{ sku: 'CNC-200', description: 'CNC lathe', quantity: 2, qualityStandard: 'GB/T 25659' }],
    documentUrl: 'https://docs.example.com/contracts/draft.pdf',
    ...overrides,
  };
}

async function submit(body: unknown) {
  return sandbox.request('POST', '/contracts', { token, json: body });
}

async function contractOf(id: string) {
  return (await sandbox.request('GET', `/contracts/${id}`, { token })).json<{
    status: string;
    version: number;
    versions: { version: number; findings: { rule: string }[]; changes: string[]; contentHash: string }[];
    reviews: { stage: string; outcome: string; voided?: string }[];
    signature?: { signerName: string; contentHash: string };
    followUps?: { workflow: string; state: string }[];
    trail: { action: string }[];
  }>();
}

async function waitForStatus(id: string, status: string) {
  return eventually(async () => {
    const contract = await contractOf(id);
    return contract.status === status ? contract : undefined;
  }, `${id} ${status}`);
}

/** Whoever of `people` has the open task about `id` decides it from the mailed link. */
async function decide(people: string[], id: string, outcome: string, form: Record<string, string> = {}) {
  const assignee = await eventually(async () => {
    for (const person of people) {
      const tasks = (await sandbox.request('GET', '/tasks', { token: await sandbox.login(person) })).json<{
        tasks: { subject: { id: string } }[];
      }>().tasks;
      if (tasks.some((t) => t.subject.id === id)) return person;
    }
    return undefined;
  }, `an open task about ${id}`);
  const { page, reply } = await sandbox.client.decideFromMail(assignee, id, outcome, form);
  expect(reply.status).toBe(200);
  return page;
}

const signing = {
  signedDate: '2026-11-20',
  signerName: '孙丽',
  signedCopy: 'https://docs.example.com/signed/1.pdf',
};

describe('a contract under 1,000,000 CNY', () => {
  it('legal approves, the signatory signs, the submitter is told; follow-ups not built yet are recorded', async () => {
    const reply = await submit(draft(300_000));
    expect(reply.status).toBe(201);
    const { id } = reply.json<{ id: string }>();
    expect(id).toMatch(/^CT-\d{4}-\d{5}$/);
    await decide(legal, id, 'approve');
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    expect(contract.signature).toMatchObject({
      signerName: '孙丽',
      contentHash: contract.versions[0]?.contentHash,
    });
    expect(contract.followUps).toEqual([
      expect.objectContaining({ workflow: 'order-handoff', state: 'not-deployed' }),
      expect.objectContaining({ workflow: 'payment-collection', state: 'not-deployed' }),
    ]);
    const told = await eventually(
      async () => (await sandbox.mails(sales)).find((m) => m.subject.includes(id)),
      'mail',
    );
    expect(told.subject).toMatch(/已签署|signed/);
  });

  it('shows legal the automatic findings on the task page', async () => {
    const terms = [
      { label: 'Advance', percent: 20, trigger: 'signing', dueDays: 10 },
      { label: 'Balance', percent: 80, trigger: 'acceptance', dueDays: 120 },
    ];
    const { id, findings } = (await submit(draft(600_000, { paymentTerms: terms }))).json<{
      id: string;
      findings: { rule: string }[];
    }>();
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['advance-too-low', 'long-credit']));
    const page = await decide(legal, id, 'reject', { comment: 'Credit terms are not acceptable' });
    expect(page.text).toContain('120');
    await waitForStatus(id, 'REJECTED');
  });

  it('goes back to sales when legal requests changes; the new version returns to legal with the changes', async () => {
    const { id } = (await submit(draft(300_000))).json<{ id: string }>();
    await decide(legal, id, 'request-changes', { comment: 'Penalty clause missing' });
    await waitForStatus(id, 'CHANGES_REQUESTED');
    const revised = await sandbox.request('POST', `/contracts/${id}/revisions`, {
      token,
      json: draft(280_000, { deliveryDate: daysFromNow(75) }),
    });
    expect(revised.status).toBe(201);
    expect(revised.json<{ version: number; changes: string[] }>()).toMatchObject({ version: 2 });
    expect(revised.json<{ changes: string[] }>().changes.join(' ')).toMatch(/Amount/);
    const page = await decide(legal, id, 'approve');
    expect(page.text).toContain('Penalty clause missing');
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    expect(contract.versions.map((v) => v.version)).toEqual([1, 2]);
  });

  it('refuses a revision unless legal asked for one, and only from the submitter', async () => {
    const { id } = (await submit(draft(300_000))).json<{ id: string }>();
    const early = await sandbox.request('POST', `/contracts/${id}/revisions`, { token, json: draft(1) });
    expect(early.status).toBe(409);
    const other = await sandbox.login('han.meimei@example.com');
    expect(
      (await sandbox.request('POST', `/contracts/${id}/revisions`, { token: other, json: draft(1) })).status,
    ).toBe(403);
  });
});

describe('a contract of 1,000,000 CNY or more', () => {
  it('also needs the sales director: approved, then signed', async () => {
    const { id } = (await submit(draft(1_000_000))).json<{ id: string }>();
    await decide(legal, id, 'approve');
    await waitForStatus(id, 'AWAITING_DIRECTOR');
    await decide([director], id, 'approve');
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    expect(contract.reviews.map((r) => `${r.stage}:${r.outcome}`)).toEqual([
      'legal:approve',
      'director:approve',
      'signing:sign',
    ]);
  });

  it('ends when the director rejects', async () => {
    const { id } = (await submit(draft(2_000_000))).json<{ id: string }>();
    await decide(legal, id, 'approve');
    await decide([director], id, 'reject', { comment: 'Margin too thin' });
    await waitForStatus(id, 'REJECTED');
  });

  it('goes back to legal when the director sends it back, voiding the earlier legal approval', async () => {
    const { id } = (await submit(draft(1_500_000))).json<{ id: string }>();
    await decide(legal, id, 'approve');
    await decide([director], id, 'send-back', { comment: 'Check the warranty clause' });
    await eventually(
      async () => ((await contractOf(id)).status === 'IN_REVIEW' ? true : undefined),
      'back at legal',
    );
    await decide(legal, id, 'approve');
    await decide([director], id, 'approve');
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    expect(contract.reviews.filter((r) => r.voided).map((r) => `${r.stage}:${r.outcome}`)).toEqual([
      'legal:approve',
    ]);
  });
});

describe('signing', () => {
  it('is refused when the content changed after approval: the contract goes back to legal', async () => {
    const { id } = (await submit(draft(300_000))).json<{ id: string }>();
    await decide(legal, id, 'approve');
    await waitForStatus(id, 'AWAITING_SIGNATURE');
    // Someone edits the stored terms behind the workflow's back.
    await db.send(
      new UpdateCommand({
        TableName: 'local-business',
        Key: { pk: `CONTRACT#${id}`, sk: 'CONTRACT' },
        UpdateExpression: 'SET versions[0].content.amount.amount = :tampered',
        ExpressionAttributeValues: { ':tampered': 100 },
      }),
    );
    await decide([signatory], id, 'sign', signing);
    const contract = await eventually(async () => {
      const current = await contractOf(id);
      return current.trail.some((e) => e.action === 'signing-refused') && current.status === 'IN_REVIEW'
        ? current
        : undefined;
    }, 'signing refused');
    expect(contract.signature).toBeUndefined();
    expect(contract.reviews.find((r) => r.stage === 'legal')?.voided).toMatch(/content changed/);
  });
});

describe('submitting', () => {
  it('names each bad field; only sales submit', async () => {
    const bad = await submit(
      draft(100, {
        paymentTerms: [{ label: 'All', percent: 90, trigger: 'signing', dueDays: 0 }],
        deliveryDate: daysFromNow(-1),
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.json<{ fields: { field: string }[] }>().fields.map((f) => f.field)).toEqual([
      'paymentTerms',
      'deliveryDate',
    ]);
    const missing = await submit({ ...draft(100), items: [] });
    expect(missing.json()).toMatchObject({ fields: [{ field: 'items' }] });
    const legalToken = await sandbox.login(legal[0] as string);
    expect(
      (await sandbox.request('POST', '/contracts', { token: legalToken, json: draft(100) })).status,
    ).toBe(403);
  });

  it('warns legal when the customer has overdue installments from payment collection', async () => {
    const body = draft(300_000);
    await db.send(
      new PutCommand({
        TableName: 'local-business',
        Item: {
          pk: 'INSTALLMENT#test-1',
          sk: 'INSTALLMENT',
          gsi3pk: `CUSTOMER#${body.customer.email}`,
          gsi3sk: `INSTALLMENT#${daysFromNow(-10)}#test-1`,
          outstanding: 5_000_000,
        },
      }),
    );
    const { findings } = (await submit(body)).json<{ findings: { rule: string; message: string }[] }>();
    expect(findings.find((f) => f.rule === 'customer-overdue')?.message).toMatch(/50,000/);
  });
});

// Moves the shared virtual clock: runs last.
describe('a review nobody answers', () => {
  it('closes at its deadline: the contract ends EXPIRED', async () => {
    const { id } = (await submit(draft(300_000))).json<{ id: string }>();
    await eventually(async () => ((await contractOf(id)).reviews ? true : undefined), 'submitted');
    await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 31 * 86400 } });
    token = await sandbox.login(sales); // sign-in tokens follow virtual time too
    await waitForStatus(id, 'EXPIRED');
  });
});
