// The expense policy's plain rules: item checks, the computed total, the review route, budget periods, partial approval.
import { describe, expect, it } from 'vitest';
import {
  type Approval,
  approvedTotal,
  budgetPeriodsFor,
  checkClaimItems,
  claimRoute,
  claimSteps,
  claimTotal,
  exceedsManagerThresholds,
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

describe('exceedsManagerThresholds', () => {
  it.each([
    ['a total of exactly 5,000.00', [item(300_000), item(200_000)], false],
    ['a total of 5,000.01', [item(300_000), item(200_001)], true],
    ['an entertainment item of exactly 2,000.00', [item(200_000, { category: 'entertainment' })], false],
    ['an entertainment item of 2,000.01', [item(200_001, { category: 'entertainment' })], true],
    ['a marketing item of 2,000.01', [item(200_001, { category: 'marketing' })], false],
    [
      'entertainment items of 2,000.00 each, 4,000.00 in all',
      [item(200_000, { category: 'entertainment' }), item(200_000, { category: 'entertainment' })],
      false,
    ],
  ])('%s → %s', (_, items, exceeds) => {
    expect(exceedsManagerThresholds(items, policy)).toBe(exceeds);
  });

  it('follows configured thresholds', () => {
    const strict = readExpensePolicy(
      '{"managerReviewAboveTotal": 100, "managerReviewAboveEntertainmentItem": 50}',
    );
    expect(exceedsManagerThresholds([item(100)], strict)).toBe(false);
    expect(exceedsManagerThresholds([item(101)], strict)).toBe(true);
    expect(exceedsManagerThresholds([item(51, { category: 'entertainment' })], strict)).toBe(true);
    expect(() => readExpensePolicy('{"managerReviewAboveTotal": -1}')).toThrow(/managerReviewAboveTotal/);
  });
});

describe('claimRoute', () => {
  const supervisor = 'zhao.min@example.com';
  const salesManager = 'sun.li@example.com';
  const finance = 'qian.yu@example.com';
  const small = [item(500_000)];
  const large = [item(500_001)];
  const bySupervisor: Approval = { step: claimSteps.supervisor, by: supervisor, roles: ['supervisor'] };

  it('sends a claim within the thresholds from the supervisor to finance only', () => {
    expect(claimRoute(small, policy, [bySupervisor])).toEqual({
      salesManagerReview: false,
      financeReview: true,
      alreadyApproved: [],
    });
  });

  it('sends a claim over a threshold to the sales manager, then finance', () => {
    expect(claimRoute(large, policy, [bySupervisor])).toEqual({
      salesManagerReview: true,
      financeReview: true,
      alreadyApproved: [],
    });
    const bigDinner = [item(200_001, { category: 'entertainment' })];
    expect(claimRoute(bigDinner, policy, [bySupervisor]).salesManagerReview).toBe(true);
  });

  it('after the sales manager approved, asks finance only', () => {
    const approvals: Approval[] = [
      bySupervisor,
      { step: claimSteps.salesManager, by: salesManager, roles: ['sales-manager'] },
    ];
    expect(claimRoute(large, policy, approvals)).toEqual({
      salesManagerReview: false,
      financeReview: true,
      alreadyApproved: [],
    });
  });

  it('after finance approved, asks nobody more', () => {
    const approvals: Approval[] = [
      bySupervisor,
      { step: claimSteps.finance, by: finance, roles: ['finance'] },
    ];
    expect(claimRoute(small, policy, approvals)).toEqual({
      salesManagerReview: false,
      financeReview: false,
      alreadyApproved: [],
    });
  });

  it('records the sales manager level as already approved when the supervisor-level approver is a sales manager', () => {
    const managerAsSupervisor: Approval = {
      step: claimSteps.supervisor,
      by: salesManager,
      roles: ['supervisor', 'sales-manager'],
    };
    expect(claimRoute(large, policy, [managerAsSupervisor])).toEqual({
      salesManagerReview: false,
      financeReview: true,
      alreadyApproved: [{ step: claimSteps.salesManager, by: salesManager }],
    });
    // Within the thresholds the level is not asked for, so nothing is skipped either.
    expect(claimRoute(small, policy, [managerAsSupervisor])).toEqual({
      salesManagerReview: false,
      financeReview: true,
      alreadyApproved: [],
    });
  });

  it('records finance as already approved when an earlier approver is in finance', () => {
    const financeAsManager: Approval = {
      step: claimSteps.salesManager,
      by: finance,
      roles: ['sales-manager', 'finance'],
    };
    expect(claimRoute(large, policy, [bySupervisor, financeAsManager])).toEqual({
      salesManagerReview: false,
      financeReview: false,
      alreadyApproved: [{ step: claimSteps.finance, by: finance }],
    });
  });

  it('skips a level once: a level recorded as skipped counts as approved', () => {
    const managerAsSupervisor: Approval = {
      step: claimSteps.supervisor,
      by: salesManager,
      roles: ['sales-manager'],
    };
    const skipped: Approval = { step: claimSteps.salesManager, by: salesManager, roles: ['sales-manager'] };
    expect(claimRoute(large, policy, [managerAsSupervisor, skipped])).toEqual({
      salesManagerReview: false,
      financeReview: true,
      alreadyApproved: [],
    });
  });

  it('does not skip a level for an approver without its role', () => {
    const colleague: Approval = {
      step: claimSteps.supervisor,
      by: supervisor,
      roles: ['supervisor', 'sales'],
    };
    expect(claimRoute(large, policy, [colleague]).alreadyApproved).toEqual([]);
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
