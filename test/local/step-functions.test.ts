// The local Step Functions service through the real SFN client: state types, retries, waits on the virtual clock, history, API errors.
import {
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect, describe as group, test } from 'vitest';
import { SfnError } from '#infra/local/step-functions/errors.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import {
  DAY,
  describe,
  finished,
  fixture,
  type Harness,
  HOUR,
  history,
  outputOf,
  reached,
  startHarness,
} from './step-functions-harness.ts';

const TEN_YEARS_MS = 10 * 365 * DAY * 1000;
let h: Harness;

beforeAll(async () => {
  // Far in the future, so that a timestamp taken from the real clock cannot pass for a virtual one.
  h = await startHarness(new VirtualClock(TEN_YEARS_MS));
});

afterAll(async () => {
  await h?.close();
});

async function start(machine: string, input: unknown, name?: string): Promise<string> {
  const stateMachineArn = h.machines[machine];
  const { executionArn } = await h.client.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), name }),
  );
  if (!executionArn) throw new Error('no executionArn');
  return executionArn;
}

async function rejection(promise: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return { name: error.name, message: error.message };
    throw error;
  }
  throw new Error('expected a rejection');
}

group('Task and Choice', () => {
  test('a lambda:invoke task passes its Payload and context values, and the Choice routes on its result', async () => {
    const payloads: unknown[] = [];
    h.lambdas.set('classify', (payload) => {
      payloads.push(payload);
      return { tier: (payload as { amount: number }).amount >= 1000 ? 'large' : 'small' };
    });
    const large = await start('task-choice', { amount: 5000 });
    const small = await start('task-choice', { amount: 10 });
    const [largeDone, smallDone] = [await finished(h, large), await finished(h, small)];
    expect(largeDone.status).toBe('SUCCEEDED');
    expect(outputOf(largeDone)).toEqual({
      amount: 5000,
      classification: { tier: 'large' },
      route: 'needs-director',
    });
    expect(smallDone.status).toBe('SUCCEEDED');
    expect(outputOf(smallDone)).toEqual({ amount: 10, classification: { tier: 'small' } });
    expect(payloads[0]).toEqual({
      amount: 5000,
      executionId: large,
      startedAt: largeDone.startDate?.toISOString(),
      state: 'Classify',
      label: '5000 in Classify',
    });
  });

  test('GetExecutionHistory returns AWS-shaped events, in order, stamped with virtual time, and pages both ways', async () => {
    h.lambdas.set('classify', () => ({ tier: 'small' }));
    const arn = await start('task-choice', { amount: 1 });
    await finished(h, arn);
    const events = await history(h, arn);
    expect(events.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    events.forEach((event, i) => {
      expect(event.id).toBe(i + 1);
      expect(event.previousEventId).toBe(i);
      expect(event.timestamp).toBeInstanceOf(Date);
      expect(event.timestamp?.getTime()).toBeGreaterThan(Date.now() + TEN_YEARS_MS - 60_000);
    });
    const byType = (type: string) => events.find((e) => e.type === type);
    expect(JSON.parse(byType('ExecutionStarted')?.executionStartedEventDetails?.input ?? '')).toEqual({
      amount: 1,
    });
    expect(byType('TaskStateEntered')?.stateEnteredEventDetails?.name).toBe('Classify');
    const scheduled = byType('TaskScheduled')?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke',
      region: 'us-east-1',
      timeoutInSeconds: 30,
    });
    expect(JSON.parse(scheduled?.parameters ?? '')).toMatchObject({
      FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:classify',
    });
    const succeeded = JSON.parse(byType('TaskSucceeded')?.taskSucceededEventDetails?.output ?? '');
    expect(succeeded).toMatchObject({ Payload: { tier: 'small' }, StatusCode: 200 });
    expect(JSON.parse(byType('TaskStateExited')?.stateExitedEventDetails?.output ?? '')).toEqual({
      amount: 1,
      classification: { tier: 'small' },
    });
    expect(JSON.parse(byType('ExecutionSucceeded')?.executionSucceededEventDetails?.output ?? '')).toEqual({
      amount: 1,
      classification: { tier: 'small' },
    });

    const reversed = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true }),
    );
    expect(reversed.events?.map((e) => e.id)).toEqual(events.map((e) => e.id).reverse());
    const first = await h.client.send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 4 }));
    expect(first.events?.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    const second = await h.client.send(
      new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 4, nextToken: first.nextToken }),
    );
    expect(second.events?.map((e) => e.id)).toEqual([5, 6, 7, 8]);
  });
});

group('Parallel and Map', () => {
  test('branches run side by side (one a plain Lambda ARN) and the Map processes every item with its index', async () => {
    h.lambdas.set('price', (payload) => ({ sku: (payload as { sku: string }).sku, price: 1200 }));
    h.lambdas.set('line', (payload) => ({ ...(payload as object), checked: true }));
    const arn = await start('parallel-map', { sku: 'A-1', order: 'OR-2026-00001', items: ['x', 'y', 'z'] });
    const done = await finished(h, arn);
    expect(done.status).toBe('SUCCEEDED');
    const output = outputOf(done);
    expect(output.fan).toEqual([{ sku: 'A-1', price: 1200 }, { inStock: true }]);
    // $$.Execution.Input inside a Map iteration is the execution's input, as on AWS.
    expect(output.lines).toEqual(
      ['x', 'y', 'z'].map((item, index) => ({
        line: { index, item, order: 'OR-2026-00001', checked: true },
      })),
    );
    const types = (await history(h, arn)).map((e) => e.type);
    expect(types).toContain('ParallelStateEntered');
    expect(types).toContain('LambdaFunctionScheduled');
    expect(types).toContain('LambdaFunctionSucceeded');
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(3);
    expect(types.at(-1)).toBe('ExecutionSucceeded');
  });
});

group('Retry and Catch', () => {
  test('a handler failing twice with a retried error then succeeding completes, without waiting out IntervalSeconds', async () => {
    let calls = 0;
    h.lambdas.set('flaky', () => {
      calls += 1;
      if (calls <= 2) {
        const error = new Error(`attempt ${calls} failed`);
        error.name = 'FlakyError';
        throw error;
      }
      return { ok: true };
    });
    const done = await finished(h, await start('retry-catch', { claim: 1 }));
    expect(done.status).toBe('SUCCEEDED');
    expect(outputOf(done)).toEqual({ result: { ok: true } });
    expect(calls).toBe(3);
    const types = (await history(h, done.executionArn ?? '')).map((e) => e.type);
    expect(types.filter((t) => t === 'TaskFailed')).toHaveLength(2);
    expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(1);
  });

  test('a custom error is caught by its name, with the cause AWS gives a Lambda error', async () => {
    class BudgetExceeded extends Error {
      override name = 'BudgetExceeded';
    }
    h.lambdas.set('flaky', () => {
      throw new BudgetExceeded('cost centre CC-7 is over budget');
    });
    const done = await finished(h, await start('retry-catch', { claim: 2 }));
    expect(done.status).toBe('SUCCEEDED');
    const output = outputOf(done) as { path: string; failure: { Error: string; Cause: string } };
    expect(output.path).toBe('over-budget');
    expect(output.failure.Error).toBe('BudgetExceeded');
    expect(JSON.parse(output.failure.Cause)).toEqual({
      errorType: 'BudgetExceeded',
      errorMessage: 'cost centre CC-7 is over budget',
    });
  });

  test('once retries are exhausted, States.TaskFailed catches the error', async () => {
    let calls = 0;
    h.lambdas.set('flaky', () => {
      calls += 1;
      const error = new Error('still failing');
      error.name = 'FlakyError';
      throw error;
    });
    const done = await finished(h, await start('retry-catch', { claim: 3 }));
    expect(outputOf(done)).toMatchObject({ path: 'recovered', failure: { Error: 'FlakyError' } });
    expect(calls).toBe(3);
  });

  test('an uncaught Fail state fails the execution with its error and cause', async () => {
    const done = await finished(
      h,
      (
        await h.client.send(
          new StartExecutionCommand({ stateMachineArn: h.machines.child, input: '{"value": -1}' }),
        )
      ).executionArn ?? '',
    );
    expect(done).toMatchObject({
      status: 'FAILED',
      error: 'NegativeValue',
      cause: 'value must not be negative',
    });
    expect((await history(h, done.executionArn ?? '')).at(-1)).toMatchObject({
      type: 'ExecutionFailed',
      executionFailedEventDetails: { error: 'NegativeValue', cause: 'value must not be negative' },
    });
  });
});

group('the 256 KiB payload quota, as on AWS', () => {
  // 100,000 Chinese characters are 300,000 bytes of UTF-8: over the quota though under 262,144 characters.
  const overQuota = '账'.repeat(100_000);

  test('a task result over the quota fails the execution with States.DataLimitExceeded, which no Catch takes', async () => {
    h.lambdas.set('flaky', () => ({ note: overQuota }));
    const done = await finished(h, await start('retry-catch', { claim: 'big' }));
    expect(done).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
    expect(done.cause).toMatch(/Flaky.*over the 262144-byte payload quota/);
  });

  test('a result just under the quota passes', async () => {
    h.lambdas.set('flaky', () => ({ note: '账'.repeat(80_000) }));
    expect((await finished(h, await start('retry-catch', { claim: 'fits' }))).status).toBe('SUCCEEDED');
  });

  test('StartExecution refuses an input over the quota', async () => {
    const refused = h.client.send(
      new StartExecutionCommand({
        stateMachineArn: h.machines.wait,
        input: JSON.stringify({ note: overQuota }),
      }),
    );
    expect(await rejection(refused)).toMatchObject({ name: 'ValidationException' });
  });
});

group('Wait states on the virtual clock', () => {
  test('a 30-day Wait completes only once the clock has advanced 30 days', async () => {
    const arn = await start('wait', { kind: 'seconds' });
    await reached(h, arn, 'WaitStateEntered');
    h.clock.advance(29 * DAY);
    expect((await describe(h, arn)).status).toBe('RUNNING');
    expect((await history(h, arn)).some((e) => e.type === 'WaitStateExited')).toBe(false);
    h.clock.advance(DAY);
    const done = await finished(h, arn);
    expect(done.status).toBe('SUCCEEDED');
    const events = await history(h, arn);
    const entered = events.find((e) => e.type === 'WaitStateEntered')?.timestamp?.getTime() ?? 0;
    const exited = events.find((e) => e.type === 'WaitStateExited')?.timestamp?.getTime() ?? 0;
    expect(exited - entered).toBeGreaterThanOrEqual(30 * DAY * 1000);
    // $$.State.EnteredTime is virtual time too.
    expect(Date.parse(String(outputOf(done).doneAt))).toBeGreaterThanOrEqual(entered + 30 * DAY * 1000);
  });

  test('SecondsPath and TimestampPath wait for the time in the input; a past Timestamp does not wait', async () => {
    const seconds = await start('wait', { kind: 'secondsPath', seconds: 90 });
    const until = await start('wait', {
      kind: 'timestampPath',
      until: new Date(h.clock.nowMs() + 2 * HOUR * 1000).toISOString(),
    });
    const past = await start('wait', { kind: 'fixed' });
    expect((await finished(h, past)).status).toBe('SUCCEEDED');
    await reached(h, seconds, 'WaitStateEntered');
    await reached(h, until, 'WaitStateEntered');
    h.clock.advance(89);
    expect((await describe(h, seconds)).status).toBe('RUNNING');
    h.clock.advance(1);
    expect((await finished(h, seconds)).status).toBe('SUCCEEDED');
    expect((await describe(h, until)).status).toBe('RUNNING');
    h.clock.advance(2 * HOUR);
    expect((await finished(h, until)).status).toBe('SUCCEEDED');
  });

  test("the state machine's TimeoutSeconds times the execution out on the virtual clock", async () => {
    const arn = await start('execution-timeout', {});
    await reached(h, arn, 'WaitStateEntered');
    h.clock.advance(HOUR);
    const done = await finished(h, arn);
    expect(done).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
    expect((await history(h, arn)).at(-1)?.type).toBe('ExecutionTimedOut');
  });
});

group('startExecution.sync:2', () => {
  test('runs the child execution, waits for it and returns its parsed output; a failed child fails the task', async () => {
    const ok = await finished(h, await start('parent', { value: 21 }, 'parent-ok'));
    expect(outputOf(ok)).toEqual({ childOutput: { doubled: 42 }, childStatus: 'SUCCEEDED' });
    const children = await h.client.send(new ListExecutionsCommand({ stateMachineArn: h.machines.child }));
    expect(children.executions?.map((e) => e.name)).toContain('parent-ok-child');

    const failed = await finished(h, await start('parent', { value: -1 }, 'parent-failing'));
    const output = outputOf(failed) as { outcome: string; error: { Error: string; Cause: string } };
    expect(output.outcome).toBe('child-failed');
    expect(output.error.Error).toBe('States.TaskFailed');
    expect(JSON.parse(output.error.Cause)).toMatchObject({ Status: 'FAILED', Error: 'NegativeValue' });
  });
});

group('API errors and listings', () => {
  const unknownExecution = 'arn:aws:states:us-east-1:000000000000:execution:test-wait:nobody';

  test('unknown execution, malformed ARN, unknown state machine, bad name and bad input get the AWS error names', async () => {
    expect(await rejection(describe(h, unknownExecution))).toMatchObject({ name: 'ExecutionDoesNotExist' });
    expect(await rejection(describe(h, 'not-an-arn'))).toMatchObject({ name: 'InvalidArn' });
    expect(await rejection(describe(h, h.machines.wait ?? ''))).toMatchObject({ name: 'InvalidArn' });
    const start = (input: { stateMachineArn?: string; name?: string; input?: string }) =>
      h.client.send(new StartExecutionCommand({ stateMachineArn: h.machines.wait, ...input }));
    expect(
      await rejection(
        start({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:missing' }),
      ),
    ).toMatchObject({ name: 'StateMachineDoesNotExist' });
    expect(await rejection(start({ name: 'has space' }))).toMatchObject({ name: 'InvalidName' });
    expect(await rejection(start({ name: 'x'.repeat(81) }))).toMatchObject({ name: 'InvalidName' });
    expect(await rejection(start({ input: '{not json' }))).toMatchObject({ name: 'InvalidExecutionInput' });
  });

  test('a body missing a field is a ValidationException naming it; an unknown operation is UnknownOperationException', async () => {
    const call = (target: string, body: unknown) =>
      fetch(h.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': target },
        body: JSON.stringify(body),
      });
    const missing = await call('AWSStepFunctions.DescribeExecution', {});
    expect(missing.status).toBe(400);
    const missingBody = (await missing.json()) as { __type: string; message: string };
    expect(missingBody.__type).toBe('ValidationException');
    expect(missingBody.message).toContain('executionArn');
    const wrongType = (await (
      await call('AWSStepFunctions.GetExecutionHistory', {
        executionArn: unknownExecution,
        maxResults: 'ten',
      })
    ).json()) as {
      __type: string;
      message: string;
    };
    expect(wrongType.__type).toBe('ValidationException');
    expect(wrongType.message).toContain('maxResults');
    const unknown = await call('AWSStepFunctions.CreateActivity', { name: 'x' });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });

  test('ListExecutions filters by state machine and status, newest first', async () => {
    const older = await start('wait', { kind: 'secondsPath', seconds: 10 * DAY }, 'list-older');
    h.clock.advance(1);
    const newer = await start('wait', { kind: 'secondsPath', seconds: 10 * DAY }, 'list-newer');
    const running = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: h.machines.wait, statusFilter: 'RUNNING' }),
    );
    const arns = running.executions?.map((e) => e.executionArn) ?? [];
    expect(arns.indexOf(newer)).toBeLessThan(arns.indexOf(older));
    expect(arns.indexOf(older)).toBeGreaterThanOrEqual(0);
    expect(
      running.executions?.every((e) => e.status === 'RUNNING' && e.stateMachineArn === h.machines.wait),
    ).toBe(true);
    const succeeded = await h.client.send(
      new ListExecutionsCommand({ stateMachineArn: h.machines.wait, statusFilter: 'SUCCEEDED' }),
    );
    expect(succeeded.executions?.map((e) => e.executionArn)).not.toContain(newer);
  });

  test('DescribeStateMachine returns the definition with placeholders filled in; ListStateMachines lists them', async () => {
    const machine = await h.client.send(
      new DescribeStateMachineCommand({ stateMachineArn: h.machines['task-choice'] }),
    );
    expect(machine).toMatchObject({ name: 'test-task-choice', status: 'ACTIVE', type: 'STANDARD' });
    expect(machine.definition).toContain('arn:aws:lambda:us-east-1:000000000000:function:classify');
    expect(machine.definition).not.toContain('${');
    const listed = await h.client.send(new ListStateMachinesCommand({}));
    expect(listed.stateMachines?.map((m) => m.stateMachineArn)).toContain(h.machines['task-choice']);
  });
});

group('createStateMachine', () => {
  const definitionError = (definition: string, substitutions?: Record<string, string>) => {
    try {
      h.service.createStateMachine({
        name: `bad-${Math.random().toString(36).slice(2)}`,
        definition,
        substitutions,
      });
    } catch (error) {
      if (error instanceof SfnError) return { name: error.name, message: error.message };
    }
    throw new Error('expected an SfnError');
  };
  const pass = (extra: Record<string, unknown>) =>
    JSON.stringify({ StartAt: 'A', States: { A: { Type: 'Pass', End: true, ...extra } } });

  test('a missing substitution is an error naming the placeholder', () => {
    expect(definitionError(fixture('callback'), {})).toMatchObject({
      name: 'InvalidDefinition',
      message: expect.stringContaining('${OpenTaskFunction}'),
    });
  });

  test('JSONata, Assign, unsupported resources and callback tasks without a token are refused', () => {
    expect(
      definitionError(
        JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Succeed' } } }),
      ).message,
    ).toContain('JSONata');
    expect(definitionError(pass({ Assign: { x: 1 } })).message).toContain('Assign');
    const task = (resource: string, parameters: unknown) =>
      JSON.stringify({
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: resource, Parameters: parameters, End: true } },
      });
    expect(
      definitionError(task('arn:aws:states:::sqs:sendMessage', { QueueUrl: 'q', MessageBody: 'm' })).message,
    ).toContain('sqs:sendMessage');
    expect(
      definitionError(
        task('arn:aws:states:::lambda:invoke.waitForTaskToken', { FunctionName: 'f', Payload: {} }),
      ).message,
    ).toContain('$$.Task.Token');
  });

  test('registering the same name twice returns the ARN for the same definition and refuses a different one', () => {
    const definition = pass({});
    const arn = h.service.createStateMachine({ name: 'twice', definition });
    expect(h.service.createStateMachine({ name: 'twice', definition })).toBe(arn);
    expect(() => h.service.createStateMachine({ name: 'twice', definition: pass({ Result: 1 }) })).toThrow(
      'State Machine Already Exists',
    );
  });
});
