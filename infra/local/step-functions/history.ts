// An execution's history in the shape GetExecutionHistory returns, merged from the interpreter's events and our task events, each with the scope it happened in.
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { StatePlan } from './definition.ts';
import type { EventLog } from './interpreter.ts';
import type { JournalRecord } from './journal.ts';

export type HistoryEventInit = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp' | 'type'> & {
  type: HistoryEventType;
};

/** A journal note that must follow its state's entry, like a task event (a token, a Wait's firing time). */
export type StateNote = Extract<JournalRecord, { t: 'token' | 'wait' }>;

type Queued = { kind: 'event'; init: HistoryEventInit; at: number } | { kind: 'note'; note: StateNote };

export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export interface HistorySink {
  /** An event joined the history, in `scope`. */
  appended(event: HistoryEvent, scope: string): void;
  /** A note about a state became due, after the state's entry. */
  noted(note: StateNote): void;
}

const key = (scope: string, stateName: string) => `${scope}\n${stateName}`;

export class ExecutionHistory {
  readonly #events: HistoryEvent[] = [];
  readonly #queued = new Map<string, Queued[]>();
  /** States (by scope) whose entry the history has and whose exit it has not: their task events go straight in. */
  readonly #entered = new Set<string>();
  /** Map/Parallel states whose last attempt failed: a Catch still exits them, but not as succeeded. */
  readonly #failed = new Set<string>();
  readonly #now: () => number;
  readonly #states: () => ReadonlyMap<string, StatePlan>;
  readonly #sink: HistorySink;

  /** `states` is the definition the execution runs now (a resumed one may run a newer, compatible one). */
  constructor(now: () => number, states: () => ReadonlyMap<string, StatePlan>, sink: HistorySink) {
    this.#now = now;
    this.#states = states;
    this.#sink = sink;
  }

  get events(): readonly HistoryEvent[] {
    return this.#events;
  }

  /** The events of an execution read back from its journal. */
  load(events: readonly HistoryEvent[]): void {
    this.#events.push(...events);
  }

  append(init: HistoryEventInit, atMs = this.#now(), scope = ''): void {
    const id = this.#events.length + 1;
    const event: HistoryEvent = { ...init, id, previousEventId: id - 1, timestamp: new Date(atMs) };
    this.#events.push(event);
    this.#sink.appended(event, scope);
  }

  /**
   * Task events happen inside the interpreter's state, but its own events reach us a few microtasks late; a task
   * event waits here until the interpreter's entry for the same state in the same scope arrives, so the history
   * reads in order (and each Map iteration's events stay with their own entry). Once the entry is in, task events
   * are written at once: a result must be in the journal before the next state can act on it.
   */
  queue(scope: string, stateName: string, init: HistoryEventInit): void {
    this.#enqueue(scope, stateName, { kind: 'event', init, at: this.#now() });
  }

  queueNote(note: StateNote): void {
    this.#enqueue(note.scope, note.state, { kind: 'note', note });
  }

  #enqueue(scope: string, stateName: string, item: Queued): void {
    if (this.#entered.has(key(scope, stateName))) {
      if (item.kind === 'event') this.append(item.init, item.at, scope);
      else this.#sink.noted(item.note);
      return;
    }
    const queued = this.#queued.get(key(scope, stateName)) ?? [];
    queued.push(item);
    this.#queued.set(key(scope, stateName), queued);
  }

  flush(scope: string, stateName: string): void {
    const k = key(scope, stateName);
    const queued = this.#queued.get(k);
    if (!queued) return;
    this.#queued.delete(k);
    for (const item of queued) {
      if (item.kind === 'event') this.append(item.init, item.at, scope);
      else this.#sink.noted(item.note);
    }
  }

  flushAll(): void {
    for (const k of [...this.#queued.keys()]) {
      const [scope = '', stateName = ''] = k.split('\n');
      this.flush(scope, stateName);
    }
  }

  /** Forgets what waits to be written: the process stops and the journal keeps what was written. */
  dropQueued(): void {
    this.#queued.clear();
    this.#entered.clear();
  }

  /**
   * Records one interpreter event; execution-level ones are the caller's, since only it knows how the run ended.
   * `quietEntry` leaves out a state's entry that the history already has (a state resumed after a restart).
   */
  ingest(event: EventLog, offsetMs: number, scope: string, quietEntry = false): void {
    const at = event.timestamp + offsetMs;
    switch (event.type) {
      case 'StateEntered': {
        const { name, input } = event.state;
        const type = this.#states().get(name)?.type ?? event.state.type;
        if (!quietEntry) {
          this.append(
            {
              type: `${type}StateEntered` as HistoryEventType,
              stateEnteredEventDetails: { name, input: json(input), inputDetails: { truncated: false } },
            },
            at,
            scope,
          );
          if (type === 'Map')
            this.append({ type: 'MapStateStarted', mapStateStartedEventDetails: {} }, at, scope);
          if (type === 'Parallel') this.append({ type: 'ParallelStateStarted' }, at, scope);
        }
        this.flush(scope, name);
        this.#entered.add(key(scope, name));
        return;
      }
      case 'StateExited': {
        const { name, output } = event.state;
        const type = this.#states().get(name)?.type ?? event.state.type;
        this.flush(scope, name);
        if (!this.#failed.delete(key(scope, name))) {
          if (type === 'Map') this.append({ type: 'MapStateSucceeded' }, at, scope);
          if (type === 'Parallel') this.append({ type: 'ParallelStateSucceeded' }, at, scope);
        }
        this.#entered.delete(key(scope, name));
        this.append(
          {
            type: `${type}StateExited` as HistoryEventType,
            stateExitedEventDetails: { name, output: json(output), outputDetails: { truncated: false } },
          },
          at,
          scope,
        );
        return;
      }
      case 'StateFailed': {
        const { name } = event.state;
        const type = this.#states().get(name)?.type ?? event.state.type;
        this.flush(scope, name);
        if (type === 'Map') this.append({ type: 'MapStateFailed' }, at, scope);
        if (type === 'Parallel') this.append({ type: 'ParallelStateFailed' }, at, scope);
        this.#failed.add(key(scope, name));
        return;
      }
      case 'StateRetried':
        this.#failed.delete(key(scope, event.state.name));
        this.flush(scope, event.state.name);
        return;
      case 'StateCaught':
        this.flush(scope, event.state.name);
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const detail = { name: event.parentState.name, index: event.index };
        // The iteration's own scope; the Map state's events belong to the scope around it.
        const outer = scope.includes('/') ? scope.slice(0, scope.lastIndexOf('/')) : '';
        if (event.type === 'MapIterationStarted')
          this.append({ type: event.type, mapIterationStartedEventDetails: detail }, at, outer);
        else if (event.type === 'MapIterationSucceeded')
          this.append({ type: event.type, mapIterationSucceededEventDetails: detail }, at, outer);
        else this.append({ type: event.type, mapIterationFailedEventDetails: detail }, at, outer);
        return;
      }
      default:
        // ExecutionStarted is written when the execution starts; branch events have no AWS counterpart.
        return;
    }
  }
}
