// The receivables state and the pure fold that builds it from ledger lines; closing a month keeps it small.
import * as z from 'zod/mini';
import { addDays, daysBetween } from '#shared/clock.ts';
import type { LedgerLine } from './ledger.ts';
import { addMonths, firstDayOf, lastDayOf, monthOf } from './receivables-months.ts';

const date = z.iso.date();
const fen = z.int();
const count = z.int().check(z.nonnegative());

const duesSchema = z.object({ billed: count, onTime: count });

/** What the figures need of one salesperson's installments, summed: nothing here is kept per installment. */
export const ownerStateSchema = z.object({
  /** Outstanding fen by due date, zero entries dropped; due dates before `longOverdueBefore` are in `longOverdue`. */
  outstanding: z.record(date, fen),
  /** Outstanding fen due before the state's `longOverdueBefore`: over 90 days past due on any day it can report. */
  longOverdue: fen,
  /** By due date after `closedThrough`: installments billed, and how many of them were paid in full by that date. */
  dues: z.record(date, duesSchema),
  /** The same for due dates up to `closedThrough`, summed: every day the state can report counts all of them. */
  settledDues: duesSchema,
  /** Installments paid in full after their due date: how many, their whole amounts, Σ days late × whole amount. */
  late: z.object({ installments: count, amount: fen, weightedDays: fen }),
  promisesMade: count,
  promisesBroken: count,
  /** 0 when no installment of theirs reached a level. */
  highestLevel: z.int().check(z.gte(0), z.lte(4)),
});
export type OwnerState = z.infer<typeof ownerStateSchema>;

/** Per day: fen billed (credit sales) and fen that left receivables (paid or written off). */
const flowSchema = z.object({ billed: fen, reduced: fen });

/**
 * The receivables after a set of lines. `closeMonth` folds detail no later day needs into sums; the three dates say
 * how far it went, and so which days the state can still report on (any day after `closedThrough`).
 */
export const foldStateSchema = z.object({
  /** The last day of the last closed month (null: never closed, every day can be reported). */
  closedThrough: z.nullable(date),
  longOverdueBefore: z.nullable(date),
  /** Daily flows before this day were dropped: the figures look back three months at most. */
  flowsFrom: z.nullable(date),
  flows: z.record(date, flowSchema),
  owners: z.record(z.string(), ownerStateSchema),
});
export type FoldState = z.infer<typeof foldStateSchema>;

export const emptyState = (): FoldState => ({
  closedThrough: null,
  longOverdueBefore: null,
  flowsFrom: null,
  flows: {},
  owners: {},
});

const emptyOwner = (): OwnerState => ({
  outstanding: {},
  longOverdue: 0,
  dues: {},
  settledDues: { billed: 0, onTime: 0 },
  late: { installments: 0, amount: 0, weightedDays: 0 },
  promisesMade: 0,
  promisesBroken: 0,
  highestLevel: 0,
});

function safe(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`receivables sum out of range: ${value}`);
  return value;
}

function ownerOf(state: FoldState, email: string): OwnerState {
  let owner = state.owners[email];
  if (!owner) {
    owner = emptyOwner();
    state.owners[email] = owner;
  }
  return owner;
}

function changeOutstanding(state: FoldState, owner: OwnerState, dueDate: string, delta: number): void {
  if (state.longOverdueBefore !== null && dueDate < state.longOverdueBefore) {
    owner.longOverdue = safe(owner.longOverdue + delta);
    return;
  }
  const next = safe((owner.outstanding[dueDate] ?? 0) + delta);
  if (next === 0) delete owner.outstanding[dueDate];
  else owner.outstanding[dueDate] = next;
}

function duesOf(state: FoldState, owner: OwnerState, dueDate: string): { billed: number; onTime: number } {
  if (state.closedThrough !== null && dueDate <= state.closedThrough) return owner.settledDues;
  let dues = owner.dues[dueDate];
  if (!dues) {
    dues = { billed: 0, onTime: 0 };
    owner.dues[dueDate] = dues;
  }
  return dues;
}

function addFlow(state: FoldState, on: string, flow: 'billed' | 'reduced', amount: number): void {
  if (state.flowsFrom !== null && on < state.flowsFrom) return;
  const day = state.flows[on] ?? { billed: 0, reduced: 0 };
  day[flow] = safe(day[flow] + amount);
  state.flows[on] = day;
}

/** Applies one line to a state the caller owns (the fold's private copy). */
function apply(state: FoldState, line: LedgerLine): void {
  const owner = ownerOf(state, line.owner);
  switch (line.kind) {
    case 'billed':
      changeOutstanding(state, owner, line.dueDate, line.amount);
      duesOf(state, owner, line.dueDate).billed += 1;
      addFlow(state, line.on, 'billed', line.amount);
      return;
    case 'paid': {
      changeOutstanding(state, owner, line.dueDate, -line.amount);
      addFlow(state, line.on, 'reduced', line.amount);
      if (!line.closes) return;
      if (line.on <= line.dueDate) {
        duesOf(state, owner, line.dueDate).onTime += 1;
        return;
      }
      // The ledger requires the whole amount on a closing line (ledgerLineSchema); it weighs the days late.
      const whole = line.installmentAmount ?? line.amount;
      owner.late.installments += 1;
      owner.late.amount = safe(owner.late.amount + whole);
      owner.late.weightedDays = safe(owner.late.weightedDays + daysBetween(line.dueDate, line.on) * whole);
      return;
    }
    case 'written-off':
      changeOutstanding(state, owner, line.dueDate, -line.amount);
      addFlow(state, line.on, 'reduced', line.amount);
      return;
    case 'promised':
      owner.promisesMade += 1;
      return;
    case 'promise-broken':
      owner.promisesBroken += 1;
      return;
    case 'level':
      owner.highestLevel = Math.max(owner.highestLevel, line.level);
      return;
  }
}

/**
 * `from` with `lines` applied, as a new state. Every line only adds to sums or raises a maximum, so the order of
 * the lines does not matter. Lines dated on or before `from.closedThrough` belong to a state before the close and
 * must not be given here (the snapshot they would change is stale and rebuilt instead).
 */
export function fold(lines: Iterable<LedgerLine>, from: FoldState = emptyState()): FoldState {
  const state = structuredClone(from);
  for (const line of lines) {
    if (state.closedThrough !== null && line.on <= state.closedThrough) {
      throw new RangeError(`line ${line.id} of ${line.on} is in a month the state already closed`);
    }
    apply(state, line);
  }
  return state;
}

/**
 * The state at the end of `month`, made smaller for the days after it, which are all it will report on: due
 * dates up to the month's end are due on every such day, so their counts become one sum; outstanding due more
 * than 89 days before the month's end is over 90 days past due on every such day, so it becomes one amount; and
 * daily flows older than the two months before are no longer in any three-month look-back.
 */
export function closeMonth(state: FoldState, month: string): FoldState {
  const end = lastDayOf(month);
  if (state.closedThrough !== null && end <= state.closedThrough) {
    throw new RangeError(`month ${month} is already closed (through ${state.closedThrough})`);
  }
  const closed = structuredClone(state);
  closed.closedThrough = end;
  closed.longOverdueBefore = addDays(end, -89);
  closed.flowsFrom = firstDayOf(addMonths(monthOf(end), -2));
  for (const owner of Object.values(closed.owners)) {
    for (const [dueDate, dues] of Object.entries(owner.dues)) {
      if (dueDate > end) continue;
      owner.settledDues.billed += dues.billed;
      owner.settledDues.onTime += dues.onTime;
      delete owner.dues[dueDate];
    }
    for (const [dueDate, amount] of Object.entries(owner.outstanding)) {
      if (dueDate >= closed.longOverdueBefore) continue;
      owner.longOverdue = safe(owner.longOverdue + amount);
      delete owner.outstanding[dueDate];
    }
  }
  for (const day of Object.keys(closed.flows)) {
    if (day < closed.flowsFrom) delete closed.flows[day];
  }
  return closed;
}
