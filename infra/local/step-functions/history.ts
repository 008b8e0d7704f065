// An execution's history in the shape GetExecutionHistory returns, merged from the interpreter's events and our task events.
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { StatePlan } from './definition.ts';
import type { EventLog } from './interpreter.ts';

export type HistoryEventInit = Omit<HistoryEvent, 'id' | 'previousEventId' | 'timestamp' | 'type'> & {
  type: HistoryEventType;
};

interface Queued {
  init: HistoryEventInit;
  at: number;
}

export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

export class ExecutionHistory {
  readonly #events: HistoryEvent[] = [];
  readonly #queued = new Map<string, Queued[]>();
  /** Map/Parallel states whose last attempt failed: a Catch still exits them, but not as succeeded. */
  readonly #failed = new Set<string>();
  readonly #now: () => number;
  readonly #states: ReadonlyMap<string, StatePlan>;
  readonly #onAppend: (event: HistoryEvent) => void;

  constructor(
    now: () => number,
    states: ReadonlyMap<string, StatePlan>,
    onAppend: (event: HistoryEvent) => void,
  ) {
    this.#now = now;
    this.#states = states;
    this.#onAppend = onAppend;
  }

  get events(): readonly HistoryEvent[] {
    return this.#events;
  }

  append(init: HistoryEventInit, atMs = this.#now()): void {
    const id = this.#events.length + 1;
    const event: HistoryEvent = { ...init, id, previousEventId: id - 1, timestamp: new Date(atMs) };
    this.#events.push(event);
    this.#onAppend(event);
  }

  /**
   * Task events happen inside the interpreter's state, but its own events reach us a few microtasks late; a task
   * event waits here until the interpreter's event for the same state arrives, so the history reads in order.
   */
  queue(stateName: string, init: HistoryEventInit): void {
    const queued = this.#queued.get(stateName) ?? [];
    queued.push({ init, at: this.#now() });
    this.#queued.set(stateName, queued);
  }

  flush(stateName: string): void {
    const queued = this.#queued.get(stateName);
    if (!queued) return;
    this.#queued.delete(stateName);
    for (const { init, at } of queued) this.append(init, at);
  }

  flushAll(): void {
    for (const stateName of [...this.#queued.keys()]) this.flush(stateName);
  }

  /** Records one interpreter event; execution-level ones are the caller's, since only it knows how the run ended. */
  ingest(event: EventLog, offsetMs: number): void {
    const at = event.timestamp + offsetMs;
    switch (event.type) {
      case 'StateEntered': {
        const { name, input } = event.state;
        const type = this.#states.get(name)?.type ?? event.state.type;
        this.append(
          {
            type: `${type}StateEntered` as HistoryEventType,
            stateEnteredEventDetails: { name, input: json(input), inputDetails: { truncated: false } },
          },
          at,
        );
        if (type === 'Map') this.append({ type: 'MapStateStarted', mapStateStartedEventDetails: {} }, at);
        if (type === 'Parallel') this.append({ type: 'ParallelStateStarted' }, at);
        this.flush(name);
        return;
      }
      case 'StateExited': {
        const { name, output } = event.state;
        const type = this.#states.get(name)?.type ?? event.state.type;
        this.flush(name);
        if (!this.#failed.delete(name)) {
          if (type === 'Map') this.append({ type: 'MapStateSucceeded' }, at);
          if (type === 'Parallel') this.append({ type: 'ParallelStateSucceeded' }, at);
        }
        this.append(
          {
            type: `${type}StateExited` as HistoryEventType,
            stateExitedEventDetails: { name, output: json(output), outputDetails: { truncated: false } },
          },
          at,
        );
        return;
      }
      case 'StateFailed': {
        const { name } = event.state;
        const type = this.#states.get(name)?.type ?? event.state.type;
        this.flush(name);
        if (type === 'Map') this.append({ type: 'MapStateFailed' }, at);
        if (type === 'Parallel') this.append({ type: 'ParallelStateFailed' }, at);
        this.#failed.add(name);
        return;
      }
      case 'StateRetried':
        this.#failed.delete(event.state.name);
        this.flush(event.state.name);
        return;
      case 'StateCaught':
        this.flush(event.state.name);
        return;
      case 'MapIterationStarted':
        this.append(
          {
            type: 'MapIterationStarted',
            mapIterationStartedEventDetails: { name: event.parentState.name, index: event.index },
          },
          at,
        );
        return;
      case 'MapIterationSucceeded':
        this.append(
          {
            type: 'MapIterationSucceeded',
            mapIterationSucceededEventDetails: { name: event.parentState.name, index: event.index },
          },
          at,
        );
        return;
      case 'MapIterationFailed':
        this.append(
          {
            type: 'MapIterationFailed',
            mapIterationFailedEventDetails: { name: event.parentState.name, index: event.index },
          },
          at,
        );
        return;
      default:
        // ExecutionStarted is written when the execution starts; branch events have no AWS counterpart.
        return;
    }
  }
}
