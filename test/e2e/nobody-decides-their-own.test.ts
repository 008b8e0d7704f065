// Nobody decides their own claim, application, contract, order step or write-off: not as a role member, not as a
// delegate, not with a link, not through the API; only the steps that record what the requester reports are theirs.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAdmin } from '#infra/local/seed.ts';
import { addDays, localDate } from '#shared/clock.ts';
import type { Person } from '#shared/people.ts';
import { scanTable, tableClient } from '../support/table-snapshot.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';
import { contractDraft } from './signed-contract.ts';

// Decisions answer at once: these tests read what happens next from the table.
process.env.DECISION_REPLY_WAIT_MS = '0';

/**
 * The requester of everything here: holds every role that decides something, so every step could fall to them, and
 * comes first by email among each role's members, so a role step would pick them on a tie if nothing kept them off.
 */
const xu = 'ai.xu@example.com';
const rep = 'li.lei@example.com';
const heLing = 'he.ling@example.com';
const admin = seedAdmin;

interface TaskItem {
  id: string;
  type: string;
  assignee: string;
  onBehalfOf?: string;
  requester: string;
  requesterMayDecide?: boolean;
  subject: { id: string };
}

let sandbox: TestSandbox;
let db: DynamoDBDocumentClient;
const tokens = new Map<string, string>();
/** Every task opened about Xu's subjects, as first seen, with who got it. */
const seen: TaskItem[] = [];

const today = () => localDate(sandbox.clock.now());
const cny = (yuan: number) => ({ amount: yuan * 100, currency: 'CNY' });

async function token(email: string): Promise<string> {
  let found = tokens.get(email);
  if (!found) {
    found = await sandbox.login(email);
    tokens.set(email, found);
  }
  return found;
}

async function putPerson(person: Person) {
  const { email, ...body } = person;
  const reply = await sandbox.request('PUT', `/people/${email}`, { token: await token(admin), json: body });
  expect([200, 201]).toContain(reply.status);
}

/** How each kind of step is answered here: always onwards, towards the end that needs the most deciders. */
function answer(type: string): { outcome: string; fields?: Record<string, unknown>; comment?: string } {
  const day = today();
  switch (type) {
    case 'contract-signing':
      return {
        outcome: 'sign',
        fields: { signedDate: day, signerName: '徐明', signedCopy: 'https://docs.example.com/s.pdf' },
      };
    case 'order-schedule':
      return { outcome: 'confirm', fields: { plannedDate: addDays(day, 50) } };
    case 'order-completion':
      return { outcome: 'done' };
    case 'order-shipping':
      return {
        outcome: 'shipped',
        fields: { carrier: 'SF Express', trackingNumber: 'SF1234567890', expectedDelivery: addDays(day, 5) },
      };
    case 'order-delivery':
      return { outcome: 'delivered', fields: { deliveredOn: day, receiver: '王工' } };
    case 'order-acceptance':
      return { outcome: 'accept', fields: { acceptedOn: day } };
    case 'collection-follow-up-owner':
      return { outcome: 'dispute', comment: '客户称未收到发票' };
    case 'collection-dispute':
      return { outcome: 'write-off', comment: '客户已破产清算' };
    default:
      return { outcome: 'approve' };
  }
}

/** The open task about `subjectId` that has not been handled yet, read from the table. */
async function nextTask(subjectId: string): Promise<TaskItem | undefined> {
  const items = (await scanTable(db)) as unknown as (TaskItem & { sk: string; status: string })[];
  return items.find(
    (item) =>
      item.sk === 'TASK' &&
      item.status === 'PENDING' &&
      item.subject.id === subjectId &&
      !seen.some((task) => task.id === item.id),
  );
}

/**
 * Drives `subjectId` to its end by having whoever holds each task decide it through the API, checking at every task
 * that Xu does not hold it, has no link to it in their mail, and is refused by the API; a step that records what the
 * requester reports is the one exception, and it is Xu's.
 */
async function driveWithoutXu(subjectId: string, ended: () => Promise<boolean>): Promise<TaskItem[]> {
  const tasks: TaskItem[] = [];
  for (;;) {
    const next = await eventually(
      async () => ((await ended()) ? 'ended' : await nextTask(subjectId)),
      `the next task about ${subjectId}, or its end`,
    );
    if (next === 'ended') return tasks;
    seen.push(next);
    tasks.push(next);
    const decision = answer(next.type);
    if (next.requesterMayDecide) {
      expect(next.assignee, `${next.type} records what Xu reports`).toBe(xu);
    } else {
      expect(next.assignee, `${next.type} about ${subjectId}`).not.toBe(xu);
      const viaApi = await sandbox.request('POST', `/tasks/${next.id}/decision`, {
        token: await token(xu),
        json: decision,
      });
      expect(viaApi.status, `Xu deciding ${next.type} through the API`).toBe(403);
      const links = (await sandbox.mails(xu)).filter((mail) => mail.text.includes(`/t/${next.id}?`));
      expect(
        links.map((mail) => mail.subject),
        `Xu's mail with a link to ${next.type}`,
      ).toEqual([]);
    }
    const decided = await sandbox.request('POST', `/tasks/${next.id}/decision`, {
      token: await token(next.assignee),
      json: decision,
    });
    expect(decided.status, `${next.assignee} deciding ${next.type}: ${decided.text}`).toBe(200);
  }
}

async function statusOf(path: string): Promise<string> {
  const reply = await sandbox.request('GET', path, { token: await token(admin) });
  return reply.json<{ status: string }>().status;
}
const reaches = (path: string, status: string) => async () => (await statusOf(path)) === status;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  db = tableClient(sandbox.urls.dynamodb);
  const away = { from: today(), until: addDays(today(), 120) };
  await putPerson({
    email: xu,
    name: '徐明',
    roles: [
      'sales',
      'supervisor',
      'sales-manager',
      'sales-director',
      'signatory',
      'legal',
      'finance',
      'production',
      'logistics',
    ],
    manager: 'zhao.min@example.com',
    locale: 'zh-CN',
  });
  // Xu's own supervisor and the finance department are away, with Xu as their delegate.
  await putPerson({
    email: 'zhao.min@example.com',
    name: '赵敏',
    roles: ['supervisor'],
    manager: 'sun.li@example.com',
    locale: 'zh-CN',
    delegate: { email: xu, ...away },
  });
  await putPerson({
    email: 'qian.yu@example.com',
    name: '钱宇',
    roles: ['finance'],
    manager: 'zhou.qiang@example.com',
    locale: 'zh-CN',
    delegate: { email: xu, ...away },
  });
  const month = today().slice(0, 7);
  for (const [costCenter, limit] of [
    ['SELF', 100_000],
    ['SELF-SMALL', 100],
  ] as const) {
    const budget = await sandbox.request('PUT', `/budgets/${costCenter}/${month}`, {
      token: await token(admin),
      json: { limit: cny(limit) },
    });
    expect(budget.status).toBe(201);
  }
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('a requester who holds every deciding role and stands in for their own deciders', () => {
  it('expense claim: the supervisor and finance reviews go to others, past the away deciders Xu stands in for', async () => {
    const filed = await sandbox.request('POST', '/expenses', {
      token: await token(xu),
      json: {
        title: 'Customer visit',
        costCenter: 'SELF',
        items: [
          { category: 'travel', amount: cny(6_000), date: today(), description: 'Flights', receipt: 'FL-1' },
        ],
      },
    });
    expect(filed.status).toBe(201);
    const id = filed.json<{ id: string }>().id;
    const tasks = await driveWithoutXu(id, reaches(`/expenses/${id}`, 'APPROVED_FOR_PAYMENT'));
    // Xu's supervisor is away with Xu standing in: the level climbs to her manager, the sales manager, whose
    // approval then also counts for the sales manager level (skipped, not asked again). Finance is away with Xu
    // standing in, and Xu is finance too: the level climbs Xu's manager chain past the away supervisor.
    expect(tasks.map((task) => [task.type, task.assignee])).toEqual([
      ['expense-review-supervisor', 'sun.li@example.com'],
      ['expense-review-finance', 'sun.li@example.com'],
    ]);
  });

  it('advance application: the sales manager and the director are others; nobody else draws on the approval', async () => {
    const applied = await sandbox.request('POST', '/expense-applications', {
      token: await token(xu),
      json: { costCenter: 'SELF-SMALL', amount: cny(2_000), reason: 'Booth at the trade fair' },
    });
    expect(applied.status).toBe(201);
    const id = applied.json<{ id: string }>().id;
    const tasks = await driveWithoutXu(id, reaches(`/expense-applications/${id}`, 'APPROVED'));
    expect(tasks.map((task) => task.type)).toEqual([
      'advance-application-sales-manager',
      'advance-application-sales-director',
    ]);

    // Someone else naming Xu's approved application gets no approval from it, and it stays Xu's to use.
    const claim = (applicationId: string) => ({
      title: 'Trade fair booth',
      costCenter: 'SELF-SMALL',
      applicationId,
      items: [{ category: 'other', amount: cny(500), date: today(), description: 'Booth', receipt: 'B-1' }],
    });
    const borrowed = await sandbox.request('POST', '/expenses', { token: await token(rep), json: claim(id) });
    expect(borrowed.status).toBe(422);
    expect(borrowed.json()).toMatchObject({ error: 'application-not-usable' });
    expect(await statusOf(`/expense-applications/${id}`)).toBe('APPROVED');
    const own = await sandbox.request('POST', '/expenses', { token: await token(xu), json: claim(id) });
    expect(own.status).toBe(201);
    expect(await statusOf(`/expense-applications/${id}`)).toBe('USED');
  });

  it("a requester's own delegate does not decide for them either: the claim climbs past them", async () => {
    const gao = 'bo.gao@example.com';
    const supervisor = 'sun.li@example.com';
    // Away, with his own supervisor standing in for him: she would be approving his claim in his stead.
    await putPerson({
      email: gao,
      name: '高波',
      roles: ['sales'],
      manager: supervisor,
      locale: 'zh-CN',
      delegate: { email: supervisor, from: today(), until: addDays(today(), 30) },
    });
    const filed = await sandbox.request('POST', '/expenses', {
      token: await token(gao),
      json: {
        title: 'Taxi',
        costCenter: 'SELF',
        items: [{ category: 'travel', amount: cny(100), date: today(), description: 'Taxi', receipt: 'T-1' }],
      },
    });
    expect(filed.status).toBe(201);
    const id = filed.json<{ id: string }>().id;
    const task = await eventually(() => nextTask(id), `the review of ${id}`);
    expect([task.type, task.assignee]).toEqual(['expense-review-supervisor', 'zhou.qiang@example.com']);
    const viaApi = await sandbox.request('POST', `/tasks/${task.id}/decision`, {
      token: await token(supervisor),
      json: { outcome: 'approve' },
    });
    expect(viaApi.status).toBe(403);
  });

  let contractId: string;

  it('contract: legal review, the director and the signing all go to others', async () => {
    const submitted = await sandbox.request('POST', '/contracts', {
      token: await token(xu),
      json: contractDraft('buyer@self.example', today(), { amount: cny(1_200_000) }),
    });
    expect(submitted.status).toBe(201);
    contractId = submitted.json<{ id: string }>().id;
    const tasks = await driveWithoutXu(contractId, reaches(`/contracts/${contractId}`, 'SIGNED'));
    expect(tasks.map((task) => task.type)).toEqual([
      'contract-legal-review',
      'contract-director-approval',
      'contract-signing',
    ]);
  });

  it('order: production and logistics steps go to others; only the customer’s acceptance is Xu’s to record', async () => {
    const orderId = await eventually(async () => {
      const reply = await sandbox.request('GET', `/orders?contractId=${contractId}`, {
        token: await token(xu),
      });
      return reply.json<{ orders?: { id: string }[] }>().orders?.[0]?.id;
    }, `the order of ${contractId}`);
    const tasks = await driveWithoutXu(orderId, reaches(`/orders/${orderId}`, 'ACCEPTED'));
    expect(tasks.map((task) => [task.type, Boolean(task.requesterMayDecide)])).toEqual([
      ['order-schedule', false],
      ['order-completion', false],
      ['order-shipping', false],
      ['order-delivery', false],
      ['order-acceptance', true],
    ]);
  });

  it('payment: Xu follows up their overdue installment, but the dispute and the write-off are decided by others', async () => {
    const installment = `${contractId}-I1`;
    const installments = async () => {
      const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
        token: await token(admin),
      });
      return reply.json<{ installments: { id: string; status: string; dueDate?: string }[] }>().installments;
    };
    const dueDate = (await installments()).find((i) => i.id === installment)?.dueDate as string;
    const target = Date.parse(`${addDays(dueDate, 1)}T10:00:00+08:00`);
    const advanceSeconds = Math.ceil((target - sandbox.clock.now().getTime()) / 1000);
    expect((await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds } })).status).toBe(200);
    const writtenOff = async () =>
      (await installments()).find((i) => i.id === installment)?.status === 'WRITTEN_OFF';
    const tasks = await driveWithoutXu(installment, writtenOff);
    expect(tasks.map((task) => [task.type, Boolean(task.requesterMayDecide)])).toEqual([
      ['collection-follow-up-owner', true],
      ['collection-dispute', false],
      ['collection-write-off', false],
    ]);
    // Who asked for the write-off did not approve it either.
    const [, dispute, writeOff] = tasks as [TaskItem, TaskItem, TaskItem];
    expect(writeOff.assignee).not.toBe(dispute.assignee);
  });

  /**
   * A claim of Xu's at its finance review, which goes to He Ling: the finance person at hand, who reports to Xu, so
   * moving her task to her manager would hand Xu their own claim.
   */
  async function atFinanceReview(receipt: string): Promise<TaskItem> {
    await putPerson({ email: heLing, name: '何玲', roles: ['finance'], manager: xu, locale: 'zh-CN' });
    const filed = await sandbox.request('POST', '/expenses', {
      token: await token(xu),
      json: {
        title: 'Taxi',
        costCenter: 'SELF',
        items: [{ category: 'travel', amount: cny(100), date: today(), description: 'Taxi', receipt }],
      },
    });
    expect(filed.status).toBe(201);
    const id = filed.json<{ id: string }>().id;
    const supervisorReview = await eventually(() => nextTask(id), `the supervisor review of ${id}`);
    seen.push(supervisorReview);
    expect(supervisorReview.assignee).not.toBe(xu);
    const approved = await sandbox.request('POST', `/tasks/${supervisorReview.id}/decision`, {
      token: await token(supervisorReview.assignee),
      json: { outcome: 'approve' },
    });
    expect(approved.status).toBe(200);
    const financeReview = await eventually(() => nextTask(id), `the finance review of ${id}`);
    seen.push(financeReview);
    expect([financeReview.type, financeReview.assignee]).toEqual(['expense-review-finance', heLing]);
    return financeReview;
  }

  /** The task as stored now. */
  const stored = async (task: TaskItem) =>
    (await scanTable(db)).find((item) => item.pk === `TASK#${task.id}`) as
      | (TaskItem & { escalated: boolean })
      | undefined;

  /** Neither the API nor Xu's mailbox lets Xu decide `task`. */
  async function outOfXusReach(task: TaskItem): Promise<void> {
    const viaApi = await sandbox.request('POST', `/tasks/${task.id}/decision`, {
      token: await token(xu),
      json: { outcome: 'approve' },
    });
    expect(viaApi.status).toBe(403);
    const links = (await sandbox.mails(xu)).filter((mail) => mail.text.includes(`/t/${task.id}?`));
    expect(links.map((mail) => mail.subject)).toEqual([]);
  }

  it('escalation: a task left open climbs to the assignee’s manager, but past Xu when Xu is that manager', async () => {
    const financeReview = await atFinanceReview('T-2');
    // Left unanswered past its escalation point, it goes to He Ling's manager, Xu, who may not have it: further up.
    for (let day = 0; day < 7 && !(await stored(financeReview))?.escalated; day++) {
      await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 86_400 } });
    }
    const escalated = await stored(financeReview);
    expect(escalated?.escalated).toBe(true);
    expect([xu, heLing]).not.toContain(escalated?.assignee);
    await outOfXusReach(financeReview);
  });

  it('a bounced address: the task moves to the assignee’s manager, but past Xu when Xu is that manager', async () => {
    const financeReview = await atFinanceReview('T-3');
    const bounced = await sandbox.request('POST', '/_local/ses-event', {
      json: { type: 'bounce', email: heLing },
    });
    expect(bounced.status).toBe(200);
    const moved = await eventually(async () => {
      const task = await stored(financeReview);
      return task && task.assignee !== heLing ? task : undefined;
    }, `${financeReview.id} to move off the bounced address`);
    expect(moved.assignee).not.toBe(xu);
    await outOfXusReach(financeReview);
  });

  it('in all Xu received, every task link is to a step that is Xu’s to take', async () => {
    const tasks = (await scanTable(db)).filter((item) => item.sk === 'TASK') as unknown as TaskItem[];
    const linked = (await sandbox.mails(xu)).flatMap((mail) =>
      [...mail.text.matchAll(/\/t\/([A-Za-z0-9_-]+)\?/g)].map((match) => match[1] as string),
    );
    expect(linked.length).toBeGreaterThan(0);
    const notTheirs = [...new Set(linked)]
      .map((id) => tasks.find((task) => task.id === id))
      .filter((task) => !(task?.assignee === xu && task.requester === xu && task.requesterMayDecide))
      .map((task) => `${task?.type} ${task?.subject.id} for ${task?.assignee}`);
    expect(notTheirs).toEqual([]);
  });
});
