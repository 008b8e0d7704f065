// Calendar months for the receivables figures, and which month's snapshot the month index still vouches for.
import { addDays } from '#shared/clock.ts';

/** The month (`2027-03`) of a date (`2027-03-14`). */
export const monthOf = (date: string): string => date.slice(0, 7);

function parts(month: string): { year: number; month: number } {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) throw new RangeError(`expected a month as YYYY-MM, got ${month}`);
  return { year: Number(match[1]), month: Number(match[2]) };
}

const formatMonth = (year: number, month: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;

/** The month `count` months after `month` (before it when negative). */
export function addMonths(month: string, count: number): string {
  const { year, month: m } = parts(month);
  const index = year * 12 + (m - 1) + count;
  return formatMonth(Math.floor(index / 12), (index % 12) + 1);
}

export const firstDayOf = (month: string): string => `${month}-01`;

/** The last day of `month` (`2028-02` → `2028-02-29`). */
export const lastDayOf = (month: string): string => addDays(firstDayOf(addMonths(month, 1)), -1);

/**
 * The same day `count` calendar months after `date` (before it when negative), or that month's last day when it
 * is shorter: 2027-05-31 minus one month is 2027-04-30, minus three is 2027-02-28.
 */
export function shiftMonths(date: string, count: number): string {
  const month = addMonths(monthOf(date), count);
  const last = lastDayOf(month);
  const day = `${month}-${date.slice(8, 10)}`;
  return day > last ? last : day;
}

/** The months from `first` to `last`, both included, in order. */
export function monthsFrom(first: string, last: string): string[] {
  const months: string[] = [];
  for (let month = first; month <= last; month = addMonths(month, 1)) months.push(month);
  return months;
}

/** A month in the month index: how often lines were written into it, and its snapshot if one was built. */
export interface MonthEntry {
  month: string;
  /** Bumped before and after every line written into the month: it only grows. */
  version: number;
  /** The snapshot at the end of the month: the stamp it was built under and how many parts it was stored in. */
  snapshot?: { stamp: number; parts: number };
}

/**
 * The stamp a snapshot of each month must carry to be valid: the sum of the versions of that month and every month
 * before it. A snapshot folds in every line up to its month's end, so a line written into any of those months
 * makes it stale; versions only grow, so the sum stays equal exactly when none of them moved.
 */
export function stampThrough(entries: readonly MonthEntry[], month: string): number {
  return entries.reduce((sum, entry) => (entry.month <= month ? sum + entry.version : sum), 0);
}

export interface ValidSnapshot {
  month: string;
  stamp: number;
  parts: number;
}

/** The snapshots still valid of the months before `before`, latest first. */
export function validSnapshots(entries: readonly MonthEntry[], before: string): ValidSnapshot[] {
  return entries
    .flatMap((entry) =>
      entry.month < before && entry.snapshot && entry.snapshot.stamp === stampThrough(entries, entry.month)
        ? [{ month: entry.month, stamp: entry.snapshot.stamp, parts: entry.snapshot.parts }]
        : [],
    )
    .sort((a, b) => b.month.localeCompare(a.month));
}
