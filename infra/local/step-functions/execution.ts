// One execution: runs its definition in the interpreter (from the start, or resumed or redriven from where it stood), owns its timers, open tasks, history and journal, and knows how it ended.
import type { DescribeExecutionOutput, ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import {
  type CompiledDefinition,
  doneTarget,
  isRestartState,
  type RouterAnswer,
  routerStateName,
} from './definition.ts';
import { ExecutionHistory, type HistoryEventInit, json, type StateNote } from './history.ts';
import {
  currentScope,
  dataLimitExceeded,
  type EventLog,
  type JsonValue,
  payloadBytes,
  payloadLimitBytes,
  type RunOptions,
  type StateMachine,
  scopeOfEvent,
} from './interpreter.ts';
import {
  historyEventOf,
  type JournalRecord,
  type JournalWriter,
  type JsonData,
  storedHistoryEvent,
} from './journal.ts';
import { ExecutionProgress, incompatibility, type RestartTarget, type Visit } from './progress.ts';
import { type Closable, type LocalHandler, localHandlers, type TaskHost } from './tasks.ts';
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
  startDate: Date;
}

/** How a run begins: at StartAt, where a restarted process left it, or (RedriveExecution) at the states that failed. */
type RunMode = 'fresh' | 'resume' | 'redrive';

/** What became of an execution found running in the journal when the service started again. */
export type ResumeOutcome =
  | { kind: 'resumed' }
  | { kind: 'finished' }
  | { kind: 'failed-changed'; reason: string; viaCatch: string | undefined };

/** The error an execution gets when its definition changed under it in a way it cannot continue on. */
export const DEFINITION_CHANGED = 'Sandbox.DefinitionChanged';

/** Redrive is possible for 14 days after an execution ends, as on AWS, counted on the virtual clock. */
const REDRIVABLE_FOR_MS = 14 * 24 * 60 * 60 * 1000;
const MAX_REDRIVES = 1000;

type Run = ReturnType<StateMachine['run']>;

const slot = (scope: string, stateName: string) => `${scope}\n${stateName}`;
const isIteration = (scope: string) => scope.endsWith(']');

/** `input` with `error` put where a Catch's ResultPath says; undefined when the path does not fit the input. */
function withCaughtError(
  input: JsonData,
  resultPath: string | null | undefined,
  error: JsonData,
): JsonData | undefined {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return error;
  const match = /^\$((?:\.[A-Za-z_][A-Za-z0-9_]*)+)$/.exec(resultPath);
  if (!match?.[1] || typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const copy = structuredClone(input);
  const keys = match[1].slice(1).split('.');
  let at: { [key: string]: JsonData } = copy;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) at[k] = {};
    at = at[k] as { [key: string]: JsonData };
  }
  at[keys.at(-1) as string] = error;
  return copy;
}

export class Execution implements TaskHost {
  readonly arn: string;
  readonly name: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
  readonly input: string;
  readonly startDate: Date;
  readonly history: ExecutionHistory;
  /** Where the execution stands, kept up to date from everything journaled. */
  readonly progress = new ExecutionProgress();
  /** Settles once the interpreter has let go of the current run, after its closing event is in the history. */
  done: Promise<void> = Promise.resolve();
  status: ExecutionStatus = 'RUNNING';
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  redriveCount = 0;
  redriveDate: Date | undefined;
  /** The definition (by hash) the execution started on; a resume compares it with the machine's current one. */
  readonly startedOn: string;

  readonly #services: ExecutionServices;
  readonly #journal: JournalWriter | undefined;
  #compiled: CompiledDefinition;
  readonly #timers = new Set<() => void>();
  readonly #open = new Set<Closable>();
  #resolveDone: () => void = () => undefined;
  #pendingToken: string | undefined;
  #abort: (() => void) | undefined;
  #closingEventWritten = false;
  /** The process is stopping: nothing more is written, so the journal says where to resume. */
  #suspended = false;
  #mode: RunMode = 'fresh';
  /** Where each scope restarts, taken by its router when the scope starts. */
  #plan = new Map<string, RestartTarget>();
  /** Recorded visits that Task and Wait handlers continue, by scope and state. */
  readonly #resumed = new Map<string, Visit>();
  /** Entries the history already has: a resumed state is not entered twice. */
  readonly #quietEntries = new Set<string>();
  /** Map iterations whose start (or start and end) the history already has. */
  readonly #quietIterations = new Map<string, 'started' | 'both'>();

  constructor(
    init: ExecutionInit,
    compiled: CompiledDefinition,
    services: ExecutionServices,
    journal: JournalWriter | undefined,
    startedOn = compiled.hash,
  ) {
    this.arn = init.arn;
    this.name = init.name;
    this.stateMachineArn = init.stateMachineArn;
    this.stateMachineName = init.stateMachineName;
    this.roleArn = init.roleArn;
    this.input = init.input;
    this.startDate = init.startDate;
    this.startedOn = startedOn;
    this.#compiled = compiled;
    this.#services = services;
    this.#journal = journal;
    this.history = new ExecutionHistory(
      () => services.clock.nowMs(),
      () => this.#compiled.states,
      {
        appended: (event, scope) => {
          if (this.#suspended) return;
          this.#journal?.write({ t: 'event', scope, event: storedHistoryEvent(event) } as JournalRecord);
          this.progress.applyEvent(scope, event);
          services.changed(this, event);
        },
        noted: (note) => this.#record(note),
      },
    );
  }

  /** A new execution: its ExecutionStarted event, then the definition from StartAt. */
  static start(
    init: ExecutionInit,
    compiled: CompiledDefinition,
    services: ExecutionServices,
    journal: JournalWriter | undefined,
  ): Execution {
    const execution = new Execution(init, compiled, services, journal);
    execution.history.append(
      {
        type: 'ExecutionStarted',
        executionStartedEventDetails: {
          input: init.input,
          inputDetails: { truncated: false },
          roleArn: init.roleArn,
        },
      },
      init.startDate.getTime(),
    );
    execution.#run('fresh');
    return execution;
  }

  /** An execution read back from its journal: its history and where it stood; a running one waits for `resume`. */
  static restore(
    init: ExecutionInit,
    compiled: CompiledDefinition,
    services: ExecutionServices,
    journal: JournalWriter | undefined,
    records: readonly JournalRecord[],
    startedOn: string,
  ): Execution {
    const execution = new Execution(init, compiled, services, journal, startedOn);
    const events: HistoryEvent[] = [];
    for (const record of records) {
      execution.progress.apply(record);
      if (record.t === 'event') events.push(historyEventOf(record.event));
    }
    execution.history.load(events);
    const { progress } = execution;
    execution.status = progress.status;
    execution.stopDate = progress.stopDate;
    execution.output = progress.output;
    execution.error = progress.error;
    execution.cause = progress.cause;
    execution.redriveCount = progress.redriveCount;
    execution.redriveDate = progress.redriveDate;
    execution.#closingEventWritten = progress.status !== 'RUNNING';
    return execution;
  }

  // TaskHost ---------------------------------------------------------------------------------------------------------

  get executionArn(): string {
    return this.arn;
  }

  get region(): string {
    return this.#services.region;
  }

  get closed(): boolean {
    return this.status !== 'RUNNING' || this.#suspended;
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

  record(scope: string, stateName: string, event: HistoryEventInit): void {
    this.history.queue(scope, stateName, event);
  }

  note(note: StateNote): void {
    this.history.queueNote(note);
  }

  takeResumed(scope: string, stateName: string): Visit | undefined {
    const visit = this.#resumed.get(slot(scope, stateName));
    this.#resumed.delete(slot(scope, stateName));
    return visit;
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

  /**
   * Continues an execution the journal left running, on the machine's definition now (`current`), where each branch
   * stood. If that definition changed so that a state it stood in is gone or different, the execution goes down its
   * own Catch-all path (`Needs attention` in this project) with the error Sandbox.DefinitionChanged, or fails with it
   * when it has none.
   */
  resume(current: CompiledDefinition, started: CompiledDefinition | undefined): ResumeOutcome {
    this.#compiled = current;
    const plan = this.progress.restartPlan(current);
    const root = plan.get('');
    if (root?.kind === 'done') {
      // The last state had ended the execution; only its closing event was missing.
      this.#end('SUCCEEDED', { output: json(root.output) });
      this.#writeClosingEvent();
      return { kind: 'finished' };
    }
    const reason = started?.hash === current.hash ? undefined : incompatibility(plan, started, current);
    if (reason) return this.#failForChange(reason, root);
    this.#run('resume', plan);
    return { kind: 'resumed' };
  }

  /** Why RedriveExecution refuses this execution, or undefined when it may be redriven. */
  notRedrivable(): string | undefined {
    if (this.status === 'RUNNING') return 'the execution is still running';
    if (this.status === 'SUCCEEDED') return 'the execution succeeded';
    if (this.redriveCount >= MAX_REDRIVES) return `the execution was redriven ${MAX_REDRIVES} times`;
    const stoppedAt = this.stopDate?.getTime() ?? 0;
    if (this.nowMs() - stoppedAt > REDRIVABLE_FOR_MS) return 'the execution ended more than 14 days ago';
    return undefined;
  }

  /**
   * RedriveExecution: the same execution continues from the states that did not succeed, each run afresh with the
   * input it had; what succeeded (earlier states, finished branches and iterations) is not run again.
   */
  redrive(current: CompiledDefinition, started: CompiledDefinition | undefined): void {
    this.#compiled = current;
    this.redriveCount++;
    this.redriveDate = new Date(this.nowMs());
    this.status = 'RUNNING';
    this.stopDate = this.output = this.error = this.cause = undefined;
    this.#closingEventWritten = false;
    this.history.append({
      type: 'ExecutionRedriven',
      executionRedrivenEventDetails: { redriveCount: this.redriveCount },
    });
    const plan = this.progress.restartPlan(current);
    const reason = started?.hash === current.hash ? undefined : incompatibility(plan, started, current);
    if (reason) {
      this.#failForChange(reason, plan.get(''));
      return;
    }
    this.#run('redrive', plan);
  }

  /** Fails a running execution outright, e.g. one that cannot resume because its state machine is gone. */
  fail(error: string, cause: string): void {
    if (this.status !== 'RUNNING' || this.#suspended) return;
    this.#end('FAILED', { error, cause });
    this.#writeClosingEvent();
  }

  /** Ends a running execution as ABORTED (StopExecution) or TIMED_OUT; false when it had already ended. */
  stop(status: 'ABORTED' | 'TIMED_OUT', error: string | undefined, cause: string | undefined): boolean {
    if (this.status !== 'RUNNING' || this.#suspended) return false;
    this.#end(status, { error, cause });
    this.#abort?.();
    return true;
  }

  /**
   * The process is stopping: write nothing more (the journal says where to resume), then let go of the interpreter,
   * the timers and the open tasks. Call `pause` on every execution before `halt` on any, so that closing a parent's
   * task does not stop a child for good.
   */
  pause(): void {
    if (this.status !== 'RUNNING') return;
    this.#suspended = true;
    this.history.dropQueued();
    this.#journal?.stop();
  }

  halt(): void {
    if (!this.#suspended) return;
    for (const cancel of [...this.#timers]) cancel();
    for (const task of [...this.#open]) task.close();
    this.#open.clear();
    this.#abort?.();
  }

  describe(): DescribeExecutionOutput {
    const notRedrivable = this.notRedrivable();
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
      redriveCount: this.redriveCount,
      redriveDate: this.redriveDate,
      redriveStatus: notRedrivable ? 'NOT_REDRIVABLE' : 'REDRIVABLE',
      redriveStatusReason: notRedrivable ? `Execution is not redrivable: ${notRedrivable}` : undefined,
    };
  }

  /** The definition the execution runs on now. */
  get definition(): CompiledDefinition {
    return this.#compiled;
  }

  // Runs -------------------------------------------------------------------------------------------------------------

  #run(mode: RunMode, plan = new Map<string, RestartTarget>()): void {
    const compiled = this.#compiled;
    this.#mode = mode;
    this.#plan = plan;
    this.#closingEventWritten = false;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.done = promise;
    this.#resolveDone = resolve;
    const input = JSON.parse(this.input) as JsonValue;
    if (compiled.timeoutSeconds !== undefined) {
      const seconds = compiled.timeoutSeconds;
      // A resumed execution keeps its deadline; a redriven one gets a new one, as on AWS.
      const from = (this.redriveDate ?? this.startDate).getTime();
      this.at(from + seconds * 1000, () =>
        this.stop('TIMED_OUT', 'States.Timeout', `The execution did not finish within ${seconds} seconds`),
      );
    }
    const machine = mode === 'fresh' ? compiled.runnable : compiled.restartable();
    const handlers: Record<string, LocalHandler> = localHandlers(compiled.states, this);
    if (mode !== 'fresh') {
      for (const [scope, { startAt }] of compiled.scopes) {
        handlers[routerStateName(scope)] = async (scopeInput) => this.#route(scope, startAt, scopeInput);
      }
    }
    const run = machine.run(input, {
      context: this.#context(input),
      noThrowOnAbort: true,
      overrides: {
        taskResourceLocalHandlers: handlers,
        retryIntervalOverrides: Object.fromEntries(
          compiled.retryStates.map((name) => [name, this.#services.retryDelayMs]),
        ),
      },
    });
    this.#abort = run.abort;
    void this.#follow(run);
  }

  /** A scope starts: where it restarts (once), or its own StartAt. */
  #route(scopeName: string, startAt: string, input: JsonValue): JsonValue {
    const scope = currentScope();
    const target = this.#plan.get(scope);
    if (!target) return { target: startAt, input } satisfies RouterAnswer as unknown as JsonValue;
    this.#plan.delete(scope);
    if (target.kind === 'done') {
      if (isIteration(scope)) this.#quietIterations.set(scope, 'both');
      return { target: doneTarget(scopeName), input: target.output } satisfies RouterAnswer;
    }
    if (this.#mode === 'resume') {
      if (isIteration(scope)) this.#quietIterations.set(scope, 'started');
      if (target.visit) {
        this.#quietEntries.add(slot(scope, target.state));
        this.#resumed.set(slot(scope, target.state), target.visit);
      }
    }
    return { target: target.state, input: target.input } satisfies RouterAnswer;
  }

  /** The definition changed under the execution: down its Catch-all path, or failed outright. */
  #failForChange(reason: string, root: RestartTarget | undefined): ResumeOutcome {
    const cause = `The definition of ${this.stateMachineName} changed since this execution started, and it cannot continue: ${reason}`;
    const catcher = root?.kind === 'at' ? this.#catchAllFor(root.state) : undefined;
    const input =
      catcher && root?.kind === 'at'
        ? withCaughtError(root.input, catcher.resultPath, { Error: DEFINITION_CHANGED, Cause: cause })
        : undefined;
    if (catcher && input !== undefined) {
      this.#run('resume', new Map([['', { kind: 'at', state: catcher.next, input }]]));
      return { kind: 'failed-changed', reason, viaCatch: catcher.next };
    }
    if (this.status === 'RUNNING') {
      this.#end('FAILED', { error: DEFINITION_CHANGED, cause });
      this.#writeClosingEvent();
    }
    return { kind: 'failed-changed', reason, viaCatch: undefined };
  }

  /** The top-level Catch-all that `stateName` has, or else the one most top-level states share. */
  #catchAllFor(stateName: string) {
    const states = this.#compiled.states;
    const own = states.get(stateName);
    if (own?.scope === '' && own.catchAll) return own.catchAll;
    const counts = new Map<string, { catcher: NonNullable<typeof own>['catchAll']; count: number }>();
    for (const state of states.values()) {
      if (state.scope !== '' || !state.catchAll) continue;
      const k = `${state.catchAll.next}\n${String(state.catchAll.resultPath)}`;
      const entry = counts.get(k) ?? { catcher: state.catchAll, count: 0 };
      entry.count++;
      counts.set(k, entry);
    }
    return [...counts.values()].sort((a, b) => b.count - a.count)[0]?.catcher;
  }

  #record(record: JournalRecord): void {
    if (this.#suspended) return;
    this.#journal?.write(record);
    this.progress.apply(record);
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
        RoleArn: this.roleArn,
        LocalInput: input,
        LocalStartTime: this.startDate.toISOString(),
        RedriveCount: this.redriveCount,
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
    if (!this.#suspended && this.status === 'RUNNING') {
      // The interpreter ended without the closing event we expect; its result still says how.
      if (outcome.status === 'fulfilled') this.#end('SUCCEEDED', { output: json(outcome.value) });
      else this.#end('FAILED', { error: 'States.Runtime', cause: String(outcome.reason) });
    }
    this.#writeClosingEvent();
    this.#resolveDone();
  }

  #ingest(event: EventLog): void {
    if (this.#closingEventWritten || this.#suspended) return;
    const scope = scopeOfEvent(event);
    switch (event.type) {
      case 'ExecutionSucceeded':
        if (scope !== '') return;
        if (this.status === 'RUNNING') this.#end('SUCCEEDED', { output: json(event.output) });
        this.#writeClosingEvent();
        return;
      case 'ExecutionFailed':
        if (scope !== '') return;
        if (this.status === 'RUNNING') {
          const cause = typeof event.Cause === 'string' ? event.Cause : json(event.Cause);
          this.#end('FAILED', { error: event.Error, cause });
        }
        this.#writeClosingEvent();
        return;
      case 'ExecutionAborted':
      case 'ExecutionTimeout':
        if (scope === '') this.#writeClosingEvent();
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed':
      case 'ParallelBranchSucceeded':
      case 'ParallelBranchFailed': {
        if (event.type !== 'MapIterationStarted') {
          const failed = event.type.endsWith('Failed');
          const output = failed ? null : (((event as { output?: JsonData }).output ?? null) as JsonData);
          this.#record({ t: 'scope-ended', scope, output, failed });
        }
        if (!event.type.startsWith('Map')) return;
        // A resumed iteration's start is in the history already; a finished one's end too.
        const quiet = this.#quietIterations.get(scope);
        if (quiet && event.type === 'MapIterationStarted') {
          if (quiet === 'started') this.#quietIterations.delete(scope);
          return;
        }
        if (quiet === 'both') {
          this.#quietIterations.delete(scope);
          return;
        }
        this.history.ingest(event, this.#services.clock.nowMs() - Date.now(), scope);
        return;
      }
      case 'StateEntered':
      case 'StateExited':
      case 'StateFailed':
      case 'StateRetried':
      case 'StateCaught': {
        const name = event.state.name;
        if (isRestartState(name)) return;
        if (event.type === 'StateCaught') {
          this.#record({ t: 'caught', scope, state: name, next: event.catch.catcher.Next });
        }
        const quiet = event.type === 'StateEntered' && this.#quietEntries.delete(slot(scope, name));
        this.history.ingest(event, this.#services.clock.nowMs() - Date.now(), scope, quiet);
        if (event.type === 'StateExited') this.#checkOutputSize(name, event.state.output);
        return;
      }
      default:
        return;
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
    if (this.#suspended) return;
    this.status = status;
    this.stopDate = new Date(this.#services.clock.nowMs());
    this.output = result.output;
    this.error = result.error;
    this.cause = result.cause;
    for (const cancel of [...this.#timers]) cancel();
    // Tasks still open here were left behind (a failed Parallel branch's sibling, a stop): their tokens die now.
    for (const task of [...this.#open]) task.close();
    this.#open.clear();
    this.#plan.clear();
    this.#resumed.clear();
    this.#services.changed(this);
  }

  #writeClosingEvent(): void {
    if (this.#closingEventWritten || this.status === 'RUNNING' || this.#suspended) return;
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
