// Keeps month-end snapshots of the receivables state current, a little after each ledger line is written.
import { type Clock, localDate } from '#shared/clock.ts';
import type { LedgerLine } from './ledger.ts';
import { closeMonth, emptyState, type FoldState, fold } from './receivables-fold.ts';
import { addMonths, type MonthEntry, monthOf, monthsFrom, stampThrough } from './receivables-months.ts';
import { latestSnapshot } from './receivables-state.ts';

export interface KeeperDeps {
  index: { months(upTo: string): Promise<MonthEntry[]> };
  lines: { linesOf(month: string): Promise<LedgerLine[]> };
  snapshots: {
    read(snapshot: { month: string; stamp: number; parts: number }): Promise<FoldState | undefined>;
    claim(month: string, now: Date, leaseMs: number): Promise<boolean>;
    save(month: string, stamp: number, state: FoldState): Promise<'saved' | 'superseded'>;
  };
  clock: Clock;
}

/** Long enough to fold two months of lines; a builder that died frees the month after it. */
const leaseMs = 60_000;

/**
 * Builds the missing or stale snapshots of closed months (every month before today's), oldest first, each from
 * the one before and its own lines, at most `maxMonths` per call so that the step writing a line stays quick;
 * the next lines written build the rest. Returns the months it built.
 *
 * The stamp of each build is the version sum read before any line is: a line that lands while it folds makes the
 * index move past the stamp, and the build is stale from the start (never wrong).
 */
export async function keepSnapshots(deps: KeeperDeps, maxMonths = 2): Promise<string[]> {
  const now = deps.clock.now();
  const lastClosed = addMonths(monthOf(localDate(now)), -1);
  const entries = await deps.index.months(lastClosed);
  const first = entries[0];
  if (!first) return [];
  const base = await latestSnapshot(deps, entries, addMonths(lastClosed, 1));
  if (base?.month === lastClosed) return [];
  const withLines = new Set(entries.filter((entry) => entry.version > 0).map((entry) => entry.month));
  let state = base?.state ?? emptyState();
  const built: string[] = [];
  for (const month of monthsFrom(base ? addMonths(base.month, 1) : first.month, lastClosed)) {
    if (built.length === maxMonths) break;
    if (!(await deps.snapshots.claim(month, now, leaseMs))) break;
    const lines = withLines.has(month) ? await deps.lines.linesOf(month) : [];
    state = closeMonth(fold(lines, state), month);
    if ((await deps.snapshots.save(month, stampThrough(entries, month), state)) === 'superseded') break;
    built.push(month);
  }
  return built;
}
