// The project's rules for workflow definitions, beyond what asl-validator checks (DESIGN §2 and §4).
import aslValidator from 'asl-validator';
import { placeholdersOf, substitute } from './definitions.ts';
import type { Registry } from './registry.ts';

/** The Lambda errors every Lambda task retries (DESIGN §4): transient faults of the service, never our own bugs. */
export const lambdaTransientErrors = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface VisitedState {
  name: string;
  state: JsonObject;
}

const isObject = (value: Json | undefined): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every state, including those inside Parallel branches and Map item processors. */
function allStates(machine: JsonObject): VisitedState[] {
  const found: VisitedState[] = [];
  const states = machine.States;
  if (!isObject(states)) return found;
  for (const [name, state] of Object.entries(states)) {
    if (!isObject(state)) continue;
    found.push({ name, state });
    const branches = state.Branches;
    if (Array.isArray(branches))
      for (const branch of branches) if (isObject(branch)) found.push(...allStates(branch));
    for (const nested of [state.ItemProcessor, state.Iterator])
      if (isObject(nested)) found.push(...allStates(nested));
  }
  return found;
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

function catchesTimeout(state: JsonObject): boolean {
  const catchers = state.Catch;
  return (
    Array.isArray(catchers) &&
    catchers.some(
      (c) => isObject(c) && Array.isArray(c.ErrorEquals) && c.ErrorEquals.includes('States.Timeout'),
    )
  );
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

  for (const { name, state } of allStates(machine)) {
    if (state.Type !== 'Task') continue;
    if (typeof state.TimeoutSeconds !== 'number') problems.push(`Task "${name}" has no TimeoutSeconds`);
    if (isLambdaTask(state, registry) && !hasStandardRetry(state)) {
      problems.push(
        `Task "${name}" lacks the standard Retry (with backoff) for ${lambdaTransientErrors.join(', ')}`,
      );
    }
    const resource = typeof state.Resource === 'string' ? state.Resource : '';
    if (resource.endsWith('.waitForTaskToken') && !catchesTimeout(state)) {
      problems.push(`Task "${name}" waits for a task token but has no Catch for States.Timeout`);
    }
    // A human task's link expires at deadlineSeconds; the state gives up at TimeoutSeconds. They must agree.
    const payload = isObject(state.Parameters) ? state.Parameters.Payload : undefined;
    if (
      isObject(payload) &&
      'deadlineSeconds' in payload &&
      payload.deadlineSeconds !== state.TimeoutSeconds
    ) {
      problems.push(
        `Task "${name}" passes deadlineSeconds ${String(payload.deadlineSeconds)} but times out at ${String(state.TimeoutSeconds)}`,
      );
    }
  }
  return problems;
}

/** Registry entries no definition uses: dead functions the stack would still deploy. */
export function unusedRegistryEntries(definitionTexts: readonly string[], registry: Registry): string[] {
  const used = new Set(definitionTexts.flatMap(placeholdersOf));
  return Object.keys(registry).filter((name) => !used.has(name));
}
