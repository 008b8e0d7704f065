// Every path of the contract review workflow (workflows/contract-review.asl.json) with fake steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStep, failing, recorded, type WorkflowPaths, workflowPaths } from './workflow-paths.ts';

let contracts: WorkflowPaths;
const checks =
  (directorReview: boolean): FakeStep =>
  () => ({ directorReview, findings: 0 });
/** Signing finds the content as approved unless told otherwise, the first time or every time. */
const signing = (contentUnchanged: boolean[]): FakeStep => {
  const answers = [...contentUnchanged];
  return recorded((state) =>
    state === 'Record signing' ? { contentUnchanged: answers.shift() ?? true } : {},
  );
};

/** Each signed contract's order gets the next number. */
const newOrders = (() => {
  let n = 0;
  return () => ({ order: { kind: 'order', id: `OR-2026-${String(++n).padStart(5, '0')}`, version: 1 } });
})();

beforeAll(async () => {
  contracts = await workflowPaths('contract-review', {
    RunContractChecksFunction: checks(false),
    RecordContractDecisionFunction: signing([]),
    CreateOrderFunction: newOrders,
  });
});
afterAll(() => contracts.close());

const legal = ['Legal review', 'Record legal decision', 'Legal decision?', 'Needs sales director review?'];
const director = ['Sales director review', 'Record director decision', 'Director decision?'];
const signed = [
  'Signing',
  'Record signing',
  'Content unchanged since approval?',
  'Mark contract signed',
  'Create order',
  'Start order handoff',
  'Plan payment collection',
  'Signed',
];
const endingOf = (run: { calls: { step: string; payload: Record<string, unknown> }[] }) =>
  run.calls.find((call) => call.step === 'FinishContractFunction')?.payload.ending;

describe('a contract under the director threshold', () => {
  it('runs the automatic checks, goes to legal, and is signed', async () => {
    const run = await contracts.run(['approve', 'sign']);
    expect(run.states).toEqual(['Run automatic checks', ...legal, ...signed]);
    expect(run.transitions).toBeLessThanOrEqual(20);
    expect(endingOf(run)).toBe('signed');
  });

  it('hands the signed contract over as an order: its workflow starts, named by the order id', async () => {
    const run = await contracts.run(['approve', 'sign']);
    const created = run.calls.find((call) => call.step === 'CreateOrderFunction');
    expect(created?.payload.contract).toEqual({ kind: 'contract-review', id: 'EX-2026-00001', version: 1 });
    const [order] = run.started;
    expect(run.started).toHaveLength(1);
    expect(order?.workflow).toBe('order-handoff');
    expect(order?.name).toMatch(/^OR-2026-\d{5}$/);
    expect(order?.input.subject).toEqual({ kind: 'order', id: order?.name, version: 1 });
    expect(order?.input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID).toMatch(
      /:execution:test-contract-review:run-/,
    );
    // And its payment terms become installments to collect.
    const planned = run.calls.find((call) => call.step === 'PlanCollectionFunction');
    expect(planned?.payload.contract).toEqual({ kind: 'contract-review', id: 'EX-2026-00001', version: 1 });
  });

  it('signs once even when the order’s workflow already ran (a rerun starts nothing twice)', async () => {
    const sameOrder = () => ({ order: { kind: 'order', id: 'OR-2026-09999', version: 1 } });
    await contracts.run(['approve', 'sign'], { CreateOrderFunction: sameOrder });
    const rerun = await contracts.run(['approve', 'sign'], { CreateOrderFunction: sameOrder });
    expect(rerun.states.slice(-4)).toEqual([
      'Create order',
      'Start order handoff',
      'Plan payment collection',
      'Signed',
    ]);
    expect(rerun.status).toBe('SUCCEEDED');
  });

  it('goes back to sales when legal requests changes', async () => {
    const run = await contracts.run(['request-changes']);
    expect(run.states).toEqual([
      'Run automatic checks',
      ...legal.slice(0, 3),
      'Request changes from sales',
      'Changes requested',
    ]);
    expect(endingOf(run)).toBe('changes-requested');
  });

  it('ends rejected when legal rejects it', async () => {
    const run = await contracts.run(['reject']);
    expect(run.states.slice(-2)).toEqual(['Reject contract', 'Rejected']);
  });

  it('goes back to legal when signing finds the content changed since approval', async () => {
    const run = await contracts.run(['approve', 'sign', 'approve', 'sign'], {
      RecordContractDecisionFunction: signing([false, true]),
    });
    expect(run.states).toEqual([
      'Run automatic checks',
      ...legal,
      'Signing',
      'Record signing',
      'Content unchanged since approval?',
      ...legal,
      ...signed,
    ]);
  });
});

describe('a contract of the director threshold or more', () => {
  it('also needs the sales director before signing', async () => {
    const run = await contracts.run(['approve', 'approve', 'sign'], {
      RunContractChecksFunction: checks(true),
    });
    expect(run.states).toEqual(['Run automatic checks', ...legal, ...director, ...signed]);
    expect(run.transitions).toBeLessThanOrEqual(20);
  });

  it('goes back to legal when the director sends it back', async () => {
    const run = await contracts.run(['approve', 'send-back', 'approve', 'approve', 'sign'], {
      RunContractChecksFunction: checks(true),
    });
    expect(run.states).toEqual([
      'Run automatic checks',
      ...legal,
      ...director,
      ...legal,
      ...director,
      ...signed,
    ]);
  });

  it('ends rejected when the director rejects it', async () => {
    const run = await contracts.run(['approve', 'reject'], { RunContractChecksFunction: checks(true) });
    expect(run.states).toEqual([
      'Run automatic checks',
      ...legal,
      ...director,
      'Reject contract',
      'Rejected',
    ]);
  });
});

describe('deadlines and failures', () => {
  it.each([
    ['legal review', [], ['Legal review']],
    ['signing', ['approve'], [...legal, 'Signing']],
  ])('expires when %s passes its deadline', async (_, before, states) => {
    const run = await contracts.run([...before, 'expire']);
    expect(run.states).toEqual(['Run automatic checks', ...states, 'Expire contract', 'Expired']);
    expect(endingOf(run)).toBe('expired');
  });

  it('goes to Needs attention when the automatic checks fail for good', async () => {
    const run = await contracts.run([], { RunContractChecksFunction: failing('MissingSubject') });
    expect(run.states).toEqual(['Run automatic checks', 'Needs attention', 'Stopped: needs attention']);
    expect(run).toMatchObject({ status: 'FAILED', error: 'NeedsAttention' });
  });

  it('retries the Lambda service’s own transient errors', async () => {
    const run = await contracts.run(['approve', 'sign'], {
      RunContractChecksFunction: (() => {
        const flaky = failing('Lambda.TooManyRequestsException', 1);
        return (payload, state) => {
          flaky(payload, state);
          return checks(false)(payload, state);
        };
      })(),
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.calls.filter((call) => call.step === 'RunContractChecksFunction')).toHaveLength(2);
  });
});
