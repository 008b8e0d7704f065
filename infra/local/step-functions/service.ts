// The local Step Functions service: state machines, executions and task tokens, kept in a journal on disk when given a folder, answering the API in-process or over HTTP.
import type {
  DescribeExecutionInput,
  DescribeExecutionOutput,
  DescribeStateMachineInput,
  DescribeStateMachineOutput,
  ExecutionStatus,
  GetExecutionHistoryInput,
  GetExecutionHistoryOutput,
  HistoryEvent,
  ListExecutionsInput,
  ListExecutionsOutput,
  ListStateMachinesInput,
  ListStateMachinesOutput,
  RedriveExecutionInput,
  RedriveExecutionOutput,
  SendTaskFailureInput,
  SendTaskHeartbeatInput,
  SendTaskSuccessInput,
  StartExecutionInput,
  StartExecutionOutput,
  StopExecutionInput,
  StopExecutionOutput,
} from '@aws-sdk/client-sfn';
import { Arns, checkName } from './arns.ts';
import { type CompiledDefinition, compileDefinition } from './definition.ts';
import { SfnError } from './errors.ts';
import {
  DEFINITION_CHANGED,
  Execution,
  type ExecutionInit,
  type ExecutionServices,
  type InvokeLambda,
  type SfnClock,
} from './execution.ts';
import { type LocalServer, serve } from './http.ts';
import { type JsonValue, loadTimeoutErrorFactory } from './interpreter.ts';
import { JournalStore } from './journal.ts';
import { isOperation, parseRequest } from './requests.ts';
import { type OpenTaskToken, TaskTokens } from './tokens.ts';

export type { InvokeLambda, LocalServer, OpenTaskToken, SfnClock };
export { SfnError };

export interface LocalStepFunctionsOptions {
  clock: SfnClock;
  /** Runs a Lambda task: the sandbox calls the handler in-process. A thrown error fails the task by its `name`. */
  invokeLambda: InvokeLambda;
  region?: string;
  accountId?: string;
  /**
   * Real milliseconds between a failure and its retry. Retries ignore IntervalSeconds/BackoffRate (and the virtual
   * clock) so that retry paths run at once; the attempts and their order are as on AWS.
   */
  retryDelayMs?: number;
  /**
   * Where executions are kept (one journal each). With it, executions outlive the process: `restore()` reads them
   * back and resumes those that were running; without it, they live in memory only.
   */
  dataDir?: string;
}

/** What `restore()` found: how many executions, which were resumed, and which could not be. */
export interface RestoreReport {
  loaded: number;
  resumed: string[];
  /** Executions whose definition changed under them: failed with the reason (through their Catch-all if any). */
  failed: { executionArn: string; reason: string; viaCatch?: string }[];
  /** Journals that could not be read (their file names). */
  unreadable: string[];
}

export interface CreateStateMachineInput {
  name: string;
  /** The ASL definition (JSONPath mode), as text, with `${Placeholder}`s. */
  definition: string;
  /** Values for the `${Placeholder}`s, like CDK's definitionSubstitutions; each one used must be given. */
  substitutions?: Readonly<Record<string, string>>;
  roleArn?: string;
}

/** What a change listener hears: an execution started, recorded an event, or ended. */
export interface ExecutionChange {
  executionArn: string;
  stateMachineArn: string;
  status: ExecutionStatus;
  event?: HistoryEvent;
}

interface StateMachineRecord {
  arn: string;
  name: string;
  roleArn: string;
  creationDate: Date;
  compiled: CompiledDefinition;
}

const DEFAULT_PAGE = 100;

function page<T>(items: readonly T[], maxResults: number | undefined, nextToken: string | undefined) {
  let start = 0;
  if (nextToken !== undefined) {
    start = Number(Buffer.from(nextToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(start) || start < 0 || start > items.length) {
      throw new SfnError('InvalidToken', 'Invalid Token: the nextToken is not valid');
    }
  }
  const size = maxResults ? maxResults : DEFAULT_PAGE;
  const end = start + size;
  return {
    items: items.slice(start, end),
    nextToken: end < items.length ? Buffer.from(String(end)).toString('base64url') : undefined,
  };
}

/** History details without execution data, for `includeExecutionData: false`. */
function withoutData(event: HistoryEvent): HistoryEvent {
  const copy: Record<string, unknown> = { ...event };
  for (const [key, value] of Object.entries(copy)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null) {
      const { input, output, parameters, ...rest } = value as Record<string, unknown>;
      copy[key] = rest;
    }
  }
  return copy as unknown as HistoryEvent;
}

export class LocalStepFunctions {
  readonly region: string;
  readonly accountId: string;
  readonly #clock: SfnClock;
  readonly #invokeLambda: InvokeLambda;
  readonly #retryDelayMs: number;
  readonly #arns: Arns;
  readonly #tokens = new TaskTokens();
  readonly #machines = new Map<string, StateMachineRecord>();
  readonly #executions = new Map<string, Execution>();
  readonly #listeners = new Set<(change: ExecutionChange) => void>();
  readonly #servers = new Set<LocalServer>();
  readonly #services: ExecutionServices;
  readonly #store: JournalStore | undefined;
  /** Definitions executions started on, read back by hash: a resume compares them with the current ones. */
  readonly #startedDefinitions = new Map<string, CompiledDefinition | undefined>();
  /** The client token of each execution's last redrive, so a retried RedriveExecution is answered, not refused. */
  readonly #redriveTokens = new Map<string, string>();
  #timeoutError: ((message: string) => Error) | undefined;
  #closing: Promise<void> | undefined;

  constructor(options: LocalStepFunctionsOptions) {
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.#clock = options.clock;
    this.#invokeLambda = options.invokeLambda;
    this.#retryDelayMs = options.retryDelayMs ?? 0;
    this.#arns = new Arns(this.region, this.accountId);
    this.#services = this.#executionServices();
    this.#store = options.dataDir === undefined ? undefined : new JournalStore(options.dataDir);
  }

  /**
   * Registers a state machine and returns its ARN. Fills in `${Placeholder}`s, validates, and refuses what the local
   * interpreter would not run faithfully (JSONata, Assign, unsupported resources, distributed Map): InvalidDefinition.
   * Registering the same name again returns the ARN if the definition is the same, else StateMachineAlreadyExists.
   */
  createStateMachine(input: CreateStateMachineInput): string {
    checkName(input.name, 'state machine');
    const compiled = compileDefinition(input.definition, input.substitutions);
    const arn = this.#arns.stateMachine(input.name);
    const existing = this.#machines.get(input.name);
    if (existing) {
      if (existing.compiled.text === compiled.text) return existing.arn;
      throw new SfnError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
    }
    this.#machines.set(input.name, {
      arn,
      name: input.name,
      roleArn: input.roleArn ?? `arn:aws:iam::${this.accountId}:role/${input.name}-role`,
      creationDate: new Date(this.#clock.nowMs()),
      compiled,
    });
    this.#store?.saveDefinition(compiled.hash, compiled.text);
    this.#startedDefinitions.set(compiled.hash, compiled);
    return arn;
  }

  /**
   * Reads every execution back from the data folder (call it once, after registering the state machines and before
   * serving): finished ones are listed again with their history; running ones resume where they stood, each waiting
   * task on the token it had, each Wait at its original time. One whose definition changed so that it cannot go on
   * fails with Sandbox.DefinitionChanged, through its Catch-all path when it has one.
   */
  async restore(): Promise<RestoreReport> {
    const report: RestoreReport = { loaded: 0, resumed: [], failed: [], unreadable: [] };
    if (!this.#store) return report;
    this.#timeoutError ??= await loadTimeoutErrorFactory();
    const { journals, unreadable } = this.#store.loadAll();
    report.unreadable.push(...unreadable);
    const running: { execution: Execution; machine: StateMachineRecord | undefined }[] = [];
    for (const journal of journals) {
      const header = journal.header;
      if (this.#executions.has(header.arn)) continue;
      const machine = this.#machines.get(header.stateMachineName);
      const compiled = machine?.compiled ?? this.#startedDefinition(header.definition);
      if (!compiled) {
        report.unreadable.push(journal.file);
        continue;
      }
      const init: ExecutionInit = { ...header, startDate: new Date(header.startDate) };
      const execution = Execution.restore(
        init,
        compiled,
        this.#services,
        this.#store.writer(journal.file),
        journal.records,
        header.definition,
      );
      this.#executions.set(header.arn, execution);
      report.loaded++;
      for (const [token, task] of execution.progress.tokens) {
        const entry = { executionArn: header.arn, stateName: task.state, openedAt: new Date(task.openedAt) };
        this.#tokens.remember(token, entry, task.closure ?? 'execution-closed');
      }
      if (execution.status === 'RUNNING') running.push({ execution, machine });
    }
    for (const { execution, machine } of running) {
      if (!machine) {
        const reason = `its state machine ${execution.stateMachineName} is no longer deployed`;
        execution.fail(DEFINITION_CHANGED, `This execution cannot continue: ${reason}`);
        report.failed.push({ executionArn: execution.arn, reason });
        continue;
      }
      const outcome = execution.resume(machine.compiled, this.#startedDefinition(execution.startedOn));
      if (outcome.kind === 'failed-changed')
        report.failed.push({
          executionArn: execution.arn,
          reason: outcome.reason,
          viaCatch: outcome.viaCatch,
        });
      else report.resumed.push(execution.arn);
    }
    return report;
  }

  #startedDefinition(hash: string): CompiledDefinition | undefined {
    if (this.#startedDefinitions.has(hash)) return this.#startedDefinitions.get(hash);
    const text = this.#store?.definition(hash);
    let compiled: CompiledDefinition | undefined;
    try {
      compiled = text === undefined ? undefined : compileDefinition(text);
    } catch {
      // A definition this version of the service refuses: the resume checks what it can without it.
      compiled = undefined;
    }
    this.#startedDefinitions.set(hash, compiled);
    return compiled;
  }

  /** Serves the Step Functions API (AWS JSON 1.0) over HTTP; port 0 picks a free one. */
  async listen(port = 0, host = '127.0.0.1'): Promise<LocalServer> {
    const server = await serve((operation, body) => this.handle(operation, body), port, host);
    this.#servers.add(server);
    return {
      url: server.url,
      close: async () => {
        this.#servers.delete(server);
        await server.close();
      },
    };
  }

  /** Calls `listener` whenever an execution starts, records a history event, or ends; returns the unsubscribe. */
  onChange(listener: (change: ExecutionChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Stops the HTTP servers and drops the executions' virtual-clock timers. With a data folder, running executions are
   * only paused (their journal says where to resume); without one, they end ABORTED.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    const running = [...this.#executions.values()].filter((execution) => execution.status === 'RUNNING');
    // Paused at once, before anything else can happen: the journal is then exactly where a restart picks up.
    if (this.#store) for (const execution of running) execution.pause();
    await Promise.all([...this.#servers].map((server) => server.close()));
    this.#servers.clear();
    if (this.#store) {
      for (const execution of running) execution.halt();
    } else {
      for (const execution of running) {
        execution.stop('ABORTED', 'States.Aborted', 'The local Step Functions service was closed');
      }
    }
    await Promise.all(running.map((execution) => execution.done));
  }

  /** Answers one API call by its operation name (the `X-Amz-Target` suffix); the HTTP layer's single entry. */
  async handle(operation: string, body: unknown): Promise<object> {
    if (!isOperation(operation)) {
      throw new SfnError('UnknownOperationException', `Unknown operation: ${operation}`);
    }
    switch (operation) {
      case 'StartExecution':
        return this.startExecution(parseRequest(operation, body));
      case 'DescribeExecution':
        return this.describeExecution(parseRequest(operation, body));
      case 'ListExecutions':
        return this.listExecutions(parseRequest(operation, body));
      case 'GetExecutionHistory':
        return this.getExecutionHistory(parseRequest(operation, body));
      case 'StopExecution':
        return this.stopExecution(parseRequest(operation, body));
      case 'RedriveExecution':
        return this.redriveExecution(parseRequest(operation, body));
      case 'SendTaskSuccess':
        return this.sendTaskSuccess(parseRequest(operation, body));
      case 'SendTaskFailure':
        return this.sendTaskFailure(parseRequest(operation, body));
      case 'SendTaskHeartbeat':
        return this.sendTaskHeartbeat(parseRequest(operation, body));
      case 'DescribeStateMachine':
        return this.describeStateMachine(parseRequest(operation, body));
      case 'ListStateMachines':
        return this.listStateMachines(parseRequest(operation, body));
    }
  }

  // The API ---------------------------------------------------------------------------------------------------------

  /**
   * Idempotent by name as on AWS: the same name and input while that execution runs returns it again; a different
   * input, or a closed execution of that name, is ExecutionAlreadyExists.
   */
  async startExecution(input: StartExecutionInput): Promise<StartExecutionOutput> {
    const request = parseRequest('StartExecution', input);
    this.#timeoutError ??= await loadTimeoutErrorFactory();
    const machine = this.#machine(request.stateMachineArn);
    const name = request.name ?? crypto.randomUUID();
    checkName(name, 'execution');
    const executionInput = request.input ?? '{}';
    try {
      JSON.parse(executionInput);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid Execution Input: the input is not valid JSON');
    }
    const arn = this.#arns.execution(machine.name, name);
    const existing = this.#executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === executionInput) {
        return { executionArn: existing.arn, startDate: existing.startDate };
      }
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const init: ExecutionInit = {
      arn,
      name,
      stateMachineArn: machine.arn,
      stateMachineName: machine.name,
      roleArn: machine.roleArn,
      input: executionInput,
      startDate: new Date(this.#clock.nowMs()),
    };
    const journal = this.#store?.create({
      t: 'execution',
      ...init,
      startDate: init.startDate.getTime(),
      definition: machine.compiled.hash,
    });
    const execution = Execution.start(init, machine.compiled, this.#services, journal);
    this.#executions.set(arn, execution);
    return { executionArn: arn, startDate: execution.startDate };
  }

  async describeExecution(input: DescribeExecutionInput): Promise<DescribeExecutionOutput> {
    const request = parseRequest('DescribeExecution', input);
    return this.#execution(request.executionArn).describe();
  }

  /** Newest first, like AWS. */
  async listExecutions(input: ListExecutionsInput): Promise<ListExecutionsOutput> {
    const request = parseRequest('ListExecutions', input);
    if (request.stateMachineArn === undefined) {
      throw new SfnError(
        'ValidationException',
        "1 validation error detected: Value at 'stateMachineArn' must be given",
      );
    }
    const machine = this.#machine(request.stateMachineArn);
    const redriven = request.redriveFilter === undefined ? undefined : request.redriveFilter === 'REDRIVEN';
    const matching = [...this.#executions.values()]
      .filter(
        (e) =>
          e.stateMachineArn === machine.arn &&
          (!request.statusFilter || e.status === request.statusFilter) &&
          (redriven === undefined || e.redriveCount > 0 === redriven),
      )
      .reverse()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const { items, nextToken } = page(matching, request.maxResults, request.nextToken);
    return {
      executions: items.map((e) => ({
        executionArn: e.arn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: e.startDate,
        stopDate: e.stopDate,
        redriveCount: e.redriveCount,
        redriveDate: e.redriveDate,
      })),
      nextToken,
    };
  }

  async getExecutionHistory(input: GetExecutionHistoryInput): Promise<GetExecutionHistoryOutput> {
    const request = parseRequest('GetExecutionHistory', input);
    const execution = this.#execution(request.executionArn);
    const all = request.reverseOrder ? [...execution.history.events].reverse() : execution.history.events;
    const { items, nextToken } = page(all, request.maxResults, request.nextToken);
    return {
      events: request.includeExecutionData === false ? items.map(withoutData) : [...items],
      nextToken,
    };
  }

  /** On a closed execution this is a no-op that returns its stop date. */
  async stopExecution(input: StopExecutionInput): Promise<StopExecutionOutput> {
    const request = parseRequest('StopExecution', input);
    const execution = this.#execution(request.executionArn);
    execution.stop('ABORTED', request.error, request.cause);
    return { stopDate: execution.stopDate ?? new Date(this.#clock.nowMs()) };
  }

  /**
   * RedriveExecution, as on AWS: a FAILED, TIMED_OUT or ABORTED execution (ended within 14 days, redriven fewer than
   * 1,000 times) continues under the same ARN from the states that did not succeed; redriveCount goes up by one and
   * the history gets an ExecutionRedriven event. Anything else is ExecutionNotRedrivable.
   */
  async redriveExecution(input: RedriveExecutionInput): Promise<RedriveExecutionOutput> {
    const request = parseRequest('RedriveExecution', input);
    const execution = this.#execution(request.executionArn);
    const token = request.clientToken;
    if (token && execution.status === 'RUNNING' && this.#redriveTokens.get(execution.arn) === token) {
      return { redriveDate: execution.redriveDate ?? new Date(this.#clock.nowMs()) };
    }
    const reason = execution.notRedrivable();
    const machine = this.#machines.get(execution.stateMachineName);
    if (reason || !machine) {
      const why = reason ?? `its state machine ${execution.stateMachineName} is no longer deployed`;
      throw new SfnError('ExecutionNotRedrivable', `Execution Not Redrivable: '${execution.arn}': ${why}`);
    }
    execution.redrive(machine.compiled, this.#startedDefinition(execution.startedOn));
    if (token) this.#redriveTokens.set(execution.arn, token);
    return { redriveDate: execution.redriveDate ?? new Date(this.#clock.nowMs()) };
  }

  async sendTaskSuccess(input: SendTaskSuccessInput): Promise<Record<string, never>> {
    const request = parseRequest('SendTaskSuccess', input);
    let output: JsonValue;
    try {
      output = JSON.parse(request.output) as JsonValue;
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    this.#tokens.waiter(request.taskToken).succeed(output);
    return {};
  }

  async sendTaskFailure(input: SendTaskFailureInput): Promise<Record<string, never>> {
    const request = parseRequest('SendTaskFailure', input);
    this.#tokens.waiter(request.taskToken).fail(request.error, request.cause);
    return {};
  }

  async sendTaskHeartbeat(input: SendTaskHeartbeatInput): Promise<Record<string, never>> {
    const request = parseRequest('SendTaskHeartbeat', input);
    this.#tokens.waiter(request.taskToken).heartbeat();
    return {};
  }

  async describeStateMachine(input: DescribeStateMachineInput): Promise<DescribeStateMachineOutput> {
    const request = parseRequest('DescribeStateMachine', input);
    const machine = this.#machine(request.stateMachineArn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.compiled.text,
      roleArn: machine.roleArn,
      type: 'STANDARD',
      creationDate: machine.creationDate,
      loggingConfiguration: { level: 'OFF', includeExecutionData: false },
      tracingConfiguration: { enabled: false },
    };
  }

  async listStateMachines(input: ListStateMachinesInput = {}): Promise<ListStateMachinesOutput> {
    const request = parseRequest('ListStateMachines', input);
    const { items, nextToken } = page([...this.#machines.values()], request.maxResults, request.nextToken);
    return {
      stateMachines: items.map((m) => ({
        stateMachineArn: m.arn,
        name: m.name,
        type: 'STANDARD',
        creationDate: m.creationDate,
      })),
      nextToken,
    };
  }

  // Local extras ----------------------------------------------------------------------------------------------------

  /** Callback tasks waiting for SendTaskSuccess/Failure, oldest first (no tokens: those stay with the task owner). */
  openTasks(): OpenTaskToken[] {
    return this.#tokens.openTasks();
  }

  /** Resolves with the execution's description once it has ended and its closing event is in the history. */
  async whenClosed(executionArn: string): Promise<DescribeExecutionOutput> {
    const execution = this.#execution(executionArn);
    await execution.done;
    return execution.describe();
  }

  /**
   * Where an execution stands, for the sandbox console: the definition it runs on, the states it is in (running),
   * or the states it failed in, and every state it entered.
   */
  executionView(executionArn: string): {
    definition: string;
    current: string[];
    /** When each current Wait state fires. */
    waits: Map<string, Date>;
    failed: string[];
    visited: string[];
    /** The definition's Fail states: a redrive from one of them fails again. */
    failStates: Set<string>;
  } {
    const execution = this.#execution(executionArn);
    const visited = new Set<string>();
    for (const event of execution.history.events) {
      const name = event.stateEnteredEventDetails?.name;
      if (name) visited.add(name);
    }
    const current = execution.progress.currentStates();
    const waits = new Map<string, Date>();
    for (const { state, waitUntil } of current)
      if (waitUntil !== undefined) waits.set(state, new Date(waitUntil));
    const failStates = new Set<string>();
    for (const [name, plan] of execution.definition.states) if (plan.type === 'Fail') failStates.add(name);
    return {
      definition: execution.definition.text,
      current: [...new Set(current.map((c) => c.state))],
      waits,
      failed: [...new Set(execution.progress.failedStates())],
      visited: [...visited],
      failStates,
    };
  }

  // Internals -------------------------------------------------------------------------------------------------------

  #machine(arn: string): StateMachineRecord {
    const { name } = this.#arns.parseStateMachine(arn);
    const machine = this.#machines.get(name);
    if (!machine || machine.arn !== arn) {
      throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
    return machine;
  }

  #execution(arn: string): Execution {
    this.#arns.parseExecution(arn);
    const execution = this.#executions.get(arn);
    if (!execution) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return execution;
  }

  #executionServices(): ExecutionServices {
    return {
      clock: this.#clock,
      region: this.region,
      tokens: this.#tokens,
      retryDelayMs: this.#retryDelayMs,
      invokeLambda: this.#invokeLambda,
      timeoutError: (message) => {
        if (!this.#timeoutError)
          throw new Error('the timeout error factory is loaded before the first execution');
        return this.#timeoutError(message);
      },
      startChild: async (request) => {
        const started = await this.startExecution({
          stateMachineArn: request.stateMachineArn,
          input: request.input,
          name: request.name,
        });
        return {
          executionArn: started.executionArn ?? '',
          startDate: started.startDate ?? new Date(this.#clock.nowMs()),
        };
      },
      whenClosed: (executionArn) => this.whenClosed(executionArn),
      stop: (executionArn, error, cause) => {
        this.#executions.get(executionArn)?.stop('ABORTED', error, cause);
      },
      changed: (execution, event) => {
        const change: ExecutionChange = {
          executionArn: execution.arn,
          stateMachineArn: execution.stateMachineArn,
          status: execution.status,
          event,
        };
        for (const listener of this.#listeners) {
          try {
            listener(change);
          } catch {
            // A listener's failure is its own; executions carry on.
          }
        }
      },
    };
  }
}
