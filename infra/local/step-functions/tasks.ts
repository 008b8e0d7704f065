// Runs Task and Wait states for the interpreter: Lambda invokes, callback tokens, child executions, every timeout on the virtual clock, and picking up where a restart left them.
import type { DescribeExecutionOutput } from '@aws-sdk/client-sfn';
import type { StatePlan, TaskPlan, TaskResource, WrappedTaskInput, WrappedWaitInput } from './definition.ts';
import { SfnError } from './errors.ts';
import { type HistoryEventInit, json, type StateNote } from './history.ts';
import {
  currentScope,
  dataLimitExceeded,
  type JsonValue,
  payloadBytes,
  payloadLimitBytes,
  runtimeError,
  taskError,
  UncatchableError,
} from './interpreter.ts';
import type { AttemptOutcome, Visit } from './progress.ts';
import type { TaskTokens } from './tokens.ts';

/** What a running task needs from its execution. */
export interface TaskHost {
  readonly executionArn: string;
  readonly region: string;
  readonly closed: boolean;
  readonly tokens: TaskTokens;
  nowMs(): number;
  /** The task token `$$.Task.Token` produced while the interpreter evaluated this state's Parameters, if any. */
  claimToken(): string | undefined;
  /** A virtual-clock timer that dies with the execution. */
  at(atMs: number, fire: () => void): () => void;
  /** Keeps `task` to be closed if the execution ends first; returns the function that forgets it. */
  track(task: Closable): () => void;
  /** Adds a task event to the history, in order with the interpreter's events for the same state in `scope`. */
  record(scope: string, stateName: string, event: HistoryEventInit): void;
  /** Keeps a note (a token, a Wait's firing time) in the journal, after the state's entry. */
  note(note: StateNote): void;
  /** What a resumed execution recorded about the state this Task or Wait call continues, once; else undefined. */
  takeResumed(scope: string, stateName: string): Visit | undefined;
  invokeLambda(functionArn: string, payload: unknown, stateName: string): Promise<unknown>;
  startChild(request: { stateMachineArn: string; input: string; name: string | undefined }): Promise<{
    executionArn: string;
    startDate: Date;
  }>;
  whenChildClosed(executionArn: string): Promise<DescribeExecutionOutput>;
  stopChild(executionArn: string): void;
  timeoutError(message: string): Error;
}

export interface Closable {
  close(): void;
}

export type LocalHandler = (input: JsonValue) => Promise<JsonValue>;

export function executionClosed(): UncatchableError {
  return new UncatchableError('States.Runtime', 'The execution is closed');
}

function toJson(value: unknown): JsonValue {
  return value === undefined ? null : (JSON.parse(JSON.stringify(value)) as JsonValue);
}

/** A thrown handler error as AWS reports it: the error name, and a JSON cause with errorType and errorMessage. */
function lambdaFailure(thrown: unknown): Error {
  const errorType = thrown instanceof Error && thrown.name ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  return taskError(errorType, JSON.stringify({ errorType, errorMessage }));
}

/** A rejected StartExecution from a task fails the task with the name the AWS integration uses. */
function startExecutionFailure(thrown: unknown): Error {
  if (thrown instanceof SfnError) {
    const name = thrown.name.endsWith('Exception') ? thrown.name : `${thrown.name}Exception`;
    return taskError(`StepFunctions.${name}`, thrown.message);
  }
  return lambdaFailure(thrown);
}

function optionalSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw runtimeError(`${field} must point to a positive integer, found ${JSON.stringify(value)}`);
  }
  return value;
}

function resourceNames(resource: TaskResource): { resourceType: string; resource: string } {
  switch (resource.kind) {
    case 'lambda-invoke':
      return { resourceType: 'lambda', resource: resource.callback ? 'invoke.waitForTaskToken' : 'invoke' };
    case 'start-execution': {
      const suffix = {
        'request-response': '',
        sync: '.sync',
        'sync:2': '.sync:2',
        callback: '.waitForTaskToken',
      };
      return { resourceType: 'states', resource: `startExecution${suffix[resource.pattern]}` };
    }
    case 'lambda-function':
      return { resourceType: 'lambda', resource: resource.functionArn };
  }
}

/** One attempt of a Task state: settles once, by result, failure, timeout or the execution closing. */
class TaskAttempt implements Closable {
  readonly promise: Promise<JsonValue>;
  readonly #host: TaskHost;
  readonly #stateName: string;
  readonly #plan: TaskPlan;
  readonly #names: { resourceType: string; resource: string };
  readonly #resolve: (value: JsonValue) => void;
  readonly #reject: (error: Error) => void;
  readonly #untrack: () => void;
  readonly #cancels = new Set<() => void>();
  readonly #heartbeatSeconds: number | undefined;
  #cancelHeartbeat: (() => void) | undefined;
  #token: string | undefined;
  #done = false;
  /** Runs when the execution closes under a running task, e.g. to stop a child execution. */
  onClose: (() => void) | undefined;

  readonly #scope: string;

  /** `timeoutAt` is when TimeoutSeconds runs out, in virtual time: a resumed attempt keeps its original deadline. */
  constructor(
    host: TaskHost,
    scope: string,
    stateName: string,
    plan: TaskPlan,
    timeout?: { seconds: number; at: number },
    heartbeatSeconds?: number,
  ) {
    this.#host = host;
    this.#scope = scope;
    this.#stateName = stateName;
    this.#plan = plan;
    this.#names = resourceNames(plan.resource);
    this.#heartbeatSeconds = heartbeatSeconds;
    const { promise, resolve, reject } = Promise.withResolvers<JsonValue>();
    this.promise = promise;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#untrack = host.track(this);
    this.#deadline = timeout?.at;
    if (timeout !== undefined) {
      this.#cancels.add(
        host.at(timeout.at, () =>
          this.#timeOut('States.Timeout', `The task did not finish within ${timeout.seconds} seconds`),
        ),
      );
    }
  }

  readonly #deadline: number | undefined;

  get #isLambdaFunction(): boolean {
    return this.#plan.resource.kind === 'lambda-function';
  }

  scheduled(parameters: unknown, timeoutSeconds?: number, heartbeatSeconds?: number): void {
    if (this.#isLambdaFunction) {
      this.#record({
        type: 'LambdaFunctionScheduled',
        lambdaFunctionScheduledEventDetails: {
          resource: this.#names.resource,
          input: json(parameters),
          inputDetails: { truncated: false },
          timeoutInSeconds: timeoutSeconds,
        },
      });
      this.#record({ type: 'LambdaFunctionStarted' });
      return;
    }
    this.#record({
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        ...this.#names,
        region: this.#host.region,
        parameters: json(parameters),
        timeoutInSeconds: timeoutSeconds,
        heartbeatInSeconds: heartbeatSeconds,
      },
    });
    this.#record({ type: 'TaskStarted', taskStartedEventDetails: { ...this.#names } });
  }

  /** For callback tasks: the work was handed over, now the token decides. */
  submitted(output: unknown): void {
    if (this.#done) return;
    this.#record({
      type: 'TaskSubmitted',
      taskSubmittedEventDetails: {
        ...this.#names,
        output: json(output),
        outputDetails: { truncated: false },
      },
    });
  }

  /** Hands out `token`; `openedAt` is given when a resumed execution opens the token it had handed out before. */
  openToken(token: string, openedAt?: number): void {
    this.#token = token;
    if (openedAt === undefined) {
      this.#host.note({
        t: 'token',
        scope: this.#scope,
        state: this.#stateName,
        token,
        openedAt: this.#host.nowMs(),
        deadline: this.#deadline,
      });
    }
    this.#host.tokens.open(
      token,
      {
        executionArn: this.#host.executionArn,
        stateName: this.#stateName,
        openedAt: new Date(openedAt ?? this.#host.nowMs()),
      },
      {
        succeed: (output) => this.succeed(output),
        fail: (error, cause) => this.fail(taskError(error ?? '', cause ?? '')),
        heartbeat: () => this.#armHeartbeat(),
      },
    );
    this.#armHeartbeat();
  }

  succeed(output: JsonValue): void {
    if (this.#done) return;
    const bytes = payloadBytes(output);
    if (bytes > payloadLimitBytes) {
      this.fail(dataLimitExceeded(`result of state '${this.#stateName}'`, bytes));
      return;
    }
    if (this.#isLambdaFunction) {
      this.#record({
        type: 'LambdaFunctionSucceeded',
        lambdaFunctionSucceededEventDetails: { output: json(output), outputDetails: { truncated: false } },
      });
    } else {
      this.#record({
        type: 'TaskSucceeded',
        taskSucceededEventDetails: {
          ...this.#names,
          output: json(output),
          outputDetails: { truncated: false },
        },
      });
    }
    this.#finish('succeeded');
    this.#resolve(output);
  }

  fail(error: Error): void {
    if (this.#done) return;
    const details = { error: error.name, cause: error.message };
    if (this.#isLambdaFunction)
      this.#record({ type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: details });
    else this.#record({ type: 'TaskFailed', taskFailedEventDetails: { ...this.#names, ...details } });
    this.#finish('failed');
    this.#reject(error);
  }

  /** The execution ended under this task: no event (the execution's own closing event says it all). */
  close(): void {
    if (this.#done) return;
    this.#finish('execution-closed');
    this.onClose?.();
    this.#reject(executionClosed());
  }

  #timeOut(name: 'States.Timeout' | 'States.HeartbeatTimeout', message: string): void {
    if (this.#done) return;
    const details = { error: name, cause: message };
    if (this.#isLambdaFunction) {
      this.#record({ type: 'LambdaFunctionTimedOut', lambdaFunctionTimedOutEventDetails: details });
    } else this.#record({ type: 'TaskTimedOut', taskTimedOutEventDetails: { ...this.#names, ...details } });
    this.#finish('timed-out');
    this.onClose?.();
    this.#reject(name === 'States.Timeout' ? this.#host.timeoutError(message) : taskError(name, message));
  }

  #armHeartbeat(): void {
    const seconds = this.#heartbeatSeconds;
    if (seconds === undefined || this.#done) return;
    this.#cancelHeartbeat?.();
    const cancel = this.#host.at(this.#host.nowMs() + seconds * 1000, () =>
      this.#timeOut('States.HeartbeatTimeout', `No heartbeat within ${seconds} seconds`),
    );
    this.#cancelHeartbeat = cancel;
    this.#cancels.add(cancel);
  }

  #finish(closure: 'succeeded' | 'failed' | 'timed-out' | 'execution-closed'): void {
    this.#done = true;
    for (const cancel of this.#cancels) cancel();
    this.#cancels.clear();
    this.#untrack();
    if (this.#token) this.#host.tokens.close(this.#token, closure);
  }

  #record(event: HistoryEventInit): void {
    this.#host.record(this.#scope, this.#stateName, event);
  }
}

function lambdaInvokeResult(payload: JsonValue): JsonValue {
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { HttpHeaders: {}, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: crypto.randomUUID() },
    StatusCode: 200,
  };
}

/** How AWS shapes a finished child execution for `.sync` (strings) and `.sync:2` (parsed JSON). */
function childExecutionOutput(child: DescribeExecutionOutput, parse: boolean): JsonValue {
  const data = (text: string | undefined): JsonValue =>
    parse && text !== undefined ? toJson(JSON.parse(text)) : (text ?? null);
  const output: Record<string, JsonValue> = {
    ExecutionArn: child.executionArn ?? null,
    Input: data(child.input),
    InputDetails: { Included: true },
    Name: child.name ?? null,
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    StartDate: child.startDate?.getTime() ?? null,
    StateMachineArn: child.stateMachineArn ?? null,
    Status: child.status ?? null,
    StopDate: child.stopDate?.getTime() ?? null,
  };
  if (child.output !== undefined) {
    output.Output = data(child.output);
    output.OutputDetails = { Included: true };
  }
  if (child.error !== undefined) output.Error = child.error;
  if (child.cause !== undefined) output.Cause = child.cause;
  return output;
}

function field(parameters: unknown, name: string): unknown {
  return typeof parameters === 'object' && parameters !== null && !Array.isArray(parameters)
    ? (parameters as Record<string, unknown>)[name]
    : undefined;
}

function runLambdaInvoke(
  host: TaskHost,
  stateName: string,
  parameters: unknown,
  attempt: TaskAttempt,
  callback: boolean,
) {
  const functionName = field(parameters, 'FunctionName');
  if (typeof functionName !== 'string' || functionName === '') {
    attempt.fail(runtimeError(`lambda:invoke in state '${stateName}' needs Parameters.FunctionName`));
    return;
  }
  // Without a Payload the function gets an empty event, as when Lambda is invoked with no payload.
  const payload = field(parameters, 'Payload');
  host.invokeLambda(functionName, payload === undefined ? {} : payload, stateName).then(
    (result) => {
      let wrapped: JsonValue;
      try {
        wrapped = lambdaInvokeResult(toJson(result));
      } catch (error) {
        attempt.fail(lambdaFailure(error));
        return;
      }
      if (callback) attempt.submitted(wrapped);
      else attempt.succeed(wrapped);
    },
    (error: unknown) => attempt.fail(lambdaFailure(error)),
  );
}

function runLambdaFunction(
  host: TaskHost,
  stateName: string,
  functionArn: string,
  parameters: unknown,
  attempt: TaskAttempt,
) {
  host.invokeLambda(functionArn, parameters, stateName).then(
    (result) => {
      try {
        attempt.succeed(toJson(result));
      } catch (error) {
        attempt.fail(lambdaFailure(error));
      }
    },
    (error: unknown) => attempt.fail(lambdaFailure(error)),
  );
}

function runStartExecution(
  host: TaskHost,
  stateName: string,
  parameters: unknown,
  attempt: TaskAttempt,
  pattern: 'request-response' | 'sync' | 'sync:2' | 'callback',
) {
  const stateMachineArn = field(parameters, 'StateMachineArn');
  const name = field(parameters, 'Name');
  const input = field(parameters, 'Input');
  if (typeof stateMachineArn !== 'string' || (name !== undefined && typeof name !== 'string')) {
    attempt.fail(
      runtimeError(
        `startExecution in state '${stateName}' needs Parameters.StateMachineArn (and a string Name)`,
      ),
    );
    return;
  }
  const inputText = input === undefined ? '{}' : typeof input === 'string' ? input : JSON.stringify(input);
  host.startChild({ stateMachineArn, input: inputText, name }).then(
    ({ executionArn, startDate }) => {
      const started = { ExecutionArn: executionArn, StartDate: startDate.getTime() };
      if (pattern === 'request-response') {
        attempt.succeed(started);
        return;
      }
      attempt.submitted(started);
      if (pattern !== 'callback') awaitChild(host, attempt, executionArn, pattern);
    },
    (error: unknown) => attempt.fail(startExecutionFailure(error)),
  );
}

/** `.sync` and `.sync:2`: the task ends as the child execution does; stopping the parent stops the child. */
function awaitChild(host: TaskHost, attempt: TaskAttempt, executionArn: string, pattern: 'sync' | 'sync:2') {
  attempt.onClose = () => host.stopChild(executionArn);
  host.whenChildClosed(executionArn).then(
    (child) => {
      const output = childExecutionOutput(child, pattern === 'sync:2');
      if (child.status === 'SUCCEEDED') attempt.succeed(output);
      else attempt.fail(taskError('States.TaskFailed', JSON.stringify(output)));
    },
    (error: unknown) => attempt.fail(startExecutionFailure(error)),
  );
}

/** A recorded failure as the error the interpreter's Retry and Catch see again. */
function recordedError(outcome: Extract<AttemptOutcome, { kind: 'failed' }>, host: TaskHost): Error {
  if (outcome.error === 'States.Timeout') return host.timeoutError(outcome.cause);
  if (outcome.error === 'States.Runtime' || outcome.error === 'States.DataLimitExceeded')
    return new UncatchableError(outcome.error, outcome.cause);
  return taskError(outcome.error, outcome.cause);
}

/** Every occurrence of the token just minted, replaced by the one handed out before the restart. */
function withToken(value: unknown, minted: string | undefined, recorded: string): unknown {
  if (minted === undefined) return value;
  return JSON.parse(JSON.stringify(value ?? null).replaceAll(minted, recorded));
}

interface TaskCall {
  host: TaskHost;
  scope: string;
  stateName: string;
  plan: TaskPlan;
  parameters: unknown;
  timeoutSeconds: number | undefined;
  heartbeatSeconds: number | undefined;
  callback: boolean;
}

function run(call: TaskCall, attempt: TaskAttempt, parameters: unknown): void {
  const { host, stateName, plan } = call;
  switch (plan.resource.kind) {
    case 'lambda-invoke':
      runLambdaInvoke(host, stateName, parameters, attempt, plan.resource.callback);
      break;
    case 'lambda-function':
      runLambdaFunction(host, stateName, plan.resource.functionArn, parameters, attempt);
      break;
    case 'start-execution':
      runStartExecution(host, stateName, parameters, attempt, plan.resource.pattern);
      break;
  }
}

/**
 * Continues a Task state that was under way when the process stopped, from what the journal says: a finished attempt
 * gives its recorded result (or error) without running again; a waiting callback opens the same token again (so the
 * mailed link still decides), calling its Lambda again only if that call had not returned; a `.sync` child execution
 * is waited for again. Anything else runs afresh (undefined).
 */
function resumeTask(
  call: TaskCall,
  recorded: Visit,
  minted: string | undefined,
): Promise<JsonValue> | undefined {
  const attempt = recorded.attempt;
  if (!attempt) return undefined;
  const { host, plan } = call;
  if (attempt.outcome?.kind === 'succeeded') return Promise.resolve(attempt.outcome.output as JsonValue);
  if (attempt.outcome?.kind === 'failed') return Promise.reject(recordedError(attempt.outcome, host));
  const timeout =
    call.timeoutSeconds === undefined || attempt.scheduledAt === undefined
      ? undefined
      : { seconds: call.timeoutSeconds, at: attempt.scheduledAt + call.timeoutSeconds * 1000 };
  if (call.callback && attempt.token) {
    const resumed = new TaskAttempt(host, call.scope, call.stateName, plan, timeout, call.heartbeatSeconds);
    resumed.openToken(attempt.token.token, attempt.token.openedAt);
    if (attempt.submitted === undefined)
      run(call, resumed, withToken(call.parameters, minted, attempt.token.token));
    return resumed.promise;
  }
  const childArn =
    typeof attempt.submitted === 'object' && attempt.submitted !== null && !Array.isArray(attempt.submitted)
      ? attempt.submitted.ExecutionArn
      : undefined;
  const pattern = plan.resource.kind === 'start-execution' ? plan.resource.pattern : undefined;
  if ((pattern === 'sync' || pattern === 'sync:2') && typeof childArn === 'string') {
    const resumed = new TaskAttempt(host, call.scope, call.stateName, plan, timeout);
    awaitChild(host, resumed, childArn, pattern);
    return resumed.promise;
  }
  return undefined;
}

function taskHandler(stateName: string, plan: TaskPlan, host: TaskHost): LocalHandler {
  return (input) => {
    // Must run before anything asynchronous: the token belongs to the Parameters evaluated just now.
    const token = host.claimToken();
    const scope = currentScope();
    if (host.closed) return Promise.reject(executionClosed());
    const wrapped = (input ?? {}) as unknown as WrappedTaskInput;
    let timeoutSeconds: number | undefined;
    let heartbeatSeconds: number | undefined;
    try {
      timeoutSeconds = plan.timeoutSeconds ?? optionalSeconds(wrapped.timeoutSeconds, 'TimeoutSecondsPath');
      heartbeatSeconds =
        plan.heartbeatSeconds ?? optionalSeconds(wrapped.heartbeatSeconds, 'HeartbeatSecondsPath');
    } catch (error) {
      return Promise.reject(error);
    }
    const { resource } = plan;
    const callback =
      (resource.kind === 'lambda-invoke' && resource.callback) ||
      (resource.kind === 'start-execution' && resource.pattern === 'callback');
    const call: TaskCall = {
      host,
      scope,
      stateName,
      plan,
      parameters: wrapped.parameters,
      timeoutSeconds,
      heartbeatSeconds: callback ? heartbeatSeconds : undefined,
      callback,
    };
    const recorded = host.takeResumed(scope, stateName);
    const resumed = recorded ? resumeTask(call, recorded, token) : undefined;
    if (resumed) return resumed;

    const attempt = new TaskAttempt(
      host,
      scope,
      stateName,
      plan,
      timeoutSeconds === undefined
        ? undefined
        : { seconds: timeoutSeconds, at: host.nowMs() + timeoutSeconds * 1000 },
      call.heartbeatSeconds,
    );
    const inputBytes = payloadBytes(wrapped.parameters);
    if (inputBytes > payloadLimitBytes) {
      return Promise.reject(dataLimitExceeded(`input of state '${stateName}'`, inputBytes));
    }
    attempt.scheduled(wrapped.parameters, timeoutSeconds, heartbeatSeconds);
    if (callback) {
      if (!token) {
        attempt.fail(
          runtimeError(`state '${stateName}' waits for a task token but did not pass $$.Task.Token`),
        );
        return attempt.promise;
      }
      attempt.openToken(token);
    }
    run(call, attempt, wrapped.parameters);
    return attempt.promise;
  };
}

function waitTarget(host: TaskHost, wrapped: WrappedWaitInput): number {
  if (wrapped.seconds !== undefined) {
    const seconds = wrapped.seconds;
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
      throw runtimeError(`Wait seconds must be a non-negative number, found ${JSON.stringify(seconds)}`);
    }
    return host.nowMs() + seconds * 1000;
  }
  if (wrapped.timestamp !== undefined) {
    const timestamp = wrapped.timestamp;
    const at =
      typeof timestamp === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(timestamp)
        ? Date.parse(timestamp)
        : Number.NaN;
    if (Number.isNaN(at))
      throw runtimeError(`Wait timestamp must be an RFC 3339 timestamp, found ${JSON.stringify(timestamp)}`);
    return at;
  }
  return host.nowMs();
}

/**
 * A Wait state, rewritten as a Task so that it sleeps on the virtual clock rather than on a real timer. Its firing
 * time is noted, so that after a restart it fires when it would have, not a whole wait later.
 */
function waitHandler(stateName: string, host: TaskHost): LocalHandler {
  return (input) => {
    const scope = currentScope();
    if (host.closed) return Promise.reject(executionClosed());
    const wrapped = (input ?? {}) as unknown as WrappedWaitInput;
    let target: number;
    const recorded = host.takeResumed(scope, stateName)?.waitUntil;
    try {
      target = recorded ?? waitTarget(host, wrapped);
    } catch (error) {
      return Promise.reject(error);
    }
    if (recorded === undefined) host.note({ t: 'wait', scope, state: stateName, until: target });
    const { promise, resolve, reject } = Promise.withResolvers<JsonValue>();
    let cancel = (): void => {};
    const untrack = host.track({
      close: () => {
        cancel();
        reject(executionClosed());
      },
    });
    cancel = host.at(target, () => {
      untrack();
      resolve((wrapped.input ?? null) as JsonValue);
    });
    return promise;
  };
}

/** The interpreter's `taskResourceLocalHandlers`: one per Task and (rewritten) Wait state, bound to one execution. */
export function localHandlers(
  states: ReadonlyMap<string, StatePlan>,
  host: TaskHost,
): Record<string, LocalHandler> {
  const handlers: Record<string, LocalHandler> = {};
  for (const [name, plan] of states) {
    if (plan.task) handlers[name] = taskHandler(name, plan.task, host);
    else if (plan.type === 'Wait') handlers[name] = waitHandler(name, host);
  }
  return handlers;
}
