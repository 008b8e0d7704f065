// The expense policy as plain functions: item checks, the total, which review levels a claim needs, budget periods.
import type { FieldProblem } from '#shared/errors.ts';
import { type Money, sum } from '#shared/money.ts';
import type { ClaimItem, ReviewLevel } from './model.ts';
import type { ExpensePolicy } from './policy.ts';

const dayMs = 86_400_000;

/** Problems with the items that a schema cannot see: dates against today, receipts against amounts. */
export function checkClaimItems(
  items: readonly ClaimItem[],
  today: string,
  policy: ExpensePolicy,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const oldest = new Date(Date.parse(today) - policy.maxItemAgeDays * dayMs).toISOString().slice(0, 10);
  items.forEach((item, i) => {
    if (item.date > today) problems.push({ field: `items.${i}.date`, message: 'must not be in the future' });
    if (item.date < oldest) {
      problems.push({
        field: `items.${i}.date`,
        message: `is more than ${policy.maxItemAgeDays} days ago (oldest allowed ${oldest})`,
      });
    }
    if (item.amount.amount >= policy.receiptRequiredFrom && !item.receipt) {
      problems.push({
        field: `items.${i}.receipt`,
        message: `a receipt reference is required from ${(policy.receiptRequiredFrom / 100).toFixed(2)} CNY`,
      });
    }
  });
  return problems;
}

/** Computed from the items; a total sent by the client is never trusted. */
export const claimTotal = (items: readonly Pick<ClaimItem, 'amount'>[]): Money =>
  sum(
    items.map((item) => item.amount),
    'CNY',
  );

/** Level 1 the supervisor; level 2 the sales manager above the thresholds; level 3 finance, always. */
export function claimLevels(items: readonly ClaimItem[], policy: ExpensePolicy): ReviewLevel[] {
  const total = claimTotal(items).amount;
  const bigEntertainment = items.some(
    (item) =>
      item.category === 'entertainment' && item.amount.amount > policy.managerReviewAboveEntertainmentItem,
  );
  const needsManager = total > policy.managerReviewAboveTotal || bigEntertainment;
  return needsManager ? ['supervisor', 'sales-manager', 'finance'] : ['supervisor', 'finance'];
}

/** Advance applications: the sales manager, then the sales director. */
export const applicationLevels: readonly ReviewLevel[] = ['sales-manager', 'director'];

/** The budgets a claim filed on `today` draws on, in order: the month's, else the year's. */
export const budgetPeriodsFor = (today: string): [string, string] => [today.slice(0, 7), today.slice(0, 4)];

/** Finance's approved amounts: each item at most what was claimed; items left out are approved in full. */
export function approvedTotal(
  items: readonly ClaimItem[],
  approvedAmounts: Readonly<Record<string, number>>,
): Money {
  return claimTotal(
    items.map((item, i) => ({
      amount: {
        ...item.amount,
        amount: Math.min(item.amount.amount, approvedAmounts[String(i)] ?? item.amount.amount),
      },
    })),
  );
}
