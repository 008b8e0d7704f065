// The project's rules for workflow definitions, beyond what asl-validator checks (DESIGN §2 and §4).
import aslValidator from 'asl-validator';
import { placeholdersOf, substitute } from './definitions.ts';
import type { Registry } from './registry.ts';

/**
 * The errors every Lambda task retries with backoff (DESIGN §4): transient faults of the Lambda service, and the
 * project's own `Transient` (what a handler throws for throttling or a 5xx that outlasted the SDK's retries).
 */
export const lambdaTransientErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'Transient',
] as const;

/** Where every Task's Catch-all leads (DESIGN §2 "Every failure has a place to go"). */
export const needsAttentionState = 'Needs attention';

/** What a human-task state passes to open-task: ids and the deadline, nothing the task could read from the table. */
const humanTaskPayload = ['taskToken.$', 'executionArn.$', 'stateName.$', 'subject.$'];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface VisitedState {
  name: string;
  state: JsonObject;
  /** The Parallel or Map states it sits in, innermost last: their Catch covers a failure inside the branch. */
  enclosing: JsonObject[];
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every state, including those inside Parallel branches and Map item processors. */
function allStates(machine: JsonObject, enclosing: JsonObject[] = []): VisitedState[] {
  const found: VisitedState[] = [];
  const states = machine.States;
  if (!isObject(states)) return found;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    found.push({ name, state, enclosing });
    const inner = [...enclosing, state];
    const branches = state.Branches;
    if (Array.isArray(branches))
      for (const branch of branches) if (isObject(branch)) found.push(...allStates(branch, inner));
    for (const nested of [state.ItemProcessor, state.Iterator])
      if (isObject(nested)) found.push(...allStates(nested, inner));
  }
  return found;
}

/** Where a failure of `error` in this state goes: its own Catch, else that of the branch's Parallel or Map. */
function caughtAt(visited: VisitedState, error: string): string | undefined {
  for (const state of [visited.state, ...[...visited.enclosing].reverse()]) {
    const target = catchTarget(state, error);
    if (target) return target;
  }
  return undefined;
}

/** Every value of a field of this name, at any depth (JSONata and Assign may hide in nested states). */
function valuesOf(value: Json, key: string): Json[] {
  if (Array.isArray(value)) return value.flatMap((item) => valuesOf(item, key));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === key ? [v, ...valuesOf(v, key)] : valuesOf(v, key)));
}

function isLambdaTask(state: JsonObject, registry: Registry): boolean {
  const resource = state.Resource;
  if (typeof resource !== 'string') return false;
  if (resource.startsWith('arn:aws:states:::lambda:invoke')) return true;
  const placeholder = /^\$\{(\w+)\}$/.exec(resource)?.[1];
  if (placeholder) return registry[placeholder]?.kind === 'function';
  return /^arn:aws:lambda:/.test(resource);
}

function hasStandardRetry(state: JsonObject): boolean {
  const retriers = state.Retry;
  if (!Array.isArray(retriers)) return false;
  const covered = new Set<string>();
  for (const retrier of retriers) {
    if (!isObject(retrier) || !Array.isArray(retrier.ErrorEquals)) continue;
    const backoff = typeof retrier.BackoffRate === 'number' ? retrier.BackoffRate : 2;
    const attempts = typeof retrier.MaxAttempts === 'number' ? retrier.MaxAttempts : 3;
    if (backoff <= 1 || attempts < 1) continue;
    for (const error of retrier.ErrorEquals) if (typeof error === 'string') covered.add(error);
  }
  return lambdaTransientErrors.every((error) => covered.has(error));
}

/** The state a Catch for `error` leads to, if the state has one. */
function catchTarget(state: JsonObject, error: string): string | undefined {
  const catchers = Array.isArray(state.Catch) ? state.Catch : [];
  const found = catchers.find(
    (c) => isObject(c) && Array.isArray(c.ErrorEquals) && c.ErrorEquals.includes(error),
  );
  return isObject(found) && typeof found.Next === 'string' ? found.Next : undefined;
}

/** Problems of one definition, each naming its state; empty when it follows every rule. */
export function checkDefinition(definitionText: string, registry: Registry): string[] {
  const problems: string[] = [];
  for (const name of placeholdersOf(definitionText)) {
    if (!registry[name]) problems.push(`placeholder \${${name}} has no entry in the workflow registry`);
  }
  // Validate with every placeholder filled by a well-formed ARN, as CDK will fill them.
  const filled = substitute(
    definitionText,
    Object.fromEntries(
      placeholdersOf(definitionText).map((name) => [
        name,
        registry[name]?.kind === 'workflow'
          ? `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`
          : `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
      ]),
    ),
  );
  let machine: Json;
  try {
    machine = JSON.parse(filled) as Json;
  } catch (error) {
    return [...problems, `not valid JSON: ${(error as Error).message}`];
  }
  if (!isObject(machine)) return [...problems, 'the definition is not a JSON object'];

  const validation = aslValidator(structuredClone(machine));
  if (!validation.isValid) problems.push(`asl-validator: ${validation.errorsText('; ')}`);
  if (valuesOf(machine, 'QueryLanguage').some((language) => language !== 'JSONPath')) {
    problems.push('uses JSONata; definitions are JSONPath only (the local runtime ignores JSONata)');
  }
  if (valuesOf(machine, 'Assign').length > 0) {
    problems.push('uses Assign; the local runtime ignores it, pass data in the state input');
  }

  const states = allStates(machine);
  const hasTasks = states.some(({ state }) => state.Type === 'Task');
  if (hasTasks && !states.some(({ name }) => name === needsAttentionState)) {
    problems.push(`has no "${needsAttentionState}" state for the Catch-all of its Tasks`);
  }
  for (const visited of states) {
    const { name, state } = visited;
    if (state.Type !== 'Task') continue;
    if (typeof state.TimeoutSeconds !== 'number' && typeof state.TimeoutSecondsPath !== 'string') {
      problems.push(`Task "${name}" has no TimeoutSeconds`);
    }
    if (isLambdaTask(state, registry) && !hasStandardRetry(state)) {
      problems.push(
        `Task "${name}" lacks the standard Retry (with backoff) for ${lambdaTransientErrors.join(', ')}`,
      );
    }
    // Needs attention itself ends the execution failed when it cannot run: redrive takes it from there.
    if (name !== needsAttentionState && caughtAt(visited, 'States.ALL') !== needsAttentionState) {
      problems.push(`Task "${name}" has no Catch-all (States.ALL) to "${needsAttentionState}"`);
    }
    const resource = typeof state.Resource === 'string' ? state.Resource : '';
    if (resource.endsWith('.waitForTaskToken')) problems.push(...humanTaskProblems(visited));
  }
  return problems;
}

/** One shape for every human-task state: open-task told only which step, subject and deadline; expiry caught. */
function humanTaskProblems(visited: VisitedState): string[] {
  const { name, state } = visited;
  const problems: string[] = [];
  if (!caughtAt(visited, 'States.Timeout')) {
    problems.push(`Task "${name}" waits for a task token but has no Catch for States.Timeout`);
  }
  const parameters = isObject(state.Parameters) ? state.Parameters : {};
  const payload = isObject(parameters.Payload) ? parameters.Payload : {};
  // Placeholders are filled in by now (as CDK fills them): ${OpenTaskFunction} became its function's ARN.
  if (!String(parameters.FunctionName).endsWith(':function:OpenTaskFunction')) {
    problems.push(`Task "${name}" waits for a task token but does not call \${OpenTaskFunction}`);
  }
  // The deadline is a number, or for a deadline the workflow computes (deemed acceptance), the same path as the timeout's.
  const deadlineKey = 'deadlineSeconds.$' in payload ? 'deadlineSeconds.$' : 'deadlineSeconds';
  const keys = Object.keys(payload).sort();
  const expected = [...humanTaskPayload, deadlineKey].sort();
  if (keys.join() !== expected.join()) {
    problems.push(
      `Task "${name}" passes ${keys.join(', ')} to open-task; a human task passes exactly ${expected.join(', ')}`,
    );
  }
  // A human task's link expires at deadlineSeconds; the state gives up at its timeout. They must agree.
  const deadline = payload[deadlineKey];
  const timeout = deadlineKey === 'deadlineSeconds' ? state.TimeoutSeconds : state.TimeoutSecondsPath;
  if (deadline !== timeout) {
    problems.push(
      `Task "${name}" passes deadlineSeconds ${String(deadline)} but times out at ${String(timeout)}`,
    );
  }
  return problems;
}

/** Registry entries no definition uses: dead functions the stack would still deploy. */
export function unusedRegistryEntries(definitionTexts: readonly string[], registry: Registry): string[] {
  const used = new Set(definitionTexts.flatMap(placeholdersOf));
  return Object.keys(registry).filter((name) => !used.has(name));
}
