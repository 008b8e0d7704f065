// The seams into aws-local-stepfunctions: its JSON and event types, the error objects its Retry/Catch logic understands, and which branch or Map iteration is running.
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  ExecutionError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';

type LocalHandler = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string];
export type JsonValue = Parameters<LocalHandler>[0];
export type EventLog =
  ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;
export type { RunOptions, StateMachineDefinition };
export { StateMachine };

/**
 * An error the interpreter neither retries nor catches (it reads `isRetryable`/`isCatchable`): used when the execution
 * is stopped or closed, and for runtime errors AWS reports as `States.Runtime`.
 */
export class UncatchableError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;

  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export function runtimeError(message: string): UncatchableError {
  return new UncatchableError('States.Runtime', message);
}

/** Step Functions' payload quota: 256 KiB of UTF-8 for an execution's, a state's or a task's input and output. */
export const payloadLimitBytes = 262_144;

export const payloadBytes = (value: unknown): number =>
  Buffer.byteLength(JSON.stringify(value ?? null), 'utf8');

/** `States.DataLimitExceeded`: terminal, as on AWS, where `States.ALL` does not catch it. */
export function dataLimitExceeded(what: string, bytes: number): UncatchableError {
  return new UncatchableError(
    'States.DataLimitExceeded',
    `The ${what} is ${bytes} bytes, over the ${payloadLimitBytes}-byte payload quota`,
  );
}

/** A task failure with an ASL error name, matched by `ErrorEquals` in Retry and Catch; `cause` becomes `Cause`. */
export function taskError(name: string, cause: string): Error {
  const error = new Error(cause);
  error.name = name;
  return error;
}

type TimeoutErrorFactory = (message: string) => Error;
let makeTimeoutError: TimeoutErrorFactory | undefined;

/**
 * `States.TaskFailed` in Retry/Catch matches every error except an instance of the interpreter's own (unexported)
 * StatesTimeoutError. Our timeouts fire on the virtual clock, so we borrow that class once from a 1 ms library
 * timeout; if that ever stops working, timeouts are plain errors named `States.Timeout`.
 */
export async function loadTimeoutErrorFactory(): Promise<TimeoutErrorFactory> {
  if (makeTimeoutError) return makeTimeoutError;
  const definition = {
    StartAt: 'Probe',
    States: {
      Probe: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:probe',
        TimeoutSeconds: 0.001,
        End: true,
      },
    },
  } as unknown as StateMachineDefinition;
  const probe = new StateMachine(definition, { validationOptions: { noValidate: true } });
  const run = probe.run(null, {
    overrides: { taskResourceLocalHandlers: { Probe: () => new Promise(() => {}) } },
  });
  let factory: TimeoutErrorFactory = (message) => taskError('States.Timeout', message);
  try {
    await run.result;
  } catch (error) {
    const cause = error instanceof ExecutionError ? error.cause : undefined;
    if (cause instanceof Error && cause.name === 'States.Timeout') {
      const TimeoutClass = cause.constructor as new () => Error;
      factory = (message) => {
        const timeout = new TimeoutClass();
        timeout.message = message;
        return timeout;
      };
    }
  }
  makeTimeoutError = factory;
  return factory;
}

// Scopes ---------------------------------------------------------------------------------------------------------------
//
// A scope is one run of a state list: '' for the execution, `Both#1` for branch 1 of Parallel `Both`, `PerItem[3]` for
// iteration 3 of Map `PerItem`, nested with '/'. Resuming an execution needs to know, for every event and every Task
// call, which scope it belongs to; the interpreter only tells the outermost Map index. So every run of a branch or an
// item processor is wrapped: its Task calls see its scope through AsyncLocalStorage, and its events are tagged with it
// before they are forwarded to the parent run.

/** The branch or item processor a nested definition object is, keyed by identity (the interpreter keeps ours). */
const nestedScopes = new WeakMap<object, { container: string; branch?: number }>();
/** Runs started per item-processor machine: the Map action runs one per item, in item order (p-limit is FIFO). */
const runsOf = new WeakMap<object, number>();
const scopeStorage = new AsyncLocalStorage<string>();
const scopeTag = Symbol('sfn-local scope');

type Tagged = { [scopeTag]?: string };
type DefinitionObject = { States?: Record<string, Record<string, unknown>> };

/** Makes the branches and item processors of a runnable definition (and those nested in them) known by scope. */
export function registerScopes(definition: object): void {
  const states = (definition as DefinitionObject).States ?? {};
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      state.Branches.forEach((branch: unknown, index: number) => {
        if (typeof branch !== 'object' || branch === null) return;
        nestedScopes.set(branch, { container: name, branch: index });
        registerScopes(branch);
      });
    }
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor ?? state.Iterator;
      if (typeof processor !== 'object' || processor === null) continue;
      nestedScopes.set(processor, { container: name });
      registerScopes(processor);
    }
  }
}

/** The scope the calling Task handler runs in. */
export function currentScope(): string {
  return scopeStorage.getStore() ?? '';
}

/** The scope an interpreter event was emitted in. */
export function scopeOfEvent(event: EventLog): string {
  return (event as Tagged)[scopeTag] ?? '';
}

/** `PerItem[3]/Both#1` → `PerItem/Both#1`: the scope of the definition, whatever the iteration. */
export function staticScope(scope: string): string {
  return scope.replace(/\[\d+\]/g, '');
}

/**
 * Tags each event of a run with its scope as it is read. The generator's own `next` is wrapped rather than the
 * generator itself: one `then` instead of an extra async generator, so nested events are not delayed further behind
 * their parent's (the interpreter forwards them asynchronously already).
 */
function tagged(events: AsyncGenerator<EventLog>, scope: string): AsyncGenerator<EventLog> {
  const next = events.next.bind(events);
  events.next = (...args) =>
    next(...args).then((result) => {
      const marked = result.value as Tagged | undefined;
      // The innermost run tags first; the Map forwards iteration events as copies, which keep the tag.
      if (!result.done && marked && marked[scopeTag] === undefined) marked[scopeTag] = scope;
      return result;
    });
  return events;
}

const originalRun = StateMachine.prototype.run;
StateMachine.prototype.run = function run(this: StateMachine, input, options) {
  const definition = (this as unknown as { definition: object }).definition;
  const nested = nestedScopes.get(definition);
  let scope = '';
  if (nested) {
    const parent = scopeStorage.getStore() ?? '';
    let slot: string;
    if (nested.branch !== undefined) slot = `${nested.container}#${nested.branch}`;
    else {
      const index = runsOf.get(this) ?? 0;
      runsOf.set(this, index + 1);
      slot = `${nested.container}[${index}]`;
    }
    scope = parent === '' ? slot : `${parent}/${slot}`;
  }
  const execution = scopeStorage.run(scope, () => originalRun.call(this, input, options));
  return { ...execution, eventLogs: tagged(execution.eventLogs, scope) };
};
