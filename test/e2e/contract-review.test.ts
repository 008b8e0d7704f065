// Contract review end to end in the sandbox: findings on the legal page, revisions, the director, signing and its hash.

import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { standingApprovals } from '#contract-review/contract-rules.ts';
import { paymentCollection } from '#payment-collection/workflow.ts';
import { localDate } from '#shared/clock.ts';
import type { Review } from '#shared/workflow-kit/reviews.ts';
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
  db = sandbox.db;
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

/** A review as GET /contracts/{id} shows it: the kit's review without its keys. */
type ReviewView = Omit<Review, 'subjectId' | 'taskId'>;

async function contractOf(id: string) {
  return (await sandbox.request('GET', `/contracts/${id}`, { token })).json<{
    status: string;
    version: number;
    versions: { version: number; findings: { rule: string }[]; changes: string[]; contentHash: string }[];
    currentStep?: { step: string; assignee: string; since: string };
    reviews: ReviewView[];
    signature?: { signerName: string; contentHash: string };
    trail: { action: string; detail?: Record<string, unknown> }[];
  }>();
}

/** Waits for the contract to reach `status` with its task at `step` open: the status is saved just before the task. */
async function waitForStep(id: string, status: string, step: string) {
  return eventually(async () => {
    const contract = await contractOf(id);
    return contract.status === status && contract.currentStep?.step === step ? contract : undefined;
  }, `${id} ${status} at ${step}`);
}

/** The approvals of `version` that still stand, by the contract rule signing checks them with. */
const standing = (reviews: readonly ReviewView[], version: number) =>
  standingApprovals(
    reviews.map((review) => ({ ...review, subjectId: '', taskId: '' })),
    version,
  ).map((review) => `${review.step}:${review.by}`);

const steps = (reviews: readonly ReviewView[]) =>
  reviews.map((r) => `${r.step}:${r.outcome}${r.effect ? `:${r.effect}` : ''}`);

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
  it('legal approves, the signatory signs, the submitter is told; the order and the installments follow', async () => {
    const reply = await submit(draft(300_000));
    expect(reply.status).toBe(201);
    const { id } = reply.json<{ id: string }>();
    expect(id).toMatch(/^CT-\d{4}-\d{5}$/);
    await decide(legal, id, 'approve');
    const awaiting = await waitForStep(id, 'AWAITING_SIGNATURE', 'Signing');
    expect(awaiting.currentStep).toMatchObject({ step: 'Signing', assignee: signatory });
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    const contentHash = contract.versions[0]?.contentHash;
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
    expect(contract.signature).toMatchObject({ signerName: '孙丽', contentHash });
    // Legal's approval is bound to the content it saw.
    expect(contract.reviews[0]).toMatchObject({
      step: 'Legal review',
      outcome: 'approve',
      evidence: { contentHash },
    });
    expect(steps(contract.reviews)).toEqual(['Legal review:approve', 'Signing:sign']);
    expect(contract.currentStep).toBeUndefined();
    // The state machine's own steps make the order and start its workflow, and plan the payment terms' collection.
    const ordered = await eventually(
      async () => (await contractOf(id)).trail.find((e) => e.action === 'order-created'),
      'the order',
    );
    expect(String(ordered.detail?.orderId)).toMatch(/^OR-\d{4}-\d{5}$/);
    expect(contract.trail.filter((e) => e.action === 'signed')).toHaveLength(1);
    const planned = await eventually(async () => {
      const reply = await sandbox.request('GET', `/contracts/${id}/installments`, { token });
      const list = reply.json<{ installments?: { trigger: string; status: string }[] }>().installments;
      return list?.length === 3 && list[0]?.status === 'SCHEDULED' ? list : undefined;
    }, 'the installments');
    expect(planned.map((i) => [i.trigger, i.status])).toEqual([
      ['signing', 'SCHEDULED'],
      ['delivery', 'AWAITING_TRIGGER'],
      ['acceptance', 'AWAITING_TRIGGER'],
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
    const contract = await waitForStatus(id, 'REJECTED');
    expect(contract.versions[0]?.findings.map((f) => f.rule)).toEqual(
      expect.arrayContaining(['advance-too-low', 'long-credit']),
    );
    expect(contract.trail.map((e) => e.action)).toContain('rejected');
  });

  it('goes back to sales when legal requests changes; the new version returns to legal with the changes', async () => {
    const { id } = (await submit(draft(300_000))).json<{ id: string }>();
    await decide(legal, id, 'request-changes', { comment: 'Penalty clause missing' });
    const asked = await waitForStatus(id, 'CHANGES_REQUESTED');
    expect(asked.trail.map((e) => e.action)).toContain('changes-requested');
    const revised = await sandbox.request('POST', `/contracts/${id}/revisions`, {
      token,
      json: draft(280_000, { deliveryDate: daysFromNow(75) }),
    });
    expect(revised.status).toBe(201);
    expect(revised.json<{ version: number; changes: string[] }>()).toMatchObject({ version: 2 });
    expect(revised.json<{ changes: { field: string }[] }>().changes.map((c) => c.field)).toEqual(
      expect.arrayContaining(['amount', 'delivery-date']),
    );
    const page = await decide(legal, id, 'approve');
    expect(page.text).toContain('Penalty clause missing');
    expect(page.text).toContain('金额：¥300,000.00 → ¥280,000.00'); // what changed, in legal's words
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    expect(contract.version).toBe(2);
    expect(contract.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(contract.versions[0]?.contentHash).not.toBe(contract.versions[1]?.contentHash);
    expect(contract.reviews.map((r) => `v${r.version} ${r.step}:${r.outcome}`)).toEqual([
      'v1 Legal review:request-changes',
      'v2 Legal review:approve',
      'v2 Signing:sign',
    ]);
    expect(contract.signature?.contentHash).toBe(contract.versions[1]?.contentHash);
    expect(contract.trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['submitted', 'changes-requested', 'revised', 'signed']),
    );
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
    expect((await waitForStep(id, 'AWAITING_DIRECTOR', 'Sales director review')).currentStep).toMatchObject({
      step: 'Sales director review',
      assignee: director,
    });
    await decide([director], id, 'approve');
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    expect(steps(contract.reviews)).toEqual([
      'Legal review:approve',
      'Sales director review:approve',
      'Signing:sign',
    ]);
    expect(contract.reviews[1]).toMatchObject({ by: director });
  });

  it('ends when the director rejects', async () => {
    const { id } = (await submit(draft(2_000_000))).json<{ id: string }>();
    await decide(legal, id, 'approve');
    await decide([director], id, 'reject', { comment: 'Margin too thin' });
    const contract = await waitForStatus(id, 'REJECTED');
    expect(steps(contract.reviews)).toEqual(['Legal review:approve', 'Sales director review:reject']);
    expect(contract.signature).toBeUndefined();
  });

  it('goes back to legal when the director sends it back, voiding the earlier legal approval', async () => {
    const { id } = (await submit(draft(1_500_000))).json<{ id: string }>();
    await decide(legal, id, 'approve');
    await decide([director], id, 'send-back', { comment: 'Check the warranty clause' });
    const back = await eventually(async () => {
      const current = await contractOf(id);
      return current.status === 'IN_REVIEW' && current.currentStep?.step === 'Legal review'
        ? current
        : undefined;
    }, 'back at legal');
    // The send-back voids legal's approval: none stands until legal approves again.
    expect(standing(back.reviews, 1)).toEqual([]);
    const page = await decide(legal, id, 'approve');
    expect(page.text).toContain('Check the warranty clause');
    await decide([director], id, 'approve');
    await decide([signatory], id, 'sign', signing);
    const contract = await waitForStatus(id, 'SIGNED');
    expect(steps(contract.reviews)).toEqual([
      'Legal review:approve',
      'Sales director review:send-back',
      'Legal review:approve',
      'Sales director review:approve',
      'Signing:sign',
    ]);
    const [, , secondLegal, secondDirector] = contract.reviews;
    expect(standing(contract.reviews, 1)).toEqual([
      `Legal review:${secondLegal?.by}`,
      `Sales director review:${secondDirector?.by}`,
    ]);
  });
});

describe('signing', () => {
  it('is refused when the content changed after approval: the contract goes back to legal', async () => {
    const { id } = (await submit(draft(300_000))).json<{ id: string }>();
    await decide(legal, id, 'approve');
    const approved = await waitForStatus(id, 'AWAITING_SIGNATURE');
    expect(standing(approved.reviews, 1)).toHaveLength(1);
    // Someone edits the stored terms of the approved version behind the workflow's back.
    await db.send(
      new UpdateCommand({
        TableName: 'local-business',
        Key: { pk: `CONTRACT#${id}`, sk: 'V#0001' },
        UpdateExpression: 'SET content.amount.amount = :tampered',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':tampered': 100 },
      }),
    );
    await decide([signatory], id, 'sign', signing);
    const contract = await eventually(async () => {
      const current = await contractOf(id);
      return current.trail.some((e) => e.action === 'content-changed') &&
        current.status === 'IN_REVIEW' &&
        current.currentStep?.step === 'Legal review'
        ? current
        : undefined;
    }, 'signing refused');
    expect(contract.signature).toBeUndefined();
    expect(steps(contract.reviews)).toEqual(['Legal review:approve', 'Signing:sign:content-changed']);
    // The content change voids legal's approval: it must look again.
    expect(standing(contract.reviews, 1)).toEqual([]);
    expect(contract.trail.map((e) => e.action)).not.toContain('signed');
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
    // An earlier contract's installment, 10 days overdue with 50,000 of 80,000 still owed, as payment collection keeps it.
    await paymentCollection.deps({ db, tableName: 'local-business' }).installments.save({
      id: 'CT-2020-00001-I1',
      version: 1,
      revision: 0,
      contractId: 'CT-2020-00001',
      number: 1,
      label: 'Advance',
      amount: { amount: 8_000_000, currency: 'CNY' },
      trigger: 'signing',
      dueDays: 10,
      owner: sales,
      customer: body.customer,
      title: 'Earlier lathes',
      status: 'OVERDUE',
      billedOn: daysFromNow(-20),
      dueDate: daysFromNow(-10),
      paid: 3_000_000,
      payments: [],
      levels: [],
      promises: [],
      runs: 1,
    });
    const { findings } = (await submit(body)).json<{ findings: { rule: string; params: object }[] }>();
    expect(findings.find((f) => f.rule === 'customer-overdue')?.params).toEqual({
      count: 1,
      amount: { amount: 5_000_000, currency: 'CNY' },
    });
  });
});

// Moves the shared virtual clock: runs last.
describe('a review nobody answers', () => {
  it('closes at its deadline: the contract ends EXPIRED', async () => {
    const { id } = (await submit(draft(300_000))).json<{ id: string }>();
    await eventually(
      async () => ((await contractOf(id)).currentStep?.step === 'Legal review' ? true : undefined),
      'at legal review',
    );
    await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 31 * 86400 } });
    token = await sandbox.login(sales); // sign-in tokens follow virtual time too
    const contract = await waitForStatus(id, 'EXPIRED');
    expect(contract.currentStep).toBeUndefined();
    expect(contract.trail.map((e) => e.action)).toEqual(expect.arrayContaining(['task-expired', 'expired']));
  });
});
