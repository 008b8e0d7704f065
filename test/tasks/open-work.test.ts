// The gauges ops read (open tasks, the oldest, past escalation, subjects needing attention) and the EMF lines behind them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportOpenWork } from '#human-tasks/report-open-work.ts';
import { type StoredTask, TaskRepository } from '#human-tasks/task-repository.ts';
import { MailOutbox } from '#shared/mail-outbox.ts';
import { emfOps } from '#shared/ops-signals.ts';
import { countNeedingAttention } from '#shared/workflow-kit/attention-index.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';
import { SubjectItems } from '#shared/workflow-kit/subject-items.ts';
import { pendingTask } from '../fixtures/task.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
const now = new Date('2026-11-24T06:00:00.000Z');
const hoursAgo = (hours: number) => new Date(now.getTime() - hours * 3600_000).toISOString();

beforeAll(async () => {
  local = await startLocalTable();
});

afterAll(async () => {
  await local?.close();
});

let n = 0;
function task(slug: string, overrides: Partial<StoredTask> = {}): StoredTask {
  n++;
  return {
    ...pendingTask({
      type: 'test-review',
      workflow: {
        slug,
        executionArn: `arn:aws:states:us-east-1:1:execution:test-${slug}:X-${n}`,
        stateName: 'Review',
      },
      subject: { kind: 'expense-claim', id: `EX-2026-${String(n).padStart(5, '0')}`, version: 1 },
      title: 'Taxi',
    }),
    id: `task-${n}`,
    deadlineAt: hoursAgo(-240),
    token: `token-${n}`,
    ...overrides,
  };
}

describe('what is open, per workflow', () => {
  it('counts open tasks, the oldest one’s age, those past escalation, and subjects needing attention', async () => {
    const tasks = new TaskRepository(local.db, local.tableName);
    await tasks.create(
      task('expense-approval', {
        openedAt: hoursAgo(30),
        remindAt: hoursAgo(-1),
        mailRetry: { kind: 'opened', at: hoursAgo(-0.1), attempts: 3, reason: 'MessageRejected' },
      }),
    );
    await tasks.create(task('expense-approval', { openedAt: hoursAgo(2), escalateAt: hoursAgo(1) }));
    await tasks.create(
      task('expense-approval', { openedAt: hoursAgo(50), escalated: true, escalationFailed: 'no manager' }),
    );
    // Decided, its delivery still pending: in the due index, but not open.
    await tasks.create(
      task('contract-review', {
        status: 'DECIDED',
        delivery: 'pending',
        openedAt: hoursAgo(99),
        decision: {
          outcome: 'approve',
          fields: {},
          comment: '',
          decidedBy: 'x@example.com',
          decidedAt: hoursAgo(1),
        },
      }),
    );
    // Escalation due a moment ago: the sweep has not run yet, which is not "nobody acting".
    await tasks.create(task('contract-review', { openedAt: hoursAgo(3), escalateAt: hoursAgo(0.1) }));
    // A reminder whose run died before SES answered, past its grace: its link waits for the sweep to go out again.
    await tasks.create(
      task('expense-application', {
        openedAt: hoursAgo(4),
        unconfirmedMail: { kind: 'reminder', checkAt: hoursAgo(0.5) },
      }),
    );
    // One still within its grace: its run may be at work.
    await tasks.create(
      task('expense-application', {
        openedAt: hoursAgo(1),
        unconfirmedMail: { kind: 'opened', checkAt: hoursAgo(-0.2) },
      }),
    );

    // An outcome mail SES refused, kept for the sweep.
    await new MailOutbox(local.db, local.tableName).keep({
      id: 'kept-1',
      subjectId: 'CT-2026-00001',
      workflow: 'contract-review',
      mail: { to: 'li.lei@example.com', subject: '[已签署]', html: '', text: '' },
      attempts: 1,
      retryAt: hoursAgo(-0.1),
      firstFailedAt: hoursAgo(0.1),
      reason: 'MessageRejected',
    });

    const claims = new SubjectItems<Subject>(local, {
      entity: 'expense-claim',
      key: (id) => ({ pk: `EXPENSE#${id}`, sk: 'CLAIM' }),
    });
    const stuck = await claims.save({
      id: 'EX-2026-09001',
      version: 1,
      revision: 0,
      status: 'NEEDS_ATTENTION',
      attention: {
        at: hoursAgo(5),
        workflow: 'expense-approval',
        error: 'TypeError',
        cause: 'x',
        executionArn: 'a',
      },
    });

    const report = await reportOpenWork(
      local,
      ['expense-approval', 'contract-review', 'expense-application'],
      now,
    );
    expect(report).toEqual([
      {
        workflow: 'expense-approval',
        openTasks: 3,
        oldestOpenTaskAgeSeconds: 50 * 3600,
        tasksPastEscalation: 2,
        mailsAwaitingResend: 1,
        subjectsNeedingAttention: 1,
      },
      {
        workflow: 'contract-review',
        openTasks: 1,
        oldestOpenTaskAgeSeconds: 3 * 3600,
        tasksPastEscalation: 0,
        mailsAwaitingResend: 1,
        subjectsNeedingAttention: 0,
      },
      {
        workflow: 'expense-application',
        openTasks: 2,
        oldestOpenTaskAgeSeconds: 4 * 3600,
        tasksPastEscalation: 0,
        mailsAwaitingResend: 1,
        subjectsNeedingAttention: 0,
      },
    ]);
    // Nothing open still reports zeros, so the alarms always have data.
    const quiet = await reportOpenWork(local, ['order-handoff'], now);
    expect(quiet).toEqual([
      {
        workflow: 'order-handoff',
        openTasks: 0,
        oldestOpenTaskAgeSeconds: 0,
        tasksPastEscalation: 0,
        mailsAwaitingResend: 0,
        subjectsNeedingAttention: 0,
      },
    ]);

    // Revised and back in review: it leaves the index with the status.
    await claims.save({ ...stuck, status: 'IN_REVIEW' });
    expect(await countNeedingAttention(local, 'expense-approval')).toBe(0);
  });
});

describe('ops signals', () => {
  it('are EMF metrics in the SalesOps namespace with the dimensions the alarms read', () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      emfOps.tell({
        event: 'mail-not-sent',
        workflow: 'expense-approval',
        subjectId: 'EX-2026-00001',
        to: 'zhao.min@example.com',
        refused: true,
        reason: 'MessageRejected',
      });
      emfOps.tell({ event: 'sweep-task-failed', workflow: 'expense-approval', taskId: 't', reason: 'boom' });
    } finally {
      write.mockRestore();
    }
    const emf = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => '_aws' in line);
    expect(emf).toHaveLength(2);
    const [notSent, sweep] = emf as [Record<string, unknown>, Record<string, unknown>];
    const directive = (line: Record<string, unknown>) =>
      (
        line._aws as {
          CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        }
      ).CloudWatchMetrics[0];
    expect(directive(notSent)).toMatchObject({
      Namespace: 'SalesOps',
      Dimensions: [['service', 'stage', 'workflow']],
      Metrics: [{ Name: 'MailNotSent' }],
    });
    expect(notSent).toMatchObject({
      service: 'sales-ops',
      stage: 'local',
      workflow: 'expense-approval',
      MailNotSent: 1,
    });
    // Sweep failures alarm per stage: no workflow dimension.
    expect(directive(sweep)).toMatchObject({
      Dimensions: [['service', 'stage']],
      Metrics: [{ Name: 'SweepTaskFailed' }],
    });
  });
});
