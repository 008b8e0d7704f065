// Runs a project workflow definition in the local Step Functions service with fake steps, scripted like people.

import { LocalStepFunctions } from '#infra/local/step-functions/service.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { readDefinitionText } from '#workflows/definitions.ts';
import { registry } from '#workflows/registry.ts';
import { until } from '../local/step-functions-harness.ts';

const region = 'us-east-1';
const account = '000000000000';

/** A fake step: gets the state's payload and name; what it returns (or throws) is the step's result. */
export type FakeStep = (payload: Record<string, unknown>, stateName: string) => unknown;

export interface PathRun {
  /** Every state entered, in order: the business steps the execution went through. */
  states: string[];
  status: string;
  error?: string;
  /** State transitions, as Step Functions bills them: one per state entered. */
  transitions: number;
  /** The payloads each fake step was called with, by placeholder. */
  calls: { step: string; state: string; payload: Record<string, unknown> }[];
  /** Executions of other workflows this run started (they stand in as machines that just succeed). */
  started: { workflow: string; name: string; input: Record<string, unknown> }[];
}

export interface WorkflowPaths {
  clock: VirtualClock;
  /**
   * Starts an execution with `{subject, ...input}` and answers each human step in turn with the next of `decisions`
   * (an outcome; `'expire'` to let its deadline pass; `'fail:<Error>'` to end its wait with that error, as
   * SendTaskFailure does). Returns once the execution has ended.
   */
  run(
    decisions: string[],
    fakes?: Partial<Record<string, FakeStep>>,
    input?: Record<string, unknown>,
  ): Promise<PathRun>;
  close(): Promise<void>;
}

let runs = 0;

/** `defaults` are the fake steps every run uses unless the run overrides them (keys: registry placeholders). */
export async function workflowPaths(
  slug: string,
  defaults: Partial<Record<string, FakeStep>> = {},
): Promise<WorkflowPaths> {
  const clock = new VirtualClock();
  let fakes: Partial<Record<string, FakeStep>> = {};
  let calls: PathRun['calls'] = [];
  /** Human steps opened and not yet answered by the script: their tokens, as open-task received them. */
  let opened: { token: string; stateName: string; deadlineSeconds: number }[] = [];
  const service = new LocalStepFunctions({
    clock,
    region,
    accountId: account,
    invokeLambda: async (arn, payload, { stateName }) => {
      const step = arn.split(':').at(-1) ?? arn;
      calls.push({ step, state: stateName, payload: payload as Record<string, unknown> });
      const fake = fakes[step] ?? defaults[step];
      if (step === 'OpenTaskFunction') {
        fake?.(payload as Record<string, unknown>, stateName);
        const { taskToken, deadlineSeconds } = payload as { taskToken: unknown; deadlineSeconds: unknown };
        opened.push({ token: String(taskToken), stateName, deadlineSeconds: Number(deadlineSeconds) });
        return { taskId: `task-${stateName}` };
      }
      if (!fake) return {};
      return fake(payload as Record<string, unknown>, stateName);
    },
  });
  // Workflows this one starts stand in as machines that just succeed: each path test runs one workflow.
  const substitutions = Object.fromEntries(
    Object.entries(registry).map(([name, spec]) => [
      name,
      spec.kind === 'workflow'
        ? service.createStateMachine({
            name: `test-${slug}-starts-${spec.slug}`,
            definition: JSON.stringify({ StartAt: 'Started', States: { Started: { Type: 'Succeed' } } }),
          })
        : `arn:aws:lambda:${region}:${account}:function:${name}`,
    ]),
  );
  const machine = service.createStateMachine({
    name: `test-${slug}`,
    definition: readDefinitionText(slug),
    substitutions,
  });
  return {
    clock,
    async run(decisions, overrides = {}, input = {}) {
      fakes = overrides;
      calls = [];
      opened = [];
      const name = `run-${++runs}`;
      const { executionArn } = await service.startExecution({
        stateMachineArn: machine,
        name,
        input: JSON.stringify({ subject: { kind: slug, id: 'EX-2026-00001', version: 1 }, ...input }),
      });
      const arn = executionArn as string;
      for (const decision of decisions) {
        const task = await until(`a human step of ${name}`, async () => {
          const described = await service.describeExecution({ executionArn: arn });
          if (described.status !== 'RUNNING')
            throw new Error(`${name} ended before "${decision}": ${described.error}`);
          return opened.shift();
        });
        if (decision === 'expire') {
          clock.advance(task.deadlineSeconds + 1);
          await until(`${task.stateName} to expire`, () =>
            service.openTasks().some((open) => open.executionArn === arn && open.stateName === task.stateName)
              ? undefined
              : true,
          );
        } else if (decision.startsWith('fail:')) {
          await service.sendTaskFailure({ taskToken: task.token, error: decision.slice('fail:'.length) });
        } else {
          await service.sendTaskSuccess({
            taskToken: task.token,
            output: JSON.stringify({ taskId: `task-${task.stateName}`, outcome: decision }),
          });
        }
      }
      const ended = await until(`${name} to end`, async () => {
        const described = await service.describeExecution({ executionArn: arn });
        return described.status === 'RUNNING' ? undefined : described;
      });
      const { events = [] } = await service.getExecutionHistory({ executionArn: arn, maxResults: 1000 });
      const states = events.flatMap((event) =>
        event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : [],
      );
      const started = events.flatMap((event) => {
        const scheduled = event.taskScheduledEventDetails;
        if (scheduled?.resourceType !== 'states' || !scheduled.resource?.startsWith('startExecution'))
          return [];
        const parameters = JSON.parse(scheduled.parameters ?? '{}') as {
          StateMachineArn: string;
          Name: string;
          Input: Record<string, unknown>;
        };
        const workflow =
          parameters.StateMachineArn.split(`test-${slug}-starts-`)[1] ?? parameters.StateMachineArn;
        return [{ workflow, name: parameters.Name, input: parameters.Input }];
      });
      return {
        states,
        status: ended.status ?? '',
        ...(ended.error ? { error: ended.error } : {}),
        transitions: states.length,
        calls,
        started,
      };
    },
    async close() {
      await service.close();
      clock.dispose();
    },
  };
}

/** A record step's fake: the decision's outcome, with this route for the Choices that follow. */
export const recorded =
  (route: (state: string) => Record<string, unknown> = () => ({})): FakeStep =>
  (payload, state) => ({
    outcome: (payload.decision as { outcome: string }).outcome,
    route: route(state),
  });

/** A fake step that fails like a handler throwing an error of this name. */
export const failing = (name: string, times = Number.POSITIVE_INFINITY): FakeStep =>
  (() => {
    let left = times;
    return () => {
      if (left-- > 0) throw Object.assign(new Error(`${name} from a fake step`), { name });
      return {};
    };
  })();
