// The task core against the sandbox's DynamoDB with fakes for mail and Step Functions: the paths a sandbox rarely shows.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OpenTaskInput } from '#human-tasks/task-model.ts';
import { TaskRepository } from '#human-tasks/task-repository.ts';
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
let delivered: { token: string; output: unknown }[];
let running: boolean;
let n = 0;

beforeAll(async () => {
  local = await startLocalTable();
  const { db, tableName } = local;
  const people = new PeopleRepository(db, tableName);
  const clock = new VirtualClock();
  for (const person of demoPeople) await people.put(person, clock.now());
  deps = {
    tasks: new TaskRepository(db, tableName),
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
    subject: { kind: 'expense-claim', id: `EX-2026-${String(n).padStart(5, '0')}` },
    summary: { title: 'Taxi', facts: [], lines: [], findings: [], history: [] },
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
    expect(delivered).toEqual([
      { token: task.token, output: expect.objectContaining({ outcome: 'approve' }) },
    ]);
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
  it('makes one task per workflow state even when the Lambda runs twice, re-sending a fresh link', async () => {
    const input = request();
    const first = await openTask(deps, input);
    const second = await openTask(deps, input);
    expect(second.id).toBe(first.id);
    expect(second.linkHash).not.toBe(first.linkHash);
    expect(await deps.tasks.ofExecution(input.executionArn)).toHaveLength(1);
    expect(sent).toHaveLength(2);
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
