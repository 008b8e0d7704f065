// SLA arithmetic for human tasks: when to remind and when to escalate, counted in the company's business days.

import { companyUtcOffsetMinutes } from '#shared/clock.ts';

/**
 * Where business-day counting starts for a task opened on a Saturday or Sunday: the next Monday at this local
 * hour, so that "1 business day" always means a full working day, not the few hours left of a Monday at 00:00.
 */
const weekendStartHour = 9;

const minuteMs = 60_000;
const hourMs = 60 * minuteMs;
const dayMs = 24 * hourMs;

export type Duration = { businessDays: number } | { hours: number } | { days: number };

export interface SlaPolicy {
  reminderAfter: Duration;
  escalateAfter: Duration;
  /**
   * `calendar-days` counts `businessDays` as calendar days, for teams that work weekends; `hours` and `days` mean
   * the same under both. Default `business-days`.
   */
  calendar?: 'business-days' | 'calendar-days';
}

export interface ZoneOptions {
  /** The company's offset from UTC, in minutes; default the company's (clock.ts). */
  utcOffsetMinutes?: number;
}

/**
 * `start` plus `duration`. Business days keep the local time of day and skip Saturdays and Sundays; a start on a
 * weekend counts from the next Monday 09:00 local. `hours` are elapsed clock hours; `days` are calendar days at the
 * same local time (exact with a fixed offset).
 */
export function addDuration(start: Date, duration: Duration, opts: ZoneOptions = {}): Date {
  const startMs = validDate(start, 'start');
  const offsetMs = offsetOf(opts) * minuteMs;
  const unit = unitOf(duration);
  switch (unit.kind) {
    case 'hours':
      return new Date(startMs + unit.value * hourMs);
    case 'days':
      return new Date(startMs + unit.value * dayMs);
    case 'businessDays': {
      const from = weekdayStart(startMs + offsetMs);
      return new Date(addWeekdays(from.day, unit.value) * dayMs + from.timeMs - offsetMs);
    }
  }
}

/** When the assignee is reminded and when the task is escalated; escalation never comes before the reminder. */
export function slaSchedule(
  openedAt: Date,
  policy: SlaPolicy,
  opts: ZoneOptions = {},
): { remindAt: Date; escalateAt: Date } {
  const remindAt = addDuration(openedAt, onCalendar(policy.reminderAfter, policy.calendar), opts);
  const escalateAt = addDuration(openedAt, onCalendar(policy.escalateAfter, policy.calendar), opts);
  if (escalateAt.getTime() < remindAt.getTime()) {
    throw new RangeError(
      `escalateAfter (${show(policy.escalateAfter)}) must not come before reminderAfter (${show(policy.reminderAfter)})`,
    );
  }
  return { remindAt, escalateAt };
}

/**
 * Whole business days elapsed from `from` to `to`: the largest n with `addDuration(from, {businessDays: n}) <= to`,
 * so it is the exact inverse of adding business days (same weekend rule). Negative when `to` is before `from`.
 */
export function businessDaysBetween(from: Date, to: Date, opts: ZoneOptions = {}): number {
  const fromMs = validDate(from, 'from');
  const toMs = validDate(to, 'to');
  // `0 -` rather than unary minus, so an empty reversed range is 0 and not -0.
  if (toMs < fromMs) return 0 - businessDaysBetween(to, from, opts);
  const offsetMs = offsetOf(opts) * minuteMs;
  const start = weekdayStart(fromMs + offsetMs);
  const startLocalMs = start.day * dayMs + start.timeMs;
  const toLocalMs = toMs + offsetMs;
  if (toLocalMs <= startLocalMs) return 0;
  const n = weekdaysUpTo(Math.floor(toLocalMs / dayMs)) - weekdaysUpTo(start.day);
  // The n-th weekday is on `to`'s own date at the start's time of day, which may still be ahead of `to`.
  const landing = addWeekdays(start.day, n) * dayMs + start.timeMs;
  return landing > toLocalMs ? n - 1 : n;
}

type Unit = { kind: 'businessDays' | 'hours' | 'days'; value: number };

function unitOf(duration: Duration): Unit {
  const keys = Object.keys(duration);
  const kind = keys[0];
  if (keys.length !== 1 || (kind !== 'businessDays' && kind !== 'hours' && kind !== 'days')) {
    throw new RangeError(
      `a duration has exactly one of businessDays, hours or days, got {${keys.join(', ')}}`,
    );
  }
  const value: unknown = (duration as Record<string, unknown>)[kind];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${kind} must be a non-negative number, got ${String(value)}`);
  }
  // Fractions of a business or calendar day have no agreed meaning (which hours?); hours may be fractional.
  if (kind !== 'hours' && !Number.isInteger(value)) {
    throw new RangeError(`${kind} must be a whole number, got ${value}`);
  }
  return { kind, value };
}

function onCalendar(duration: Duration, calendar: SlaPolicy['calendar']): Duration {
  if (calendar === 'calendar-days' && 'businessDays' in duration) return { days: duration.businessDays };
  return duration;
}

function show(duration: Duration): string {
  return Object.entries(duration)
    .map(([kind, value]) => `${kind}: ${String(value)}`)
    .join(', ');
}

function validDate(date: Date, name: string): number {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (Number.isNaN(ms)) throw new RangeError(`${name} must be a valid date`);
  return ms;
}

function offsetOf(opts: ZoneOptions): number {
  const offset = opts.utcOffsetMinutes ?? companyUtcOffsetMinutes;
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60) {
    throw new RangeError(`utcOffsetMinutes must be a whole number between -840 and 840, got ${offset}`);
  }
  return offset;
}

/** Monday = 0 … Sunday = 6, for a day number counted from 1970-01-01 (a Thursday). */
function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** A local moment as (day number, time of day), moved to Monday 09:00 if it falls on a weekend. */
function weekdayStart(localMs: number): { day: number; timeMs: number } {
  const day = Math.floor(localMs / dayMs);
  const weekday = weekdayOf(day);
  if (weekday < 5) return { day, timeMs: localMs - day * dayMs };
  return { day: day + (7 - weekday), timeMs: weekendStartHour * hourMs };
}

/** The day number `count` weekdays after `day`, which must itself be a weekday. */
function addWeekdays(day: number, count: number): number {
  let result = day + Math.floor(count / 5) * 7;
  for (let left = count % 5; left > 0; ) {
    result += 1;
    if (weekdayOf(result) < 5) left -= 1;
  }
  return result;
}

/** How many weekdays there are up to and including `day`, from a fixed Monday; only differences matter. */
function weekdaysUpTo(day: number): number {
  const sinceMonday = day - 4; // 1970-01-05 was a Monday
  const weeks = Math.floor(sinceMonday / 7);
  return weeks * 5 + Math.min(sinceMonday - weeks * 7 + 1, 5);
}
