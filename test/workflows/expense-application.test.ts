// Every path of the advance application workflow (workflows/expense-application.asl.json) with fake steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failing, recorded, type WorkflowPaths, workflowPaths } from './workflow-paths.ts';

let applications: WorkflowPaths;

beforeAll(async () => {
  applications = await workflowPaths('expense-application', {
    RecordApplicationDecisionFunction: recorded(),
  });
});
afterAll(() => applications.close());

const salesManager = ['Sales manager review', 'Record sales manager decision', 'Sales manager approved?'];
const director = ['Sales director review', 'Record sales director decision', 'Sales director approved?'];
const ending = (run: { calls: { step: string; payload: Record<string, unknown> }[] }) =>
  run.calls.find((call) => call.step === 'FinishApplicationFunction')?.payload.ending;

describe('an advance application', () => {
  it('is approved by the sales manager, then the sales director', async () => {
    const run = await applications.run(['approve', 'approve']);
    expect(run.states).toEqual([...salesManager, ...director, 'Approve application', 'Approved']);
    expect(run.transitions).toBeLessThanOrEqual(20);
    expect(ending(run)).toBe('approved');
  });

  it('ends rejected when the sales manager rejects it, without asking the director', async () => {
    const run = await applications.run(['reject']);
    expect(run.states).toEqual([...salesManager, 'Reject application', 'Rejected']);
    expect(ending(run)).toBe('rejected');
  });

  it('ends rejected when the sales director rejects it', async () => {
    const run = await applications.run(['approve', 'reject']);
    expect(run.states).toEqual([...salesManager, ...director, 'Reject application', 'Rejected']);
  });

  it.each([
    ['the sales manager', [], ['Sales manager review']],
    ['the sales director', ['approve'], [...salesManager, 'Sales director review']],
  ])('expires when %s does not decide before the deadline', async (_, before, states) => {
    const run = await applications.run([...before, 'expire']);
    expect(run.states).toEqual([...states, 'Expire application', 'Expired']);
    expect(ending(run)).toBe('expired');
  });

  it('goes to Needs attention when a step fails for good', async () => {
    const run = await applications.run(['approve'], {
      RecordApplicationDecisionFunction: failing('StaleSubject'),
    });
    expect(run.states).toEqual([
      'Sales manager review',
      'Record sales manager decision',
      'Needs attention',
      'Stopped: needs attention',
    ]);
    expect(run.calls.some((call) => call.step === 'ApplicationNeedsAttentionFunction')).toBe(true);
  });
});
