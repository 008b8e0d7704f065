// Where an execution stands, folded from its journal: per scope the state it is in and that state's input, each task attempt's outcome, finished branches; and from that, where a restart begins.
import type { ExecutionStatus, HistoryEvent } from '@aws-sdk/client-sfn';
import type { CompiledDefinition } from './definition.ts';
import { staticScope } from './interpreter.ts';
import { historyEventOf, type JournalRecord, type JsonData } from './journal.ts';
import type { TokenClosure } from './tokens.ts';

export type AttemptOutcome =
  | { kind: 'succeeded'; output: JsonData }
  | { kind: 'failed'; error: string; cause: string; timedOut: boolean };

export interface Attempt {
  /** When the attempt was scheduled, in virtual time: its TimeoutSeconds run from here. */
  scheduledAt?: number;
  /** Callback tasks: the token and when it was handed out; `deadline` is when TimeoutSeconds runs out. */
  token?: { token: string; openedAt: number; deadline?: number };
  /** A callback task's Lambda returned, or a `.sync` child execution started (its ExecutionArn is in here). */
  submitted?: JsonData;
  outcome?: AttemptOutcome;
}

export interface Visit {
  state: string;
  input: JsonData;
  attempt?: Attempt;
  waitUntil?: number;
  exited?: { output: JsonData };
  caughtNext?: string;
}

interface ScopeProgress {
  visit?: Visit;
  ended?: { output: JsonData; failed: boolean };
}

function parse(text: unknown): JsonData {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text) as JsonData;
  } catch {
    return null;
  }
}

function details(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null)
      return value as Record<string, unknown>;
  }
  return {};
}

const closingStatus: Partial<Record<string, ExecutionStatus>> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

export class ExecutionProgress {
  readonly #scopes = new Map<string, ScopeProgress>();
  /** Every token ever handed out, and how its task ended (undefined: still open when the journal stops). */
  readonly tokens = new Map<string, { state: string; openedAt: number; closure?: TokenClosure }>();
  status: ExecutionStatus = 'RUNNING';
  stopDate: Date | undefined;
  output: string | undefined;
  error: string | undefined;
  cause: string | undefined;
  redriveCount = 0;
  redriveDate: Date | undefined;

  apply(record: JournalRecord): void {
    switch (record.t) {
      case 'event':
        this.applyEvent(record.scope, historyEventOf(record.event));
        return;
      case 'token': {
        const visit = this.#visit(record.scope, record.state);
        if (!visit) return;
        visit.attempt ??= {};
        visit.attempt.token = { token: record.token, openedAt: record.openedAt, deadline: record.deadline };
        this.tokens.set(record.token, { state: record.state, openedAt: record.openedAt });
        return;
      }
      case 'wait': {
        const visit = this.#visit(record.scope, record.state);
        if (visit) visit.waitUntil = record.until;
        return;
      }
      case 'caught': {
        const visit = this.#visit(record.scope, record.state);
        if (visit) visit.caughtNext = record.next;
        return;
      }
      case 'scope-ended':
        this.#scope(record.scope).ended = { output: record.output, failed: record.failed };
        return;
      case 'execution':
        return;
    }
  }

  /** The state each running scope is in (`''` is the top level), for the console. */
  currentStates(): { scope: string; state: string; waitUntil?: number }[] {
    if (this.status !== 'RUNNING') return [];
    const current: { scope: string; state: string; waitUntil?: number }[] = [];
    for (const [scope, progress] of this.#scopes) {
      if (progress.visit && !progress.visit.exited && !progress.ended)
        current.push({ scope, state: progress.visit.state, waitUntil: progress.visit.waitUntil });
    }
    return current;
  }

  /** The state that ended the execution when it failed: the innermost one still entered, for the console. */
  failedStates(): string[] {
    if (this.status === 'RUNNING' || this.status === 'SUCCEEDED') return [];
    const failed: string[] = [];
    for (const progress of this.#scopes.values()) {
      const visit = progress.visit;
      if (visit && !visit.exited && !(progress.ended && !progress.ended.failed)) failed.push(visit.state);
    }
    return failed;
  }

  #scope(scope: string): ScopeProgress {
    let progress = this.#scopes.get(scope);
    if (!progress) {
      progress = {};
      this.#scopes.set(scope, progress);
    }
    return progress;
  }

  #visit(scope: string, state: string): Visit | undefined {
    const visit = this.#scopes.get(scope)?.visit;
    return visit?.state === state ? visit : undefined;
  }

  applyEvent(scope: string, event: HistoryEvent): void {
    const type = event.type ?? '';
    const d = details(event);
    const status = closingStatus[type];
    if (status) {
      this.status = status;
      this.stopDate = event.timestamp;
      this.output = typeof d.output === 'string' ? d.output : undefined;
      this.error = typeof d.error === 'string' ? d.error : undefined;
      this.cause = typeof d.cause === 'string' ? d.cause : undefined;
      for (const entry of this.tokens.values()) entry.closure ??= 'execution-closed';
      return;
    }
    if (type === 'ExecutionRedriven') {
      this.status = 'RUNNING';
      this.stopDate = undefined;
      this.output = this.error = this.cause = undefined;
      this.redriveCount++;
      this.redriveDate = event.timestamp;
      return;
    }
    if (type.endsWith('StateEntered')) {
      const state = String(d.name);
      const progress = this.#scope(scope);
      progress.visit = { state, input: parse(d.input) };
      progress.ended = undefined;
      if (type === 'ParallelStateEntered' || type === 'MapStateEntered') this.#forgetInside(scope, state);
      return;
    }
    if (type.endsWith('StateExited')) {
      const visit = this.#visit(scope, String(d.name));
      if (visit) visit.exited = { output: parse(d.output) };
      return;
    }
    const visit = this.#scopes.get(scope)?.visit;
    if (!visit || visit.exited) return;
    switch (type) {
      case 'TaskScheduled':
      case 'LambdaFunctionScheduled':
        visit.attempt = { scheduledAt: event.timestamp?.getTime() };
        return;
      case 'TaskSubmitted':
        visit.attempt ??= {};
        visit.attempt.submitted = parse(d.output);
        return;
      case 'TaskSucceeded':
      case 'LambdaFunctionSucceeded':
        this.#settle(visit, { kind: 'succeeded', output: parse(d.output) }, 'succeeded');
        return;
      case 'TaskFailed':
      case 'LambdaFunctionFailed':
      case 'TaskTimedOut':
      case 'LambdaFunctionTimedOut': {
        const timedOut = type.endsWith('TimedOut');
        const outcome = {
          kind: 'failed',
          error: String(d.error ?? ''),
          cause: String(d.cause ?? ''),
          timedOut,
        };
        this.#settle(visit, outcome as AttemptOutcome, timedOut ? 'timed-out' : 'failed');
        return;
      }
    }
  }

  #settle(visit: Visit, outcome: AttemptOutcome, closure: TokenClosure): void {
    visit.attempt ??= {};
    visit.attempt.outcome = outcome;
    const token = visit.attempt.token?.token;
    const entry = token ? this.tokens.get(token) : undefined;
    if (entry) entry.closure ??= closure;
  }

  /** A Parallel or Map entered again starts its branches afresh. */
  #forgetInside(scope: string, container: string): void {
    const prefix = scope === '' ? container : `${scope}/${container}`;
    for (const key of [...this.#scopes.keys()]) {
      if (key.startsWith(`${prefix}#`) || key.startsWith(`${prefix}[`)) this.#scopes.delete(key);
    }
  }

  /** The scopes directly inside `container` of `scope` that have progress. */
  #inside(scope: string, container: string): string[] {
    const prefix = scope === '' ? container : `${scope}/${container}`;
    return [...this.#scopes.keys()].filter((key) => {
      if (!key.startsWith(prefix)) return false;
      return /^(#\d+|\[\d+\])$/.test(key.slice(prefix.length));
    });
  }

  /**
   * Where each scope restarts: the state it stood in with that state's input, a finished branch's output, or (for a
   * state that had exited just before the process stopped) the state after it. Scopes not listed start at StartAt.
   */
  restartPlan(definition: CompiledDefinition): Map<string, RestartTarget> {
    const plan = new Map<string, RestartTarget>();
    const resolve = (scope: string): void => {
      const progress = this.#scopes.get(scope);
      if (!progress) return;
      if (progress.ended && !progress.ended.failed) {
        plan.set(scope, { kind: 'done', output: progress.ended.output });
        return;
      }
      const visit = progress.visit;
      if (!visit) return;
      if (!visit.exited) {
        plan.set(scope, { kind: 'at', state: visit.state, input: visit.input, visit });
        const type = definition.states.get(visit.state)?.type;
        if (type === 'Parallel' || type === 'Map')
          for (const inner of this.#inside(scope, visit.state)) resolve(inner);
        return;
      }
      const output = visit.exited.output;
      if (visit.caughtNext) {
        plan.set(scope, { kind: 'at', state: visit.caughtNext, input: output });
        return;
      }
      const state = definition.states.get(visit.state);
      if (state?.type === 'Choice') plan.set(scope, { kind: 'at', state: visit.state, input: visit.input });
      else if (state?.end) plan.set(scope, { kind: 'done', output });
      else if (state?.next) plan.set(scope, { kind: 'at', state: state.next, input: output });
      // A state the new definition lacks: the compatibility check names it.
      else plan.set(scope, { kind: 'at', state: visit.state, input: visit.input });
    };
    resolve('');
    return plan;
  }
}

export type RestartTarget =
  | { kind: 'at'; state: string; input: JsonData; visit?: Visit }
  | { kind: 'done'; output: JsonData };

/**
 * Why `plan` cannot run on `definition` (a changed definition), or undefined when it can: every state a scope restarts
 * at must still be there, in the same branch or Map, of the same type, calling the same resource.
 */
export function incompatibility(
  plan: ReadonlyMap<string, RestartTarget>,
  started: CompiledDefinition | undefined,
  current: CompiledDefinition,
): string | undefined {
  for (const [scope, target] of plan) {
    if (target.kind !== 'at') continue;
    const now = current.states.get(target.state);
    if (!now) return `state '${target.state}' no longer exists`;
    if (now.scope !== staticScope(scope)) return `state '${target.state}' moved to another branch or Map`;
    const then = started?.states.get(target.state);
    if (!then) continue;
    if (then.type !== now.type) return `state '${target.state}' is now a ${now.type}, it was a ${then.type}`;
    if (then.resource !== now.resource)
      return `state '${target.state}' now calls ${now.resource ?? 'nothing'}, it called ${then.resource}`;
    if ((then.branches ?? 0) !== (now.branches ?? 0))
      return `state '${target.state}' now has ${now.branches} branches, it had ${then.branches}`;
  }
  return undefined;
}
