// One execution: runs the compiled definition in the interpreter, owns its timers, open tasks and history, and knows how it ended.
import type { DescribeExecutionOutput, ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import type { CompiledDefinition } from './definition.ts';
import { ExecutionHistory, type HistoryEventInit, json } from './history.ts';
import {
  dataLimitExceeded,
  type EventLog,
  type JsonValue,
  payloadBytes,
  payloadLimitBytes,
  type RunOptions,
  type StateMachine,
} from './interpreter.ts';
import { type Closable, localHandlers, type TaskHost } from './tasks.ts';
import { TaskTokens } from './tokens.ts';

/** The clock the service runs on; VirtualClock fits, so Wait states and timeouts follow virtual time. */
export interface SfnClock {
  nowMs(): number;
  at(at: number, fire: () => void): () => void;
}

export type InvokeLambda = (
  functionArn: string,
  payload: unknown,
  context: { executionArn: string; stateName: string },
) => unknown;

/** What an execution needs from the service that owns it. */
export interface ExecutionServices {
  readonly clock: SfnClock;
  readonly region: string;
  readonly tokens: TaskTokens;
  readonly retryDelayMs: number;
  readonly invokeLambda: InvokeLambda;
  timeoutError(message: string): Error;
  startChild(request: { stateMachineArn: string; input: string; name: string | undefined }): Promise<{
    executionArn: string;
    startDate: Date;
  }>;
  whenClosed(executionArn: string): Promise<DescribeExecutionOutput>;
  stop(executionArn: string, error: string, cause: string): void;
  changed(execution: Execution, event?: HistoryEvent): void;
}

export interface ExecutionInit {
  arn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  roleArn: string;
  input: string;
  compiled: CompiledDefinition;
}

type Run = ReturnType<StateMachine['run']>;

export class Execution implements TaskHost {
  readonly arn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly input: string;
  readonly startDate: Date;
  readonly history: ExecutionHistory;
  /** Settles once the interpreter has let go of the execution, after its closing event is in the history. */
  readonly done: Promise<void>;
  status: ExecutionStatus = 'RUNNING';
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;

  readonly #services: ExecutionServices;
  readonly #init: ExecutionInit;
  readonly #timers = new Set<() => void>();
  readonly #open = new Set<Closable>();
  readonly #resolveDone: () => void;
  #pendingToken: string | undefined;
  #abort: (() => void) | undefined;
  #closingEventWritten = false;

  constructor(init: ExecutionInit, services: ExecutionServices) {
    this.#init = init;
    this.#services = services;
    this.arn = init.arn;
    this.name = init.name;
    this.stateMachineArn = init.stateMachineArn;
    this.stateMachineName = init.stateMachineName;
    this.input = init.input;
    this.startDate = new Date(services.clock.nowMs());
    const { promise, resolve } = Promise.withResolvers<void>();
    this.done = promise;
    this.#resolveDone = resolve;
    this.history = new ExecutionHistory(
      () => services.clock.nowMs(),
      init.compiled.states,
      (event) => services.changed(this, event),
    );
    this.history.append(
      {
        type: 'ExecutionStarted',
        executionStartedEventDetails: {
          input: init.input,
          inputDetails: { truncated: false },
          roleArn: init.roleArn,
        },
      },
      this.startDate.getTime(),
    );
  }

  // TaskHost ---------------------------------------------------------------------------------------------------------

  get executionArn(): string {
    return this.arn;
  }

  get region(): string {
    return this.#services.region;
  }

  get closed(): boolean {
    return this.status !== 'RUNNING';
  }

  get tokens(): TaskTokens {
    return this.#services.tokens;
  }

  nowMs(): number {
    return this.#services.clock.nowMs();
  }

  claimToken(): string | undefined {
    const token = this.#pendingToken;
    this.#pendingToken = undefined;
    return token;
  }

  at(atMs: number, fire: () => void): () => void {
    const cancelTimer = this.#services.clock.at(atMs, () => {
      this.#timers.delete(cancel);
      fire();
    });
    const cancel = (): void => {
      cancelTimer();
      this.#timers.delete(cancel);
    };
    this.#timers.add(cancel);
    return cancel;
  }

  track(task: Closable): () => void {
    this.#open.add(task);
    return () => this.#open.delete(task);
  }

  record(stateName: string, event: HistoryEventInit): void {
    this.history.queue(stateName, event);
  }

  async invokeLambda(functionArn: string, payload: unknown, stateName: string): Promise<unknown> {
    // A copy, as a real invocation would serialise it: the handler cannot alter the interpreter's data.
    const event: unknown = JSON.parse(json(payload));
    return await this.#services.invokeLambda(functionArn, event, { executionArn: this.arn, stateName });
  }

  startChild(request: { stateMachineArn: string; input: string; name: string | undefined }) {
    return this.#services.startChild(request);
  }

  whenChildClosed(executionArn: string): Promise<DescribeExecutionOutput> {
    return this.#services.whenClosed(executionArn);
  }

  stopChild(executionArn: string): void {
    this.#services.stop(executionArn, 'States.Aborted', `The parent execution ${this.arn} closed`);
  }

  timeoutError(message: string): Error {
    return this.#services.timeoutError(message);
  }

  // Life cycle -------------------------------------------------------------------------------------------------------

  start(): void {
    const { compiled } = this.#init;
    const input = JSON.parse(this.input) as JsonValue;
    if (compiled.timeoutSeconds !== undefined) {
      const seconds = compiled.timeoutSeconds;
      this.at(this.startDate.getTime() + seconds * 1000, () =>
        this.stop('TIMED_OUT', 'States.Timeout', `The execution did not finish within ${seconds} seconds`),
      );
    }
    const run = compiled.runnable.run(input, {
      context: this.#context(input),
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: localHandlers(compiled.states, this),
        retryIntervalOverrides: Object.fromEntries(
          compiled.retryStates.map((name) => [name, this.#services.retryDelayMs]),
        ),
      },
    });
    this.#abort = run.abort;
    void this.#follow(run);
  }

  /** Ends a running execution as ABORTED (StopExecution) or TIMED_OUT; false when it had already ended. */
  stop(status: 'ABORTED' | 'TIMED_OUT', error: string | undefined, cause: string | undefined): boolean {
    if (this.status !== 'RUNNING') return false;
    this.#end(status, { error, cause });
    this.#abort?.();
    return true;
  }

  describe(): DescribeExecutionOutput {
    return {
      executionArn: this.arn,
      stateMachineArn: this.stateMachineArn,
      name: this.name,
      status: this.status,
      startDate: this.startDate,
      stopDate: this.stopDate,
      input: this.input,
      inputDetails: { included: true },
      output: this.output,
      outputDetails: this.output === undefined ? undefined : { included: true },
      error: this.error,
      cause: this.cause,
      redriveCount: 0,
      redriveStatus: 'NOT_REDRIVABLE',
    };
  }

  /**
   * The context object. The interpreter rebuilds `Execution.Input`/`StartTime` per Map iteration and from real time,
   * so definitions are rewritten to read `LocalInput`/`LocalStartTime`; the getters answer per evaluation.
   */
  #context(input: JsonValue): NonNullable<RunOptions['context']> {
    const clock = this.#services.clock;
    const state = { RetryCount: 0 };
    Object.defineProperty(state, 'EnteredTime', {
      enumerable: true,
      get: () => new Date(clock.nowMs()).toISOString(),
    });
    const task = {};
    Object.defineProperty(task, 'Token', { enumerable: true, get: () => this.#mintPendingToken() });
    return {
      Execution: {
        Id: this.arn,
        Name: this.name,
        RoleArn: this.#init.roleArn,
        LocalInput: input,
        LocalStartTime: this.startDate.toISOString(),
        RedriveCount: 0,
      },
      StateMachine: { Id: this.stateMachineArn, Name: this.stateMachineName },
      State: state,
      Task: task,
    };
  }

  /**
   * Reading `$$.Task.Token` mints a token that the Task handler, called synchronously right after the Parameters are
   * evaluated, claims. Reads within the same evaluation see the same token; an unclaimed one is dropped.
   */
  #mintPendingToken(): string {
    if (this.#pendingToken) return this.#pendingToken;
    const token = TaskTokens.mint();
    this.#pendingToken = token;
    queueMicrotask(() => {
      if (this.#pendingToken === token) this.#pendingToken = undefined;
    });
    return token;
  }

  async #follow(run: Run): Promise<void> {
    const consumed = (async () => {
      for await (const event of run.eventLogs) this.#ingest(event);
    })();
    const [outcome] = await Promise.allSettled([run.result, consumed]);
    if (this.status === 'RUNNING') {
      // The interpreter ended without the closing event we expect; its result still says how.
      if (outcome.status === 'fulfilled') this.#end('SUCCEEDED', { output: json(outcome.value) });
      else this.#end('FAILED', { error: 'States.Runtime', cause: String(outcome.reason) });
    }
    this.#writeClosingEvent();
    this.#resolveDone();
  }

  #ingest(event: EventLog): void {
    if (this.#closingEventWritten) return;
    switch (event.type) {
      case 'ExecutionSucceeded':
        if (this.status === 'RUNNING') this.#end('SUCCEEDED', { output: json(event.output) });
        this.#writeClosingEvent();
        return;
      case 'ExecutionFailed':
        if (this.status === 'RUNNING') {
          const cause = typeof event.Cause === 'string' ? event.Cause : json(event.Cause);
          this.#end('FAILED', { error: event.Error, cause });
        }
        this.#writeClosingEvent();
        return;
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        this.#writeClosingEvent();
        return;
      default:
        this.history.ingest(event, this.#services.clock.nowMs() - Date.now());
        if (event.type === 'StateExited') this.#checkOutputSize(event.state.name, event.state.output);
    }
  }

  /** A state whose output is over the payload quota fails the execution, as AWS does (uncatchable). */
  #checkOutputSize(stateName: string, output: unknown): void {
    const bytes = payloadBytes(output);
    if (bytes <= payloadLimitBytes || this.status !== 'RUNNING') return;
    const error = dataLimitExceeded(`output of state '${stateName}'`, bytes);
    this.#end('FAILED', { error: error.name, cause: error.message });
    this.#abort?.();
  }

  #end(status: ExecutionStatus, result: { output?: string; error?: string; cause?: string }): void {
    this.status = status;
    this.stopDate = new Date(this.#services.clock.nowMs());
    this.output = result.output;
    this.error = result.error;
    this.cause = result.cause;
    for (const cancel of [...this.#timers]) cancel();
    // Tasks still open here were left behind (a failed Parallel branch's sibling, a stop): their tokens die now.
    for (const task of [...this.#open]) task.close();
    this.#open.clear();
    this.#services.changed(this);
  }

  #writeClosingEvent(): void {
    if (this.#closingEventWritten || this.status === 'RUNNING') return;
    this.#closingEventWritten = true;
    this.history.flushAll();
    const failure = { error: this.error, cause: this.cause };
    switch (this.status) {
      case 'SUCCEEDED':
        this.history.append({
          type: 'ExecutionSucceeded',
          executionSucceededEventDetails: { output: this.output, outputDetails: { truncated: false } },
        });
        return;
      case 'FAILED':
        this.history.append({ type: 'ExecutionFailed', executionFailedEventDetails: failure });
        return;
      case 'TIMED_OUT':
        this.history.append({ type: 'ExecutionTimedOut', executionTimedOutEventDetails: failure });
        return;
      default:
        this.history.append({ type: 'ExecutionAborted', executionAbortedEventDetails: failure });
    }
  }
}
