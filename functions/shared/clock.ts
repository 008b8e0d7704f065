// The one source of "now" for handlers and domain code: system time on AWS, the virtual clock in the sandbox.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The sandbox runs handlers in its own process and swaps the clock here once at start-up, so that Wait states,
 * task SLAs and "days overdue" all follow the same virtual time. On Lambda nothing calls this.
 */
let current: Clock = systemClock;

export const processClock: Clock = { now: () => current.now() };

export function useClock(clock: Clock): void {
  current = clock;
}
