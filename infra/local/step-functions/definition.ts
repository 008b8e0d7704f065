// Turns an ASL definition into something the interpreter runs our way: placeholders filled, unsupported features refused, Task/Wait timing handed to us, and a variant that can start anywhere.
import { createHash } from 'node:crypto';
import { SfnError } from './errors.ts';
import { registerScopes, StateMachine, type StateMachineDefinition } from './interpreter.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export type StateType = 'Task' | 'Parallel' | 'Map' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';

export type TaskResource =
  | { kind: 'lambda-invoke'; callback: boolean }
  | { kind: 'lambda-function'; functionArn: string }
  | { kind: 'start-execution'; pattern: 'request-response' | 'sync' | 'sync:2' | 'callback' };

export interface TaskPlan {
  resource: TaskResource;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
}

export interface StatePlan {
  type: StateType;
  /** Set for Task states: how the service runs it instead of the interpreter. */
  task?: TaskPlan;
  /** The state list it is in: '' at the top, `Both#0` in branch 0 of Parallel `Both`, `PerItem` in Map `PerItem`. */
  scope: string;
  next?: string;
  /** `End: true`, or a Succeed state. */
  end: boolean;
  /** The Resource as written, placeholders filled: resuming compares it across definition versions. */
  resource?: string;
  /** A Parallel state's branch count. */
  branches?: number;
  /** Where this state's `States.ALL` catcher leads, and where it puts the error. */
  catchAll?: { next: string; resultPath: string | null | undefined };
}

export interface ScopePlan {
  startAt: string;
  states: readonly string[];
}

/** What the interpreter hands to a Task handler: our wrapper around the state's evaluated Parameters. */
export interface WrappedTaskInput {
  parameters: unknown;
  timeoutSeconds?: unknown;
  heartbeatSeconds?: unknown;
}

/** What the interpreter hands to a Wait state rewritten as a Task: its input and the evaluated duration field. */
export interface WrappedWaitInput {
  input: unknown;
  seconds?: unknown;
  timestamp?: unknown;
}

export interface CompiledDefinition {
  /** The definition with placeholders filled in, as DescribeStateMachine returns it. */
  readonly text: string;
  /** SHA-256 of `text`: how a stored execution names the definition it ran. */
  readonly hash: string;
  /** Built once: constructing a StateMachine validates, which is slow. */
  readonly runnable: StateMachine;
  /** The runnable definition with a router at the start of every state list (see `restartable`). */
  restartable(): StateMachine;
  /** Every state by name, nested ones included (ASL state names are unique across the machine). */
  readonly states: ReadonlyMap<string, StatePlan>;
  /** Every state list: the top, each Parallel branch, each Map's item processor. */
  readonly scopes: ReadonlyMap<string, ScopePlan>;
  /** The top-level `TimeoutSeconds`, enforced on the virtual clock. */
  readonly timeoutSeconds: number | undefined;
  readonly retryStates: readonly string[];
}

/**
 * The interpreter races every Task against its own real-time `setTimeout` (60 s when the state sets none). We make it
 * the longest delay Node accepts without firing at once, and enforce the real timeouts on the virtual clock.
 */
const INTERPRETER_TASK_TIMEOUT_SECONDS = 2_147_483;
const WAIT_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:sfn-local-wait';

const PLACEHOLDER = /\$\{([^}]*)\}/g;
const LAMBDA_FUNCTION =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;
const STATES_INTEGRATION =
  /^arn:aws[a-z-]*:states:::([a-z0-9-]+):([A-Za-z]+)(\.sync:2|\.sync|\.waitForTaskToken)?$/;
/** The interpreter overwrites these two context fields per Map iteration and with real time, so we serve our own. */
const EXECUTION_CONTEXT_FIELD = /\$\$\.Execution\.(Input|StartTime)(?![A-Za-z0-9_])/g;
const JSONATA_ONLY_FIELDS = ['Arguments', 'Output', 'Assign', 'Items'];
const DISTRIBUTED_MAP_FIELDS = [
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
  'ToleratedFailureCount',
  'ToleratedFailurePercentage',
];

function invalid(message: string): SfnError {
  return new SfnError('InvalidDefinition', `Invalid State Machine Definition: ${message}`);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Replaces `${Name}` in every string of the definition; every placeholder must have a value. */
function substitute(
  value: Json,
  substitutions: Readonly<Record<string, string>>,
  missing: Set<string>,
): Json {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) => {
      const replacement = substitutions[name];
      if (replacement === undefined) {
        missing.add(name);
        return whole;
      }
      return replacement;
    });
  }
  if (Array.isArray(value)) return value.map((item) => substitute(item, substitutions, missing));
  if (isObject(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, substitute(v, substitutions, missing)]),
    );
  }
  return value;
}

function parseResource(stateName: string, resource: Json | undefined): TaskResource {
  if (typeof resource !== 'string') throw invalid(`state '${stateName}' has no Resource`);
  if (LAMBDA_FUNCTION.test(resource)) return { kind: 'lambda-function', functionArn: resource };
  const match = STATES_INTEGRATION.exec(resource);
  const suffix = match?.[3];
  if (match?.[1] === 'lambda' && match[2] === 'invoke' && (!suffix || suffix === '.waitForTaskToken')) {
    return { kind: 'lambda-invoke', callback: suffix === '.waitForTaskToken' };
  }
  if (match?.[1] === 'states' && match[2] === 'startExecution') {
    const patterns = { '.sync:2': 'sync:2', '.sync': 'sync', '.waitForTaskToken': 'callback' } as const;
    const pattern = suffix ? patterns[suffix as keyof typeof patterns] : 'request-response';
    return { kind: 'start-execution', pattern };
  }
  throw invalid(
    `state '${stateName}' uses Resource '${resource}', which the local service does not run ` +
      '(supported: Lambda function ARNs, lambda:invoke[.waitForTaskToken], states:startExecution[.sync|.sync:2|.waitForTaskToken])',
  );
}

function mentionsTaskToken(value: Json | undefined): boolean {
  if (typeof value === 'string') return value.includes('$$.Task.Token');
  if (Array.isArray(value)) return value.some(mentionsTaskToken);
  if (isObject(value)) return Object.values(value).some(mentionsTaskToken);
  return false;
}

function positiveInteger(stateName: string, field: string, value: Json | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalid(
      `state '${stateName}' has ${field} ${JSON.stringify(value)}; it must be a positive integer`,
    );
  }
  return value;
}

/** Applies `rewrite` to every string that is a JSONPath or intrinsic function: `*.$` values, `*Path` and `Variable` fields. */
function rewritePaths(value: Json, rewrite: (path: string) => string): Json {
  if (Array.isArray(value)) return value.map((item) => rewritePaths(item, rewrite));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (typeof child === 'string' && (key.endsWith('.$') || key.endsWith('Path') || key === 'Variable')) {
      out[key] = rewrite(child);
    } else out[key] = rewritePaths(child, rewrite);
  }
  return out;
}

const NESTED_SCOPES = new Set(['Branches', 'ItemProcessor', 'Iterator']);

/**
 * `$$.State.Name` is not in the interpreter's context object; it is constant per state, so it becomes a literal:
 * a `"key.$": "$$.State.Name"` field turns into `"key": "<name>"`, and inside intrinsic functions a quoted string.
 */
function inlineStateName(value: Json, stateName: string): Json {
  if (Array.isArray(value)) return value.map((item) => inlineStateName(item, stateName));
  if (!isObject(value)) return value;
  const quoted = `'${stateName.replace(/[\\'{}]/g, (c) => `\\${c}`)}'`;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (NESTED_SCOPES.has(key)) out[key] = child;
    else if (key.endsWith('.$') && child === '$$.State.Name') out[key.slice(0, -2)] = stateName;
    else if (key.endsWith('.$') && typeof child === 'string')
      out[key] = child.replaceAll('$$.State.Name', quoted);
    else out[key] = inlineStateName(child, stateName);
  }
  return out;
}

function rewriteTask(state: JsonObject): JsonObject {
  const wrapper: JsonObject =
    state.Parameters === undefined ? { 'parameters.$': '$' } : { parameters: state.Parameters };
  if (typeof state.TimeoutSecondsPath === 'string') wrapper['timeoutSeconds.$'] = state.TimeoutSecondsPath;
  if (typeof state.HeartbeatSecondsPath === 'string')
    wrapper['heartbeatSeconds.$'] = state.HeartbeatSecondsPath;
  const { TimeoutSecondsPath, HeartbeatSeconds, HeartbeatSecondsPath, ...rest } = state;
  return { ...rest, Parameters: wrapper, TimeoutSeconds: INTERPRETER_TASK_TIMEOUT_SECONDS };
}

function rewriteWait(state: JsonObject): JsonObject {
  const { Seconds, SecondsPath, Timestamp, TimestampPath, Type, ...rest } = state;
  const wrapper: JsonObject = { 'input.$': '$' };
  if (Seconds !== undefined) wrapper.seconds = Seconds;
  if (typeof SecondsPath === 'string') wrapper['seconds.$'] = SecondsPath;
  if (Timestamp !== undefined) wrapper.timestamp = Timestamp;
  if (typeof TimestampPath === 'string') wrapper['timestamp.$'] = TimestampPath;
  return {
    ...rest,
    Type: 'Task',
    Resource: WAIT_RESOURCE,
    Parameters: wrapper,
    TimeoutSeconds: INTERPRETER_TASK_TIMEOUT_SECONDS,
  };
}

interface Indexer {
  plans: Map<string, StatePlan>;
  scopes: Map<string, ScopePlan>;
  retryStates: string[];
}

function catchAllOf(raw: JsonObject): StatePlan['catchAll'] {
  if (!Array.isArray(raw.Catch)) return undefined;
  for (const catcher of raw.Catch) {
    if (!isObject(catcher) || !Array.isArray(catcher.ErrorEquals)) continue;
    if (catcher.ErrorEquals.includes('States.ALL') && typeof catcher.Next === 'string') {
      const resultPath = catcher.ResultPath;
      return {
        next: catcher.Next,
        resultPath: typeof resultPath === 'string' || resultPath === null ? resultPath : undefined,
      };
    }
  }
  return undefined;
}

/** Checks one scope (`States` + `StartAt`) and returns it rewritten for the interpreter, recursing into Parallel and Map. */
function compileScope(scope: JsonObject, where: string, index: Indexer, scopeName = ''): JsonObject {
  if (scope.QueryLanguage === 'JSONata')
    throw invalid(`${where} uses JSONata, which the local interpreter ignores`);
  const states = scope.States;
  if (!isObject(states)) throw invalid(`${where} has no States`);
  index.scopes.set(scopeName, {
    startAt: typeof scope.StartAt === 'string' ? scope.StartAt : '',
    states: Object.keys(states),
  });
  const compiled: JsonObject = {};
  for (const [name, raw] of Object.entries(states)) {
    if (!isObject(raw)) throw invalid(`state '${name}' is not an object`);
    if (index.plans.has(name))
      throw invalid(`state name '${name}' is used twice; names must be unique in the machine`);
    if (raw.QueryLanguage === 'JSONata')
      throw invalid(`state '${name}' uses JSONata, which the local interpreter ignores`);
    for (const field of JSONATA_ONLY_FIELDS) {
      if (field in raw) throw invalid(`state '${name}' uses ${field}, which the local interpreter ignores`);
    }
    for (const rule of [
      ...(Array.isArray(raw.Catch) ? raw.Catch : []),
      ...(Array.isArray(raw.Choices) ? raw.Choices : []),
    ]) {
      if (isObject(rule) && 'Assign' in rule)
        throw invalid(`state '${name}' uses Assign, which the local interpreter ignores`);
    }
    const type = raw.Type as StateType;
    const plan: StatePlan = {
      type,
      scope: scopeName,
      next: typeof raw.Next === 'string' ? raw.Next : undefined,
      end: raw.End === true || type === 'Succeed',
      resource: typeof raw.Resource === 'string' ? raw.Resource : undefined,
      catchAll: catchAllOf(raw),
    };
    index.plans.set(name, plan);
    if (Array.isArray(raw.Retry) && raw.Retry.length > 0) index.retryStates.push(name);
    let state = inlineStateName(raw, name) as JsonObject;

    if (type === 'Task') {
      const resource = parseResource(name, raw.Resource);
      const callback =
        (resource.kind === 'lambda-invoke' && resource.callback) ||
        (resource.kind === 'start-execution' && resource.pattern === 'callback');
      if (callback && !mentionsTaskToken(raw.Parameters)) {
        throw invalid(`state '${name}' waits for a task token but its Parameters never pass $$.Task.Token`);
      }
      plan.task = {
        resource,
        timeoutSeconds: positiveInteger(name, 'TimeoutSeconds', raw.TimeoutSeconds),
        heartbeatSeconds: positiveInteger(name, 'HeartbeatSeconds', raw.HeartbeatSeconds),
      };
      state = rewriteTask(state);
    } else if (type === 'Wait') {
      state = rewriteWait(state);
    } else if (type === 'Parallel') {
      const branches = Array.isArray(raw.Branches) ? raw.Branches : [];
      plan.branches = branches.length;
      const inner = scopeName === '' ? name : `${scopeName}/${name}`;
      state.Branches = branches.map((branch, i) => {
        if (!isObject(branch)) throw invalid(`branch ${i} of state '${name}' is not an object`);
        return compileScope(branch, `branch ${i} of state '${name}'`, index, `${inner}#${i}`);
      });
    } else if (type === 'Map') {
      for (const field of DISTRIBUTED_MAP_FIELDS) {
        if (field in raw)
          throw invalid(
            `state '${name}' uses ${field} (distributed Map), which the local service does not run`,
          );
      }
      const key = isObject(raw.ItemProcessor) ? 'ItemProcessor' : 'Iterator';
      const processor = raw[key];
      if (!isObject(processor)) throw invalid(`Map state '${name}' has no ItemProcessor`);
      const config = processor.ProcessorConfig;
      if (isObject(config) && config.Mode === 'DISTRIBUTED') {
        throw invalid(`state '${name}' is a distributed Map, which the local service does not run`);
      }
      const inner = scopeName === '' ? name : `${scopeName}/${name}`;
      state[key] = compileScope(processor, `the ItemProcessor of state '${name}'`, index, inner);
    }
    compiled[name] = state;
  }
  return { ...scope, States: compiled };
}

/**
 * Parses, fills in `${Placeholder}`s, validates (with the interpreter's own validator) and rewrites a definition:
 * Wait states become Tasks we answer on the virtual clock, every Task gets our Parameters wrapper and a harmless
 * interpreter timeout, and the top-level TimeoutSeconds moves to us. Throws InvalidDefinition naming the problem.
 */
export function compileDefinition(
  text: string,
  substitutions: Readonly<Record<string, string>> = {},
): CompiledDefinition {
  let parsed: Json;
  try {
    parsed = JSON.parse(text) as Json;
  } catch (error) {
    throw invalid(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const missing = new Set<string>();
  const definition = substitute(parsed, substitutions, missing);
  if (missing.size > 0) {
    throw invalid(`no substitution for ${[...missing].map((name) => `\${${name}}`).join(', ')}`);
  }
  if (!isObject(definition)) throw invalid('the definition is not a JSON object');

  // Our own checks first: they name what the local interpreter cannot run more clearly than the validator would.
  const index: Indexer = { plans: new Map(), scopes: new Map(), retryStates: [] };
  const { TimeoutSeconds, ...top } = compileScope(definition, 'the state machine', index);
  const timeoutSeconds = positiveInteger('(top level)', 'TimeoutSeconds', TimeoutSeconds);
  try {
    // The validator annotates what it is given, hence the copy.
    new StateMachine(structuredClone(definition) as unknown as StateMachineDefinition);
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error));
  }
  const runnableDefinition = rewritePaths(top, (path) =>
    path.replace(EXECUTION_CONTEXT_FIELD, '$$$$.Execution.Local$1'),
  );
  const runnable = new StateMachine(runnableDefinition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
  registerScopes(runnableDefinition as object);
  let restartable: StateMachine | undefined;
  const filled = JSON.stringify(definition, null, 2);
  return {
    text: filled,
    hash: createHash('sha256').update(filled).digest('hex'),
    runnable,
    restartable() {
      if (!restartable) {
        const withRouters = addRouters(structuredClone(runnableDefinition) as JsonObject, '');
        restartable = new StateMachine(withRouters as unknown as StateMachineDefinition, {
          validationOptions: { noValidate: true },
        });
        registerScopes(withRouters);
      }
      return restartable;
    },
    states: index.plans,
    scopes: index.scopes,
    timeoutSeconds,
    retryStates: index.retryStates,
  };
}

// Restarting anywhere -------------------------------------------------------------------------------------------------
//
// The interpreter only starts a state list at its StartAt. To resume an execution where it stood, or redrive it from
// the state that failed, every state list of the restartable variant starts with a router: a Task the execution
// answers (by the scope it runs in) with `{target, input}`, a Choice on the target, and per state a Pass that hands
// the recorded input on. A state list with nothing recorded routes to its own StartAt with its own input; a finished
// branch or iteration routes to `done` with its recorded output. These states never reach the history.

const RESTART_PREFIX = 'sfn-local restart ';
const ROUTER_RESOURCE = 'arn:aws:lambda:us-east-1:000000000000:function:sfn-local-restart';

export const isRestartState = (name: string): boolean => name.startsWith(RESTART_PREFIX);
export const routerStateName = (scope: string): string => `${RESTART_PREFIX}${scope}: route`;
export const doneTarget = (scope: string): string => `${RESTART_PREFIX}${scope}: done`;
const chooseStateName = (scope: string) => `${RESTART_PREFIX}${scope}: choose`;
const passStateName = (scope: string, target: string) => `${RESTART_PREFIX}${scope}: to ${target}`;

/** What a router answers: the state to start at (or `doneTarget`) and the input to give it. */
export interface RouterAnswer {
  target: string;
  input: Json;
}

function addRouters(scope: JsonObject, scopeName: string): JsonObject {
  const states = scope.States as JsonObject;
  const names = Object.keys(states);
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    const inner = scopeName === '' ? name : `${scopeName}/${name}`;
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      state.Branches = state.Branches.map((branch, i) =>
        isObject(branch) ? addRouters(branch, `${inner}#${i}`) : branch,
      );
    }
    if (state.Type === 'Map') {
      const key = isObject(state.ItemProcessor) ? 'ItemProcessor' : 'Iterator';
      const processor = state[key];
      if (isObject(processor)) state[key] = addRouters(processor, inner);
    }
  }
  const router: JsonObject = {
    [routerStateName(scopeName)]: {
      Type: 'Task',
      Resource: ROUTER_RESOURCE,
      TimeoutSeconds: INTERPRETER_TASK_TIMEOUT_SECONDS,
      Next: chooseStateName(scopeName),
    },
    [chooseStateName(scopeName)]: {
      Type: 'Choice',
      Choices: [...names, doneTarget(scopeName)].map((target) => ({
        Variable: '$.target',
        StringEquals: target,
        Next: passStateName(scopeName, target),
      })),
    },
    [passStateName(scopeName, doneTarget(scopeName))]: { Type: 'Pass', InputPath: '$.input', End: true },
  };
  for (const name of names) {
    router[passStateName(scopeName, name)] = { Type: 'Pass', InputPath: '$.input', Next: name };
  }
  return { ...scope, StartAt: routerStateName(scopeName), States: { ...states, ...router } };
}
