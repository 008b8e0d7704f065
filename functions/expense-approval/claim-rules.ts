// The expense policy as plain functions: item checks, the total, which review levels a claim still needs, budget periods.
import { addDays } from '#shared/clock.ts';
import type { FieldProblem } from '#shared/errors.ts';
import { type Money, sum } from '#shared/money.ts';
import type { Role } from '#shared/people.ts';
import type { ClaimItem } from './model.ts';
import type { ExpensePolicy } from './policy.ts';

/** The review steps of a claim, as the state machine names them. */
export const claimSteps = {
  supervisor: 'Supervisor review',
  salesManager: 'Sales manager review',
  finance: 'Finance review',
} as const;
export type ClaimStep = (typeof claimSteps)[keyof typeof claimSteps];

/** Problems with the items that a schema cannot see: dates against today, receipts against amounts. */
export function checkClaimItems(
  items: readonly ClaimItem[],
  today: string,
  policy: ExpensePolicy,
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const oldest = addDays(today, -policy.maxItemAgeDays);
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

/** The sales manager reviews claims over the total threshold, or with an entertainment item over its threshold. */
export function exceedsManagerThresholds(items: readonly ClaimItem[], policy: ExpensePolicy): boolean {
  const bigEntertainment = items.some(
    (item) =>
      item.category === 'entertainment' && item.amount.amount > policy.managerReviewAboveEntertainmentItem,
  );
  return claimTotal(items).amount > policy.managerReviewAboveTotal || bigEntertainment;
}

/** An approval of this version so far: at which step, by whom, and the roles they hold. */
export interface Approval {
  step: string;
  by: string;
  roles: readonly Role[];
}

export interface ClaimRoute {
  salesManagerReview: boolean;
  financeReview: boolean;
  /** Levels the policy asks for that someone already approved in that role: they approve once (DESIGN §5). */
  alreadyApproved: { step: ClaimStep; by: string }[];
}

/**
 * Which levels after the supervisor a claim version still needs, given its approvals so far (a skipped level counts
 * as approved): the sales manager above the thresholds, finance always; a level whose role an earlier approver holds
 * is approved already.
 */
export function claimRoute(
  items: readonly ClaimItem[],
  policy: ExpensePolicy,
  approvals: readonly Approval[],
): ClaimRoute {
  const reviewed = (step: ClaimStep) => approvals.some((approval) => approval.step === step);
  const approverWith = (role: Role) => approvals.find((approval) => approval.roles.includes(role))?.by;
  const levels = [
    {
      step: claimSteps.salesManager,
      role: 'sales-manager' as const,
      asked: exceedsManagerThresholds(items, policy),
    },
    { step: claimSteps.finance, role: 'finance' as const, asked: true },
  ];
  const alreadyApproved: ClaimRoute['alreadyApproved'] = [];
  const needed = levels.map((level) => {
    if (!level.asked || reviewed(level.step)) return false;
    const by = approverWith(level.role);
    if (by) alreadyApproved.push({ step: level.step, by });
    return by === undefined;
  });
  return { salesManagerReview: needed[0] === true, financeReview: needed[1] === true, alreadyApproved };
}

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

/** Finance's per-item form fields (`item0Approved: {amount, currency}`) as `{ '0': fen }`. */
export function financeAmounts(fields: Readonly<Record<string, unknown>>): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const [name, value] of Object.entries(fields)) {
    const index = /^item(\d+)Approved$/.exec(name)?.[1];
    const amount = (value as { amount?: unknown } | null)?.amount;
    if (index !== undefined && typeof amount === 'number') amounts[index] = amount;
  }
  return amounts;
}
