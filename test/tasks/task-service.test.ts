// The task core, its SLA and task closing against the sandbox's DynamoDB, with fakes for mail, subjects and Step Functions.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handleHardBounce } from '#human-tasks/bounced-addresses.ts';
import { type DeliverySweepDeps, sweepDeliveries } from '#human-tasks/delivery-sweep.ts';
import { type MailSweepDeps, sweepMail } from '#human-tasks/mail-sweep.ts';
import { tasksOpenPerWorkflow } from '#human-tasks/report-open-work.ts';
import { addDuration } from '#human-tasks/sla.ts';
import { cancelOpenTasks, closeExpiredTasks, closeTasksNoLongerNeeded } from '#human-tasks/task-closing.ts';
import type { OpenTaskInput, TaskResult, TaskSummary } from '#human-tasks/task-model.ts';
import { type StoredTask, TaskRepository } from '#human-tasks/task-repository.ts';
import { decideTask, type OpenTaskDeps, openTask } from '#human-tasks/task-service.ts';
import type { SubjectNames, TaskSubjects } from '#human-tasks/task-subjects.ts';
import { type SweepLimits, unlimited } from '#human-tasks/task-sweep.ts';
import type { Delivery } from '#human-tasks/workflow-gateway.ts';
import { eventually } from '#infra/local/sandbox-client.ts';
import { demoPeople } from '#infra/local/seed.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { AuditTrail } from '#shared/audit.ts';
import { addDays, localDate, startOfLocalDate } from '#shared/clock.ts';
import { MailOutbox, subjectMailer } from '#shared/mail-outbox.ts';
import { MailRefused, type OutgoingMail } from '#shared/mailer.ts';
import type { OpsEvent } from '#shared/ops-signals.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
let deps: DeliverySweepDeps & MailSweepDeps & OpenTaskDeps;
let sent: OutgoingMail[];
/** What SES says to a mail: nothing (taken), the error it answers, or never a word (the run dies waiting). */
let ses: (mail: OutgoingMail) => Error | 'no answer' | undefined;
let told: OpsEvent[];
/** What SendTaskSuccess answers next, in order; then 'delivered'. */
let answers: Delivery[];
let delivered: { token: string; output: TaskResult }[];
/** Waits ended with SendTaskFailure, in order. */
const released: { token: string; error: string }[] = [];
let running: boolean;
/** A stopped execution ended as its definition says. */
let succeeded: boolean;
/** An execution whose DescribeExecution fails, to make one task's sweep fail. */
let broken: string | undefined;
let n = 0;

/** What the fake subjects say about any task: one fact the mails must carry. */
const claimSummary: TaskSummary = {
  facts: [{ label: '成本中心', value: 'SALES-EAST' }],
  lines: [],
  findings: [],
  history: [],
};

/** What the fake subjects call any task's subject and step, per reader. */
const claimNames = (_task: unknown, locale: 'zh-CN' | 'en'): SubjectNames =>
  locale === 'zh-CN'
    ? { kind: '费用报销', step: '主管审批' }
    : { kind: 'Expense claim', step: 'Supervisor review' };

const subjects: TaskSubjects = {
  names: claimNames,
  summary: async () => claimSummary,
  progress: async () => ({ kind: 'going' }),
};

beforeAll(async () => {
  local = await startLocalTable();
  const { db, tableName } = local;
  const people = new PeopleRepository(db, tableName);
  const clock = new VirtualClock();
  for (const person of demoPeople) await people.put(person, clock.now());
  deps = {
    tasks: new TaskRepository(db, tableName),
    subjects,
    people,
    audit: new AuditTrail(db, tableName),
    mailer: {
      send: async (mail) => {
        const refusal = ses(mail);
        if (refusal === 'no answer') return new Promise<never>(() => undefined);
        if (refusal) throw refusal;
        sent.push(mail);
      },
    },
    workflow: {
      deliver: async (token, output) => {
        const answer = answers.shift() ?? 'delivered';
        if (answer === 'delivered') delivered.push({ token, output });
        return answer;
      },
      isRunning: async (arn) => {
        if (arn === broken) throw new Error('AccessDeniedException: not authorized to DescribeExecution');
        return running;
      },
      executionState: async (arn) => {
        if (arn === broken) throw new Error('AccessDeniedException: not authorized to DescribeExecution');
        return running ? 'running' : succeeded ? 'succeeded' : 'ended';
      },
      release: async (token, error) => {
        released.push({ token, error });
        return 'delivered';
      },
    },
    clock,
    baseUrl: 'https://tasks.example.com',
    linkKey: 'a test key of at least thirty-two characters',
    ops: { tell: (event) => void told.push(event) },
    outbox: new MailOutbox(db, tableName),
  };
});

afterAll(async () => {
  (deps?.clock as VirtualClock | undefined)?.dispose();
  await local?.close();
});

beforeEach(() => {
  sent = [];
  ses = () => undefined;
  told = [];
  answers = [];
  delivered = [];
  running = true;
  succeeded = false;
  broken = undefined;
});

function request(overrides: Partial<OpenTaskInput> = {}): OpenTaskInput {
  n++;
  return {
    taskToken: `token-${n}`,
    workflow: 'expense-approval',
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

/** Both parts of the SLA sweep, in the order the schedule runs them, their reports merged. */
async function sweep(limits: SweepLimits = unlimited) {
  const deliveries = await sweepDeliveries(deps, limits);
  const mail = await sweepMail(deps, limits);
  return {
    ...deliveries,
    ...mail,
    failed: deliveries.failed + mail.failed,
    backlog: deliveries.backlog || mail.backlog,
  };
}

/** A task approved through the API whose SendTaskSuccess failed: the decision is kept for the sweep to deliver. */
async function decidedButNotDelivered(input: OpenTaskInput = request()): Promise<StoredTask> {
  const task = await openTask(deps, input);
  answers = ['retry'];
  const decision = { via: 'api' as const, taskId: task.id, caller: task.assignee, fields: {}, comment: '' };
  expect((await decideTask(deps, { ...decision, outcome: 'approve' })).kind).toBe(
    'recorded-pending-delivery',
  );
  return task;
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

    await sweep(); // not due yet: the first retry waits a minute
    expect(delivered).toHaveLength(0);
    (deps.clock as VirtualClock).advance(61);
    await sweep(); // second failure: backs off two minutes
    expect(delivered).toHaveLength(0);
    (deps.clock as VirtualClock).advance(121);
    const report = await sweep();
    expect(report.redelivered).toBe(1);
    expect(delivered).toEqual([{ token: task.token, output: { taskId: task.id, outcome: 'approve' } }]);
    expect((await deps.tasks.get(task.id))?.delivery).toBe('delivered');
    await sweep();
    expect(delivered).toHaveLength(1);
  });
});

describe('a decision racing a write that leaves the task open', () => {
  it('is taken on the task as it is now, not refused as an unknown task', async () => {
    const task = await openTask(deps, request());
    // Between the decision's read and its write, something records on the task without deciding it (its mail,
    // a retry's bookkeeping): the decision's conditional write loses the race once.
    const tasks = deps.tasks;
    const read = tasks.get.bind(tasks);
    let raced = false;
    tasks.get = async (id) => {
      const found = await read(id);
      if (found && !raced) {
        raced = true;
        await tasks.replace(found, { ...found, mailedAt: deps.clock.now().toISOString() });
      }
      return found;
    };
    let result: Awaited<ReturnType<typeof decideTask>>;
    try {
      result = await decideTask(deps, {
        via: 'api',
        taskId: task.id,
        caller: task.assignee,
        outcome: 'approve',
        fields: {},
        comment: '',
      });
    } finally {
      // Back to the repository's own method.
      Reflect.deleteProperty(tasks, 'get');
    }
    expect(raced).toBe(true);
    expect(result.kind).toBe('decided');
    expect((await tasks.get(task.id))?.status).toBe('DECIDED');
    expect(delivered).toEqual([{ token: task.token, output: { taskId: task.id, outcome: 'approve' } }]);
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
    const task = await decidedButNotDelivered();
    (deps.clock as VirtualClock).advance(61);
    answers = ['timed-out'];
    running = true;
    expect((await sweep()).redelivered).toBe(1);
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'DECIDED', delivery: 'delivered' });
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).not.toContain(
      'decision-undeliverable',
    );
  });

  it('was delivered after all when its redelivery gets TaskTimedOut and the workflow has since succeeded', async () => {
    // The last step's decision reached the workflow, which ended, but the answer to SendTaskSuccess was lost.
    const task = await decidedButNotDelivered();
    (deps.clock as VirtualClock).advance(61);
    answers = ['timed-out'];
    running = false;
    succeeded = true;
    expect((await sweep()).redelivered).toBe(1);
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'DECIDED', delivery: 'delivered' });
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).not.toContain(
      'decision-undeliverable',
    );
  });

  it('is undeliverable when its redelivery gets TaskTimedOut and the workflow has stopped', async () => {
    const task = await decidedButNotDelivered();
    (deps.clock as VirtualClock).advance(61);
    answers = ['timed-out'];
    running = false;
    await sweep();
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'CANCELLED', delivery: 'too-late' });
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).toContain('decision-undeliverable');
  });

  it('is too late when its redelivery finds the deadline passed', async () => {
    const task = await decidedButNotDelivered(request({ deadlineSeconds: 3600 }));
    (deps.clock as VirtualClock).advance(7200);
    answers = ['timed-out'];
    await sweep();
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'EXPIRED', delivery: 'too-late' });
    expect((await deps.audit.of(task.subject.id)).map((e) => e.action)).toContain('decision-too-late');
  });
});

describe('opening', () => {
  it('makes one task and one mail per workflow state even when the Lambda runs twice', async () => {
    const input = request();
    const first = await openTask(deps, input);
    const second = await openTask(deps, input);
    expect(second).toEqual(first);
    expect(first.mailedAt).toBeDefined();
    expect(await deps.tasks.ofSubject(input.subject.id)).toHaveLength(1);
    expect(sent).toHaveLength(1);
  });

  it('mails the same link again when a run stopped after storing the task, before SES answered', async () => {
    const input = request();
    const first = await openTask(deps, input);
    const firstMail = sent.at(-1);
    // As if the run had stopped right after storing the task: nothing says whether its mail went out.
    const unknown = { ...first, mailedAt: undefined };
    await deps.tasks.replace(first, unknown);
    sent = [];
    const again = await openTask(deps, input);
    expect(again.id).toBe(first.id);
    expect(again.linkHash).toBe(first.linkHash);
    expect(sent).toHaveLength(1);
    // The link in the first mail still opens the task: a second run must not void what the assignee may have.
    const linkOf = (text: string | undefined) =>
      /\/t\/[A-Za-z0-9_-]+\?k=[A-Za-z0-9_-]+/.exec(text ?? '')?.[0];
    expect(linkOf(firstMail?.text)).toBeDefined();
    expect(linkOf(sent[0]?.text)).toBe(linkOf(firstMail?.text));
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

  it('never gives the requester’s stand-in their task, nor the stand-in’s own stand-in when that one is away too', async () => {
    const today = localDate(deps.clock.now());
    const away = (email: string) => ({ email, from: today, until: addDays(today, 5) });
    const [li, han] = ['li.lei@example.com', 'han.meimei@example.com'].map((email) =>
      demoPeople.find((p) => p.email === email),
    );
    if (!li || !han) throw new Error('seed changed');
    // Li Lei is away with Han Meimei standing in, who is away too with finance's Qian Yu standing in for her: Li Lei's
    // tasks would reach Qian Yu, so Qian Yu may not decide Li Lei's own claim's finance step either.
    await deps.people.put({ ...li, delegate: away(han.email) }, deps.clock.now());
    await deps.people.put({ ...han, delegate: away('qian.yu@example.com') }, deps.clock.now());
    try {
      const task = await openTask(deps, request({ assignee: { role: 'finance' } }));
      expect(task.assignee).toBe('zhou.qiang@example.com');
    } finally {
      await deps.people.put(li, deps.clock.now());
      await deps.people.put(han, deps.clock.now());
    }
  });

  it('gives the requester a step that records what they report, when the step says so', async () => {
    const task = await openTask(
      deps,
      request({ assignee: { person: 'li.lei@example.com' }, requesterMayDecide: true }),
    );
    expect(task.assignee).toBe('li.lei@example.com');
    expect((await deps.tasks.get(task.id))?.requesterMayDecide).toBe(true);
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

    expect(await closeExpiredTasks(deps, input.subject.id, input.executionArn, claimNames)).toBe(1);

    expect(await deps.tasks.get(open.id)).toMatchObject({ status: 'EXPIRED', closedReason: 'deadline' });
    expect(await deps.tasks.get(decided.id)).toMatchObject({
      status: 'DECIDED',
      decision: { outcome: 'approve' },
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.to).toBe('anna.smith@example.com');
    expect(sent[0]?.subject).toBe(`[Expired] Expense claim ${input.subject.id}: Taxi`);
    expect(sent[0]?.text).toContain('Hello Anna Smith,');
    expect(sent[0]?.text).toContain('without a decision from 赵敏.');
    expect(sent[0]?.text).not.toContain('zhao.min@example.com');
    const expired = (await deps.audit.of(input.subject.id)).filter((e) => e.action === 'task-expired');
    expect(expired.map((e) => e.detail?.taskId)).toEqual([open.id]);

    // The timeout path's step retried: nothing left to close, nobody told twice.
    expect(await closeExpiredTasks(deps, input.subject.id, input.executionArn, claimNames)).toBe(0);
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

describe('escalation', () => {
  // Anna Smith reads English; her manager 赵敏 takes her tasks over at escalation.
  const annasTask = () =>
    request({
      assignee: { person: 'anna.smith@example.com' },
      sla: { reminderAfter: { hours: 1 }, escalateAfter: { hours: 2 } },
    });
  const about = (id: string) => sent.filter((mail) => mail.subject.includes(id));

  it('reminds only the assignee, then on escalation mails the former assignee, in her language, who has it now by name', async () => {
    const input = annasTask();
    const task = await openTask(deps, input);
    expect(task.assignee).toBe('anna.smith@example.com');
    const id = input.subject.id;
    sent = [];

    (deps.clock as VirtualClock).advance(90 * 60);
    await sweep();
    expect(about(id).map((mail) => [mail.to, mail.subject])).toEqual([
      ['anna.smith@example.com', `[Reminder] Expense claim ${id}: Taxi`],
    ]);
    sent = [];

    (deps.clock as VirtualClock).advance(90 * 60);
    await sweep();
    expect(await deps.tasks.get(task.id)).toMatchObject({
      assignee: 'zhao.min@example.com',
      escalated: true,
    });
    expect(about(id).map((mail) => [mail.to, mail.subject])).toEqual([
      ['zhao.min@example.com', `[已升级] 费用报销 ${id}：Taxi`],
      ['anna.smith@example.com', `[Reassigned] Expense claim ${id}: Taxi`],
    ]);
    const moved = about(id)[1];
    expect(moved?.text).toContain('Hello Anna Smith,');
    expect(moved?.text).toContain(
      `The task about Expense claim ${id} (Taxi) was reassigned to 赵敏 because it was not decided within its response time`,
    );
    expect(moved?.text).toContain('There is nothing more for you to do on it.');
    for (const part of [moved?.text, moved?.html]) {
      expect(part).not.toContain('zhao.min@example.com');
      // The old link is dead and the new one is not hers: the notice carries no task link at all.
      expect(part).not.toContain('/t/');
    }
    const escalated = (await deps.audit.of(id)).filter((e) => e.action === 'task-escalated');
    expect(escalated.map((e) => e.detail)).toMatchObject([
      { taskId: task.id, from: 'anna.smith@example.com', to: 'zhao.min@example.com' },
    ]);
  });

  it('keeps the escalation when the mail to the former assignee fails', async () => {
    const input = annasTask();
    const task = await openTask(deps, input);
    const mailer = deps.mailer;
    deps.mailer = {
      send: async (mail) => {
        if (mail.to === 'anna.smith@example.com') throw new Error('mail service unavailable');
        sent.push(mail);
      },
    };
    try {
      sent = [];
      (deps.clock as VirtualClock).advance(3 * 3600);
      await sweep();
    } finally {
      deps.mailer = mailer;
    }
    const now = deps.clock.now().getTime();
    const after = await deps.tasks.get(task.id);
    expect(after).toMatchObject({ assignee: 'zhao.min@example.com', escalated: true });
    // The new assignee's mail went out, so no re-send in five minutes was scheduled: the next reminder is an hour away.
    expect(about(input.subject.id).map((mail) => mail.to)).toEqual(['zhao.min@example.com']);
    expect(Date.parse(after?.remindAt ?? '')).toBeGreaterThan(now + 55 * 60_000);
  });
});

describe('a step due by a date', () => {
  const production = 'feng.lin@example.com';
  const followers = ['li.lei@example.com', 'sun.li@example.com'];
  const clock = () => deps.clock as VirtualClock;

  it('chases nobody before its date; the day after, reminds the assignee and alerts the followers once; it stays open', async () => {
    const dueOn = addDays(localDate(clock().now()), 3);
    const dayAfter = startOfLocalDate(addDays(dueOn, 1));
    const input = request({
      assignee: { person: production },
      sla: {
        reminderAfter: { businessDays: 2 },
        escalateAfter: { businessDays: 5 },
        dueOn,
        alertAtDue: followers,
      },
      deadlineSeconds: 60 * 86_400,
    });
    const task = await openTask(deps, input);
    const about = () => sent.filter((mail) => mail.subject.includes(input.subject.id));
    // Reminders and escalation count from the day after the due date, not from the opening.
    expect(task.dueAlertAt).toBe(dayAfter.toISOString());
    expect(task.remindAt).toBe(addDuration(dayAfter, { businessDays: 2 }).toISOString());
    expect(task.escalateAt).toBe(addDuration(dayAfter, { businessDays: 5 }).toISOString());
    sent = [];

    clock().advance(Math.floor((dayAfter.getTime() - clock().now().getTime()) / 1000) - 60);
    await sweep();
    expect(about()).toEqual([]);

    clock().advance(2 * 3600);
    await sweep();
    expect(about().map((mail) => [mail.to, mail.subject.split(' ')[0]])).toEqual([
      [production, '[提醒]'],
      ...followers.map((to) => [to, '[已逾期]']),
    ]);
    const overdue = about().find((mail) => mail.to === followers[0]);
    expect(overdue?.text).toContain('冯林');
    expect(overdue?.text).toContain(dueOn.slice(0, 4));

    sent = [];
    clock().advance(3600);
    await sweep();
    expect(about()).toEqual([]);
    const after = await deps.tasks.get(task.id);
    expect(after).toMatchObject({ status: 'PENDING', assignee: production, remindAt: task.remindAt });
    expect(after?.dueAlertAt).toBeUndefined();
    expect((await deps.audit.of(input.subject.id)).filter((e) => e.action === 'task-overdue')).toHaveLength(
      1,
    );
  });

  it('alerts at the next sweep when it opens with its date already passed', async () => {
    const input = request({
      assignee: { person: production },
      sla: {
        reminderAfter: { businessDays: 2 },
        escalateAfter: { businessDays: 5 },
        dueOn: addDays(localDate(clock().now()), -2),
        alertAtDue: followers,
      },
    });
    const task = await openTask(deps, input);
    expect(Date.parse(task.remindAt ?? '')).toBeGreaterThan(clock().now().getTime());
    sent = [];
    await sweep();
    expect(
      sent.filter((mail) => mail.subject.startsWith('[已逾期]') && mail.subject.includes(input.subject.id)),
    ).toHaveLength(2);
  });
});

describe('tasks no longer needed', () => {
  it('closes every open task of the subject, ends each wait with the error, and repeats harmlessly', async () => {
    const first = request();
    const subject = first.subject;
    const a = await openTask(deps, first);
    const b = await openTask(
      deps,
      request({ subject, stateName: 'Another step', taskToken: `token-b-${n}` }),
    );
    const decided = await openTask(
      deps,
      request({ subject, stateName: 'Decided step', taskToken: `token-d-${n}` }),
    );
    await decideTask(deps, {
      via: 'api',
      taskId: decided.id,
      caller: decided.assignee,
      outcome: 'approve',
      fields: {},
      comment: '',
    });
    released.splice(0);
    const closed = await closeTasksNoLongerNeeded(deps, subject.id, 'the next level came', 'FollowUpClosed');
    expect(closed).toBe(2);
    for (const task of [a, b]) {
      expect(await deps.tasks.get(task.id)).toMatchObject({
        status: 'CANCELLED',
        closedReason: 'the next level came',
      });
    }
    expect((await deps.tasks.get(decided.id))?.status).toBe('DECIDED');
    expect(released.map((r) => r.error)).toEqual(['FollowUpClosed', 'FollowUpClosed']);
    expect(new Set(released.map((r) => r.token))).toEqual(new Set([a.token, b.token]));
    // A retried step closes nothing more and records nothing more, but ends the waits again (harmless).
    expect(await closeTasksNoLongerNeeded(deps, subject.id, 'the next level came', 'FollowUpClosed')).toBe(0);
    const superseded = (await deps.audit.of(subject.id)).filter((e) => e.action === 'task-superseded');
    expect(superseded).toHaveLength(2);
  });
});

describe('the sweeper', () => {
  it('cancels, without mailing anyone, a task whose workflow is no longer running', async () => {
    const task = await openTask(deps, request());
    running = false;
    sent = [];
    (deps.clock as VirtualClock).advance(5 * 86400);
    const report = await sweep();
    expect(report.cancelled).toBeGreaterThanOrEqual(1);
    expect((await deps.tasks.get(task.id))?.status).toBe('CANCELLED');
    expect(sent).toHaveLength(0);
  });
});

const clock = () => deps.clock as VirtualClock;

/** Earlier tests leave open tasks behind in the shared table; these tests count what the sweeper does to theirs. */
async function closeEverythingOpen(): Promise<void> {
  for (const task of await deps.tasks.allWithNextAction()) {
    const current = await deps.tasks.get(task.id);
    if (current) await deps.tasks.replace(current, { ...current, status: 'CANCELLED', delivery: undefined });
  }
  sent = [];
}
const actions = async (subjectId: string) => (await deps.audit.of(subjectId)).map((e) => e.action);
/** Hours, so tests do not depend on which weekday the virtual clock is on. */
const hourly = { reminderAfter: { hours: 1 }, escalateAfter: { hours: 48 } };

describe('a task mail SES does not take (its sandbox, an unverified recipient)', () => {
  beforeEach(closeEverythingOpen);

  const refusal = () =>
    new MailRefused(
      'MessageRejected: Email address is not verified. The following identities failed the check in region CN-NORTH-1: zhao.min@example.com',
    );

  it('leaves the task open and its workflow waiting; the trail and ops hear of it; the sweeper sends a fresh link', async () => {
    ses = refusal;
    const input = request({ sla: hourly });
    const task = await openTask(deps, input);
    expect(task).toMatchObject({ status: 'PENDING', mailRetry: { kind: 'opened', attempts: 1 } });
    expect(task.mailedAt).toBeUndefined();
    expect(sent).toHaveLength(0);
    const trail = await deps.audit.of(input.subject.id);
    expect(trail.map((e) => e.action)).toEqual(['task-opened', 'task-mail-refused']);
    expect(trail[1]?.detail).toMatchObject({ taskId: task.id, to: 'zhao.min@example.com', attempt: 1 });
    expect(String(trail[1]?.detail?.reason)).toContain('Email address is not verified');
    expect(told).toEqual([
      expect.objectContaining({
        event: 'mail-not-sent',
        workflow: 'expense-approval',
        taskId: task.id,
        refused: true,
      }),
    ]);

    // The step's Lambda ran again: the same task, nothing sent or told twice.
    expect((await openTask(deps, input)).id).toBe(task.id);
    expect(told).toHaveLength(1);

    // Still refused at the first retry, five minutes on: the next waits ten.
    clock().advance(5 * 60);
    await sweep();
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'PENDING', mailRetry: { attempts: 2 } });
    expect(sent).toHaveLength(0);

    // The recipient was verified meanwhile: the retry's mail goes out, with a link that was never sent before.
    ses = () => undefined;
    clock().advance(10 * 60);
    const report = await sweep();
    expect(report.resent).toBe(1);
    const after = await deps.tasks.get(task.id);
    expect(after?.mailRetry).toBeUndefined();
    expect(after?.mailedAt).toBeDefined();
    expect(after?.retiredLinks.map((link) => link.reason)).toEqual(['resent', 'resent']);
    expect(sent.map((mail) => mail.to)).toEqual(['zhao.min@example.com']);
    expect(sent[0]?.subject).toMatch(/^\[待审批\] /);
    expect(await actions(input.subject.id)).toEqual([
      'task-opened',
      'task-mail-refused',
      'task-mail-resent',
      'task-mail-refused',
      'task-mail-resent',
    ]);
    await sweep();
    expect(sent).toHaveLength(1);
  });

  it('treats a fault that outlived the SDK’s retries the same way, recorded as a failure, not a refusal', async () => {
    ses = () => Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    const input = request();
    const task = await openTask(deps, input);
    expect(task.status).toBe('PENDING');
    expect(await actions(input.subject.id)).toEqual(['task-opened', 'task-mail-failed']);
    expect(told).toEqual([expect.objectContaining({ event: 'mail-not-sent', refused: false })]);
  });

  it('keeps an outcome mail SES refused, and the sweep sends it once it can', async () => {
    const mailer = subjectMailer(deps);
    const about = { subjectId: 'EX-2026-09001', workflow: 'expense-approval' };
    const outcome = {
      to: 'li.lei@example.com',
      subject: '[已批准] 费用报销',
      html: '<p>已批准</p>',
      text: '已批准',
    };
    ses = refusal;
    await mailer.send(outcome, about);
    expect(await actions(about.subjectId)).toEqual(['mail-refused']);
    expect(told).toEqual([expect.objectContaining({ event: 'mail-not-sent', subjectId: about.subjectId })]);

    ses = () => undefined;
    expect((await sweep()).mailsResent).toBe(0); // not due for five minutes
    clock().advance(5 * 60);
    expect((await sweep()).mailsResent).toBe(1);
    expect(sent).toEqual([outcome]);
    expect(await actions(about.subjectId)).toEqual(['mail-refused', 'mail-resent']);
    clock().advance(24 * 3600);
    await sweep();
    expect(sent).toHaveLength(1);
  });
});

describe('a run cut off between storing a fresh link and SES answering (killed, timed out)', () => {
  beforeEach(closeEverythingOpen);

  it('leaves that link unconfirmed, and the sweep mails a fresh one once the run must be dead', async () => {
    const task = await openTask(deps, request({ sla: hourly }));
    expect(task).toMatchObject({ mailedAt: expect.any(String) });
    expect(task.unconfirmedMail).toBeUndefined();
    clock().advance(3600);
    sent = [];
    ses = () => 'no answer';
    // The reminder's run stores its link, then never hears from SES: nothing after that point happens.
    void sweepMail(deps);
    const stranded = await eventually(async () => {
      const current = await deps.tasks.get(task.id);
      return current?.linkVersion === 2 ? current : undefined;
    }, 'the reminder link stored');
    expect(stranded).toMatchObject({ unconfirmedMail: { kind: 'reminder' } });
    expect(stranded.mailedAt).toBeUndefined();

    // Within the grace a run may still be at work: nothing is sent over its head.
    ses = () => undefined;
    clock().advance(10 * 60);
    expect((await sweepMail(deps)).resent).toBe(0);
    expect(sent).toHaveLength(0);

    clock().advance(5 * 60);
    expect((await sweepMail(deps)).resent).toBe(1);
    const after = await deps.tasks.get(task.id);
    expect(after).toMatchObject({ linkVersion: 3, mailedAt: expect.any(String) });
    expect(after?.unconfirmedMail).toBeUndefined();
    expect(after?.retiredLinks.map((link) => link.reason)).toEqual(['reminded', 'resent']);
    expect(sent.map((mail) => [mail.to, mail.subject.slice(0, 4)])).toEqual([
      ['zhao.min@example.com', '[提醒]'],
    ]);
    expect(await actions(task.subject.id)).toEqual(['task-opened', 'task-reminded', 'task-mail-resent']);

    await sweepMail(deps);
    expect(sent).toHaveLength(1);
  });
});

describe('the sweeper in bounded batches', () => {
  beforeEach(closeEverythingOpen);

  it('stops taking batches when its time is nearly up, says so, and the next run handles the rest', async () => {
    // The mail part, where the work is; the delivery part shares the same loop.
    const mine = [];
    for (let i = 0; i < 12; i++) mine.push(await openTask(deps, request({ sla: hourly })));
    clock().advance(2 * 3600);
    sent = [];
    let batches = 0;
    const first = await sweepMail(deps, {
      timeLeftMs: () => (batches++ < 2 ? 60_000 : 1_000),
      reserveMs: 5_000,
      pageSize: 5,
      concurrency: 2,
    });
    expect(first.backlog).toBe(true);
    expect(told).toEqual([expect.objectContaining({ event: 'sweep-backlog' })]);
    const remindedFirst = (await Promise.all(mine.map((t) => deps.tasks.get(t.id)))).filter(
      (t) => t?.remindAt === undefined,
    );
    expect(remindedFirst.length).toBeGreaterThan(0);
    expect(remindedFirst.length).toBeLessThanOrEqual(10);

    const second = await sweep();
    expect(second.backlog).toBe(false);
    const all = await Promise.all(mine.map((t) => deps.tasks.get(t.id)));
    expect(all.every((t) => t?.remindAt === undefined)).toBe(true);
    expect(new Set(sent.map((mail) => mail.to))).toEqual(new Set(['zhao.min@example.com']));
    expect(sent.filter((mail) => mail.subject.startsWith('[提醒]'))).toHaveLength(12);
  });

  it('counts each task its delivery part could not handle for ops, and still handles the others', async () => {
    const failing = await openTask(deps, request({ sla: hourly }));
    const fine = await openTask(deps, request({ sla: hourly }));
    broken = failing.workflow.executionArn;
    running = false;
    clock().advance(2 * 3600);
    const report = await sweepDeliveries(deps);
    expect(report).toMatchObject({ failed: 1, cancelled: 1 });
    expect(told).toContainEqual(
      expect.objectContaining({
        event: 'sweep-task-failed',
        taskId: failing.id,
        workflow: 'expense-approval',
        reason: expect.stringContaining('DescribeExecution'),
      }),
    );
    expect((await deps.tasks.get(fine.id))?.status).toBe('CANCELLED');
    expect((await deps.tasks.get(failing.id))?.status).toBe('PENDING');
  });

  it('counts each task its mail part could not handle for ops, and still handles the others', async () => {
    const escalating = { reminderAfter: { hours: 1 }, escalateAfter: { hours: 2 } };
    const failing = await openTask(
      deps,
      request({ sla: escalating, assignee: { person: 'han.meimei@example.com' } }),
    );
    const fine = await openTask(deps, request({ sla: escalating }));
    clock().advance(3 * 3600);
    const directory = deps.people.get.bind(deps.people);
    const lookUp = vi.spyOn(deps.people, 'get').mockImplementation(async (email) => {
      if (email === failing.assignee) throw new Error('ProvisionedThroughputExceededException: slow down');
      return directory(email);
    });
    try {
      const report = await sweepMail(deps);
      expect(report).toMatchObject({ failed: 1, escalated: 1 });
    } finally {
      lookUp.mockRestore();
    }
    expect(told).toContainEqual(
      expect.objectContaining({
        event: 'sweep-task-failed',
        taskId: failing.id,
        workflow: 'expense-approval',
      }),
    );
    expect(await deps.tasks.get(fine.id)).toMatchObject({ escalated: true });
    expect(await deps.tasks.get(failing.id)).toMatchObject({ assignee: failing.assignee, escalated: false });
  });

  it('closes a task its workflow left open a day past the deadline', async () => {
    const task = await openTask(
      deps,
      request({ deadlineSeconds: 3600, sla: { reminderAfter: { hours: 0 }, escalateAfter: { hours: 0 } } }),
    );
    await deps.tasks.replace(task, { ...task, remindAt: undefined, escalateAt: undefined, escalated: true });
    clock().advance(3600 + 23 * 3600);
    await sweep();
    expect((await deps.tasks.get(task.id))?.status).toBe('PENDING');
    clock().advance(2 * 3600);
    const report = await sweep();
    expect(report.expired).toBe(1);
    expect(await deps.tasks.get(task.id)).toMatchObject({ status: 'EXPIRED' });
    expect(await actions(task.subject.id)).toContain('task-expired');
  });

  it('marks a task nobody can take over at its escalation point, which the gauges count', async () => {
    // The legal head's task about the sales director's own subject: her manager is the requester himself.
    const task = await openTask(
      deps,
      request({
        assignee: { person: 'chen.jing@example.com' },
        requester: 'zhou.qiang@example.com',
        sla: { reminderAfter: { hours: 1 }, escalateAfter: { hours: 2 } },
      }),
    );
    clock().advance(3 * 3600);
    await sweep();
    const stuck = await deps.tasks.get(task.id);
    expect(stuck).toMatchObject({ status: 'PENDING', assignee: 'chen.jing@example.com', escalated: false });
    // Tried again a day later: the directory may have been fixed by then.
    expect(Date.parse(stuck?.escalateAt ?? '')).toBeGreaterThan(deps.clock.now().getTime() + 23 * 3600_000);
    expect(stuck?.escalationFailed).toContain('zhou.qiang@example.com');
    expect(await actions(task.subject.id)).toContain('task-escalation-failed');
    const [gauges] = tasksOpenPerWorkflow([stuck as StoredTask], ['expense-approval'], deps.clock.now());
    expect(gauges).toMatchObject({ workflow: 'expense-approval', openTasks: 1, tasksPastEscalation: 1 });
    expect(gauges?.oldestOpenTaskAgeSeconds).toBe(3 * 3600);
  });
});

describe('a bounced approver', () => {
  beforeEach(closeEverythingOpen);

  it('is marked undeliverable; their open tasks go to their manager with a fresh link, audited; new ones skip them', async () => {
    const zhao = demoPeople.find((p) => p.email === 'zhao.min@example.com');
    if (!zhao) throw new Error('seed changed');
    const task = await openTask(deps, request());
    expect(task.assignee).toBe('zhao.min@example.com');
    sent = [];
    try {
      const report = await handleHardBounce(
        deps,
        'Zhao.Min@Example.com',
        'General: smtp; 550 5.1.1 user unknown',
      );
      expect(report).toEqual({
        email: 'zhao.min@example.com',
        known: true,
        reassigned: [{ taskId: task.id, subjectId: task.subject.id, to: 'sun.li@example.com' }],
      });
      expect((await deps.people.get('zhao.min@example.com'))?.undeliverable?.reason).toContain('550 5.1.1');
      const moved = await deps.tasks.get(task.id);
      expect(moved).toMatchObject({ status: 'PENDING', assignee: 'sun.li@example.com' });
      expect(moved?.retiredLinks).toMatchObject([
        { hash: task.linkHash, reason: 'reassigned', to: 'sun.li@example.com' },
      ]);
      expect(sent.map((mail) => mail.to)).toEqual(['sun.li@example.com']);
      expect(sent[0]?.subject).toMatch(/^\[已转交\] /);
      expect(sent[0]?.text).toContain('邮件被退回');
      const reassigned = (await deps.audit.of(task.subject.id)).find((e) => e.action === 'task-reassigned');
      expect(reassigned?.detail).toMatchObject({ from: 'zhao.min@example.com', to: 'sun.li@example.com' });
      expect(String(reassigned?.detail?.reason)).toContain('bounced');
      expect(told).toEqual([
        {
          event: 'address-bounced',
          email: 'zhao.min@example.com',
          known: true,
          reassigned: 1,
          notReassigned: 0,
        },
      ]);

      // A new task for her goes to her manager straight away.
      expect((await openTask(deps, request())).assignee).toBe('sun.li@example.com');
      // The same bounce again changes nothing.
      expect((await handleHardBounce(deps, 'zhao.min@example.com', 'again')).reassigned).toEqual([]);
      expect(sent).toHaveLength(2);
    } finally {
      // Saving the person again is how an admin clears the mark.
      await deps.people.put(zhao, deps.clock.now());
    }
    expect((await deps.people.get('zhao.min@example.com'))?.undeliverable).toBeUndefined();
  });

  it('an address nobody in the directory has is only reported to ops', async () => {
    const report = await handleHardBounce(deps, 'nobody@example.com', 'General');
    expect(report).toEqual({ email: 'nobody@example.com', known: false, reassigned: [] });
    expect(told).toEqual([expect.objectContaining({ event: 'address-bounced', known: false })]);
  });
});
