// The expense claim workflow for the kit: which levels a claim still needs after each approval, and at the end the
// budget consumed or released. The review steps, their summaries and endings are in tasks.ts.
import { ApplicationRepository } from '#expense-application/application-repository.ts';
import { approversOf, type Review, reviewsOf } from '#shared/workflow-kit/reviews.ts';
import type { Workflow } from '#shared/workflow-kit/workflow.ts';
import { approvedTotal, claimRoute, financeAmounts } from './claim-rules.ts';
import type { Claim } from './model.ts';
import { type ClaimTaskDeps, expenseApprovalTasks } from './tasks.ts';

export interface ClaimDeps extends ClaimTaskDeps {
  applications: Pick<ApplicationRepository, 'get' | 'use' | 'release'>;
}

/** The budget hold of one claim version, so commit, release and consume each apply once. */
export const holdId = (claim: Pick<Claim, 'id' | 'version'>) => `${claim.id}#v${claim.version}`;

/** Gives back what a claim version holds when it cannot go on: its budget and its advance application. */
export async function releaseHolds(deps: Pick<ClaimDeps, 'budgets' | 'applications'>, claim: Claim) {
  if (!claim.commitment) return;
  await deps.budgets.release(claim.commitment.budget, holdId(claim), claim.commitment.amount.amount);
  if (claim.commitment.applicationId)
    await deps.applications.release(claim.commitment.applicationId, claim.id);
}

/** Finance's approved amount per item, from the finance review of this version. */
const approvedAmounts = (reviews: readonly Review[], version: number) =>
  Object.assign({}, ...reviewsOf(reviews, version).map((review) => financeAmounts(review.fields)));

export const expenseApproval: Workflow<Claim, ClaimDeps> = {
  ...expenseApprovalTasks,
  deps: (table) => ({ ...expenseApprovalTasks.deps(table), applications: new ApplicationRepository(table) }),
  async afterDecision({ subject: claim, review, reviews, deps }) {
    if (review.outcome !== 'approve') return {};
    const approvals = reviewsOf(reviews, claim.version).filter((r) => r.outcome === 'approve');
    const roles = new Map(
      (await deps.people.getMany(approversOf(reviews, claim.version))).map((p) => [p.email, p.roles]),
    );
    const route = claimRoute(
      claim.items,
      deps.policy(),
      approvals.map((a) => ({ step: a.step, by: a.by, roles: roles.get(a.by) ?? [] })),
    );
    return {
      route: { salesManagerReview: route.salesManagerReview, financeReview: route.financeReview },
      // A level the policy asks for, already approved by someone in its role: recorded as skipped, not asked again.
      reviews: route.alreadyApproved.map(({ step, by }, i) => ({
        subjectId: claim.id,
        version: claim.version,
        step,
        // Keyed after the decision that skipped it, so the reviews read in the order they happened.
        taskId: `${review.taskId}:skip${i + 1}:${step}`,
        outcome: 'approve' as const,
        by,
        comment: '',
        fields: {},
        at: review.at,
        effect: 'skipped',
      })),
    };
  },
  async onFinish({ subject: claim, ending, reviews, deps }) {
    if (ending !== 'approved') {
      await releaseHolds(deps, claim);
      return undefined;
    }
    const approved = approvedTotal(claim.items, approvedAmounts(reviews, claim.version));
    if (claim.commitment) {
      const { budget, amount } = claim.commitment;
      await deps.budgets.consume(budget, holdId(claim), amount.amount, approved.amount);
    }
    return { approvedTotal: approved };
  },
  onNeedsAttention: ({ subject, deps }) => releaseHolds(deps, subject),
};
