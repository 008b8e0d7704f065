// Expense approval end to end in the sandbox: every path of the workflow, budgets, applications, the budget race.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '#tasks/sla.ts';
import { eventually, hiddenInputs, startTestSandbox, type TestSandbox, taskLinkIn } from './harness.ts';

const rep = 'li.lei@example.com'; // sales, manager zhao.min
const supervisor = 'zhao.min@example.com'; // supervisor, manager sun.li
const salesManager = 'sun.li@example.com';
const director = 'zhou.qiang@example.com';
const finance = 'qian.yu@example.com';

let sandbox: TestSandbox;
let tokens: Record<string, string>;
let costCenters = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  tokens = {};
  for (const email of [rep, supervisor, salesManager, director, finance, 'admin@example.com']) {
    tokens[email] = await sandbox.login(email);
  }
});

afterAll(async () => {
  await sandbox?.stop();
});

const cny = (yuan: number) => ({ amount: Math.round(yuan * 100), currency: 'CNY' });
const today = () => localDate(sandbox.clock.now());
const daysAgo = (days: number) =>
  new Date(Date.parse(today()) - days * 86_400_000).toISOString().slice(0, 10);

/** A fresh cost center with a month budget of `limit` yuan, so tests never share budget. */
async function budgetOf(limit: number): Promise<string> {
  const costCenter = `TEST-${++costCenters}`;
  const reply = await sandbox.request('PUT', `/budgets/${costCenter}/${today().slice(0, 7)}`, {
    token: tokens[finance],
    json: { limit: cny(limit) },
  });
  expect(reply.status).toBe(201);
  return costCenter;
}

function item(yuan: number, category = 'travel', extra: Record<string, unknown> = {}) {
  return {
    category,
    amount: cny(yuan),
    date: daysAgo(3),
    description: `${category} item`,
    receipt: 'R-1',
    ...extra,
  };
}

async function file(costCenter: string, items: unknown[], extra: Record<string, unknown> = {}, by = rep) {
  return sandbox.request('POST', '/expenses', {
    token: tokens[by] ?? (await sandbox.login(by)),
    json: { title: 'Customer visit', costCenter, items, ...extra },
  });
}

async function claimOf(id: string, as = rep) {
  return (await sandbox.request('GET', `/expenses/${id}`, { token: tokens[as] })).json<{
    status: string;
    version: number;
    currentStep?: { level: string; assignee: string };
    reviews: { level: string; by: string; outcome: string; skipped?: boolean }[];
    approvedTotal?: { amount: number };
    trail: { action: string }[];
  }>();
}

/** Waits for `assignee`'s task mail about `id`, opens the link and posts the decision; returns the page reply. */
async function decide(assignee: string, id: string, outcome: string, form: Record<string, string> = {}) {
  const mail = await eventually(
    async () => (await sandbox.mails(assignee)).filter((m) => m.text.includes(id) && taskLinkIn(m)).at(-1),
    `${assignee}'s task mail about ${id}`,
  );
  const link = taskLinkIn(mail);
  const page = await sandbox.request('GET', `${link.pathname}${link.search}`);
  const reply = await sandbox.request('POST', link.pathname, {
    form: { ...hiddenInputs(page.text), outcome, ...form },
  });
  return reply;
}

/** Polls the claim until its review is with `level` (the workflow has moved on to it). */
async function waitForLevel(id: string, level: string, as = rep) {
  return eventually(async () => {
    const claim = await claimOf(id, as);
    return claim.currentStep?.level === level ? claim : undefined;
  }, `${id} at ${level}`);
}

async function waitForStatus(id: string, status: string, as = rep) {
  return eventually(async () => {
    const claim = await claimOf(id, as);
    return claim.status === status ? claim : undefined;
  }, `${id} ${status}`);
}

async function budget(costCenter: string) {
  return (
    await sandbox.request('GET', `/budgets/${costCenter}/${today().slice(0, 7)}`, { token: tokens[rep] })
  ).json<{ committed: { amount: number }; consumed: { amount: number }; available: { amount: number } }>();
}

describe('a claim within the thresholds', () => {
  it('goes supervisor → finance, consumes the budget and tells the submitter', async () => {
    const costCenter = await budgetOf(10_000);
    const filed = await file(costCenter, [item(1200), item(300, 'other')]);
    expect(filed.status).toBe(201);
    const { id, status, total } = filed.json<{ id: string; status: string; total: { amount: number } }>();
    expect(id).toMatch(/^EX-\d{4}-\d{5}$/);
    expect({ status, total }).toEqual({ status: 'IN_REVIEW', total: cny(1500) });
    expect((await budget(costCenter)).committed.amount).toBe(150_000);

    expect((await waitForLevel(id, 'supervisor')).currentStep?.assignee).toBe(supervisor);
    expect((await decide(supervisor, id, 'approve')).status).toBe(200);
    await waitForLevel(id, 'finance');
    expect((await decide(finance, id, 'approve')).status).toBe(200);

    const claim = await waitForStatus(id, 'APPROVED_FOR_PAYMENT');
    expect(claim.reviews.map((r) => `${r.level}:${r.by}`)).toEqual([
      `supervisor:${supervisor}`,
      `finance:${finance}`,
    ]);
    expect(claim.trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['claim-submitted', 'task-opened', 'task-decided', 'claim-approved']),
    );
    expect(await budget(costCenter)).toMatchObject({
      committed: { amount: 0 },
      consumed: { amount: 150_000 },
    });
    const told = await eventually(
      async () => (await sandbox.mails(rep)).find((m) => m.subject.includes(id)),
      'mail',
    );
    expect(told.subject).toMatch(/已批准|approved/);
  });
});
