// The receivables state on a day: the latest valid month-end snapshot before it, plus the lines written since.
import type { LedgerLine } from './ledger.ts';
import { type FoldState, fold } from './receivables-fold.ts';
import { type MonthEntry, monthOf, type ValidSnapshot, validSnapshots } from './receivables-months.ts';

/** What reading the state needs: reads only, so the report can never write. */
export interface StateSources {
  index: { months(upTo: string): Promise<MonthEntry[]> };
  lines: { linesOf(month: string): Promise<LedgerLine[]> };
  snapshots: { read(snapshot: ValidSnapshot): Promise<FoldState | undefined> };
}

export interface StateOnDay {
  state: FoldState;
  /** The month whose snapshot it started from, or null when it folded every line from the first. */
  snapshot: string | null;
  /** The months whose lines it read. */
  monthsRead: string[];
}

/** The latest snapshot of a month before `before` that the index vouches for and that reads back whole. */
export async function latestSnapshot(
  sources: Pick<StateSources, 'snapshots'>,
  entries: readonly MonthEntry[],
  before: string,
): Promise<{ month: string; state: FoldState } | undefined> {
  for (const snapshot of validSnapshots(entries, before)) {
    const state = await sources.snapshots.read(snapshot);
    if (state) return { month: snapshot.month, state };
  }
  return undefined;
}

/**
 * Every line up to `asOf` folded, from the latest valid snapshot of a month before `asOf`'s month: what it reads
 * is the month index, one snapshot and the lines of the months after it (normally just `asOf`'s own month).
 */
export async function stateOn(sources: StateSources, asOf: string): Promise<StateOnDay> {
  const month = monthOf(asOf);
  const entries = await sources.index.months(month);
  const base = await latestSnapshot(sources, entries, month);
  // A month with lines has a version above 0: it is bumped before its first line is put.
  const monthsRead = entries
    .filter((entry) => entry.version > 0 && (base === undefined || entry.month > base.month))
    .map((entry) => entry.month);
  const lines = (await Promise.all(monthsRead.map((m) => sources.lines.linesOf(m)))).flat();
  return {
    state: fold(
      lines.filter((line) => line.on <= asOf),
      base?.state,
    ),
    snapshot: base?.month ?? null,
    monthsRead,
  };
}
