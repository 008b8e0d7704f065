// Every path of the order handoff workflow (workflows/order-handoff.asl.json) with fake steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStep, recorded, type WorkflowPaths, workflowPaths } from './workflow-paths.ts';

let orders: WorkflowPaths;

/** The record step's answers as the order's rules give them: does production meet the date, and acceptance's window. */
const rules = (meetsDate: boolean[] = []): FakeStep => {
  const answers = [...meetsDate];
  return recorded((state) => {
    const completion = { completionSeconds: 40 * 86_400 };
    if (state === 'Record schedule') {
      const meetsDate = answers.shift() ?? true;
      return meetsDate ? { meetsDate, ...completion } : { meetsDate };
    }
    if (['Record sales decision', 'Record sales manager decision', 'Record completion'].includes(state))
      return completion;
    if (state === 'Record shipment') return { deliverySeconds: 20 * 86_400 };
    if (state === 'Record delivery') return { acceptanceSeconds: 15 * 86_400, deemed: true };
    if (state === 'Record acceptance') return { acceptanceSeconds: 10 * 86_400, deemed: false };
    return {};
  });
};

beforeAll(async () => {
  orders = await workflowPaths('order-handoff', { RecordOrderDecisionFunction: rules() });
});
afterAll(() => orders.close());

const handover = [
  'Hand over to production and logistics',
  'Send delivery plan to logistics',
  'Production confirms schedule',
  'Record schedule',
  'Production meets the date?',
];
const production = ['Production reports completion', 'Record completion', 'Quality check passed?'];
const delivery = [
  'Logistics ships',
  'Record shipment',
  'Tell customer and sales the shipment',
  'Confirm delivery',
  'Record delivery',
  'Start payment terms due on delivery',
];
const acceptance = ['Customer acceptance', 'Record acceptance', 'Customer accepted?'];
const accepted = ['Mark order accepted', 'Start payment terms due on acceptance', 'Accepted'];
const salesDecides = ['Sales decides on new date', 'Record sales decision', 'Sales accepted the new date?'];
const managerDecides = [
  'Sales manager decides on new date',
  'Record sales manager decision',
  'Sales manager accepted the new date?',
];
const sorted = (states: string[]) => [...states].sort();
const endingOf = (run: { calls: { step: string; payload: Record<string, unknown> }[] }) =>
  run.calls.find((call) => call.step === 'FinishOrderFunction')?.payload.ending;
const milestones = (run: { calls: { step: string; payload: Record<string, unknown> }[] }) =>
  run.calls
    .filter((call) => call.step === 'ReachOrderMilestoneFunction')
    .map((call) => call.payload.milestone);

/** Parallel branches interleave: the handover's states compare as a set, the rest in order. */
function expectPath(states: string[], ...rest: string[][]) {
  expect(sorted(states.slice(0, handover.length))).toEqual(sorted(handover));
  expect(states.slice(handover.length)).toEqual(rest.flat());
}

describe('an order on time', () => {
  it('goes from the handover to acceptance in at most 20 transitions, starting payment terms on the way', async () => {
    const run = await orders.run(['confirm', 'done', 'shipped', 'delivered', 'accept']);
    expectPath(run.states, production, delivery, acceptance, accepted);
    expect(run.transitions).toBeLessThanOrEqual(20);
    expect(endingOf(run)).toBe('accepted');
    expect(milestones(run)).toEqual(['delivery', 'acceptance']);
    // Logistics gets the plan while production is asked to confirm the schedule.
    expect(run.calls.find((call) => call.state === 'Send delivery plan to logistics')?.payload.notice).toBe(
      'delivery-plan',
    );
  });

  it('gives dated steps the windows their records computed: completion, delivery, acceptance', async () => {
    const run = await orders.run(['confirm', 'done', 'shipped', 'delivered', 'accept']);
    const deadlineOf = (state: string) =>
      run.calls.find((call) => call.step === 'OpenTaskFunction' && call.state === state)?.payload
        .deadlineSeconds;
    expect(deadlineOf('Production reports completion')).toBe(40 * 86_400);
    expect(deadlineOf('Confirm delivery')).toBe(20 * 86_400);
    expect(deadlineOf('Customer acceptance')).toBe(15 * 86_400);
  });

  it('needs attention when production never reports completion', async () => {
    const run = await orders.run(['confirm', 'expire']);
    expect(run.states.slice(-4)).toEqual([
      'Production reports completion',
      'Step past its deadline',
      'Needs attention',
      'Stopped: needs attention',
    ]);
  });

  it('loops back to production when quality control fails', async () => {
    const run = await orders.run(['confirm', 'rework', 'done', 'shipped', 'delivered', 'accept']);
    expectPath(run.states, production, production, delivery, acceptance, accepted);
  });
});

describe('an order production cannot make in time', () => {
  it('goes to sales, who accepts the new date: the customer is told', async () => {
    const run = await orders.run(['cannot-meet', 'accept', 'done', 'shipped', 'delivered', 'accept'], {
      RecordOrderDecisionFunction: rules([false]),
    });
    expectPath(
      run.states,
      salesDecides,
      ['Tell customer the new date'],
      production,
      delivery,
      acceptance,
      accepted,
    );
    expect(run.calls.find((call) => call.state === 'Tell customer the new date')?.payload.notice).toBe(
      'new-date',
    );
  });

  it('goes to the sales manager when sales escalates, who accepts', async () => {
    const run = await orders.run(
      ['cannot-meet', 'escalate', 'accept', 'done', 'shipped', 'delivered', 'accept'],
      {
        RecordOrderDecisionFunction: rules([false]),
      },
    );
    expectPath(
      run.states,
      salesDecides,
      managerDecides,
      ['Tell customer the new date'],
      production,
      delivery,
      acceptance,
      accepted,
    );
  });

  it('is cancelled when the sales manager rejects the new date', async () => {
    const run = await orders.run(['cannot-meet', 'escalate', 'reject'], {
      RecordOrderDecisionFunction: rules([false]),
    });
    expectPath(run.states, salesDecides, managerDecides, [
      'Cancel payment terms due on delivery and acceptance',
      'Cancel order',
      'Cancelled',
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(endingOf(run)).toBe('cancelled');
    // The installments waiting for its delivery and acceptance close before the order does.
    expect(milestones(run)).toEqual(['cancellation']);
  });
});

describe('acceptance', () => {
  it('reopens for sales after a dispute, telling the sales manager, until the customer accepts', async () => {
    const run = await orders.run(['confirm', 'done', 'shipped', 'delivered', 'dispute', 'accept']);
    expectPath(
      run.states,
      production,
      delivery,
      acceptance,
      ['Tell sales manager of the dispute'],
      acceptance,
      accepted,
    );
    expect(run.calls.find((call) => call.state === 'Tell sales manager of the dispute')?.payload.notice).toBe(
      'disputed',
    );
  });

  it('counts as accepted when the acceptance period passes without a decision', async () => {
    const run = await orders.run(['confirm', 'done', 'shipped', 'delivered', 'expire']);
    expectPath(run.states, production, delivery, [
      'Customer acceptance',
      'Accepted by default?',
      'Accept by default',
      'Start payment terms due on acceptance',
      'Accepted',
    ]);
    expect(endingOf(run)).toBe('deemed-accepted');
    expect(milestones(run)).toEqual(['delivery', 'acceptance']);
  });

  it('never counts as accepted while disputed: an unresolved dispute needs attention', async () => {
    const run = await orders.run(['confirm', 'done', 'shipped', 'delivered', 'dispute', 'expire']);
    expect(run.states.slice(-6)).toEqual([
      'Tell sales manager of the dispute',
      'Customer acceptance',
      'Accepted by default?',
      'Dispute unresolved',
      'Needs attention',
      'Stopped: needs attention',
    ]);
    expect(run.status).toBe('FAILED');
    expect(endingOf(run)).toBeUndefined();
  });
});

describe('a step left undone', () => {
  it('needs attention when production never confirms the schedule', async () => {
    const run = await orders.run(['expire']);
    expect(run.states).toContain('Step past its deadline');
    expect(run.states.at(-1)).toBe('Stopped: needs attention');
    expect(run.calls.some((call) => call.step === 'OrderNeedsAttentionFunction')).toBe(true);
  });
});
