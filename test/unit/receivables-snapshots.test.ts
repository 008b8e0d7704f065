// Month-end snapshots kept after each line and used by the report, over the items in memory: staleness and results.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerLine } from '#payment-collection/ledger.ts';
import { figuresOf } from '#payment-collection/receivables-figures.ts';
import { keepSnapshots } from '#payment-collection/receivables-keeper.ts';
import { firstDayOf, monthOf, monthsFrom, validSnapshots } from '#payment-collection/receivables-months.ts';
import { stateOn } from '#payment-collection/receivables-state.ts';
import { addDays, type Clock, daysBetween } from '#shared/clock.ts';
import { firstDay, writtenLedger } from '../fixtures/receivables-arbitrary.ts';
import { exampleAsOf, exampleLines, li, paidLateToClosedMonth } from '../fixtures/receivables-ledger.ts';
import { clockOn, figuresFromEveryLine } from '../support/receivables.ts';
import { MemoryReceivables } from '../support/receivables-memory.ts';

function keeper(store: MemoryReceivables, clock: Clock) {
  return () => keepSnapshots({ index: store.index, lines: store.lines, snapshots: store.snapshots, clock });
}

describe('the report from snapshots', () => {
  it('equals the fold of every line up to asOf, whatever order and delay the lines are written in', async () => {
    await fc.assert(
      fc.asyncProperty(
        writtenLedger(150),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 4 }),
        async (written, picks) => {
          const store = new MemoryReceivables();
          let today = firstDay;
          const keep = keeper(
            store,
            clockOn(() => today),
          );
          const lines: LedgerLine[] = [];
          for (const { line, writtenOn } of written) {
            today = writtenOn;
            store.put(line);
            lines.push(line);
            await keep();
          }
          const days = picks.map((pick) =>
            addDays(firstDay, Math.floor(pick * daysBetween(firstDay, today))),
          );
          // Every month's first day too: the day right after a closed month, where closing must be exact.
          const firstDays = monthsFrom(monthOf(firstDay), monthOf(today)).map(firstDayOf);
          for (const asOf of [...days, ...firstDays]) {
            const { state } = await stateOn(store, asOf);
            expect(figuresOf(state, asOf)).toEqual(figuresFromEveryLine(lines, asOf));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('starts from last month’s snapshot and reads only this month’s lines when the snapshots are current', async () => {
    const store = new MemoryReceivables();
    let today = '2026-09-01';
    const keep = keeper(
      store,
      clockOn(() => today),
    );
    // The example ledger written day by day as it happened.
    for (const line of [...exampleLines].sort((a, b) => a.on.localeCompare(b.on))) {
      today = line.on;
      store.put(line);
      await keep();
    }
    const report = await stateOn(store, exampleAsOf);
    expect(report.snapshot).toBe('2027-02');
    expect(report.monthsRead).toEqual(['2027-03']);
    expect(figuresOf(report.state, exampleAsOf)).toEqual(figuresFromEveryLine(exampleLines, exampleAsOf));
    // Every month from the first line's to February has a current snapshot, each built once.
    const entries = await store.index.months('2027-02');
    expect(validSnapshots(entries, '2027-03').map((s) => s.month)).toEqual([
      '2027-02',
      '2027-01',
      '2026-12',
      '2026-11',
      '2026-10',
      '2026-09',
    ]);
    for (const month of ['2026-09', '2026-10', '2026-11', '2026-12', '2027-01', '2027-02']) {
      expect(store.reads.get(month), month).toBe(1);
    }
  });

  it('stops using the snapshot of a month a line lands in, and of every month after it, until rebuilt', async () => {
    const store = new MemoryReceivables();
    const today = '2027-04-01';
    const keep = keeper(
      store,
      clockOn(() => today),
    );
    for (const line of exampleLines) store.put(line);
    // Built two months a call, oldest first: 2026-09 … 2027-03 takes four calls; a fifth has nothing to do.
    expect(await keep()).toEqual(['2026-09', '2026-10']);
    expect(await keep()).toEqual(['2026-11', '2026-12']);
    expect(await keep()).toEqual(['2027-01', '2027-02']);
    expect(await keep()).toEqual(['2027-03']);
    expect(await keep()).toEqual([]);

    // A payment received on 2027-02-20, recorded only now: February's and March's snapshots no longer count.
    const late = paidLateToClosedMonth;
    store.put(late);
    const entries = await store.index.months('2027-03');
    expect(validSnapshots(entries, '2027-04').map((s) => s.month)[0]).toBe('2027-01');
    const stale = await stateOn(store, '2027-04-01');
    expect(stale.snapshot).toBe('2027-01');
    expect(stale.monthsRead).toEqual(['2027-02', '2027-03']);
    const withLate = [...exampleLines, late];
    expect(figuresOf(stale.state, '2027-04-01')).toEqual(figuresFromEveryLine(withLate, '2027-04-01'));
    // li's L4 is paid: nothing over 90 days is left.
    expect(figuresOf(stale.state, '2027-04-01').aging.over90.amount).toBe(0);

    // The next keep rebuilds both, and the report is back to one month of lines.
    expect(await keep()).toEqual(['2027-02', '2027-03']);
    const fresh = await stateOn(store, '2027-04-01');
    expect(fresh.snapshot).toBe('2027-03');
    expect(figuresOf(fresh.state, '2027-04-01')).toEqual(figuresFromEveryLine(withLate, '2027-04-01'));
  });

  it('leaves a snapshot stale when a line lands while it is being built', async () => {
    const store = new MemoryReceivables();
    const clock = clockOn(() => '2027-04-10');
    for (const line of exampleLines.filter((l) => l.on >= '2027-03-01')) store.put(line);
    const late: LedgerLine = {
      kind: 'level',
      id: 'level#late',
      installmentId: 'I',
      contractId: 'C',
      owner: li,
      on: '2027-03-30',
      level: 1,
    };
    // The builder reads March's lines, then the late line is written before it saves its snapshot.
    let raced = false;
    const racing = {
      linesOf: async (month: string) => {
        const read = await store.lines.linesOf(month);
        if (!raced) store.put(late);
        raced = true;
        return read;
      },
    };
    const deps = { index: store.index, lines: racing, snapshots: store.snapshots, clock };
    expect(await keepSnapshots(deps, 1)).toEqual(['2027-03']);
    // Saved, but under the versions read before the line: never taken for current.
    const entries = await store.index.months('2027-03');
    expect(entries.find((e) => e.month === '2027-03')?.snapshot).toBeDefined();
    expect(validSnapshots(entries, '2027-04')).toEqual([]);
    const report = await stateOn(store, '2027-04-10');
    expect(report.snapshot).toBeNull();
    expect(report.state.owners[li]?.highestLevel).toBe(1);
    // The next round reads the index again and builds March once more, with the line.
    expect(await keepSnapshots(deps, 1)).toEqual(['2027-03']);
    const fresh = await stateOn(store, '2027-04-10');
    expect(fresh.snapshot).toBe('2027-03');
    expect(fresh.state.owners[li]?.highestLevel).toBe(1);
  });
});
