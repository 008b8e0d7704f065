// The sandbox's virtual clock: real time plus an offset that only grows, with timers that fire on virtual time.
import type { Clock } from '#shared/clock.ts';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** Longest real setTimeout we arm; Node's timers overflow past 2^31-1 ms (24.8 days) and fire at once. */
const MAX_REAL_DELAY_MS = 60 * 60 * 1000;

export class VirtualClock implements Clock {
  #offsetMs = 0;
  /** Each offset and the real time from which it held, oldest first: what virtual time it was at any real time. */
  #history: { fromRealMs: number; offsetMs: number }[];
  #timers: Timer[] = [];
  #seq = 0;
  #handle: NodeJS.Timeout | undefined;

  constructor(offsetMs = 0) {
    this.#offsetMs = offsetMs;
    this.#history = [{ fromRealMs: Number.NEGATIVE_INFINITY, offsetMs }];
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return Date.now() + this.#offsetMs;
  }

  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** Moves virtual time forward and fires every timer that became due, oldest first. */
  advance(seconds: number): Date {
    if (!Number.isFinite(seconds) || seconds < 0)
      throw new RangeError('advance takes a non-negative number of seconds');
    this.#offsetMs += Math.round(seconds * 1000);
    this.#history.push({ fromRealMs: Date.now(), offsetMs: this.#offsetMs });
    this.#fireDue();
    return this.now();
  }

  /** The virtual time it was at real time `realMs`: for what a part that knows only real time stamped (captured mail). */
  virtualTimeOf(realMs: number): number {
    const held = this.#history.findLast((entry) => entry.fromRealMs <= realMs) ?? this.#history[0];
    return realMs + (held?.offsetMs ?? 0);
  }

  /** Calls `fire` once virtual time reaches `at`. Returns a function that cancels the timer. */
  at(at: Date | number, fire: () => void): () => void {
    const timer: Timer = { at: typeof at === 'number' ? at : at.getTime(), seq: this.#seq++, fire };
    this.#timers.push(timer);
    this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    this.#arm();
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
      this.#arm();
    };
  }

  /** Calls `fire` after `ms` of virtual time. */
  after(ms: number, fire: () => void): () => void {
    return this.at(this.nowMs() + ms, fire);
  }

  /** Stops the real timer so the process can exit; pending virtual timers are dropped. */
  dispose(): void {
    clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#timers = [];
  }

  #fireDue(): void {
    const now = this.nowMs();
    const due: Timer[] = [];
    while (this.#timers[0] && this.#timers[0].at <= now) due.push(this.#timers.shift() as Timer);
    for (const timer of due) timer.fire();
    this.#arm();
  }

  #arm(): void {
    clearTimeout(this.#handle);
    this.#handle = undefined;
    const next = this.#timers[0];
    if (!next) return;
    const delay = Math.min(Math.max(next.at - this.nowMs(), 0), MAX_REAL_DELAY_MS);
    this.#handle = setTimeout(() => this.#fireDue(), delay);
    this.#handle.unref();
  }
}
