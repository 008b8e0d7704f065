// The receivables figures of one day from a fold state: aging, per salesperson, DSO, best DSO, ADD and CEI.
import * as z from 'zod/mini';
import { addDays, daysBetween } from '#shared/clock.ts';
import { money } from '#shared/money.ts';
import type { FoldState, OwnerState } from './receivables-fold.ts';
import { shiftMonths } from './receivables-months.ts';

const date = z.iso.date();
const cny = z.object({ amount: z.int(), currency: z.literal('CNY') });
const count = z.int().check(z.nonnegative());

/** DSO, best possible DSO and ADD: days, or none without credit sales in the period. */
const countBackDays = z.union([
  z.object({ days: z.number() }),
  z.object({ days: z.null(), reason: z.literal('no-credit-sales') }),
]);

export const salespersonFiguresSchema = z.object({
  email: z.string(),
  outstanding: cny,
  overdue: cny,
  onTimeRate: z.union([
    z.object({ percent: z.number(), paidOnTime: count, dueByAsOf: count }),
    z.object({
      percent: z.null(),
      paidOnTime: count,
      dueByAsOf: count,
      reason: z.literal('no-installments-due'),
    }),
  ]),
  averageDaysLate: z.union([
    z.object({ days: z.number(), installments: count }),
    z.object({ days: z.null(), installments: count, reason: z.literal('no-late-payments') }),
  ]),
  promises: z.object({ made: count, broken: count }),
  /** 1–4, null when none of their installments reached a level. */
  highestLevel: z.nullable(z.int().check(z.gte(1), z.lte(4))),
});

const periodMonthSchema = z.object({ from: date, to: date, days: count, creditSales: cny });

/**
 * What GET /receivables answers (before names). A figure that would divide by nothing is null with a reason:
 * `no-installments-due` (on-time rate), `no-late-payments` (average days late), `no-credit-sales` (DSO, best
 * possible DSO, ADD), `nothing-collectible` (CEI).
 */
export const figuresSchema = z.object({
  asOf: date,
  aging: z.object({
    current: cny,
    days1To30: cny,
    days31To60: cny,
    days61To90: cny,
    over90: cny,
    total: cny,
  }),
  salespeople: z.array(salespersonFiguresSchema),
  company: z.object({
    /** The three months ending asOf, latest first; `from` is the first day counted. */
    period: z.object({ from: date, to: date, months: z.array(periodMonthSchema) }),
    openingReceivables: cny,
    creditSales: cny,
    closingReceivables: cny,
    closingCurrentReceivables: cny,
    dso: countBackDays,
    bestPossibleDso: countBackDays,
    averageDaysDelinquent: countBackDays,
    cei: z.union([
      z.object({ percent: z.number() }),
      z.object({ percent: z.null(), reason: z.literal('nothing-collectible') }),
    ]),
  }),
});
export type ReceivablesFigures = z.infer<typeof figuresSchema>;
export type SalespersonFigures = z.infer<typeof salespersonFiguresSchema>;

/** Fen as the API gives money; `money` refuses what is not a safe whole number. */
const inCny = (fen: number) => ({ amount: money(fen, 'CNY').amount, currency: 'CNY' as const });

/** Ratios are shown to one decimal; the amounts behind them are exact. */
const oneDecimal = (value: number) => Math.round(value * 10) / 10;

type Bucket = 'current' | 'days1To30' | 'days31To60' | 'days61To90' | 'over90';

/** Days past due on `asOf`: 0 or less is current (due today or later). */
function bucketOf(daysPastDue: number): Bucket {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return 'days1To30';
  if (daysPastDue <= 60) return 'days31To60';
  if (daysPastDue <= 90) return 'days61To90';
  return 'over90';
}

interface OwnerAging {
  buckets: Record<Bucket, number>;
  total: number;
}

function agingOf(owner: OwnerState, asOf: string): OwnerAging {
  const buckets: Record<Bucket, number> = {
    current: 0,
    days1To30: 0,
    days31To60: 0,
    days61To90: 0,
    over90: owner.longOverdue,
  };
  for (const [dueDate, amount] of Object.entries(owner.outstanding)) {
    const bucket = bucketOf(daysBetween(dueDate, asOf));
    buckets[bucket] += amount;
  }
  const total = Object.values(buckets).reduce((a, b) => a + b, 0);
  return { buckets, total };
}

function salesperson(email: string, owner: OwnerState, aging: OwnerAging, asOf: string): SalespersonFigures {
  let dueByAsOf = owner.settledDues.billed;
  let paidOnTime = owner.settledDues.onTime;
  for (const [dueDate, dues] of Object.entries(owner.dues)) {
    if (dueDate > asOf) continue;
    dueByAsOf += dues.billed;
    paidOnTime += dues.onTime;
  }
  const { late } = owner;
  return {
    email,
    outstanding: inCny(aging.total),
    overdue: inCny(aging.total - aging.buckets.current),
    onTimeRate:
      dueByAsOf === 0
        ? { percent: null, paidOnTime, dueByAsOf, reason: 'no-installments-due' }
        : { percent: oneDecimal((paidOnTime / dueByAsOf) * 100), paidOnTime, dueByAsOf },
    averageDaysLate:
      late.amount === 0
        ? { days: null, installments: late.installments, reason: 'no-late-payments' }
        : { days: oneDecimal(late.weightedDays / late.amount), installments: late.installments },
    promises: { made: owner.promisesMade, broken: owner.promisesBroken },
    highestLevel: owner.highestLevel === 0 ? null : owner.highestLevel,
  };
}

interface Window {
  /** Exclusive: the day before the window's first day. */
  after: string;
  to: string;
  days: number;
  sales: number;
}

/**
 * Count-back: from the receivables on asOf, take away each month's credit sales, latest month first, counting its
 * days, until what is left is less than a month's sales: that month counts the share of its days that what is left
 * is of its sales. Left over after all three months, the rest counts at the period's average daily sales.
 */
function countBack(receivables: number, windows: readonly Window[]): number {
  const totalSales = windows.reduce((sum, w) => sum + w.sales, 0);
  const totalDays = windows.reduce((sum, w) => sum + w.days, 0);
  let left = receivables;
  let result = 0;
  for (const window of windows) {
    if (left <= 0) return result;
    if (left >= window.sales) {
      result += window.days;
      left -= window.sales;
    } else {
      return result + (left / window.sales) * window.days;
    }
  }
  return left > 0 ? result + left / (totalSales / totalDays) : result;
}

/** The figures on `asOf`, which must be a day the state can report on: after its last closed month. */
export function figuresOf(state: FoldState, asOf: string): ReceivablesFigures {
  if (state.closedThrough !== null && asOf <= state.closedThrough) {
    throw new RangeError(`the state is closed through ${state.closedThrough}; it cannot report on ${asOf}`);
  }
  const start = shiftMonths(asOf, -3);
  if (state.flowsFrom !== null && addDays(start, 1) < state.flowsFrom) {
    throw new RangeError(
      `the state keeps flows from ${state.flowsFrom}; ${asOf} looks back to ${addDays(start, 1)}`,
    );
  }
  const aging: Record<Bucket, number> = { current: 0, days1To30: 0, days31To60: 0, days61To90: 0, over90: 0 };
  const salespeople: SalespersonFigures[] = [];
  for (const [email, owner] of Object.entries(state.owners).sort(([a], [b]) => a.localeCompare(b))) {
    const ownerAging = agingOf(owner, asOf);
    for (const bucket of Object.keys(aging) as Bucket[]) aging[bucket] += ownerAging.buckets[bucket];
    salespeople.push(salesperson(email, owner, ownerAging, asOf));
  }
  const closing = Object.values(aging).reduce((a, b) => a + b, 0);

  const windows: Window[] = [1, 2, 3].map((k) => {
    const to = shiftMonths(asOf, 1 - k);
    const after = shiftMonths(asOf, -k);
    return { after, to, days: daysBetween(after, to), sales: 0 };
  });
  let reduced = 0;
  for (const [day, flow] of Object.entries(state.flows)) {
    if (day <= start || day > asOf) continue;
    reduced += flow.reduced;
    const window = windows.find((w) => day > w.after && day <= w.to);
    if (window) window.sales += flow.billed;
  }
  const creditSales = windows.reduce((sum, w) => sum + w.sales, 0);
  // Receivables move only by what is billed (up) and what is paid or written off (down).
  const opening = closing - creditSales + reduced;

  const dso = creditSales === 0 ? null : countBack(closing, windows);
  const best = creditSales === 0 ? null : countBack(aging.current, windows);
  const collectible = opening + creditSales - aging.current;
  const noSales = { days: null, reason: 'no-credit-sales' } as const;
  return {
    asOf,
    aging: {
      current: inCny(aging.current),
      days1To30: inCny(aging.days1To30),
      days31To60: inCny(aging.days31To60),
      days61To90: inCny(aging.days61To90),
      over90: inCny(aging.over90),
      total: inCny(closing),
    },
    salespeople,
    company: {
      period: {
        from: addDays(start, 1),
        to: asOf,
        months: windows.map((w) => ({
          from: addDays(w.after, 1),
          to: w.to,
          days: w.days,
          creditSales: inCny(w.sales),
        })),
      },
      openingReceivables: inCny(opening),
      creditSales: inCny(creditSales),
      closingReceivables: inCny(closing),
      closingCurrentReceivables: inCny(aging.current),
      dso: dso === null ? noSales : { days: oneDecimal(dso) },
      bestPossibleDso: best === null ? noSales : { days: oneDecimal(best) },
      // From the rounded figures, so that the three shown add up.
      averageDaysDelinquent:
        dso === null || best === null ? noSales : { days: oneDecimal(oneDecimal(dso) - oneDecimal(best)) },
      cei:
        collectible <= 0
          ? { percent: null, reason: 'nothing-collectible' }
          : { percent: oneDecimal(((opening + creditSales - closing) / collectible) * 100) },
    },
  };
}
