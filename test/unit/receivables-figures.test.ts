// The receivables fold and figures: a hand-computed example of four salespeople, closed months, and the edge cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerLine } from '#payment-collection/ledger.ts';
import { figuresOf, figuresSchema } from '#payment-collection/receivables-figures.ts';
import { closeMonth, emptyState, fold } from '#payment-collection/receivables-fold.ts';
import { monthOf, monthsFrom } from '#payment-collection/receivables-months.ts';
import { anna, exampleAsOf, exampleLines, han, li, wang } from '../fixtures/receivables-ledger.ts';

/** Whole yuan as the API gives amounts: fen and the currency. */
const cny = (yuan: number) => ({ amount: Math.round(yuan * 100), currency: 'CNY' });

describe('the figures on 2027-03-31 of the example ledger, computed by hand', () => {
  const figures = figuresOf(fold(exampleLines), exampleAsOf);

  it('is what the API schema describes', () => {
    expect(figuresSchema.parse(figures)).toEqual(figures);
  });

  it('ages what is outstanding by days past due on asOf', () => {
    // Open on 2027-03-31 (yuan), days past due = asOf − due date:
    //   li L3     50,000 due 2027-03-31:   0 days → current (due on asOf is not past due)
    //   wang W1   12,000 due 2027-04-24: −24 days → current
    //   han H4    20,000 (25,000 − 5,000) due 2027-03-20: 11 days → 1–30
    //   han H1    80,000 due 2027-02-19: 9 (Feb) + 31 (Mar) = 40 days → 31–60
    //   anna S2   30,000 due 2027-01-20: 11 + 28 + 31 = 70 days → 61–90
    //   li L4     30,000 due 2026-10-31: 30 + 31 + 31 + 28 + 31 = 151 days → over 90
    // Paid off or written off: L1, L2 (20,000 + 40,000), L5, H2, H3, S1 (written off), S3.
    expect(figures.aging).toEqual({
      current: cny(62_000), // 50,000 + 12,000
      days1To30: cny(20_000),
      days31To60: cny(80_000),
      days61To90: cny(30_000),
      over90: cny(30_000),
      total: cny(222_000), // 62,000 + 20,000 + 80,000 + 30,000 + 30,000
    });
  });

  it('gives each salesperson their outstanding, overdue, on-time rate, days late, promises and level', () => {
    expect(figures.salespeople).toEqual([
      {
        email: anna,
        // S2 30,000, 70 days past due.
        outstanding: cny(30_000),
        overdue: cny(30_000),
        // Due by asOf: S1 (2026-12-31), S2 (2027-01-20), S3 (2026-09-30) = 3. Paid in full by the due date: none
        // (S3 was late, S1 was written off, S2 is open): 0 / 3.
        onTimeRate: { percent: 0, paidOnTime: 0, dueByAsOf: 3 },
        // S3: 2026-09-30 → 2026-12-20 = 31 (Oct) + 30 (Nov) + 20 = 81 days, the only late one.
        averageDaysLate: { days: 81, installments: 1 },
        promises: { made: 0, broken: 0 },
        highestLevel: 3, // S1
      },
      {
        email: han,
        // H1 80,000 (40 days) + H4 20,000 (11 days), both past due.
        outstanding: cny(100_000),
        overdue: cny(100_000),
        // Due by asOf: H1, H3, H4 = 3 (H2 is due 2027-04-11, after asOf, so it counts in neither count although it
        // was paid early). Paid in full by the due date: none (H3 was 30 days late): 0 / 3.
        onTimeRate: { percent: 0, paidOnTime: 0, dueByAsOf: 3 },
        // H3: 2027-01-14 → 2027-02-13 = 17 + 13 = 30 days.
        averageDaysLate: { days: 30, installments: 1 },
        promises: { made: 1, broken: 1 }, // H1's promise of 2027-03-10, broken 2027-03-13
        highestLevel: 2, // H1
      },
      {
        email: li,
        // L3 50,000 (current) + L4 30,000 (151 days).
        outstanding: cny(80_000),
        overdue: cny(30_000),
        // Due by asOf: L1, L2, L3 (due on asOf), L4, L5 = 5. Paid in full by the due date: L1 (2026-12-08 ≤ 12-10).
        // 1 / 5 = 20%.
        onTimeRate: { percent: 20, paidOnTime: 1, dueByAsOf: 5 },
        // L2: due 2027-02-04, in full 2027-02-14: 10 days, weight 60,000 (its whole amount, not the last payment).
        // L5: due 2026-12-31, in full 2027-01-25: 25 days, weight 40,000.
        // (10 × 60,000 + 25 × 40,000) / (60,000 + 40,000) = 1,600,000 / 100,000 = 16.
        averageDaysLate: { days: 16, installments: 2 },
        promises: { made: 1, broken: 1 }, // L4
        highestLevel: 4, // L4
      },
      {
        email: wang,
        // W1 12,000, due 2027-04-24: current.
        outstanding: cny(12_000),
        overdue: cny(0),
        onTimeRate: { percent: null, paidOnTime: 0, dueByAsOf: 0, reason: 'no-installments-due' },
        averageDaysLate: { days: null, installments: 0, reason: 'no-late-payments' },
        promises: { made: 0, broken: 0 },
        highestLevel: null,
      },
    ]);
  });

  it('counts DSO back over the three months ending asOf, and best possible DSO, ADD and CEI', () => {
    // The period is the three months ending 2027-03-31: (02-28, 03-31] = 31 days, (01-31, 02-28] = 28 days,
    // (12-31, 01-31] = 31 days.
    // Credit sales (billed lines dated in each month):
    //   March: L3 50,000 + H4 25,000 + W1 12,000 = 87,000
    //   February: H2 40,000 + S2 30,000 = 70,000
    //   January: L2 60,000 + H1 80,000 = 140,000          → 297,000 in the period
    // Opening receivables (end of 2026-12-31): L4 30,000 + L5 40,000 + H3 20,000 + S1 10,000 = 100,000
    //   (L1 and S3 were paid by then); as a check, closing − sales + paid and written off in the period
    //   = 222,000 − 297,000 + (L2 60,000 + L5 40,000 + H2 40,000 + H3 20,000 + H4 5,000 + S1 10,000) = 100,000.
    // DSO: 222,000 ≥ March's 87,000 → 31 days, 135,000 left; ≥ February's 70,000 → +28 = 59 days, 65,000 left;
    //   < January's 140,000 → + 65,000 / 140,000 × 31 = 14.39 → 73.39 → 73.4.
    // Best possible DSO: current 62,000 < March's 87,000 → 62,000 / 87,000 × 31 = 22.09 → 22.1.
    // ADD: 73.4 − 22.1 = 51.3.
    // CEI: (100,000 + 297,000 − 222,000) / (100,000 + 297,000 − 62,000) × 100 = 175,000 / 335,000 × 100 = 52.24 → 52.2.
    expect(figures.company).toEqual({
      period: {
        from: '2027-01-01',
        to: '2027-03-31',
        months: [
          { from: '2027-03-01', to: '2027-03-31', days: 31, creditSales: cny(87_000) },
          { from: '2027-02-01', to: '2027-02-28', days: 28, creditSales: cny(70_000) },
          { from: '2027-01-01', to: '2027-01-31', days: 31, creditSales: cny(140_000) },
        ],
      },
      openingReceivables: cny(100_000),
      creditSales: cny(297_000),
      closingReceivables: cny(222_000),
      closingCurrentReceivables: cny(62_000),
      dso: { days: 73.4 },
      bestPossibleDso: { days: 22.1 },
      averageDaysDelinquent: { days: 51.3 },
      cei: { percent: 52.2 },
    });
  });

  it('gives the same figures whatever order the lines come in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(exampleLines, { minLength: exampleLines.length }), (shuffled) => {
        expect(figuresOf(fold(shuffled), exampleAsOf)).toEqual(figures);
      }),
      { numRuns: 25 },
    );
  });

  it('gives the same figures from month-end states closed one after the other as from all the lines at once', () => {
    // Close every month from the first line's to February, each from the one before and its own lines.
    let state = emptyState();
    for (const month of monthsFrom('2026-09', '2027-02')) {
      state = closeMonth(
        fold(
          exampleLines.filter((line) => monthOf(line.on) === month),
          state,
        ),
        month,
      );
    }
    const march = fold(
      exampleLines.filter((line) => monthOf(line.on) === '2027-03'),
      state,
    );
    expect(figuresOf(march, exampleAsOf)).toEqual(figures);
    // What closing folded into sums: li's L4 (due 2026-10-31, before 2027-02-28 − 89 days = 2026-12-01) is one
    // amount, and only the last three months' daily flows are kept.
    expect(state.owners[li]?.longOverdue).toBe(30_000_00);
    expect(state.owners[li]?.outstanding).toEqual({});
    expect(state.flowsFrom).toBe('2026-12-01');
    expect(Object.keys(state.flows).every((day) => day >= '2026-12-01')).toBe(true);
  });
});

describe('figures that would divide by nothing', () => {
  const line = (partial: Partial<LedgerLine> & Pick<LedgerLine, 'kind' | 'on'>) =>
    ({ id: `x#${partial.on}`, installmentId: 'I', contractId: 'C', owner: li, ...partial }) as LedgerLine;

  it('says why instead of giving NaN or Infinity on an empty ledger', () => {
    const figures = figuresOf(emptyState(), '2027-03-31');
    expect(figures.aging.total).toEqual(cny(0));
    expect(figures.salespeople).toEqual([]);
    expect(figures.company.dso).toEqual({ days: null, reason: 'no-credit-sales' });
    expect(figures.company.bestPossibleDso).toEqual({ days: null, reason: 'no-credit-sales' });
    expect(figures.company.averageDaysDelinquent).toEqual({ days: null, reason: 'no-credit-sales' });
    expect(figures.company.cei).toEqual({ percent: null, reason: 'nothing-collectible' });
  });

  it('has no DSO without credit sales in the period, though there is something owed', () => {
    // Billed 2026-06-01, due 2026-07-01, unpaid: owed and overdue, but nothing billed in 2027-01..03.
    const state = fold([line({ kind: 'billed', on: '2026-06-01', amount: 500_00, dueDate: '2026-07-01' })]);
    const figures = figuresOf(state, '2027-03-31');
    expect(figures.aging.over90).toEqual(cny(500));
    expect(figures.company.dso).toEqual({ days: null, reason: 'no-credit-sales' });
    // Collectible: 500 opening − 0 current at close = 500; collected: 500 + 0 − 500 = 0.
    expect(figures.company.cei).toEqual({ percent: 0 });
  });

  it('counts receivables beyond the three months’ sales at the period’s average daily sales', () => {
    // 100 billed in each month of the period (due later, unpaid), 100 more owed from before it: receivables 400.
    // Count-back: 31 + 28 + 31 = 90 days take 300; the 100 left at 300 / 90 a day is 30 days more: 120.
    const state = fold([
      line({ id: 'b0', kind: 'billed', on: '2026-11-01', amount: 100_00, dueDate: '2027-06-01' }),
      line({ id: 'b1', kind: 'billed', on: '2027-01-10', amount: 100_00, dueDate: '2027-06-01' }),
      line({ id: 'b2', kind: 'billed', on: '2027-02-10', amount: 100_00, dueDate: '2027-06-01' }),
      line({ id: 'b3', kind: 'billed', on: '2027-03-10', amount: 100_00, dueDate: '2027-06-01' }),
    ]);
    const figures = figuresOf(state, '2027-03-31');
    expect(figures.company.dso).toEqual({ days: 120 });
    // All of it is current, so the best possible DSO is the same and nothing is delinquent.
    expect(figures.company.bestPossibleDso).toEqual({ days: 120 });
    expect(figures.company.averageDaysDelinquent).toEqual({ days: 0 });
    // Nothing was collectible: no receivable was overdue and none was paid.
    expect(figures.company.cei).toEqual({ percent: null, reason: 'nothing-collectible' });
  });

  it('takes the three months back from asOf, a shorter month ending on its last day', () => {
    const figures = figuresOf(emptyState(), '2027-05-31');
    expect(figures.company.period.months.map(({ from, to, days }) => ({ from, to, days }))).toEqual([
      { from: '2027-05-01', to: '2027-05-31', days: 31 },
      { from: '2027-04-01', to: '2027-04-30', days: 30 },
      { from: '2027-03-01', to: '2027-03-31', days: 31 },
    ]);
    const midMonth = figuresOf(emptyState(), '2027-03-15');
    expect(midMonth.company.period).toMatchObject({ from: '2026-12-16', to: '2027-03-15' });
    expect(midMonth.company.period.months.map((m) => m.days)).toEqual([28, 31, 31]);
  });

  it('keeps the 61–90 bucket exact on the first day after a closed month', () => {
    // Closing February (end 2027-02-28): on 2027-03-01, due 2026-12-01 is 90 days past due (61–90) and due
    // 2026-11-30 is 91 (over 90); only the latter may be folded into the long-overdue amount.
    const lines = [
      line({ id: 'a', kind: 'billed', on: '2026-11-01', amount: 100, dueDate: '2026-11-30' }),
      line({ id: 'b', kind: 'billed', on: '2026-11-01', amount: 200, dueDate: '2026-12-01' }),
    ];
    const closed = closeMonth(fold(lines), '2027-02');
    expect(closed.owners[li]?.longOverdue).toBe(100);
    expect(figuresOf(closed, '2027-03-01').aging).toMatchObject({
      days61To90: { amount: 200 },
      over90: { amount: 100 },
    });
    expect(figuresOf(closed, '2027-03-01')).toEqual(figuresOf(fold(lines), '2027-03-01'));
  });

  it('refuses a day the state can no longer report on', () => {
    const closed = closeMonth(emptyState(), '2027-02');
    expect(() => figuresOf(closed, '2027-02-28')).toThrow(/closed through 2027-02-28/);
    expect(() => fold([line({ kind: 'level', on: '2027-02-10', level: 1 })], closed)).toThrow(
      /already closed/,
    );
    expect(figuresOf(closed, '2027-03-01').asOf).toBe('2027-03-01');
  });
});
