// Shared set-up for the local Step Functions tests: a service on a virtual clock, fixture machines, an SDK client, polling helpers.
import { readFileSync } from 'node:fs';
import {
  DescribeExecutionCommand,
  type DescribeExecutionOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { LocalStepFunctions } from '#infra/local/step-functions/service.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '000000000000';
const DAY = 24 * 60 * 60;
export const HOUR = 60 * 60;
export { DAY };

export type Lambda = (payload: unknown, context: { executionArn: string; stateName: string }) => unknown;

const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

export function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/sfn/${name}.asl.json`, import.meta.url), 'utf8');
}

export interface Harness {
  clock: VirtualClock;
  service: LocalStepFunctions;
  client: SFNClient;
  url: string;
  /** Lambda handlers by function name; tests set the ones their machine calls. */
  lambdas: Map<string, Lambda>;
  machines: Record<string, string>;
  close(): Promise<void>;
}

/** Every fixture machine, with its placeholders pointing at the function names the tests register. */
export async function startHarness(clock = new VirtualClock()): Promise<Harness> {
  const lambdas = new Map<string, Lambda>();
  const service = new LocalStepFunctions({
    clock,
    region: REGION,
    accountId: ACCOUNT,
    invokeLambda: async (arn, payload, context) => {
      const name = arn.split(':').at(-1) ?? arn;
      const lambda = lambdas.get(name);
      if (!lambda) throw new Error(`no test lambda named ${name}`);
      return lambda(payload, context);
    },
  });
  const child = service.createStateMachine({ name: 'test-child', definition: fixture('child') });
  const machines: Record<string, string> = { child };
  const functions = {
    ClassifyFunction: functionArn('classify'),
    PriceFunction: functionArn('price'),
    LineFunction: functionArn('line'),
    FlakyFunction: functionArn('flaky'),
    OpenTaskFunction: functionArn('open-task'),
    ChildStateMachine: child,
  };
  for (const name of [
    'task-choice',
    'wait',
    'parallel-map',
    'retry-catch',
    'callback',
    'heartbeat',
    'parallel-callback',
    'parent',
    'execution-timeout',
  ]) {
    machines[name] = service.createStateMachine({
      name: `test-${name}`,
      definition: fixture(name),
      substitutions: functions,
    });
  }
  const server = await service.listen(0);
  const client = new SFNClient({
    endpoint: server.url,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    clock,
    service,
    client,
    url: server.url,
    lambdas,
    machines,
    close: async () => {
      client.destroy();
      await service.close();
      clock.dispose();
    },
  };
}

/** Polls `probe` until it returns a value; fails after `timeoutMs` of real time (a bound, not an expectation). */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function describe(h: Harness, executionArn: string): Promise<DescribeExecutionOutput> {
  return h.client.send(new DescribeExecutionCommand({ executionArn }));
}

/** Waits until the execution is no longer RUNNING and returns its description. */
export async function finished(h: Harness, executionArn: string): Promise<DescribeExecutionOutput> {
  return until(`${executionArn} to finish`, async () => {
    const execution = await describe(h, executionArn);
    return execution.status === 'RUNNING' ? undefined : execution;
  });
}

export async function history(h: Harness, executionArn: string): Promise<HistoryEvent[]> {
  const { events } = await h.client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
  return events ?? [];
}

/** Waits until the history has an event of `type` (e.g. the Wait state was entered, so advancing the clock counts). */
export async function reached(h: Harness, executionArn: string, type: string): Promise<HistoryEvent[]> {
  return until(`${type} in ${executionArn}`, async () => {
    const events = await history(h, executionArn);
    return events.some((event) => event.type === type) ? events : undefined;
  });
}

export function outputOf(execution: DescribeExecutionOutput): Record<string, unknown> {
  return JSON.parse(execution.output ?? 'null') as Record<string, unknown>;
}
