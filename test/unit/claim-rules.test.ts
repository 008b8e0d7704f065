// The expense policy's plain rules: item checks, the computed total, review levels, budget periods, partial approval.
import { describe, expect, it } from 'vitest';
import {
  approvedTotal,
  budgetPeriodsFor,
  checkClaimItems,
  claimLevels,
  claimTotal,
} from '#expense-approval/claim-rules.ts';
import type { ClaimItem } from '#expense-approval/model.ts';
import { expensePolicySchema, readExpensePolicy } from '#expense-approval/policy.ts';

const policy = expensePolicySchema.parse({});
const item = (fen: number, extra: Partial<ClaimItem> = {}): ClaimItem => ({
  category: 'travel',
  amount: { amount: fen, currency: 'CNY' },
  date: '2026-11-20',
  description: 'taxi',
  receipt: 'R-1',
  ...extra,
});

describe('checkClaimItems', () => {
  it('accepts items dated today and exactly 90 days ago', () => {
    expect(
      checkClaimItems(
        [item(100, { date: '2026-11-22' }), item(100, { date: '2026-08-24' })],
        '2026-11-22',
        policy,
      ),
    ).toEqual([]);
  });

  it('refuses a future date and one older than 90 days, naming the item', () => {
    const problems = checkClaimItems(
      [item(100, { date: '2026-11-23' }), item(100, { date: '2026-08-23' })],
      '2026-11-22',
      policy,
    );
    expect(problems.map((p) => p.field)).toEqual(['items.0.date', 'items.1.date']);
  });

  it('needs a receipt from 200.00 CNY, not below', () => {
    expect(checkClaimItems([item(19_999, { receipt: undefined })], '2026-11-22', policy)).toEqual([]);
    expect(checkClaimItems([item(20_000, { receipt: undefined })], '2026-11-22', policy)).toEqual([
      { field: 'items.0.receipt', message: 'a receipt reference is required from 200.00 CNY' },
    ]);
  });
});

describe('claimLevels', () => {
  it.each([
    [[item(500_000)], ['supervisor', 'finance']],
    [[item(500_001)], ['supervisor', 'sales-manager', 'finance']],
    [[item(200_000, { category: 'entertainment' })], ['supervisor', 'finance']],
    [[item(200_001, { category: 'entertainment' })], ['supervisor', 'sales-manager', 'finance']],
    [[item(200_001, { category: 'marketing' })], ['supervisor', 'finance']],
  ])('%j → %j', (items, levels) => {
    expect(claimLevels(items, policy)).toEqual(levels);
  });

  it('follows configured thresholds', () => {
    const strict = readExpensePolicy('{"managerReviewAboveTotal": 100}');
    expect(claimLevels([item(101)], strict)).toContain('sales-manager');
    expect(() => readExpensePolicy('{"managerReviewAboveTotal": -1}')).toThrow(/managerReviewAboveTotal/);
  });
});

describe('totals and periods', () => {
  it('adds the items in fen', () => {
    expect(claimTotal([item(10), item(20), item(30_003)])).toEqual({ amount: 30_033, currency: 'CNY' });
  });

  it('caps each approved amount at the claimed amount and keeps items finance left alone', () => {
    expect(approvedTotal([item(1000), item(500)], { '0': 800 })).toEqual({ amount: 1300, currency: 'CNY' });
    expect(approvedTotal([item(1000)], { '0': 5000 })).toEqual({ amount: 1000, currency: 'CNY' });
  });

  it('draws on the month budget first, then the year', () => {
    expect(budgetPeriodsFor('2026-11-22')).toEqual(['2026-11', '2026']);
  });
});
