// Failures in the sandbox: a passing fault is retried, a bug takes the claim to Needs attention with nothing held.
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { registry } from '#workflows/registry.ts';
import { queuedFailures } from '../fixtures/handlers/faulty-finish-claim.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

const rep = 'li.lei@example.com';
const reviewers = ['zhao.min@example.com', 'sun.li@example.com', 'qian.yu@example.com'];

let sandbox: TestSandbox;
let tokens: Record<string, string>;
let costCenters = 0;

beforeAll(async () => {
  const finish = registry.FinishClaimFunction;
  if (finish?.kind !== 'function') throw new Error('FinishClaimFunction is not a function');
  sandbox = await startTestSandbox({
    registry: {
      ...registry,
      FinishClaimFunction: { ...finish, entry: 'test/fixtures/handlers/faulty-finish-claim.ts' },
    },
  });
  tokens = {};
  for (const email of [rep, 'qian.yu@example.com', 'admin@example.com'])
    tokens[email] = await sandbox.login(email);
});

afterAll(async () => {
  await sandbox?.stop();
});

const period = () => localDate(sandbox.clock.now()).slice(0, 7);

/** A claim of one travel item of `fen`, dated today. */
const claimBody = (costCenter: string, fen: number) => ({
  title: 'Customer visit',
  costCenter,
  items: [
    {
      category: 'travel',
      amount: { amount: fen, currency: 'CNY' },
      date: localDate(sandbox.clock.now()),
      description: 'Flights',
      receipt: 'R-1',
    },
  ],
});

/** Files a 6,000 CNY claim (three levels) on a fresh 10,000 CNY budget and has every reviewer approve it. */
async function approvedClaim(): Promise<{ id: string; costCenter: string }> {
  const costCenter = `FAULT-${++costCenters}`;
  await sandbox.request('PUT', `/budgets/${costCenter}/${period()}`, {
    token: tokens['qian.yu@example.com'],
    json: { limit: { amount: 1_000_000, currency: 'CNY' } },
  });
  const filed = await sandbox.request('POST', '/expenses', {
    token: tokens[rep],
    json: claimBody(costCenter, 600_000),
  });
  expect(filed.status).toBe(201);
  const { id } = filed.json<{ id: string }>();
  for (const reviewer of reviewers) {
    expect((await sandbox.client.decideFromMail(reviewer, id, 'approve')).reply.status).toBe(200);
  }
  return { id, costCenter };
}

const claim = async (id: string, as = rep) =>
  (await sandbox.request('GET', `/expenses/${id}`, { token: tokens[as] })).json<{
    status: string;
    attention?: { at: string; error?: string };
    trail: { action: string }[];
  }>();

const budget = async (costCenter: string) =>
  (await sandbox.request('GET', `/budgets/${costCenter}/${period()}`, { token: tokens[rep] })).json<{
    committed: { amount: number };
    consumed: { amount: number };
  }>();

describe('a step that fails', () => {
  it('is retried after Transient errors, and the claim ends approved with its budget consumed once', async () => {
    queuedFailures.push('Transient', 'Transient');
    const { id, costCenter } = await approvedClaim();
    const done = await eventually(async () => {
      const current = await claim(id);
      return current.status === 'APPROVED_FOR_PAYMENT' ? current : undefined;
    }, `${id} approved`);
    expect(done.trail.filter((entry) => entry.action === 'approved')).toHaveLength(1);
    expect(await budget(costCenter)).toMatchObject({
      committed: { amount: 0 },
      consumed: { amount: 600_000 },
    });
    const arn = `${sandbox.stateMachines.get('expense-approval')?.replace(':stateMachine:', ':execution:')}:${id}-r1`;
    const { events = [] } = await sandbox.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }));
    expect(
      events.filter((e) => e.type === 'TaskFailed' && e.taskFailedEventDetails?.error === 'Transient'),
    ).toHaveLength(2);
  });

  it('that fails for good ends in Needs attention: marked, budget released, submitter and ops told', async () => {
    queuedFailures.push('TypeError');
    const mailsBefore = (await sandbox.mails(rep)).length;
    const { id, costCenter } = await approvedClaim();
    const marked = await eventually(async () => {
      const current = await claim(id, 'admin@example.com');
      return current.status === 'NEEDS_ATTENTION' ? current : undefined;
    }, `${id} to need attention`);
    expect(marked.attention).toMatchObject({ error: 'TypeError' });
    expect(marked.trail.map((entry) => entry.action)).toContain('needs-attention');
    // The submitter sees that it needs attention, not the error's details.
    expect((await claim(id)).attention).toEqual({ at: marked.attention?.at });
    expect(await budget(costCenter)).toMatchObject({ committed: { amount: 0 }, consumed: { amount: 0 } });
    const told = await eventually(
      async () => (await sandbox.mails(rep)).slice(mailsBefore).find((m) => m.subject.includes(id)),
      'the submitter told',
    );
    expect(told.subject).toMatch(/需人工处理|needs attention/);
    const arn = `${sandbox.stateMachines.get('expense-approval')?.replace(':stateMachine:', ':execution:')}:${id}-r1`;
    expect(await sandbox.finished(arn)).toMatchObject({ status: 'FAILED', error: 'NeedsAttention' });

    // The submitter may send it again; it goes round as its next version.
    const again = await sandbox.request('PUT', `/expenses/${id}`, {
      token: tokens[rep],
      json: claimBody(costCenter, 100_000),
    });
    expect(again.status).toBe(200);
    expect(again.json()).toMatchObject({ status: 'IN_REVIEW', version: 2 });
  });
});
