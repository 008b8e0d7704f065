// Expense approval end to end in the sandbox: every path of the workflow, budgets, applications, the budget race.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

const rep = 'li.lei@example.com'; // sales, manager zhao.min
const supervisor = 'zhao.min@example.com'; // supervisor, manager sun.li
const salesManager = 'sun.li@example.com';
const director = 'zhou.qiang@example.com';
const finance = 'qian.yu@example.com';

let sandbox: TestSandbox;
let tokens: Record<string, string>;
let costCenters = 0;
/** The budget period each test cost center got (virtual time may later move into the next month). */
const periods = new Map<string, string>();

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
  periods.set(costCenter, today().slice(0, 7));
  const reply = await sandbox.request('PUT', `/budgets/${costCenter}/${periods.get(costCenter)}`, {
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

/** What GET /expenses/{id} and GET /expense-applications/{id} show about a subject's review. */
interface ReviewView {
  status: string;
  version: number;
  currentStep?: { step: string; assignee: string; since: string };
  reviews: { version: number; step: string; by: string; outcome: string; comment: string; effect?: string }[];
  trail: { action: string }[];
}

async function claimOf(id: string, as = rep) {
  return (await sandbox.request('GET', `/expenses/${id}`, { token: tokens[as] })).json<
    ReviewView & { approvedTotal?: { amount: number } }
  >();
}

async function applicationOf(id: string, as = rep) {
  return (
    await sandbox.request('GET', `/expense-applications/${id}`, { token: tokens[as] })
  ).json<ReviewView>();
}

/** Opens `assignee`'s newest task mail about `id`, follows its link and posts the decision; the page reply. */
async function decide(assignee: string, id: string, outcome: string, form: Record<string, string> = {}) {
  return (await sandbox.client.decideFromMail(assignee, id, outcome, form)).reply;
}

const supervisorReview = 'Supervisor review';
const salesManagerReview = 'Sales manager review';
const financeReview = 'Finance review';
const reviewerAt: Record<string, string> = {
  [supervisorReview]: supervisor,
  [salesManagerReview]: salesManager,
  [financeReview]: finance,
};

/** Polls the claim until its review is at `step` (the workflow has moved on to that state). */
async function waitForStep(id: string, step: string, as = rep) {
  return eventually(async () => {
    const claim = await claimOf(id, as);
    return claim.currentStep?.step === step ? claim : undefined;
  }, `${id} at ${step}`);
}

async function waitForStatus(id: string, status: string, as = rep) {
  return eventually(async () => {
    const claim = await claimOf(id, as);
    return claim.status === status ? claim : undefined;
  }, `${id} ${status}`);
}

async function waitForApplicationStatus(id: string, status: string) {
  return eventually(async () => {
    const application = await applicationOf(id);
    return application.status === status ? application : undefined;
  }, `${id} ${status}`);
}

async function budget(costCenter: string) {
  return (
    await sandbox.request('GET', `/budgets/${costCenter}/${periods.get(costCenter)}`, { token: tokens[rep] })
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

    expect((await waitForStep(id, supervisorReview)).currentStep?.assignee).toBe(supervisor);
    expect((await decide(supervisor, id, 'approve')).status).toBe(200);
    expect((await waitForStep(id, financeReview)).currentStep?.assignee).toBe(finance);
    expect((await decide(finance, id, 'approve')).status).toBe(200);

    const claim = await waitForStatus(id, 'APPROVED_FOR_PAYMENT');
    expect(claim.currentStep).toBeUndefined();
    expect(claim.reviews.map((r) => `${r.step}:${r.by}`)).toEqual([
      `${supervisorReview}:${supervisor}`,
      `${financeReview}:${finance}`,
    ]);
    expect(claim.trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['submitted', 'task-opened', 'task-decided', 'approved']),
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

describe('review steps', () => {
  const stepCases: [string, [number, string][], string[]][] = [
    [
      'a total of exactly 5,000.00',
      [
        [3000, 'travel'],
        [2000, 'travel'],
      ],
      [supervisorReview, financeReview],
    ],
    [
      'a total of 5,000.01',
      [
        [3000, 'travel'],
        [2000.01, 'travel'],
      ],
      [supervisorReview, salesManagerReview, financeReview],
    ],
    [
      'an entertainment item of exactly 2,000.00',
      [[2000, 'entertainment']],
      [supervisorReview, financeReview],
    ],
    [
      'an entertainment item of 2,000.01',
      [[2000.01, 'entertainment']],
      [supervisorReview, salesManagerReview, financeReview],
    ],
  ];
  it.each(stepCases)('%s needs %j', async (_, specs, steps) => {
    const costCenter = await budgetOf(20_000);
    const items = specs.map(([yuan, category]) => item(yuan, category));
    const { id } = (await file(costCenter, items)).json<{ id: string }>();
    for (const step of steps) {
      await waitForStep(id, step);
      expect((await decide(reviewerAt[step] as string, id, 'approve')).status).toBe(200);
    }
    const claim = await waitForStatus(id, 'APPROVED_FOR_PAYMENT');
    expect(claim.reviews.map((r) => r.step)).toEqual(steps);
  });

  it('lets a person who would approve twice approve once', async () => {
    // zhao.min files: her supervisor-level reviewer is her manager sun.li, who is also the sales manager.
    const costCenter = await budgetOf(20_000);
    const { id } = (await file(costCenter, [item(6000)], {}, supervisor)).json<{ id: string }>();
    expect((await waitForStep(id, supervisorReview, supervisor)).currentStep?.assignee).toBe(salesManager);
    expect((await decide(salesManager, id, 'approve')).status).toBe(200);
    await waitForStep(id, financeReview, supervisor);
    expect((await decide(finance, id, 'approve')).status).toBe(200);
    const claim = await waitForStatus(id, 'APPROVED_FOR_PAYMENT', supervisor);
    expect(claim.reviews.map((r) => `${r.step}:${r.by}:${r.outcome}:${r.effect ?? ''}`)).toEqual([
      `${supervisorReview}:${salesManager}:approve:`,
      `${salesManagerReview}:${salesManager}:approve:skipped`,
      `${financeReview}:${finance}:approve:`,
    ]);
    expect(claim.reviews[1]).toMatchObject({ step: salesManagerReview, effect: 'skipped' });
    // Nobody was asked at the sales manager step: no task was opened for it.
    expect(claim.trail.filter((e) => e.action === 'task-opened')).toHaveLength(2);
  });
});

describe('rejecting and returning', () => {
  it.each([
    ['the supervisor', [supervisorReview]],
    ['the sales manager', [supervisorReview, salesManagerReview]],
    ['finance', [supervisorReview, salesManagerReview, financeReview]],
  ])(
    'a rejection by %s ends the claim, releases the budget and tells the submitter why',
    async (_, steps) => {
      const costCenter = await budgetOf(20_000);
      const { id } = (await file(costCenter, [item(6000)])).json<{ id: string }>();
      for (const [i, step] of steps.entries()) {
        await waitForStep(id, step);
        const last = i === steps.length - 1;
        const reply = await decide(reviewerAt[step] as string, id, last ? 'reject' : 'approve', {
          comment: last ? 'Not within the travel policy' : '',
        });
        expect(reply.status).toBe(200);
      }
      const claim = await waitForStatus(id, 'REJECTED');
      expect(claim.reviews.at(-1)).toMatchObject({
        step: steps.at(-1),
        outcome: 'reject',
        comment: 'Not within the travel policy',
      });
      expect(claim.trail.map((e) => e.action)).toContain('rejected');
      expect(await budget(costCenter)).toMatchObject({ committed: { amount: 0 }, consumed: { amount: 0 } });
      const told = await eventually(
        async () => (await sandbox.mails(rep)).find((m) => m.subject.includes(id)),
        'mail',
      );
      expect(told.text).toContain('Not within the travel policy');
    },
  );

  it.each([
    ['the supervisor', [supervisorReview]],
    ['the sales manager', [supervisorReview, salesManagerReview]],
  ])('a return by %s sends the claim back to the submitter and releases its budget', async (_, steps) => {
    const costCenter = await budgetOf(20_000);
    const { id } = (await file(costCenter, [item(6000)])).json<{ id: string }>();
    for (const [i, step] of steps.entries()) {
      await waitForStep(id, step);
      const last = i === steps.length - 1;
      await decide(reviewerAt[step] as string, id, last ? 'return' : 'approve', {
        comment: last ? 'Split per trip' : '',
      });
    }
    const claim = await waitForStatus(id, 'RETURNED');
    expect(claim.reviews.at(-1)).toMatchObject({ step: steps.at(-1), outcome: 'return' });
    expect(claim.trail.map((e) => e.action)).toContain('returned');
    expect((await budget(costCenter)).committed.amount).toBe(0);
  });

  it('a return sends the claim back; the revised version starts again at level 1 and keeps the history', async () => {
    const costCenter = await budgetOf(20_000);
    const { id } = (await file(costCenter, [item(1000)])).json<{ id: string }>();
    await waitForStep(id, supervisorReview);
    await decide(supervisor, id, 'approve');
    await waitForStep(id, financeReview);
    expect((await decide(finance, id, 'return', { comment: 'Receipt R-1 is unreadable' })).status).toBe(200);
    await waitForStatus(id, 'RETURNED');
    expect((await budget(costCenter)).committed.amount).toBe(0);

    const revised = await sandbox.request('PUT', `/expenses/${id}`, {
      token: tokens[rep],
      json: { title: 'Customer visit', costCenter, items: [item(900, 'travel', { receipt: 'R-2' })] },
    });
    expect(revised.json()).toMatchObject({ id, version: 2, status: 'IN_REVIEW', total: cny(900) });
    expect((await budget(costCenter)).committed.amount).toBe(90_000);
    await waitForStep(id, supervisorReview);
    await decide(supervisor, id, 'approve');
    await waitForStep(id, financeReview);
    await decide(finance, id, 'approve');
    const claim = await waitForStatus(id, 'APPROVED_FOR_PAYMENT');
    expect(claim.version).toBe(2);
    expect(claim.reviews.map((r) => `v${r.version} ${r.step}:${r.outcome}`)).toEqual([
      `v1 ${supervisorReview}:approve`,
      `v1 ${financeReview}:return`,
      `v2 ${supervisorReview}:approve`,
      `v2 ${financeReview}:approve`,
    ]);
    expect(claim.trail.map((e) => e.action)).toEqual(
      expect.arrayContaining(['submitted', 'returned', 'revised', 'approved']),
    );
    expect(await budget(costCenter)).toMatchObject({
      committed: { amount: 0 },
      consumed: { amount: 90_000 },
    });
  });

  it('only the submitter revises, and only a returned claim', async () => {
    const costCenter = await budgetOf(20_000);
    const { id } = (await file(costCenter, [item(100)])).json<{ id: string }>();
    const body = { title: 'x', costCenter, items: [item(100)] };
    expect(
      (await sandbox.request('PUT', `/expenses/${id}`, { token: tokens[supervisor], json: body })).status,
    ).toBe(403);
    expect((await sandbox.request('PUT', `/expenses/${id}`, { token: tokens[rep], json: body })).status).toBe(
      409,
    );
  });
});

describe('finance approving less', () => {
  it('approves a lower amount per item with a reason; the rest of the hold goes back to the budget', async () => {
    const costCenter = await budgetOf(20_000);
    const { id } = (await file(costCenter, [item(1000), item(500, 'other')])).json<{ id: string }>();
    await waitForStep(id, supervisorReview);
    await decide(supervisor, id, 'approve');
    await waitForStep(id, financeReview);
    const noReason = await decide(finance, id, 'approve', { item0Approved: '800' });
    expect(noReason.status).toBe(400);
    const tooMuch = await decide(finance, id, 'approve', { item0Approved: '1200', comment: 'typo' });
    expect(tooMuch.status).toBe(400);
    const lower = await decide(finance, id, 'approve', {
      item0Approved: '800.50',
      comment: 'Hotel cap is 800.50',
    });
    expect(lower.status).toBe(200);
    const claim = await waitForStatus(id, 'APPROVED_FOR_PAYMENT');
    expect(claim.approvedTotal?.amount).toBe(130_050);
    expect(await budget(costCenter)).toMatchObject({
      committed: { amount: 0 },
      consumed: { amount: 130_050 },
    });
  });
});

describe('budgets and advance applications', () => {
  it('refuses a claim over budget without an application, naming the shortfall and how to apply', async () => {
    const costCenter = await budgetOf(1000);
    const reply = await file(costCenter, [item(1500)]);
    expect(reply.status).toBe(422);
    expect(reply.json()).toMatchObject({ error: 'over-budget', shortfall: cny(500) });
    expect(reply.json<{ message: string }>().message).toContain('/expense-applications');
    expect((await budget(costCenter)).committed.amount).toBe(0);
  });

  it('accepts it with an approved application (manager, then director), which is then used up', async () => {
    const costCenter = await budgetOf(1000);
    const applied = await sandbox.request('POST', '/expense-applications', {
      token: tokens[rep],
      json: { costCenter, amount: cny(600), reason: 'Trade fair in Shenzhen next month' },
    });
    expect(applied.status).toBe(201);
    const application = applied.json<{ id: string }>().id;
    expect(application).toMatch(/^PA-\d{4}-\d{5}$/);
    expect((await decide(salesManager, application, 'approve')).status).toBe(200);
    expect((await decide(director, application, 'approve')).status).toBe(200);
    const approved = await waitForApplicationStatus(application, 'APPROVED');
    expect(approved.reviews.map((r) => `${r.step}:${r.by}:${r.outcome}`)).toEqual([
      `Sales manager review:${salesManager}:approve`,
      `Sales director review:${director}:approve`,
    ]);
    expect(approved.trail.map((e) => e.action)).toContain('approved');

    const tooBig = await file(costCenter, [item(1700)], { applicationId: application });
    expect(tooBig.json()).toMatchObject({ error: 'application-too-small' });
    const filed = await file(costCenter, [item(1500)], { applicationId: application });
    expect(filed.status).toBe(201);
    expect(await budget(costCenter)).toMatchObject({
      committed: { amount: 150_000 },
      available: { amount: -50_000 },
    });
    expect((await applicationOf(application)).status).toBe('USED');
    // Its reviewers see the budget's negative balance, covered by the application.
    await waitForStep(filed.json<{ id: string }>().id, supervisorReview);
    const again = await file(costCenter, [item(200)], { applicationId: application });
    expect(again.status).toBe(422);
  });

  it('accepts a second covered claim after the first took the budget below zero', async () => {
    const costCenter = await budgetOf(1000);
    const approvedApplication = async (yuan: number, reason: string) => {
      const { id } = (
        await sandbox.request('POST', '/expense-applications', {
          token: tokens[rep],
          json: { costCenter, amount: cny(yuan), reason },
        })
      ).json<{ id: string }>();
      await decide(salesManager, id, 'approve');
      await decide(director, id, 'approve');
      await waitForApplicationStatus(id, 'APPROVED');
      return id;
    };
    const first = await approvedApplication(600, 'Trade fair in Chengdu this month');
    expect((await file(costCenter, [item(1500)], { applicationId: first })).status).toBe(201);
    // Nothing is left in the budget (−500); the second application covers its claim whole.
    const second = await approvedApplication(800, 'Trade fair in Wuhan this month');
    const filed = await file(costCenter, [item(800)], { applicationId: second });
    expect(filed.status, filed.text).toBe(201);
    expect(await budget(costCenter)).toMatchObject({
      committed: { amount: 230_000 },
      available: { amount: -130_000 },
    });
    expect((await applicationOf(second)).status).toBe('USED');
  });

  it('gives the application back when the claim it covered is returned', async () => {
    const costCenter = await budgetOf(1000);
    const { id: application } = (
      await sandbox.request('POST', '/expense-applications', {
        token: tokens[rep],
        json: { costCenter, amount: cny(600), reason: 'Booth at the autumn trade fair' },
      })
    ).json<{ id: string }>();
    await decide(salesManager, application, 'approve');
    await decide(director, application, 'approve');
    await waitForApplicationStatus(application, 'APPROVED');
    const { id } = (await file(costCenter, [item(1500)], { applicationId: application })).json<{
      id: string;
    }>();
    expect((await applicationOf(application)).status).toBe('USED');
    await waitForStep(id, supervisorReview);
    await decide(supervisor, id, 'return', { comment: 'Split the booth and the travel' });
    await waitForStatus(id, 'RETURNED');
    expect((await applicationOf(application)).status).toBe('APPROVED');
    expect((await budget(costCenter)).committed.amount).toBe(0);
  });

  it('ends a rejected application without making it usable', async () => {
    const costCenter = await budgetOf(1000);
    const { id } = (
      await sandbox.request('POST', '/expense-applications', {
        token: tokens[rep],
        json: { costCenter, amount: cny(600), reason: 'A second trade fair this month' },
      })
    ).json<{ id: string }>();
    await decide(salesManager, id, 'reject', { comment: 'One fair a month' });
    const rejected = await waitForApplicationStatus(id, 'REJECTED');
    // The director is not asked once the sales manager rejects.
    expect(rejected.reviews.map((r) => `${r.step}:${r.outcome}`)).toEqual(['Sales manager review:reject']);
    expect(rejected.currentStep).toBeUndefined();
    const filed = await file(costCenter, [item(1500)], { applicationId: id });
    expect(filed.json()).toMatchObject({ error: 'application-not-usable' });
  });

  it('lets exactly as many of 20 concurrent claims through as the budget fits (10); the rest are refused clearly', async () => {
    const costCenter = await budgetOf(1000);
    const replies = await Promise.all(Array.from({ length: 20 }, () => file(costCenter, [item(100)])));
    expect(replies.filter((r) => r.status === 201)).toHaveLength(10);
    const refused = replies.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(10);
    for (const reply of refused) expect(reply.json()).toMatchObject({ error: 'over-budget' });
    expect(await budget(costCenter)).toMatchObject({
      committed: { amount: 100_000 },
      available: { amount: 0 },
    });
  });

  it('refuses a claim for a cost center without a budget', async () => {
    const reply = await file('NO-BUDGET', [item(100)]);
    expect(reply.status).toBe(422);
    expect(reply.json()).toMatchObject({ error: 'no-budget' });
  });
});

describe('bad input and retries', () => {
  it('names each bad item field: future and too-old dates, a missing receipt, no items', async () => {
    const costCenter = await budgetOf(20_000);
    const future = new Date(Date.parse(today()) + 2 * 86_400_000).toISOString().slice(0, 10);
    const reply = await file(costCenter, [
      item(100, 'travel', { date: future }),
      item(100, 'travel', { date: daysAgo(91) }),
      item(200, 'travel', { receipt: undefined }),
    ]);
    expect(reply.status).toBe(400);
    const fields = reply.json<{ fields: { field: string }[] }>().fields.map((f) => f.field);
    expect(fields).toEqual(['items.0.date', 'items.1.date', 'items.2.receipt']);
    const empty = await file(costCenter, []);
    expect(empty.json()).toMatchObject({ fields: [{ field: 'items' }] });
    const floatAmount = await file(costCenter, [
      item(100, 'travel', { amount: { amount: 10.5, currency: 'CNY' } }),
    ]);
    expect(floatAmount.json()).toMatchObject({ fields: [{ field: 'items.0.amount.amount' }] });
    expect((await budget(costCenter)).committed.amount).toBe(0);
  });

  it('files a claim once for a retried request with the same Idempotency-Key', async () => {
    const costCenter = await budgetOf(20_000);
    const send = () =>
      sandbox.request('POST', '/expenses', {
        token: tokens[rep],
        headers: { 'idempotency-key': `claim-${costCenter}` },
        json: { title: 'Customer visit', costCenter, items: [item(100)] },
      });
    const first = await send();
    const second = await send();
    expect(second.json()).toEqual(first.json());
    expect(second.headers.get('idempotent-replay')).toBe('true');
    expect((await budget(costCenter)).committed.amount).toBe(10_000);
  });

  it('lets only people involved, finance and admins read a claim', async () => {
    const costCenter = await budgetOf(20_000);
    const { id } = (await file(costCenter, [item(100)])).json<{ id: string }>();
    const outsider = await sandbox.login('ma.chao@example.com');
    expect((await sandbox.request('GET', `/expenses/${id}`, { token: outsider })).status).toBe(403);
    expect((await sandbox.request('GET', `/expenses/${id}`, { token: tokens[finance] })).status).toBe(200);
    await waitForStep(id, supervisorReview);
    expect((await sandbox.request('GET', `/expenses/${id}`, { token: tokens[supervisor] })).status).toBe(200);
  });
});

// Moves the shared virtual clock: runs last.
describe('a review nobody answers', () => {
  it('expires at its deadline: the claim ends EXPIRED and the budget is released', async () => {
    const costCenter = await budgetOf(20_000);
    const { id } = (await file(costCenter, [item(100)])).json<{ id: string }>();
    await waitForStep(id, supervisorReview);
    await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 15 * 86400 } });
    // Sign-in tokens follow virtual time too: two weeks later everyone signs in again.
    tokens[rep] = await sandbox.login(rep);
    const claim = await waitForStatus(id, 'EXPIRED');
    expect(claim.currentStep).toBeUndefined();
    expect(claim.trail.map((e) => e.action)).toEqual(expect.arrayContaining(['task-expired', 'expired']));
    expect((await budget(costCenter)).committed.amount).toBe(0);
  });
});
