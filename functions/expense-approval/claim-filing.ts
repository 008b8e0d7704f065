// Filing and re-filing claims: checks, the budget hold (or an advance application over budget), the review started.
import { localDate } from '#shared/clock.ts';
import { DomainError, forbidden, InvalidInput, notFound, unprocessable } from '#shared/errors.ts';
import { formatMoney, type Money } from '#shared/money.ts';
import { type FilingBasics, recordStart, startReview } from '#shared/workflow-kit/start.ts';
import { budgetPeriodsFor, checkClaimItems, claimTotal } from './claim-rules.ts';
import type { Claim, ClaimInput, Commitment } from './model.ts';
import { type ClaimDeps, expenseApproval, holdId, releaseHolds } from './workflow.ts';

export interface FilingDeps
  extends Pick<ClaimDeps, 'claims' | 'budgets' | 'applications' | 'policy'>,
    FilingBasics {}

/** Statuses from which the submitter may send a new version: returned for changes, or stopped on a failure. */
const revisable: readonly Claim['status'][] = ['RETURNED', 'NEEDS_ATTENTION'];

export async function fileClaim(deps: FilingDeps, submitter: string, input: ClaimInput): Promise<Claim> {
  const now = deps.clock.now();
  const today = localDate(now);
  const problems = checkClaimItems(input.items, today, deps.policy());
  if (problems.length > 0) throw new InvalidInput(problems);
  const id = await deps.nextId('EX', Number(today.slice(0, 4)));
  const claim: Claim = {
    id,
    version: 1,
    revision: 0,
    submitter,
    title: input.title,
    costCenter: input.costCenter,
    items: input.items,
    total: claimTotal(input.items),
    ...(input.applicationId ? { applicationId: input.applicationId } : {}),
    status: 'IN_REVIEW',
    submittedAt: now.toISOString(),
  };
  claim.commitment = await holdBudget(deps, claim, today);
  const saved = await withUndo(deps, claim, () => deps.claims.save(claim));
  await startReview(deps, expenseApproval.slug, subjectOf(saved), async () => {
    await releaseHolds(deps, saved);
    await deps.claims.delete(saved);
  });
  await recordStart(deps, {
    subjectId: id,
    at: now.toISOString(),
    actor: submitter,
    action: 'submitted',
    detail: { version: 1, total: claim.total, commitment: claim.commitment },
  });
  return saved;
}

/** A claim returned for changes (or stopped on a failure), changed by its submitter, goes round again from level 1. */
export async function reviseClaim(
  deps: FilingDeps,
  caller: string,
  id: string,
  input: ClaimInput,
): Promise<Claim> {
  const current = await deps.claims.get(id);
  if (!current) throw notFound(`Expense claim ${id}`);
  if (current.submitter !== caller) throw forbidden('Only the submitter can revise a claim');
  if (!revisable.includes(current.status)) {
    throw new DomainError(
      409,
      'not-returned',
      `Only a claim returned for changes can be revised; ${id} is ${current.status}`,
    );
  }
  const now = deps.clock.now();
  const today = localDate(now);
  const problems = checkClaimItems(input.items, today, deps.policy());
  if (problems.length > 0) throw new InvalidInput(problems);
  const next: Claim = {
    ...current,
    title: input.title,
    costCenter: input.costCenter,
    items: input.items,
    total: claimTotal(input.items),
    applicationId: input.applicationId,
    status: 'IN_REVIEW',
    version: current.version + 1,
    submittedAt: now.toISOString(),
    commitment: undefined,
    approvedTotal: undefined,
    attention: undefined,
    closedAt: undefined,
    endedMailAt: undefined,
  };
  next.commitment = await holdBudget(deps, next, today);
  const saved = await withUndo(deps, next, () => deps.claims.save(next));
  await startReview(deps, expenseApproval.slug, subjectOf(saved), async () => {
    await releaseHolds(deps, saved);
    await deps.claims.save({ ...current, revision: saved.revision });
  });
  await recordStart(deps, {
    subjectId: id,
    at: now.toISOString(),
    actor: caller,
    action: 'revised',
    detail: { version: next.version, total: next.total },
  });
  return saved;
}

const subjectOf = (claim: Claim) => ({ kind: expenseApproval.kind, id: claim.id, version: claim.version });

/**
 * Holds the claim's total on its budget (the month's, else the year's). Over budget, an approved advance application
 * for the cost center that covers the excess lets it through, and is used up.
 */
async function holdBudget(deps: FilingDeps, claim: Claim, today: string): Promise<Commitment> {
  const budget = await findBudget(deps, claim.costCenter, today);
  const total = claim.total.amount;
  const where = { costCenter: budget.costCenter, period: budget.period };
  if ((await deps.budgets.commit(where, holdId(claim), total)) === 'held') {
    return { budget: where, amount: claim.total };
  }
  const available = Math.max(
    0,
    (await deps.budgets.get(budget.costCenter, budget.period))?.available.amount ?? 0,
  );
  const shortfall: Money = { amount: total - available, currency: 'CNY' };
  const overBudget = {
    budget: `${budget.costCenter} ${budget.period}`,
    available: { amount: available, currency: 'CNY' },
    shortfall,
  };
  if (!claim.applicationId) {
    throw unprocessable(
      'over-budget',
      `The claim is ${formatMoney(shortfall, 'en')} over the ${budget.costCenter} budget for ${budget.period}. ` +
        'File an advance application (POST /expense-applications) for at least that amount, and once it is ' +
        'approved, submit the claim with its applicationId.',
      overBudget,
    );
  }
  const application = await deps.applications.get(claim.applicationId);
  // An approval is for whoever applied: another person's application, found by its id, lends nobody its approval.
  const usable =
    application?.applicant === claim.submitter &&
    application.costCenter === claim.costCenter &&
    (application.status === 'APPROVED' || (application.status === 'USED' && application.usedBy === claim.id));
  if (!application || !usable) {
    throw unprocessable(
      'application-not-usable',
      `Advance application ${claim.applicationId} is not an approved, unused application of yours for ${claim.costCenter}`,
      { ...overBudget, applicationStatus: application?.status ?? 'not found' },
    );
  }
  if (application.amount.amount < shortfall.amount) {
    throw unprocessable(
      'application-too-small',
      `Advance application ${application.id} covers ${formatMoney(application.amount, 'en')}, but the claim is ` +
        `${formatMoney(shortfall, 'en')} over budget`,
      overBudget,
    );
  }
  if (!(await deps.applications.use(application.id, claim.id))) {
    throw unprocessable('application-already-used', `Advance application ${application.id} was already used`);
  }
  const needed = Math.max(0, total - application.amount.amount);
  if ((await deps.budgets.commit(where, holdId(claim), total, needed)) !== 'held') {
    await deps.applications.release(application.id, claim.id);
    throw unprocessable(
      'over-budget',
      'The budget changed while the claim was filed; submit it again',
      overBudget,
    );
  }
  return { budget: where, amount: claim.total, applicationId: application.id };
}

async function findBudget(deps: FilingDeps, costCenter: string, today: string) {
  for (const period of budgetPeriodsFor(today)) {
    const budget = await deps.budgets.get(costCenter, period);
    if (budget) return budget;
  }
  const [month, year] = budgetPeriodsFor(today);
  throw unprocessable(
    'no-budget',
    `No budget is set for cost center ${costCenter} in ${month} or ${year}; finance sets one with ` +
      `PUT /budgets/${costCenter}/${month}`,
  );
}

/** Runs a write after the budget was held; if it fails, the hold is given back so nothing is half-written. */
async function withUndo<T>(deps: FilingDeps, claim: Claim, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    await releaseHolds(deps, claim);
    throw error;
  }
}
