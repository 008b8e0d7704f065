// Every path of the collection ladder and its follow-ups (workflows/payment-collection.asl.json, collection-follow-up).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeStep, recorded, type WorkflowPaths, workflowPaths } from './workflow-paths.ts';

let ladder: WorkflowPaths;
let followUps: WorkflowPaths;

/** A time already passed: the ladder's Waits fire at once in these runs. */
const past = '2020-01-01T01:00:00.000Z';
const wait = (next: string) => ({ next, wakeAt: past });

/** The ladder's steps answer in turn from `answers`, as the real ones plan from the installment. */
function script(answers: Record<string, unknown>[]): Record<string, FakeStep> {
  const queue = [...answers];
  const next: FakeStep = () => {
    const answer = queue.shift();
    if (!answer) throw new Error('the ladder asked more often than the script says');
    return answer;
  };
  return { CheckInstallmentFunction: next, RemindCustomerFunction: next, TakeOverdueLevelFunction: next };
}

const run1 = { run: 1 };

beforeAll(async () => {
  ladder = await workflowPaths('payment-collection');
  followUps = await workflowPaths('collection-follow-up', {
    RecordCollectionDecisionFunction: recorded((state) =>
      state === 'Record legal decision' ? { promiseEndsAt: past } : {},
    ),
    CheckPaymentPlanFunction: () => ({ kept: true }),
  });
});
afterAll(async () => {
  await ladder.close();
  await followUps.close();
});

const check = ['Check the installment', 'Paid, or what is due?'];
const levelOf = (run: { calls: { step: string; payload: Record<string, unknown> }[] }) =>
  run.calls.filter((call) => call.step === 'TakeOverdueLevelFunction').map((call) => call.payload.level);

describe('the ladder', () => {
  it('reminds before the due date and ends quietly once paid', async () => {
    const run = await ladder.run(
      [],
      script([wait('wait-reminder'), { next: 'remind' }, wait('wait-due'), { next: 'paid' }]),
      run1,
    );
    expect(run.states).toEqual([
      ...check,
      'Wait until reminder date',
      ...check,
      'Remind customer',
      'Paid, or what is due?',
      'Wait until due date',
      ...check,
      'Paid',
    ]);
    expect(run.status).toBe('SUCCEEDED');
    expect(run.transitions).toBeLessThanOrEqual(12);
    // Each look gets the run and when it started, so a run never outlasts its length.
    const first = run.calls[0]?.payload;
    expect(first?.run).toEqual({ run: 1, startedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
  });

  it('climbs the levels in order at their times, each its own state, until legal has it', async () => {
    const run = await ladder.run(
      [],
      script([
        { next: 'remind' },
        wait('wait-due'),
        { next: 'level-1', level: 1, skipped: [] },
        wait('wait-level-2'),
        { next: 'level-2', level: 2, skipped: [] },
        wait('wait-level-3'),
        { next: 'level-3', level: 3, skipped: [] },
        wait('wait-level-4'),
        { next: 'level-4', level: 4, skipped: [] },
        { next: 'with-legal' },
      ]),
      run1,
    );
    expect(
      run.states.filter((state) => state.startsWith('Overdue level') || state.startsWith('Wait')),
    ).toEqual([
      'Wait until due date',
      'Overdue level 1: notice and owner follow-up',
      'Wait until level 2',
      'Overdue level 2: sales manager follow-up',
      'Wait until level 3',
      'Overdue level 3: demand letter',
      'Wait until level 4',
      'Overdue level 4: legal decides',
    ]);
    expect(run.states.at(-1)).toBe('With legal');
    expect(levelOf(run)).toEqual([1, 2, 3, 4]);
  });

  it('goes straight to the level days overdue call for after an outage, handing over the levels it passed', async () => {
    const run = await ladder.run(
      [],
      script([{ next: 'level-3', level: 3, skipped: [1, 2] }, { next: 'paid' }]),
      run1,
    );
    expect(run.states).toEqual([...check, 'Overdue level 3: demand letter', 'Paid, or what is due?', 'Paid']);
    expect(run.calls.find((call) => call.step === 'TakeOverdueLevelFunction')?.payload).toMatchObject({
      level: 3,
      skipped: [1, 2],
    });
  });

  it('waits for a promise, then resumes at the level that is due', async () => {
    const run = await ladder.run(
      [],
      script([wait('wait-promise'), { next: 'level-2', level: 2, skipped: [] }, { next: 'paid' }]),
      run1,
    );
    expect(run.states).toEqual([
      ...check,
      'Wait until the promised date has passed',
      ...check,
      'Overdue level 2: sales manager follow-up',
      'Paid, or what is due?',
      'Paid',
    ]);
  });

  it.each([
    ['dispute', 'Paused for the dispute'],
    ['written-off', 'Written off'],
    ['with-legal', 'With legal'],
  ])('ends its run when the look finds %s', async (next, end) => {
    const run = await ladder.run([], script([{ next }]), run1);
    expect(run.states).toEqual([...check, end]);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('hands over to its next run at the run length, named by the installment and the run', async () => {
    const run = await ladder.run(
      [],
      script([{ next: 'continue', nextRun: 2, nextRunName: 'EX-2026-00001-run2' }]),
      run1,
    );
    expect(run.states).toEqual([...check, 'Continue as a new run', 'Continued']);
    expect(run.started).toEqual([
      {
        workflow: 'payment-collection',
        name: 'EX-2026-00001-run2',
        input: {
          subject: { kind: 'payment-collection', id: 'EX-2026-00001', version: 1 },
          run: 2,
          AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: expect.stringContaining(
            ':execution:test-payment-collection:',
          ),
        },
      },
    ]);
  });

  it('needs attention on an answer no rule knows', async () => {
    const run = await ladder.run([], script([{ next: 'something-else' }]), run1);
    expect(run.states).toEqual([
      ...check,
      'Unexpected answer',
      'Needs attention',
      'Stopped: needs attention',
    ]);
    expect(run.status).toBe('FAILED');
  });
});

describe('the follow-ups', () => {
  const owner = [
    'Who follows up?',
    'Owner follows up overdue payment',
    'Record follow-up',
    'Follow-up outcome?',
  ];
  const dispute = ['Sales manager resolves dispute', 'Record dispute resolution', 'Dispute resolved?'];
  const finance = ['Finance approves write-off', 'Record finance decision', 'Write-off approved?'];
  const legal = ['Legal decides on overdue payment', 'Record legal decision', 'Legal decision?'];

  it.each(['contacted', 'promised'])('keeps the owner’s %s on record and ends', async (outcome) => {
    const run = await followUps.run([outcome], {}, { level: 1 });
    expect(run.states).toEqual([...owner, 'Followed up']);
  });

  it('gives the sales manager the level 2 follow-up, and a dispute to settle; settled, the ladder resumes', async () => {
    const run = await followUps.run(['dispute', 'accept'], {}, { level: 2 });
    expect(run.states).toEqual([
      'Who follows up?',
      'Sales manager follows up overdue payment',
      'Record follow-up',
      'Follow-up outcome?',
      ...dispute,
      'Resume collection',
      'Dispute settled',
    ]);
  });

  it('writes off a disputed installment only with finance’s approval; refused, it goes back to the sales manager', async () => {
    const run = await followUps.run(
      ['dispute', 'write-off', 'reject', 'write-off', 'approve'],
      {},
      { level: 1 },
    );
    expect(run.states).toEqual([
      ...owner,
      ...dispute,
      ...finance,
      'Who asked for the write-off?',
      ...dispute,
      ...finance,
      'Write off installment',
      'Written off',
    ]);
    expect(run.calls.find((call) => call.step === 'FinishCollectionFunction')?.payload.ending).toBe(
      'written-off',
    );
  });

  it('lets legal pursue, or agree a plan that is checked when it comes due', async () => {
    expect((await followUps.run(['pursue'], {}, { level: 4 })).states).toEqual([
      'Who follows up?',
      ...legal,
      'Pursued by legal',
    ]);
    const plan = await followUps.run(['payment-plan'], {}, { level: 4 });
    expect(plan.states).toEqual([
      'Who follows up?',
      ...legal,
      'Wait until the payment plan is due',
      'Check the payment plan',
      'Payment plan kept?',
      'Paid as planned',
    ]);
  });

  it('sends a broken payment plan back to legal', async () => {
    let checks = 0;
    const run = await followUps.run(
      ['payment-plan', 'pursue'],
      { CheckPaymentPlanFunction: () => ({ kept: ++checks > 1 }) },
      { level: 4 },
    );
    expect(run.states.slice(-5)).toEqual([
      'Payment plan kept?',
      'Legal decides on overdue payment',
      'Record legal decision',
      'Legal decision?',
      'Pursued by legal',
    ]);
  });

  it('sends a write-off finance refuses back to legal at level 4', async () => {
    const run = await followUps.run(['write-off', 'reject', 'pursue'], {}, { level: 4 });
    expect(run.states).toEqual([
      'Who follows up?',
      ...legal,
      ...finance,
      'Who asked for the write-off?',
      ...legal,
      'Pursued by legal',
    ]);
  });

  it('ends quietly when the next level or a payment closes the task', async () => {
    const run = await followUps.run(['fail:FollowUpClosed'], {}, { level: 1 });
    expect(run.states).toEqual(['Who follows up?', 'Owner follows up overdue payment', 'No longer needed']);
    expect(run.status).toBe('SUCCEEDED');
  });

  it('closes an unanswered follow-up at its deadline; a step legal leaves undecided needs attention', async () => {
    const owners = await followUps.run(['expire'], {}, { level: 1 });
    expect(owners.states).toEqual([
      'Who follows up?',
      'Owner follows up overdue payment',
      'Follow-up not answered',
      'Not answered',
    ]);
    expect(
      owners.calls.find((call) => call.step === 'FollowUpExpiredFunction')?.payload.executionArn,
    ).toBeDefined();
    const legals = await followUps.run(['expire'], {}, { level: 4 });
    expect(legals.states.slice(-3)).toEqual([
      'Legal did not decide in time',
      'Needs attention',
      'Stopped: needs attention',
    ]);
  });
});
