// Helpers of the receivables tests: a clock on a chosen day, and the figures straight from every line.
import type { LedgerLine } from '#payment-collection/ledger.ts';
import { figuresOf } from '#payment-collection/receivables-figures.ts';
import { fold } from '#payment-collection/receivables-fold.ts';
import { type Clock, startOfLocalDate } from '#shared/clock.ts';

/** A clock at noon (Beijing time) of whatever day `today()` says when asked. */
export const clockOn = (today: () => string): Clock => ({
  now: () => new Date(startOfLocalDate(today()).getTime() + 12 * 3_600_000),
});

/** The figures on `asOf` from a fold of every line up to it, no snapshot involved: what a report must equal. */
export const figuresFromEveryLine = (lines: readonly LedgerLine[], asOf: string) =>
  figuresOf(fold(lines.filter((line) => line.on <= asOf)), asOf);
