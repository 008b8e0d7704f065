// The task core and task closing against the sandbox's DynamoDB, with fakes for mail, subjects and Step Functions.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cancelOpenTasks, closeExpiredTasks } from '#human-tasks/task-closing.ts';
import type { OpenTaskInput, TaskResult, TaskSummary } from '#human-tasks/task-model.ts';
import { type StoredTask, TaskRepository } from '#human-tasks/task-repository.ts';
import { decideTask, openTask, sweepTasks, type TaskDeps } from '#human-tasks/task-service.ts';
import type { Delivery } from '#human-tasks/workflow-gateway.ts';
import { demoPeople } from '#infra/local/seed.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { AuditTrail } from '#shared/audit.ts';
import type { OutgoingMail } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
let deps: TaskDeps;
let sent: OutgoingMail[];
/** What SendTaskSuccess answers next, in order; then 'delivered'. */
let answers: Delivery[];
let delivered: { token: string; output: TaskResult }[];
let running: boolean;
let n = 0;

/** What the fake subjects say about any task: one fact the mails must carry. */
const claimSummary: TaskSummary = {
  facts: [{ label: '成本中心', value: 'SALES-EAST' }],
  lines: [],
  findings: [],
  history: [],
};

beforeAll(async () => {
  local = await startLocalTable();
  const { db, tableName } = local;
  const people = new PeopleRepository(db, tableName);
  const clock = new VirtualClock();
  for (const person of demoPeople) await people.put(person, clock.now());
  deps = {
    tasks: new TaskRepository(db, tableName),
    subjects: { summary: async () => claimSummary },
    people,
    audit: new AuditTrail(db, tableName),
    mailer: { send: async (mail) => void sent.push(mail) },
    workflow: {
      deliver: async (token, output) => {
        const answer = answers.shift() ?? 'delivered';
        if (answer === 'delivered') delivered.push({ token, output });
        return answer;
      },
      isRunning: async () => running,
    },
    clock,
    baseUrl: 'https://tasks.example.com',
  };
});

afterAll(async () => {
  (deps?.clock as VirtualClock | undefined)?.dispose();
  await local?.close();
});

beforeEach(() => {
  sent = [];
  answers = [];
  delivered = [];
  running = true;
});

function request(overrides: Partial<OpenTaskInput> = {}): OpenTaskInput {
  n++;
  return {
    taskToken: `token-${n}`,
    executionArn: `arn:aws:states:us-east-1:000000000000:execution:local-test:EX-${n}`,
    stateName: 'Review',
    type: 'test-review',
    subject: { kind: 'expense-claim', id: `EX-2026-${String(n).padStart(5, '0')}`, version: 1 },
    title: 'Taxi',
    assignee: { person: 'zhao.min@example.com' },
    requester: 'li.lei@example.com',
    excluded: [],
    outcomes: ['approve', 'reject'],
    fields: [],
    sla: { reminderAfter: { businessDays: 1 }, escalateAfter: { businessDays: 2 } },
    deadlineSeconds: 864000,
    ...overrides,
  };
}

describe('delivering a decision', () => {
  it('keeps a decision whose SendTaskSuccess failed, and the sweeper delivers it later, once', async () => {
    const task = await openTask(deps, request());
    answers = ['retry', 'retry'];
    const first = await decideTask(deps, {
      via: 'api',
      taskId: task.id,
      caller: task.assignee,
      outcome: 'approve',
      fields: {},
      comment: '',
    });
    expect(first.kind).toBe('recorded-pending-delivery');
    expect((await deps.tasks.get(task.id))?.status).toBe('DECIDED');

    await sweepTasks(deps); // not due yet: the first retry waits a minute
    expect(delivered).toHaveLength(0);
    (deps.clock as VirtualClock).advance(61);
    await sweepTasks(deps); // second failure: backs off two minutes
    expect(delivered).toHaveLength(0);
    (deps.clock as VirtualClock).advance(121);
    const report = await sweepTasks(deps);
    expect(report.redelivered).toBe(1);
    expect(delivered).toEqual([{ token: task.token, output: { taskId: task.id, outcome: 'approve' } }]);
    expect((await deps.tasks.get(task.id))?.delivery).toBe('delivered');
    await sweepTasks(deps);
    expect(delivered).toHaveLength(1);
  });
});

describe('a decision the workflow no longer waits for', () => {
  it('is recorded, and the task says the workflow stopped, when Step Functions answers TaskTimedOut early', async () => {
    const task = await openTask(deps, request());
    answers = ['timed-out'];
    const decision = { via: 'api' as const, taskId: task.id, caller: task.assignee, fields: {}, comment: '' };
    const result = await decideTask(deps, { ...decision, outcome: 'approve' });
    expect(result.kind).toBe('no-longer-running');
    expect((await deps.tasks.get(task.id))?.status).toBe('CANCELLED');
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).toContain('decision-undeliverable');
  });

  it('was delivered after all when its redelivery gets TaskTimedOut while the workflow still runs', async () => {
    // The first SendTaskSuccess reached the workflow, but its answer was lost (a crash, a timeout).
    const task = await openTask(deps, request());
    answers = ['retry'];
    const decision = { via: 'api' as const, taskId: task.id, caller: task.assignee, fields: {}, comment: '' };
    expect((await decideTask(deps, { ...decision, outcome: 'approve' })).kind).toBe(
      'recorded-pending-delivery',
    );
    (deps.clock as VirtualClock).advance(61);
    answers = ['timed-out'];
    running = true;
    expect((await sweepTasks(deps)).redelivered).toBe(1);
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'DECIDED', delivery: 'delivered' });
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).not.toContain(
      'decision-undeliverable',
    );
  });

  it('is undeliverable when its redelivery gets TaskTimedOut and the workflow has stopped', async () => {
    const task = await openTask(deps, request());
    answers = ['retry'];
    const decision = { via: 'api' as const, taskId: task.id, caller: task.assignee, fields: {}, comment: '' };
    await decideTask(deps, { ...decision, outcome: 'approve' });
    (deps.clock as VirtualClock).advance(61);
    answers = ['timed-out'];
    running = false;
    await sweepTasks(deps);
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'CANCELLED', delivery: 'too-late' });
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).toContain('decision-undeliverable');
  });

  it('is too late when its redelivery finds the deadline passed', async () => {
    const task = await openTask(deps, request({ deadlineSeconds: 3600 }));
    answers = ['retry'];
    const decision = { via: 'api' as const, taskId: task.id, caller: task.assignee, fields: {}, comment: '' };
    expect((await decideTask(deps, { ...decision, outcome: 'approve' })).kind).toBe(
      'recorded-pending-delivery',
    );
    (deps.clock as VirtualClock).advance(7200);
    answers = ['timed-out'];
    await sweepTasks(deps);
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'EXPIRED', delivery: 'too-late' });
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).toContain('decision-too-late');
  });
});

describe('opening', () => {
  it('makes one task per workflow state even when the Lambda runs twice, mailing the same link again', async () => {
    const input = request();
    const first = await openTask(deps, input);
    const second = await openTask(deps, input);
    expect(second.id).toBe(first.id);
    expect(second.linkHash).toBe(first.linkHash);
    expect(await deps.tasks.ofSubject(input.subject.id)).toHaveLength(1);
    expect(sent).toHaveLength(2);
    // The link in the first mail still opens the task: a second run must not void what the assignee already has.
    const linkOf = (text: string | undefined) =>
      /\/t\/[A-Za-z0-9_-]+\?k=[A-Za-z0-9_-]+/.exec(text ?? '')?.[0];
    expect(linkOf(sent[0]?.text)).toBeDefined();
    expect(linkOf(sent[1]?.text)).toBe(linkOf(sent[0]?.text));
  });

  it('mails the assignee what the subject says now, with the task’s title', async () => {
    await openTask(deps, request({ title: 'Taxi to the airport' }));
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('zhao.min@example.com');
    expect(sent[0]?.text).toContain('Taxi to the airport');
    expect(sent[0]?.text).toContain('成本中心：SALES-EAST');
  });

  it('supersedes the task a failed attempt of the same step left open, and keeps one task per token', async () => {
    const input = request();
    const otherStep = await openTask(deps, {
      ...input,
      taskToken: `${input.taskToken}-other`,
      stateName: 'Audit',
    });
    const first = await openTask(deps, input);
    const retry = { ...input, taskToken: `${input.taskToken}-attempt-2` };
    const second = await openTask(deps, retry);

    expect(second.id).not.toBe(first.id);
    expect(await deps.tasks.get(first.id)).toMatchObject({
      status: 'CANCELLED',
      closedReason: 'superseded by a retry of its step',
    });
    expect(await deps.tasks.get(second.id)).toMatchObject({ status: 'PENDING', token: retry.taskToken });
    // Another step of the same execution is not this step's retry.
    expect((await deps.tasks.get(otherStep.id))?.status).toBe('PENDING');
    const cancelled = (await deps.audit.of(input.subject.id)).filter((e) => e.action === 'task-cancelled');
    expect(cancelled.map((e) => e.detail)).toEqual([
      { taskId: first.id, reason: 'superseded by a retry of its step' },
    ]);

    // The retried attempt's Lambda runs twice: the same task again, not a third one.
    const again = await openTask(deps, retry);
    expect(again.id).toBe(second.id);
    expect(again.status).toBe('PENDING');
    expect(await deps.tasks.ofSubject(input.subject.id)).toHaveLength(3);
    const stillCancelled = (await deps.audit.of(input.subject.id)).filter(
      (e) => e.action === 'task-cancelled',
    );
    expect(stillCancelled).toHaveLength(1);
  });

  it('never gives the requester their own task: it goes up their manager chain', async () => {
    const task = await openTask(deps, request({ assignee: { person: 'li.lei@example.com' } }));
    expect(task.assignee).toBe('zhao.min@example.com');
  });

  it('gives the task to the delegate of an assignee who is away, on their behalf', async () => {
    const today = new Date(deps.clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const zhao = demoPeople.find((p) => p.email === 'zhao.min@example.com');
    if (!zhao) throw new Error('seed changed');
    await deps.people.put(
      { ...zhao, delegate: { email: 'han.meimei@example.com', from: today, until: today } },
      deps.clock.now(),
    );
    try {
      const task = await openTask(deps, request());
      expect(task).toMatchObject({ assignee: 'han.meimei@example.com', onBehalfOf: 'zhao.min@example.com' });
      expect(sent.at(-1)?.to).toBe('han.meimei@example.com');
    } finally {
      await deps.people.put(zhao, deps.clock.now());
    }
  });

  it('sends a role task to the member with fewest open tasks', async () => {
    // wu.fang and zheng.hao are both legal; give wu.fang one more open task first.
    await openTask(deps, request({ assignee: { person: 'wu.fang@example.com' } }));
    const task = await openTask(deps, request({ assignee: { role: 'legal' } }));
    expect(task.assignee).toBe('zheng.hao@example.com');
  });

  it('falls back to an admin, with the reason in the trail, when nobody is eligible', async () => {
    // The only sales director asks, and has no manager above them.
    const input = request({ assignee: { role: 'sales-director' }, requester: 'zhou.qiang@example.com' });
    const task = await openTask(deps, input);
    expect(task.assignee).toBe('admin@example.com');
    const opened = (await deps.audit.of(input.subject.id)).find((e) => e.action === 'task-opened');
    expect(JSON.stringify(opened?.detail)).toContain('admin');
  });
});

/** Approves a task through the API as its assignee. */
async function approve(task: StoredTask): Promise<void> {
  const result = await decideTask(deps, {
    via: 'api',
    taskId: task.id,
    caller: task.assignee,
    outcome: 'approve',
    fields: {},
    comment: '',
  });
  expect(result.kind).toBe('decided');
}

describe('closing the tasks an execution leaves behind', () => {
  it('expires the open task at the deadline, tells the requester once who had it, and leaves a decided one', async () => {
    // Anna Smith reads English; her manager 赵敏 has the task.
    const input = request({ requester: 'anna.smith@example.com' });
    const decided = await openTask(deps, {
      ...input,
      taskToken: `${input.taskToken}-1`,
      stateName: 'Supervisor review',
    });
    await approve(decided);
    const open = await openTask(deps, {
      ...input,
      taskToken: `${input.taskToken}-2`,
      stateName: 'Finance review',
    });
    expect(open.assignee).toBe('zhao.min@example.com');
    sent = [];

    expect(await closeExpiredTasks(deps, input.subject.id, input.executionArn)).toBe(1);

    expect(await deps.tasks.get(open.id)).toMatchObject({ status: 'EXPIRED', closedReason: 'deadline' });
    expect(await deps.tasks.get(decided.id)).toMatchObject({
      status: 'DECIDED',
      decision: { outcome: 'approve' },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('anna.smith@example.com');
    expect(sent[0]?.subject).toMatch(/^\[Expired\] /);
    expect(sent[0]?.text).toContain('Hello Anna Smith,');
    expect(sent[0]?.text).toContain('without a decision from 赵敏.');
    expect(sent[0]?.text).not.toContain('zhao.min@example.com');
    const expired = (await deps.audit.of(input.subject.id)).filter((e) => e.action === 'task-expired');
    expect(expired.map((e) => e.detail?.taskId)).toEqual([open.id]);

    // The timeout path's step retried: nothing left to close, nobody told twice.
    expect(await closeExpiredTasks(deps, input.subject.id, input.executionArn)).toBe(0);
    expect(sent).toHaveLength(1);
  });

  it('cancels only the open tasks of the stopped execution, not another execution’s of the same subject', async () => {
    const input = request();
    const reason = 'workflow failed: needs attention';
    const decided = await openTask(deps, {
      ...input,
      taskToken: `${input.taskToken}-1`,
      stateName: 'Supervisor review',
    });
    await approve(decided);
    const open = await openTask(deps, {
      ...input,
      taskToken: `${input.taskToken}-2`,
      stateName: 'Finance review',
    });
    const nextVersion = await openTask(deps, {
      ...input,
      taskToken: `${input.taskToken}-3`,
      executionArn: `${input.executionArn}-r2`,
      subject: { ...input.subject, version: 2 },
      stateName: 'Supervisor review',
    });
    sent = [];

    await cancelOpenTasks(deps, input.subject.id, input.executionArn, reason);

    expect(await deps.tasks.get(open.id)).toMatchObject({ status: 'CANCELLED', closedReason: reason });
    expect((await deps.tasks.get(decided.id))?.status).toBe('DECIDED');
    expect(await deps.tasks.get(nextVersion.id)).toMatchObject({ status: 'PENDING' });
    expect((await deps.tasks.get(nextVersion.id))?.closedReason).toBeUndefined();
    expect(sent).toHaveLength(0);
    const cancelled = (await deps.audit.of(input.subject.id)).filter((e) => e.action === 'task-cancelled');
    expect(cancelled.map((e) => e.detail)).toEqual([{ taskId: open.id, reason }]);
  });
});

describe('the sweeper', () => {
  it('cancels, without mailing anyone, a task whose workflow is no longer running', async () => {
    const task = await openTask(deps, request());
    running = false;
    sent = [];
    (deps.clock as VirtualClock).advance(5 * 86400);
    const report = await sweepTasks(deps);
    expect(report.cancelled).toBeGreaterThanOrEqual(1);
    expect((await deps.tasks.get(task.id))?.status).toBe('CANCELLED');
    expect(sent).toHaveLength(0);
  });
});
