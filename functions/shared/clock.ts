// The one source of "now" and of the company's time zone: system time on AWS, the virtual clock in the sandbox.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The company works in Beijing time. Asia/Shanghai is UTC+8 all year (no DST), so the fixed offset is exact and
 * date arithmetic needs no time-zone database; `companyTimeZone` is for Intl formatting of what people read.
 */
export const companyTimeZone = 'Asia/Shanghai';
export const companyUtcOffsetMinutes = 480;

const dayMs = 86_400_000;

/** The calendar date (`2026-11-22`) at `at` in the company's time zone, or at another offset in minutes. */
export function localDate(at: Date, utcOffsetMinutes = companyUtcOffsetMinutes): string {
  const ms = at instanceof Date ? at.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError('at must be a valid date');
  return new Date(ms + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

function dateMs(date: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(`${date}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`expected a date as YYYY-MM-DD, got ${date}`);
  return ms;
}

/** Whole calendar days from one date (`YYYY-MM-DD`) to another; negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((dateMs(to) - dateMs(from)) / dayMs);
}

/** The date `days` calendar days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(dateMs(date) + days * dayMs).toISOString().slice(0, 10);
}

/** The instant a company-local date begins (00:00 Beijing time). */
export function startOfLocalDate(date: string, utcOffsetMinutes = companyUtcOffsetMinutes): Date {
  return new Date(dateMs(date) - utcOffsetMinutes * 60_000);
}

/**
 * The sandbox runs handlers in its own process and swaps the clock here once at start-up, so that Wait states,
 * task SLAs and "days overdue" all follow the same virtual time. On Lambda nothing calls this.
 */
let current: Clock = systemClock;

export const processClock: Clock = { now: () => current.now() };

export function useClock(clock: Clock): void {
  current = clock;
}
