// Callback tasks on the local Step Functions service: task tokens, SendTask*, timeouts and heartbeats on the virtual clock, stops.
import {
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import {
  DAY,
  describe,
  finished,
  type Harness,
  HOUR,
  history,
  outputOf,
  startHarness,
  until,
} from './step-functions-harness.ts';

interface OpenedTask {
  token: string;
  payload: Record<string, unknown>;
  context: { executionArn: string; stateName: string };
}

let h: Harness;
const opened = new Map<string, OpenedTask>();

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

beforeEach(() => {
  h.lambdas.set('open-task', (payload, context) => {
    const task = payload as { taskToken: string; claimId: string };
    opened.set(task.claimId, {
      token: task.taskToken,
      payload: task as unknown as Record<string, unknown>,
      context,
    });
    return { taskId: `task-${task.claimId}` };
  });
});

async function startTask(
  machine: 'callback' | 'heartbeat' | 'parallel-callback',
  claimId: string,
  extra: object = {},
  name?: string,
) {
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({
      stateMachineArn: h.machines[machine],
      input: JSON.stringify({ claimId, ...extra }),
      name,
    }),
  );
  if (!executionArn) throw new Error('no executionArn');
  const task = await until(`the task of ${claimId} to open`, () => opened.get(claimId));
  return { executionArn, task };
}

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error.name;
  }
  return 'no error';
}

const success = (taskToken: string, output: unknown) =>
  h.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));

test('a callback task gets a real token, waits for SendTaskSuccess, and its output becomes the task result', async () => {
  const { executionArn, task } = await startTask('callback', 'EX-1');
  expect(task.token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
  expect(task.payload).toMatchObject({ claimId: 'EX-1', executionArn, state: 'AskApproval' });
  expect(task.context).toEqual({ executionArn, stateName: 'AskApproval' });
  expect(h.service.openTasks()).toContainEqual(
    expect.objectContaining({ executionArn, stateName: 'AskApproval' }),
  );
  expect((await describe(h, executionArn)).status).toBe('RUNNING');

  await success(task.token, { outcome: 'approve', by: 'manager@example.com' });
  const done = await finished(h, executionArn);
  expect(done.status).toBe('SUCCEEDED');
  expect(outputOf(done)).toEqual({
    outcome: 'approved',
    decision: { outcome: 'approve', by: 'manager@example.com' },
  });
  expect(h.service.openTasks().some((t) => t.executionArn === executionArn)).toBe(false);

  const types = (await history(h, executionArn)).map((e) => e.type);
  expect(types.slice(0, 6)).toEqual([
    'ExecutionStarted',
    'TaskStateEntered',
    'TaskScheduled',
    'TaskStarted',
    'TaskSubmitted',
    'TaskSucceeded',
  ]);
  // A token of a task that is over answers TaskTimedOut, as on AWS.
  expect(await errorName(success(task.token, {}))).toBe('TaskTimedOut');
});

test('SendTaskFailure fails the task with its error, caught by name in Catch', async () => {
  const { executionArn, task } = await startTask('callback', 'EX-2');
  await h.client.send(
    new SendTaskFailureCommand({ taskToken: task.token, error: 'Rejected', cause: 'no receipts' }),
  );
  const done = await finished(h, executionArn);
  expect(outputOf(done)).toEqual({ outcome: 'rejected', error: { Error: 'Rejected', Cause: 'no receipts' } });
  const failed = (await history(h, executionArn)).find((e) => e.type === 'TaskFailed');
  expect(failed?.taskFailedEventDetails).toMatchObject({ error: 'Rejected', cause: 'no receipts' });
});

test('an unanswered task times out after 48 virtual hours as States.Timeout (not States.TaskFailed), and its token then answers TaskTimedOut', async () => {
  const { executionArn, task } = await startTask('callback', 'EX-3');
  h.clock.advance(47 * HOUR);
  expect((await describe(h, executionArn)).status).toBe('RUNNING');
  h.clock.advance(HOUR);
  const done = await finished(h, executionArn);
  expect(done.status).toBe('SUCCEEDED');
  expect(outputOf(done)).toMatchObject({ outcome: 'expired', error: { Error: 'States.Timeout' } });
  expect((await history(h, executionArn)).some((e) => e.type === 'TaskTimedOut')).toBe(true);
  expect(await errorName(success(task.token, { outcome: 'approve' }))).toBe('TaskTimedOut');
});

test('heartbeats keep a task alive; a missed one is States.HeartbeatTimeout; TimeoutSecondsPath comes from the input', async () => {
  // 40 days: beyond what a Node timer can hold (24.8 days), so this also checks the deadline does not fire at once.
  const alive = await startTask('heartbeat', 'OR-1', { deadlineSeconds: 40 * DAY });
  h.clock.advance(50 * 60);
  await h.client.send(new SendTaskHeartbeatCommand({ taskToken: alive.task.token }));
  h.clock.advance(50 * 60);
  expect((await describe(h, alive.executionArn)).status).toBe('RUNNING');
  h.clock.advance(11 * 60);
  const silent = await finished(h, alive.executionArn);
  expect(outputOf(silent)).toMatchObject({ outcome: 'silent', error: { Error: 'States.HeartbeatTimeout' } });
  expect(await errorName(h.client.send(new SendTaskHeartbeatCommand({ taskToken: alive.task.token })))).toBe(
    'TaskTimedOut',
  );

  const deadline = await startTask('heartbeat', 'OR-2', { deadlineSeconds: 1800 });
  h.clock.advance(1800);
  const timedOut = await finished(h, deadline.executionArn);
  // No Catch for States.Timeout in this machine: the execution fails with it.
  expect(timedOut).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
});

test('StartExecution is idempotent by name and input while running; a different input or a closed one is refused', async () => {
  const input = JSON.stringify({ claimId: 'EX-4' });
  const startNamed = (body: string) =>
    h.client.send(
      new StartExecutionCommand({ stateMachineArn: h.machines.callback, name: 'EX-4-r1', input: body }),
    );
  const first = await startNamed(input);
  const again = await startNamed(input);
  expect(again.executionArn).toBe(first.executionArn);
  expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
  expect(first.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:test-callback:EX-4-r1');
  expect(await errorName(startNamed(JSON.stringify({ claimId: 'EX-4', other: true })))).toBe(
    'ExecutionAlreadyExists',
  );

  const task = await until('EX-4 task', () => opened.get('EX-4'));
  await success(task.token, { outcome: 'approve' });
  await finished(h, first.executionArn ?? '');
  expect(await errorName(startNamed(input))).toBe('ExecutionAlreadyExists');
});

test('StopExecution aborts a running execution, records why, and kills its task token', async () => {
  const { executionArn, task } = await startTask('callback', 'EX-5');
  const { stopDate } = await h.client.send(
    new StopExecutionCommand({ executionArn, error: 'Withdrawn', cause: 'the claim was withdrawn' }),
  );
  expect(stopDate).toBeInstanceOf(Date);
  expect(await describe(h, executionArn)).toMatchObject({
    status: 'ABORTED',
    error: 'Withdrawn',
    cause: 'the claim was withdrawn',
  });
  expect(await errorName(success(task.token, { outcome: 'approve' }))).toBe('TaskTimedOut');
  const last = await until('the ExecutionAborted event', async () => {
    const event = (await history(h, executionArn)).at(-1);
    return event?.type === 'ExecutionAborted' ? event : undefined;
  });
  expect(last.executionAbortedEventDetails).toEqual({ error: 'Withdrawn', cause: 'the claim was withdrawn' });
  const aborted = await h.client.send(
    new ListExecutionsCommand({ stateMachineArn: h.machines.callback, statusFilter: 'ABORTED' }),
  );
  expect(aborted.executions?.map((e) => e.executionArn)).toContain(executionArn);
});

test('a callback task left in a failed Parallel branch dies with its execution; the Parallel is not reported as succeeded', async () => {
  const { executionArn, task } = await startTask('parallel-callback', 'OR-3');
  h.clock.advance(60);
  const done = await finished(h, executionArn);
  expect(outputOf(done)).toMatchObject({
    outcome: 'gave-up',
    error: { Error: 'LogisticsDown', Cause: 'no carrier' },
  });
  await h.service.whenClosed(executionArn);
  expect(h.service.openTasks().some((t) => t.executionArn === executionArn)).toBe(false);
  expect(await errorName(success(task.token, { outcome: 'confirm' }))).toBe('TaskTimedOut');
  const types = (await history(h, executionArn)).map((e) => e.type);
  expect(types).toContain('ParallelStateFailed');
  expect(types).not.toContain('ParallelStateSucceeded');
  expect(types.at(-1)).toBe('ExecutionSucceeded');
});

test('change listeners hear an execution start, record events and end', async () => {
  const heard: { status: string; type: string | undefined }[] = [];
  const stop = h.service.onChange((change) => {
    if (change.executionArn.endsWith(':listened'))
      heard.push({ status: change.status, type: change.event?.type });
  });
  await h.client.send(
    new StartExecutionCommand({
      stateMachineArn: h.machines.callback,
      name: 'listened',
      input: '{"claimId":"EX-8"}',
    }),
  );
  const task = await until('EX-8 task', () => opened.get('EX-8'));
  await success(task.token, { outcome: 'approve' });
  await h.service.whenClosed('arn:aws:states:us-east-1:000000000000:execution:test-callback:listened');
  stop();
  expect(heard[0]).toEqual({ status: 'RUNNING', type: 'ExecutionStarted' });
  expect(heard).toContainEqual({ status: 'SUCCEEDED', type: undefined });
  expect(heard.at(-1)).toEqual({ status: 'SUCCEEDED', type: 'ExecutionSucceeded' });
});

test('a token never issued is InvalidToken; output that is not JSON is InvalidOutput', async () => {
  expect(await errorName(success('garbage', {}))).toBe('InvalidToken');
  expect(await errorName(success('A'.repeat(43), {}))).toBe('InvalidToken');
  const { executionArn, task } = await startTask('callback', 'EX-6');
  expect(
    await errorName(h.client.send(new SendTaskSuccessCommand({ taskToken: task.token, output: '{oops' }))),
  ).toBe('InvalidOutput');
  expect((await describe(h, executionArn)).status).toBe('RUNNING');
  await h.client.send(new StopExecutionCommand({ executionArn }));
});

test('close() aborts running executions and leaves no timers behind', async () => {
  const clock = new VirtualClock();
  const own = await startHarness(clock);
  own.lambdas.set('open-task', () => ({}));
  const { executionArn } = await own.client.send(
    new StartExecutionCommand({ stateMachineArn: own.machines.callback, input: '{"claimId":"EX-7"}' }),
  );
  await until('the task to open', () => (own.service.openTasks().length > 0 ? true : undefined));
  await own.close();
  expect((await own.service.describeExecution({ executionArn })).status).toBe('ABORTED');
  expect(own.service.openTasks()).toEqual([]);
});
