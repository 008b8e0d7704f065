// Human tasks end to end in the sandbox: a test workflow opens a task, people decide by link or API, the SLA runs.
import { fileURLToPath } from 'node:url';
import { GetExecutionHistoryCommand, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditTrail } from '#shared/audit.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import { fixtureRegistry } from '../fixtures/workflows/registry.ts';
import { fileTestRequest } from '../fixtures/workflows/test-requests.ts';
import { eventually, hiddenInputs, startTestSandbox, type TestSandbox, taskLinkIn } from './harness.ts';

const requester = 'li.lei@example.com';
const supervisor = 'zhao.min@example.com'; // li.lei's manager
const manager = 'sun.li@example.com'; // zhao.min's manager: where escalation goes

let sandbox: TestSandbox;
let audit: AuditTrail;
let reviews: ReviewStore;
let started = 0;

beforeAll(async () => {
  sandbox = await startTestSandbox({
    definitionsDir: fileURLToPath(new URL('../fixtures/workflows/', import.meta.url)),
    registry: fixtureRegistry,
    workflowSlugs: ['task-approval'],
  });
  const db = sandbox.db;
  audit = new AuditTrail(db, 'local-business');
  reviews = new ReviewStore(db, 'local-business');
});

afterAll(async () => {
  await sandbox?.stop();
});

/** Starts the test workflow for a new request and waits for the task mail; returns the link and the execution. */
async function openApproval(assignee = supervisor) {
  const requestId = `EX-2026-9${String(++started).padStart(4, '0')}`;
  const before = (await sandbox.mails(assignee)).length;
  const { executionArn } = await sandbox.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: sandbox.stateMachines.get('task-approval'),
      name: requestId,
      input: fileTestRequest({
        id: requestId,
        title: `Travel to Shanghai ${requestId}`,
        amount: { amount: 123450, currency: 'CNY' },
        assignee: { person: assignee },
        requester,
      }),
    }),
  );
  const mail = await eventually(
    async () => (await sandbox.mails(assignee))[before],
    `task mail to ${assignee}`,
  );
  return { requestId, executionArn: executionArn as string, mail, link: taskLinkIn(mail) };
}

/** The first mail to `to` after the first `skip` that is about `requestId`. */
async function mailAbout(to: string, requestId: string, skip: number) {
  return (await sandbox.mails(to)).slice(skip).find((mail) => mail.text.includes(requestId));
}

async function openPage(link: URL) {
  const page = await sandbox.request('GET', `${link.pathname}${link.search}`);
  return { page, ...hiddenInputs(page.text) };
}

async function decisionsDelivered(executionArn: string): Promise<number> {
  const { events = [] } = await sandbox.sfn.send(
    new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
  );
  return events.filter(
    (e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resource === 'invoke.waitForTaskToken',
  ).length;
}

describe('deciding', () => {
  it('decides from the mailed link: the page shows the task, the form post resumes the workflow', async () => {
    const { executionArn, link, mail, requestId } = await openApproval();
    expect(mail.subject).toContain(requestId);
    expect(mail.html).toContain('壹仟贰佰叁拾肆元伍角整'); // 1,234.50 CNY in capital numerals

    const { page, k, nonce } = await openPage(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain(`Travel to Shanghai ${requestId}`);
    expect(page.text.match(/<form /g)).toHaveLength(1);
    expect(page.text).toMatch(/<form[^>]*method="post"/);

    const decided = await sandbox.request('POST', link.pathname, {
      form: { k, nonce, outcome: 'approve', comment: 'ok', approvedOn: '2026-11-20' },
    });
    expect(decided.status).toBe(200);
    const execution = await sandbox.finished(executionArn);
    expect(execution.status).toBe('SUCCEEDED');
    // The execution carries the outcome only; the kit kept the decision with the request.
    expect(JSON.parse(execution.output ?? '{}').recorded).toEqual({ outcome: 'approve', route: {} });
    expect(await reviews.of(requestId)).toMatchObject([
      {
        step: 'Ask approver',
        outcome: 'approve',
        comment: 'ok',
        fields: { approvedOn: '2026-11-20' },
        by: supervisor,
      },
    ]);
    const trail = await audit.of(requestId);
    expect(trail.map((e) => e.action)).toEqual(['task-opened', 'task-decided']);
    expect(trail[1]).toMatchObject({
      actor: supervisor,
      ip: '127.0.0.1',
      detail: { outcome: 'approve', via: 'link' },
    });
  });

  it('changes nothing on 100 GET and HEAD requests of the link', async () => {
    const { executionArn, link } = await openApproval();
    const path = `${link.pathname}${link.search}`;
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => sandbox.request(i % 2 ? 'HEAD' : 'GET', path)),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(replies.filter((_, i) => i % 2).every((r) => r.text === '')).toBe(true);
    const token = await sandbox.login(supervisor);
    const open = (await sandbox.request('GET', '/tasks?assignee=me&status=open', { token })).json<{
      tasks: { workflow: { executionArn: string }; status: string; type: string }[];
    }>();
    expect(open.tasks.find((t) => t.workflow.executionArn === executionArn)).toMatchObject({
      status: 'PENDING',
      type: 'test-approval',
    });
    expect(await decisionsDelivered(executionArn)).toBe(0);
    await sandbox.sfn.send(new StopExecutionCommand({ executionArn }));
  });

  it('asks again, with a clear error, when a rejection has no reason; nothing is recorded', async () => {
    const { executionArn, link, requestId } = await openApproval();
    const { k, nonce } = await openPage(link);
    const refused = await sandbox.request('POST', link.pathname, {
      form: { k, nonce, outcome: 'reject', comment: ' ' },
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('role="alert"');
    expect(hiddenInputs(refused.text).k).toBe(k); // the form again, ready to fix
    expect((await audit.of(requestId)).map((e) => e.action)).toEqual(['task-opened']);

    const again = hiddenInputs(refused.text);
    const rejected = await sandbox.request('POST', link.pathname, {
      form: { ...again, outcome: 'reject', comment: 'Over the travel policy' },
    });
    expect(rejected.status).toBe(200);
    const execution = await sandbox.finished(executionArn);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Rejected' });
  });

  it('takes exactly one decision from 50 concurrent posts with mixed outcomes', async () => {
    const { executionArn, link, requestId } = await openApproval();
    const { k, nonce } = await openPage(link);
    const replies = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sandbox.request('POST', link.pathname, {
          form: { k, nonce, outcome: i % 2 ? 'reject' : 'approve', comment: `click ${i}` },
        }),
      ),
    );
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 409)).toHaveLength(49);
    await sandbox.finished(executionArn);
    expect(await decisionsDelivered(executionArn)).toBe(1);
    expect((await audit.of(requestId)).filter((e) => e.action === 'task-decided')).toHaveLength(1);
  });

  it('refuses tampered, replayed and nonce-less posts without changing anything', async () => {
    const { executionArn, link } = await openApproval();
    const { k, nonce } = await openPage(link);
    const tampered = `${k.slice(0, -2)}${k.endsWith('AA') ? 'BB' : 'AA'}`;
    expect((await sandbox.request('GET', `${link.pathname}?k=${tampered}`)).status).toBe(404);
    const tamperedPost = await sandbox.request('POST', link.pathname, {
      form: { k: tampered, nonce, outcome: 'approve' },
    });
    expect(tamperedPost.status).toBe(404);
    const forgedNonce = await sandbox.request('POST', link.pathname, {
      form: { k, nonce: 'x.y', outcome: 'approve' },
    });
    expect(forgedNonce.status).toBe(404);
    expect(await decisionsDelivered(executionArn)).toBe(0);

    expect(
      (await sandbox.request('POST', link.pathname, { form: { k, nonce, outcome: 'approve' } })).status,
    ).toBe(200);
    const replayed = await sandbox.request('POST', link.pathname, { form: { k, nonce, outcome: 'approve' } });
    expect(replayed.status).toBe(409);
    expect(replayed.text).toContain('赵敏'); // who decided, by name
    await sandbox.finished(executionArn);
    expect(await decisionsDelivered(executionArn)).toBe(1);
  });

  it('decides through the API for the assignee only', async () => {
    const { executionArn } = await openApproval();
    const token = await sandbox.login(supervisor);
    const { tasks } = (await sandbox.request('GET', '/tasks', { token })).json<{
      tasks: { id: string; workflow: { executionArn: string } }[];
    }>();
    const task = tasks.find((t) => t.workflow.executionArn === executionArn);
    expect(task).toBeDefined();
    expect(JSON.stringify(tasks)).not.toMatch(/token|linkHash/);

    const other = await sandbox.login('han.meimei@example.com');
    const refused = await sandbox.request('POST', `/tasks/${task?.id}/decision`, {
      token: other,
      json: { outcome: 'approve' },
    });
    expect(refused.status).toBe(403);
    const noReason = await sandbox.request('POST', `/tasks/${task?.id}/decision`, {
      token,
      json: { outcome: 'reject' },
    });
    expect(noReason.status).toBe(400);
    expect(noReason.json()).toMatchObject({ fields: [{ field: 'comment' }] });
    expect(
      (await sandbox.request('POST', `/tasks/${task?.id}/decision`, { json: { outcome: 'approve' } })).status,
    ).toBe(401);

    const decided = await sandbox.request('POST', `/tasks/${task?.id}/decision`, {
      token,
      json: { outcome: 'approve' },
    });
    expect(decided.status).toBe(200);
    expect((await sandbox.finished(executionArn)).status).toBe('SUCCEEDED');
    const again = await sandbox.request('POST', `/tasks/${task?.id}/decision`, {
      token,
      json: { outcome: 'approve' },
    });
    expect(again.status).toBe(409);
  });

  it('tells a late link holder that the workflow is no longer running, and records nothing', async () => {
    const { executionArn, link, requestId } = await openApproval();
    const { k, nonce } = await openPage(link);
    await sandbox.sfn.send(new StopExecutionCommand({ executionArn }));
    // The stopped execution's task closes (EventBridge on AWS, the local service's change feed here).
    const page = await eventually(async () => {
      const reply = await sandbox.request('GET', `${link.pathname}${link.search}`);
      return reply.status === 200 ? undefined : reply;
    }, 'the task of the stopped execution to close');
    expect(page.status).toBe(410);
    const post = await sandbox.request('POST', link.pathname, { form: { k, nonce, outcome: 'approve' } });
    expect(post.status).toBe(410);
    expect((await audit.of(requestId)).map((e) => e.action)).toEqual(['task-opened', 'task-cancelled']);
  });
});

// These move the shared virtual clock, so they run last and each finishes its own execution.
describe('SLA and deadline', () => {
  it('reminds the assignee at the SLA, then escalates to their manager; each old link dies', async () => {
    const { executionArn, link, requestId } = await openApproval();
    const token = await sandbox.login(supervisor);
    const { tasks } = (await sandbox.request('GET', '/tasks', { token })).json<{
      tasks: { id: string; remindAt: string; escalateAt: string; workflow: { executionArn: string } }[];
    }>();
    const task = tasks.find((t) => t.workflow.executionArn === executionArn);
    if (!task) throw new Error('task not listed');
    const secondsUntil = (iso: string) => Math.ceil((Date.parse(iso) - sandbox.clock.nowMs()) / 1000) + 60;

    const before = (await sandbox.mails(supervisor)).length;
    await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: secondsUntil(task.remindAt) } });
    const reminder = await eventually(async () => mailAbout(supervisor, requestId, before), 'reminder mail');
    expect(reminder.subject).toMatch(/提醒|Reminder/);
    expect((await sandbox.request('GET', `${link.pathname}${link.search}`)).status).toBe(410);

    const managerMailsBefore = (await sandbox.mails(manager)).length;
    await sandbox.request('POST', '/_local/clock', {
      json: { advanceSeconds: secondsUntil(task.escalateAt) },
    });
    const escalated = await eventually(
      async () => (await sandbox.mails(manager))[managerMailsBefore],
      'escalation mail',
    );
    expect(escalated.subject).toMatch(/升级|Escalated/);
    const replaced = await sandbox.request(
      'GET',
      `${taskLinkIn(reminder).pathname}${taskLinkIn(reminder).search}`,
    );
    expect(replaced.status).toBe(410);
    expect(replaced.text).toContain('孙丽'); // who has it now, by name

    const { k, nonce } = await openPage(taskLinkIn(escalated));
    expect(
      (await sandbox.request('POST', link.pathname, { form: { k, nonce, outcome: 'approve' } })).status,
    ).toBe(200);
    await sandbox.finished(executionArn);
    expect((await reviews.of(requestId))[0]?.by).toBe(manager);
    const actions = (await audit.of(requestId)).map((e) => e.action);
    expect(actions).toEqual(['task-opened', 'task-reminded', 'task-escalated', 'task-decided']);
  });

  it('closes the task at its deadline, tells the requester, and the link then says it expired', async () => {
    const { executionArn, link, requestId } = await openApproval();
    const requesterMails = (await sandbox.mails(requester)).length;
    await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 864000 + 60 } });
    const execution = await sandbox.finished(executionArn);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'Expired' });
    const notice = await eventually(
      async () => (await sandbox.mails(requester))[requesterMails],
      'expiry notice',
    );
    expect(notice.text).toContain(requestId);
    expect((await sandbox.request('GET', `${link.pathname}${link.search}`)).status).toBe(410);
    expect((await audit.of(requestId)).map((e) => e.action)).toContain('task-expired');
  });
});
