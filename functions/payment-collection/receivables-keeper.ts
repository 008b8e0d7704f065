// Keeps month-end snapshots of the receivables state current, a little after each ledger line is written.
import { type Clock, localDate } from '#shared/clock.ts';
import type { LedgerLine } from './ledger.ts';
import { closeMonth, emptyState, type FoldState, fold } from './receivables-fold.ts';
import { addMonths, type MonthEntry, monthOf, stampThrough, validSnapshots } from './receivables-months.ts';
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

/** Long enough to fold a month of lines; a builder that died frees the month after it. */
const leaseMs = 60_000;

/**
 * Builds the missing or stale snapshots of closed months (every month before today's), oldest first, each from
 * the latest valid one before it and its own lines, at most `maxMonths` per call so that the step writing a line
 * stays quick; the next lines written build the rest. Returns the months it built, in order.
 *
 * Each build reads the index first and stamps the snapshot with the version sum it read: a line that lands while
 * it folds moves the index past that stamp, so the build is stale from the start (never wrong), and the next
 * round of the loop, which reads the index again, builds that month once more. A month another builder holds is
 * left to it.
 */
export async function keepSnapshots(deps: KeeperDeps, maxMonths = 2): Promise<string[]> {
  const now = deps.clock.now();
  const lastClosed = addMonths(monthOf(localDate(now)), -1);
  const built: string[] = [];
  while (built.length < maxMonths) {
    const entries = await deps.index.months(lastClosed);
    const first = entries[0];
    // Decided from the index alone: most lines find the last closed month's snapshot current and stop here.
    if (!first || validSnapshots(entries, addMonths(lastClosed, 1))[0]?.month === lastClosed) break;
    const base = await latestSnapshot(deps, entries, addMonths(lastClosed, 1));
    const month = base ? addMonths(base.month, 1) : first.month;
    if (!(await deps.snapshots.claim(month, now, leaseMs))) break;
    const hasLines = entries.some((entry) => entry.month === month && entry.version > 0);
    const lines = hasLines ? await deps.lines.linesOf(month) : [];
    const state = closeMonth(fold(lines, base?.state ?? emptyState()), month);
    if ((await deps.snapshots.save(month, stampThrough(entries, month), state)) === 'superseded') break;
    built.push(month);
  }
  return built;
}
