// Every path of the expense claim workflow (workflows/expense-approval.asl.json) with fake steps: the states it enters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failing, recorded, type WorkflowPaths, workflowPaths } from './workflow-paths.ts';

let claims: WorkflowPaths;
/** What the record step says after an approval: which levels the claim still needs. */
const route = (salesManagerReview: boolean, financeReview = true) =>
  recorded(() => ({ salesManagerReview, financeReview }));

beforeAll(async () => {
  claims = await workflowPaths('expense-approval', { RecordClaimDecisionFunction: route(true) });
});
afterAll(() => claims.close());

const supervisor = ['Supervisor review', 'Record supervisor decision', 'Supervisor decision?'];
const salesManager = ['Sales manager review', 'Record sales manager decision', 'Sales manager decision?'];
const finance = ['Finance review', 'Record finance decision', 'Finance decision?'];
const approved = ['Approve for payment', 'Approved for payment'];

describe('approvals', () => {
  it('goes supervisor → sales manager → finance above the thresholds, then the budget is consumed', async () => {
    const run = await claims.run(['approve', 'approve', 'approve']);
    expect(run.states).toEqual([
      ...supervisor,
      'Needs sales manager review?',
      ...salesManager,
      'Needs finance review?',
      ...finance,
      ...approved,
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.transitions).toBeLessThanOrEqual(20);
    const finish = run.calls.find((call) => call.step === 'FinishClaimFunction');
    expect(finish?.payload).toMatchObject({
      ending: 'approved',
      subject: { id: 'EX-2026-00001', version: 1 },
    });
  });

  it('skips the sales manager within the thresholds', async () => {
    const run = await claims.run(['approve', 'approve'], { RecordClaimDecisionFunction: route(false) });
    expect(run.states).toEqual([
      ...supervisor,
      'Needs sales manager review?',
      'Needs finance review?',
      ...finance,
      ...approved,
    ]);
    expect(run.transitions).toBeLessThanOrEqual(20);
  });

  it('approves at once when every later level was already approved by someone in its role', async () => {
    const run = await claims.run(['approve'], { RecordClaimDecisionFunction: route(false, false) });
    expect(run.states).toEqual([
      ...supervisor,
      'Needs sales manager review?',
      'Needs finance review?',
      ...approved,
    ]);
  });

  it('hands the human steps only the subject and the step, never a document', async () => {
    const run = await claims.run(['approve', 'approve', 'approve']);
    for (const call of run.calls.filter((c) => c.step === 'OpenTaskFunction')) {
      expect(Object.keys(call.payload).sort()).toEqual([
        'deadlineSeconds',
        'executionArn',
        'stateName',
        'subject',
        'taskToken',
      ]);
    }
  });
});

describe('turning a claim down', () => {
  const levels: [string, string[], string[]][] = [
    ['the supervisor', [], supervisor],
    ['the sales manager', ['approve'], [...supervisor, 'Needs sales manager review?', ...salesManager]],
    [
      'finance',
      ['approve', 'approve'],
      [...supervisor, 'Needs sales manager review?', ...salesManager, 'Needs finance review?', ...finance],
    ],
  ];

  it.each(levels)('a rejection by %s releases the budget and ends Rejected', async (_, before, states) => {
    const run = await claims.run([...before, 'reject']);
    expect(run.states).toEqual([...states, 'Reject claim', 'Rejected']);
    expect(run.calls.find((c) => c.step === 'FinishClaimFunction')?.payload.ending).toBe('rejected');
  });

  it.each(levels)('a return by %s sends it back for changes', async (_, before, states) => {
    const run = await claims.run([...before, 'return']);
    expect(run.states).toEqual([...states, 'Return claim for changes', 'Returned for changes']);
    expect(run.calls.find((c) => c.step === 'FinishClaimFunction')?.payload.ending).toBe('returned');
  });

  it.each(levels)('a review by %s that passes its deadline expires the claim', async (_, before, states) => {
    const run = await claims.run([...before, 'expire']);
    expect(run.states).toEqual([...states.slice(0, -2), 'Expire claim', 'Expired']);
    const finish = run.calls.find((c) => c.step === 'FinishClaimFunction');
    expect(finish?.payload).toMatchObject({ ending: 'expired', executionArn: expect.any(String) });
  });
});

describe('failures', () => {
  it('retries a step that throws Transient, and goes on when it succeeds', async () => {
    const flaky = failing('Transient', 2);
    const run = await claims.run(['approve', 'approve', 'approve'], {
      RecordClaimDecisionFunction: (payload, state) => {
        if (state === 'Record supervisor decision') flaky(payload, state);
        return route(true)(payload, state);
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls.filter((c) => c.state === 'Record supervisor decision')).toHaveLength(3);
  });

  it('takes a step that fails for good to Needs attention, which ends the execution failed', async () => {
    const run = await claims.run(['approve'], {
      RecordClaimDecisionFunction: failing('ConditionalCheckFailedException'),
    });
    expect(run.states).toEqual([
      'Supervisor review',
      'Record supervisor decision',
      'Needs attention',
      'Stopped: needs attention',
    ]);
    expect(run).toMatchObject({ status: 'FAILED', error: 'NeedsAttention' });
    const marked = run.calls.find((c) => c.step === 'ClaimNeedsAttentionFunction');
    expect(marked?.payload).toMatchObject({
      subject: { id: 'EX-2026-00001' },
      failure: { Error: 'ConditionalCheckFailedException' },
    });
  });

  it('takes a human step whose task cannot be opened to Needs attention', async () => {
    const run = await claims.run([], {
      OpenTaskFunction: failing('NoAssignee'),
    });
    expect(run.states).toEqual(['Supervisor review', 'Needs attention', 'Stopped: needs attention']);
  });

  it('takes a failing ending to Needs attention', async () => {
    const run = await claims.run(['approve', 'approve', 'approve'], {
      FinishClaimFunction: failing('TypeError'),
    });
    expect(run.states.slice(-3)).toEqual([
      'Approve for payment',
      'Needs attention',
      'Stopped: needs attention',
    ]);
  });
});
