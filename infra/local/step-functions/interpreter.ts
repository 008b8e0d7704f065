// The seams into aws-local-stepfunctions: its JSON and event types, and the error objects its Retry/Catch logic understands.
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
