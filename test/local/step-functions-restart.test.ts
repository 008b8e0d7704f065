// Durable executions: the local service restarted on its data folder continues every execution where it stood, and redrives failed ones as AWS does.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions, type RestoreReport } from '#infra/local/step-functions/service.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { ACCOUNT, fixture, REGION, until } from './step-functions-harness.ts';

const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const functions = {
  PriceFunction: functionArn('price'),
  BookFunction: functionArn('book'),
  OpenTaskFunction: functionArn('open-task'),
};

type Lambda = (payload: Record<string, unknown>) => unknown;

/** One life of the service on a data folder; a restart is a new life on the same folder and virtual time. */
interface Life {
  service: LocalStepFunctions;
  client: SFNClient;
  clock: VirtualClock;
  report: RestoreReport;
  machines: Record<string, string>;
}

let dir: string;
let life: Life;
/** Lambda handlers by function name, and every call each received (in order). */
let lambdas: Map<string, Lambda>;
let calls: Map<string, Record<string, unknown>[]>;
/** Task tokens handed to open-task, by claim id: what a mailed link carries. */
let tokens: Map<string, string>;

async function live(
  clock: VirtualClock,
  definitions: Record<string, string> = {},
  onStart?: (service: LocalStepFunctions) => void,
): Promise<Life> {
  const service = new LocalStepFunctions({
    clock,
    region: REGION,
    accountId: ACCOUNT,
    dataDir: dir,
    invokeLambda: async (arn, payload) => {
      const name = arn.split(':').at(-1) ?? arn;
      const lambda = lambdas.get(name);
      if (!lambda) throw new Error(`no test lambda named ${name}`);
      const event = payload as Record<string, unknown>;
      calls.set(name, [...(calls.get(name) ?? []), event]);
      return lambda(event);
    },
  });
  const machines: Record<string, string> = {};
  for (const name of ['restart', 'restart-parallel', 'restart-map']) {
    machines[name] = service.createStateMachine({
      name: `test-${name}`,
      definition: definitions[name] ?? fixture(name),
      substitutions: functions,
    });
  }
  onStart?.(service);
  const report = await service.restore();
  const server = await service.listen(0);
  const client = new SFNClient({
    endpoint: server.url,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return { service, client, clock, report, machines };
}

/** Stops the process's service (as Ctrl-C or a kill would leave the journal) and starts a new one on the same data. */
async function restart(definitions?: Record<string, string>): Promise<Life> {
  const offset = life.clock.offsetMs;
  await end(life);
  life = await live(new VirtualClock(offset), definitions);
  return life;
}

async function end(old: Life): Promise<void> {
  old.client.destroy();
  await old.service.close();
  old.clock.dispose();
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sfn-restart-'));
  lambdas = new Map<string, Lambda>([
    ['price', (p) => ({ price: 100 * Number(String(p.claimId).replace(/\D/g, '') || 1) })],
    ['book', (p) => ({ bookingId: `B-${String(p.claimId)}` })],
    [
      'open-task',
      (p) => {
        tokens.set(String(p.claimId), String(p.taskToken));
        return { opened: p.claimId };
      },
    ],
  ]);
  calls = new Map();
  tokens = new Map();
  life = await live(new VirtualClock());
});

afterEach(async () => {
  await end(life);
  rmSync(dir, { recursive: true, force: true });
});

async function start(machine: string, name: string, input: unknown): Promise<string> {
  const started = await life.client.send(
    new StartExecutionCommand({
      stateMachineArn: life.machines[machine],
      name,
      input: JSON.stringify(input),
    }),
  );
  return started.executionArn ?? '';
}

const describeIt = (arn: string) => life.client.send(new DescribeExecutionCommand({ executionArn: arn }));

async function historyOf(arn: string): Promise<HistoryEvent[]> {
  const { events } = await life.client.send(
    new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }),
  );
  return events ?? [];
}

async function finished(arn: string): Promise<DescribeExecutionOutput> {
  return until(`${arn} to end`, async () => {
    const execution = await describeIt(arn);
    return execution.status === 'RUNNING' ? undefined : execution;
  });
}

/** Waits until the history shows the state entered (or a given event type), and returns the history. */
async function reached(arn: string, what: (event: HistoryEvent) => boolean, label: string) {
  return until(`${label} in ${arn}`, async () => {
    const events = await historyOf(arn);
    return events.some(what) ? events : undefined;
  });
}

const entered = (state: string) => (event: HistoryEvent) => event.stateEnteredEventDetails?.name === state;
const callsTo = (name: string) => calls.get(name)?.length ?? 0;

async function decide(claimId: string, output: unknown): Promise<void> {
  const taskToken = tokens.get(claimId);
  if (!taskToken) throw new Error(`no token for ${claimId}`);
  await life.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
}

const count = (events: HistoryEvent[], test: (event: HistoryEvent) => boolean) => events.filter(test).length;

describe('a restart continues executions where they stood', () => {
  it('keeps a waiting callback and its token: the link handed out before the restart decides', async () => {
    const arn = await start('restart', 'R-1', { claimId: 'C7' });
    await until('the approval to open', () => tokens.get('C7'));
    const before = await historyOf(arn);

    await restart();
    expect(life.report).toMatchObject({ loaded: 1, resumed: [arn], failed: [] });
    // Listed and described as before, still running.
    const { executions = [] } = await life.client.send(
      new ListExecutionsCommand({ stateMachineArn: life.machines.restart }),
    );
    expect(executions.map((e) => [e.name, e.status])).toEqual([['R-1', 'RUNNING']]);
    expect((await historyOf(arn)).slice(0, before.length)).toEqual(before);

    await decide('C7', { outcome: 'approve' });
    await reached(arn, entered('Cooling'), 'Cooling');
    life.clock.advance(3600);
    const done = await finished(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      priced: { price: 700 },
      decision: { outcome: 'approve' },
      booked: { booking: { bookingId: 'B-C7' } },
    });
    // Nothing ran twice: one price, one task opened; each state entered once.
    expect([callsTo('price'), callsTo('open-task'), callsTo('book')]).toEqual([1, 1, 1]);
    const events = await historyOf(arn);
    expect(count(events, entered('Approve'))).toBe(1);
    expect(count(events, (e) => e.type === 'TaskScheduled')).toBe(3);
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1));
  });

  it('does not run a completed Task again: its recorded result is used', async () => {
    // The process stops right after Book's result is written, before the state is left.
    life.service.onChange((change) => {
      const event = change.event;
      if (
        event?.type === 'TaskSucceeded' &&
        JSON.parse(event.taskSucceededEventDetails?.output ?? '{}').Payload?.bookingId
      )
        void life.service.close();
    });
    const arn = await start('restart', 'R-2', { claimId: 'C8' });
    await until('the approval to open', () => tokens.get('C8'));
    await decide('C8', { outcome: 'approve' });
    await reached(arn, entered('Cooling'), 'Cooling');
    life.clock.advance(3600);
    await until('Book to have run', () => (callsTo('book') === 1 ? true : undefined));

    await restart();
    const done = await finished(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').booked).toEqual({ booking: { bookingId: 'B-C8' } });
    expect(callsTo('book')).toBe(1);
    const events = await historyOf(arn);
    expect(count(events, (e) => e.type === 'TaskSucceeded')).toBe(3);
    expect(count(events, entered('Book'))).toBe(1);
  });

  it('fires a Wait at its original virtual time, not a whole wait after the restart', async () => {
    const arn = await start('restart', 'R-3', { claimId: 'C9' });
    await until('the approval to open', () => tokens.get('C9'));
    await decide('C9', { outcome: 'approve' });
    const events = await reached(arn, entered('Cooling'), 'Cooling');
    const waitStarted = events.find(entered('Cooling'))?.timestamp?.getTime() ?? 0;
    life.clock.advance(1800);

    await restart();
    life.clock.advance(1700);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await describeIt(arn)).status).toBe('RUNNING');
    expect(callsTo('book')).toBe(0);
    life.clock.advance(120);
    expect((await finished(arn)).status).toBe('SUCCEEDED');
    const exited = (await historyOf(arn)).find((e) => e.stateExitedEventDetails?.name === 'Cooling');
    const waited = (exited?.timestamp?.getTime() ?? 0) - waitStarted;
    expect(waited).toBeGreaterThanOrEqual(3600 * 1000);
    expect(waited).toBeLessThan(3700 * 1000);
  });

  it('resumes Parallel branches: a waiting one keeps its token, a Wait fires on time, nothing reruns', async () => {
    const arn = await start('restart-parallel', 'P-1', { claimId: 'C3' });
    await until('the branch task to open', () => tokens.get('C3'));
    await reached(arn, entered('Settle'), 'Settle');

    await restart();
    life.clock.advance(600);
    await until('the quote', () => (callsTo('price') === 1 ? true : undefined));
    await decide('C3', { outcome: 'approve' });
    const done = await finished(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').both).toEqual([{ outcome: 'approve' }, { price: 300 }]);
    expect(callsTo('open-task')).toBe(1);
    const events = await historyOf(arn);
    expect(count(events, (e) => e.type === 'ParallelStateEntered')).toBe(1);
    expect(count(events, entered('Ask'))).toBe(1);
  });

  it('resumes each Map iteration on its own: finished ones keep their output, waiting ones their token', async () => {
    const arn = await start('restart-map', 'M-1', { items: ['A1', 'A2', 'A3'] });
    await until('three tasks', () => (tokens.size === 3 ? true : undefined));
    await decide('A2', { outcome: 'approve', by: 'early' });
    await reached(arn, (e) => e.type === 'MapIterationSucceeded', 'one iteration done');

    await restart();
    await decide('A3', { outcome: 'reject' });
    await decide('A1', { outcome: 'approve' });
    const done = await finished(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').items).toEqual([
      { claimId: 'A1', decision: { outcome: 'approve' } },
      { claimId: 'A2', decision: { outcome: 'approve', by: 'early' } },
      { claimId: 'A3', decision: { outcome: 'reject' } },
    ]);
    expect(callsTo('open-task')).toBe(3);
    const events = await historyOf(arn);
    expect(count(events, (e) => e.type === 'MapIterationStarted')).toBe(3);
    expect(count(events, (e) => e.type === 'MapIterationSucceeded')).toBe(3);
  });

  it('calls a callback Lambda that had not returned again, with the same token', async () => {
    const seen: string[] = [];
    lambdas.set('open-task', (p) => {
      seen.push(String(p.taskToken));
      // The first call is cut off by the restart; the one after it answers.
      return seen.length === 1 ? new Promise(() => {}) : { opened: p.claimId };
    });
    const arn = await start('restart', 'R-7', { claimId: 'C12' });
    await until('open-task to be called', () => (seen.length === 1 ? true : undefined));

    await restart();
    await until('open-task to be called again', () => (seen.length === 2 ? true : undefined));
    expect(seen[1]).toBe(seen[0]);
    tokens.set('C12', seen[0] as string);
    await decide('C12', { outcome: 'approve' });
    await reached(arn, entered('Cooling'), 'Cooling');
    const events = await historyOf(arn);
    expect(count(events, (e) => e.type === 'TaskScheduled')).toBe(2);
    expect(count(events, (e) => e.type === 'TaskSubmitted')).toBe(1);
  });

  it('keeps finished executions listed with their history, and answers a late token with TaskTimedOut', async () => {
    const arn = await start('restart', 'R-4', { claimId: 'C4' });
    await until('the approval to open', () => tokens.get('C4'));
    await life.client.send(new StopExecutionCommand({ executionArn: arn, cause: 'withdrawn' }));
    const stopped = await historyOf(arn);

    await restart();
    expect(life.report).toMatchObject({ loaded: 1, resumed: [] });
    expect(await describeIt(arn)).toMatchObject({ status: 'ABORTED', cause: 'withdrawn' });
    expect(await historyOf(arn)).toEqual(stopped);
    await expect(decide('C4', { outcome: 'approve' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
    // The name stays taken, as on AWS.
    await expect(start('restart', 'R-4', { claimId: 'C4' })).rejects.toMatchObject({
      name: 'ExecutionAlreadyExists',
    });
  });

  it('sends an execution whose definition changed incompatibly down its Catch-all path, with the reason', async () => {
    const arn = await start('restart', 'R-5', { claimId: 'C5' });
    await until('the approval to open', () => tokens.get('C5'));
    const changed = JSON.parse(fixture('restart'));
    changed.States['Approve by manager'] = changed.States.Approve;
    delete changed.States.Approve;
    changed.States.Price.Next = 'Approve by manager';

    await restart({ restart: JSON.stringify(changed) });
    expect(life.report.failed).toEqual([
      { executionArn: arn, reason: "state 'Approve' no longer exists", viaCatch: 'Needs attention' },
    ]);
    const done = await finished(arn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'NeedsAttention' });
    const attention = (await historyOf(arn)).find(entered('Needs attention'));
    const input = JSON.parse(attention?.stateEnteredEventDetails?.input ?? '{}');
    expect(input.failure.Error).toBe('Sandbox.DefinitionChanged');
    expect(input.failure.Cause).toContain("state 'Approve' no longer exists");
    // Its token died with it.
    await expect(decide('C5', { outcome: 'approve' })).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('continues on a changed definition when the states it stands in are unchanged', async () => {
    const arn = await start('restart', 'R-6', { claimId: 'C6' });
    await until('the approval to open', () => tokens.get('C6'));
    const changed = JSON.parse(fixture('restart'));
    changed.States.Cooling.Seconds = 60;
    await restart({ restart: JSON.stringify(changed) });
    expect(life.report.resumed).toEqual([arn]);
    await decide('C6', { outcome: 'approve' });
    await reached(arn, entered('Cooling'), 'Cooling');
    life.clock.advance(60);
    expect((await finished(arn)).status).toBe('SUCCEEDED');
  });
});

describe('RedriveExecution', () => {
  it('continues a stopped execution from the state it stood in, same ARN, earlier steps not rerun', async () => {
    const arn = await start('restart', 'D-1', { claimId: 'C1' });
    await until('the approval to open', () => tokens.get('C1'));
    const firstToken = tokens.get('C1');
    await life.client.send(new StopExecutionCommand({ executionArn: arn, cause: 'by mistake' }));
    expect((await describeIt(arn)).redriveStatus).toBe('REDRIVABLE');

    await life.client.send(new RedriveExecutionCommand({ executionArn: arn }));
    await until('a new approval', () => (tokens.get('C1') !== firstToken ? true : undefined));
    expect(await describeIt(arn)).toMatchObject({ status: 'RUNNING', redriveCount: 1 });
    await decide('C1', { outcome: 'approve' });
    await reached(arn, entered('Cooling'), 'Cooling');
    life.clock.advance(3600);
    const done = await finished(arn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1, executionArn: arn });
    expect(callsTo('price')).toBe(1);
    expect(callsTo('open-task')).toBe(2);
    const events = await historyOf(arn);
    const redriven = events.find((e) => e.type === 'ExecutionRedriven');
    expect(redriven?.executionRedrivenEventDetails).toEqual({ redriveCount: 1 });
    expect(events.map((e) => e.type)).toContain('ExecutionAborted');
  });

  it('redrives a failed execution after a restart, from the failed Task', async () => {
    let bookFails = true;
    lambdas.set('book', (p) => {
      if (bookFails) throw Object.assign(new Error('booking system down'), { name: 'BookingDown' });
      return { bookingId: `B-${String(p.claimId)}` };
    });
    const arn = await start('restart', 'D-2', { claimId: 'C2' });
    await until('the approval to open', () => tokens.get('C2'));
    await decide('C2', { outcome: 'approve' });
    await reached(arn, entered('Cooling'), 'Cooling');
    life.clock.advance(3600);
    expect(await finished(arn)).toMatchObject({ status: 'FAILED', error: 'BookingDown' });

    await restart();
    bookFails = false;
    await life.client.send(new RedriveExecutionCommand({ executionArn: arn }));
    const done = await finished(arn);
    expect(done).toMatchObject({ status: 'SUCCEEDED', redriveCount: 1 });
    expect([callsTo('price'), callsTo('open-task'), callsTo('book')]).toEqual([1, 1, 2]);
  });

  it('reruns only the branch that failed; a finished branch keeps its output', async () => {
    let quoteFails = true;
    lambdas.set('price', () => {
      if (quoteFails) throw Object.assign(new Error('no quote'), { name: 'QuoteDown' });
      return { price: 42 };
    });
    const arn = await start('restart-parallel', 'D-3', { claimId: 'C10' });
    await until('the branch task to open', () => tokens.get('C10'));
    await decide('C10', { outcome: 'approve' });
    life.clock.advance(600);
    expect(await finished(arn)).toMatchObject({ status: 'FAILED', error: 'QuoteDown' });

    quoteFails = false;
    await life.client.send(new RedriveExecutionCommand({ executionArn: arn }));
    const done = await finished(arn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').both).toEqual([{ outcome: 'approve' }, { price: 42 }]);
    expect(callsTo('open-task')).toBe(1);
    expect(callsTo('price')).toBe(2);
  });

  it('refuses what AWS refuses: a running or succeeded execution, one that does not exist', async () => {
    const arn = await start('restart', 'D-4', { claimId: 'C11' });
    await until('the approval to open', () => tokens.get('C11'));
    await expect(life.client.send(new RedriveExecutionCommand({ executionArn: arn }))).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
    });
    await decide('C11', { outcome: 'approve' });
    await reached(arn, entered('Cooling'), 'Cooling');
    life.clock.advance(3600);
    expect((await finished(arn)).status).toBe('SUCCEEDED');
    expect((await describeIt(arn)).redriveStatus).toBe('NOT_REDRIVABLE');
    await expect(life.client.send(new RedriveExecutionCommand({ executionArn: arn }))).rejects.toMatchObject({
      name: 'ExecutionNotRedrivable',
    });
    await expect(
      life.client.send(new RedriveExecutionCommand({ executionArn: `${arn}-nope` })),
    ).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});
