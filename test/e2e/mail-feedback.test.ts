// Bounces and complaints end to end in the sandbox: POST /_local/ses-event, as SES's events reach the handler on AWS.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { eventually, startTestSandbox, type TestSandbox, taskLinkIn } from './harness.ts';

const rep = 'li.lei@example.com'; // sales, manager zhao.min
const supervisor = 'zhao.min@example.com'; // manager sun.li
const salesManager = 'sun.li@example.com';
const finance = 'qian.yu@example.com';

let sandbox: TestSandbox;
let tokens: Record<string, string>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  tokens = {};
  for (const email of [rep, supervisor, salesManager, finance, 'admin@example.com']) {
    tokens[email] = await sandbox.login(email);
  }
});

afterAll(async () => {
  await sandbox?.stop();
});

const cny = (yuan: number) => ({ amount: yuan * 100, currency: 'CNY' });

/** Files a small claim (supervisor and finance review it) on a fresh cost center; its id. */
async function fileClaim(costCenter: string): Promise<string> {
  const today = localDate(sandbox.clock.now());
  const budget = await sandbox.request('PUT', `/budgets/${costCenter}/${today.slice(0, 7)}`, {
    token: tokens[finance],
    json: { limit: cny(10_000) },
  });
  expect(budget.status).toBe(201);
  const filed = await sandbox.request('POST', '/expenses', {
    token: tokens[rep],
    json: {
      title: 'Customer visit',
      costCenter,
      items: [{ category: 'travel', amount: cny(300), date: today, description: 'Taxi', receipt: 'R-1' }],
    },
  });
  expect(filed.status).toBe(201);
  return filed.json<{ id: string }>().id;
}

interface ClaimView {
  status: string;
  currentStep?: { step: string; assignee: string };
  trail: { action: string; detail?: Record<string, unknown> }[];
}

const claimOf = async (id: string) =>
  (await sandbox.request('GET', `/expenses/${id}`, { token: tokens[rep] })).json<ClaimView>();

const mailEvent = (type: string, email: string) =>
  sandbox.request('POST', '/_local/ses-event', { json: { type, email } });

describe('a hard bounce of an approver’s address', () => {
  it('marks it undeliverable, gives their open task to their manager with a fresh link, and the review goes on', async () => {
    const id = await fileClaim('BOUNCE-1');
    const first = await eventually(
      async () => (await sandbox.mails(supervisor)).find((mail) => mail.text.includes(id)),
      'the supervisor’s task mail',
    );
    const oldLink = taskLinkIn(first);

    const reply = await mailEvent('bounce', supervisor);
    expect(reply.status).toBe(200);
    const report = reply.json<{
      bounces: { email: string; known: boolean; reassigned: { subjectId: string; to: string }[] }[];
    }>();
    expect(report.bounces).toEqual([
      {
        email: supervisor,
        known: true,
        reassigned: [expect.objectContaining({ subjectId: id, to: salesManager })],
      },
    ]);

    // The directory says so; an admin saving the person again clears it.
    const person = await sandbox.request('GET', `/people/${supervisor}`, { token: tokens[rep] });
    expect(person.json<{ undeliverable?: { reason: string } }>().undeliverable?.reason).toContain(
      '550 5.1.1',
    );

    // The bounced address's link is dead; the manager's mail says why the task came to them.
    expect((await sandbox.request('GET', `${oldLink.pathname}${oldLink.search}`)).status).toBe(410);
    const handedOver = await eventually(
      async () => (await sandbox.mails(salesManager)).find((mail) => mail.text.includes(id)),
      'the manager’s task mail',
    );
    expect(handedOver.subject).toMatch(/^\[已转交\] /);
    expect(handedOver.text).toContain('邮件被退回');

    const claim = await claimOf(id);
    expect(claim.currentStep).toMatchObject({ step: 'Supervisor review', assignee: salesManager });
    const moved = claim.trail.find((entry) => entry.action === 'task-reassigned');
    expect(moved?.detail).toMatchObject({ from: supervisor, to: salesManager });

    // A new claim's supervisor step goes straight to the manager while the address bounces.
    const next = await fileClaim('BOUNCE-2');
    await eventually(async () => {
      const view = await claimOf(next);
      return view.currentStep?.assignee === salesManager ? view : undefined;
    }, 'the next claim at the manager');

    // The manager decides from the link in their mail; the workflow takes it and moves to finance.
    const { reply: decided } = await sandbox.client.decideFromMail(salesManager, id, 'approve');
    expect(decided.status).toBe(200);
    await eventually(async () => {
      const view = await claimOf(id);
      return view.currentStep?.step === 'Finance review' ? view : undefined;
    }, 'the claim at finance review');

    // Once the mailbox works again, saving the person clears the mark.
    const saved = await sandbox.request('PUT', `/people/${supervisor}`, {
      token: tokens['admin@example.com'],
      json: { name: '赵敏', roles: ['supervisor'], manager: salesManager, locale: 'zh-CN' },
    });
    expect(saved.status).toBeLessThan(300);
    const cleared = await sandbox.request('GET', `/people/${supervisor}`, { token: tokens[rep] });
    expect(cleared.json<{ undeliverable?: unknown }>().undeliverable).toBeUndefined();
  });

  it('of an address nobody in the directory has changes nothing but is reported', async () => {
    const reply = await mailEvent('bounce', 'customer@elsewhere.example');
    expect(reply.json()).toMatchObject({
      bounces: [{ email: 'customer@elsewhere.example', known: false, reassigned: [] }],
    });
  });
});

describe('a complaint', () => {
  it('is reported to ops and changes nobody’s tasks', async () => {
    const reply = await mailEvent('complaint', rep);
    expect(reply.status).toBe(200);
    expect(reply.json()).toMatchObject({ bounces: [], complaints: [rep] });
    const person = await sandbox.request('GET', `/people/${rep}`, { token: tokens[rep] });
    expect(person.json<{ undeliverable?: unknown }>().undeliverable).toBeUndefined();
  });
});

it('refuses a malformed simulated event, naming the field', async () => {
  const reply = await mailEvent('delivery', 'not-an-address');
  expect(reply.status).toBe(400);
  expect(
    reply
      .json<{ fields: { field: string }[] }>()
      .fields.map((f) => f.field)
      .sort(),
  ).toEqual(['email', 'type']);
});
