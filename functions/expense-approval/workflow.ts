// The expense claim workflow for the kit: supervisor, sales manager above the thresholds, finance; budget at the end.
import { ApplicationRepository } from '#expense-application/application-repository.ts';
import { lazy } from '#shared/lazy.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { colon, formatDate } from '#shared/words.ts';
import { approversOf, type Review, reviewsOf } from '#shared/workflow-kit/reviews.ts';
import { SubjectItems } from '#shared/workflow-kit/subject-items.ts';
import type { Workflow } from '#shared/workflow-kit/workflow.ts';
import { BudgetRepository } from './budgets.ts';
import { approvedTotal, claimRoute, claimSteps, financeAmounts } from './claim-rules.ts';
import type { Claim } from './model.ts';
import { type ExpensePolicy, readExpensePolicy } from './policy.ts';
import { claimWords as words } from './words.ts';

export interface ClaimDeps {
  claims: SubjectItems<Claim>;
  budgets: BudgetRepository;
  applications: Pick<ApplicationRepository, 'get' | 'use' | 'release'>;
  people: Pick<PeopleRepository, 'get' | 'getMany'>;
  policy(): ExpensePolicy;
}

const policy = lazy(() => readExpensePolicy(process.env.EXPENSE_POLICY));

export const claimKey = (id: string) => ({ pk: `EXPENSE#${id}`, sk: 'CLAIM' });

/** The budget hold of one claim version, so commit, release and consume each apply once. */
export const holdId = (claim: Pick<Claim, 'id' | 'version'>) => `${claim.id}#v${claim.version}`;

/** Gives back what a claim version holds when it cannot go on: its budget and its advance application. */
export async function releaseHolds(deps: Pick<ClaimDeps, 'budgets' | 'applications'>, claim: Claim) {
  if (!claim.commitment) return;
  await deps.budgets.release(claim.commitment.budget, holdId(claim), claim.commitment.amount.amount);
  if (claim.commitment.applicationId)
    await deps.applications.release(claim.commitment.applicationId, claim.id);
}

const reviewSla = (deps: ClaimDeps) => deps.policy().reviewSla;
const outcomes = ['approve', 'reject', 'return'] as const;

/** Finance's approved amount per item, from the finance review of this version. */
const approvedAmounts = (reviews: readonly Review[], version: number) =>
  Object.assign({}, ...reviewsOf(reviews, version).map((review) => financeAmounts(review.fields)));

export const expenseApproval: Workflow<Claim, ClaimDeps> = {
  slug: 'expense-approval',
  kind: 'expense-claim',
  words,
  deps: (table) => ({
    claims: new SubjectItems<Claim>(table, {
      entity: 'expense-claim',
      key: claimKey,
      indexKeys: (claim) => ({
        gsi1pk: `SUBMITTER#${claim.submitter}`,
        gsi1sk: `EXPENSE#${claim.submittedAt}#${claim.id}`,
      }),
    }),
    budgets: new BudgetRepository(table.db, table.tableName),
    applications: new ApplicationRepository(table),
    people: new PeopleRepository(table.db, table.tableName),
    policy,
  }),
  subjects: (deps) => deps.claims,
  requester: (claim) => claim.submitter,
  title: (claim) => claim.title,
  amount: (claim) => claim.approvedTotal ?? claim.total,
  humanSteps: {
    [claimSteps.supervisor]: {
      type: 'expense-review-supervisor',
      outcomes,
      // The submitter's manager; without one, whoever holds the supervisor role.
      async assignee(claim, deps) {
        const manager = (await deps.people.get(claim.submitter))?.manager;
        return manager ? { person: manager } : { role: 'supervisor' };
      },
      sla: reviewSla,
    },
    [claimSteps.salesManager]: {
      type: 'expense-review-sales-manager',
      outcomes,
      assignee: () => ({ role: 'sales-manager' }),
      sla: reviewSla,
    },
    [claimSteps.finance]: {
      type: 'expense-review-finance',
      outcomes,
      assignee: () => ({ role: 'finance' }),
      // Finance may approve less per item, with a reason.
      fields: (claim) =>
        claim.items.map((item, i) => ({
          name: `item${i}Approved`,
          label: {
            'zh-CN': words.approveLess['zh-CN'](
              i + 1,
              words.categories[item.category]['zh-CN'],
              formatDate(item.date, 'zh-CN'),
            ),
            en: words.approveLess.en(i + 1, words.categories[item.category].en, formatDate(item.date, 'en')),
          },
          type: 'money' as const,
          currency: 'CNY' as const,
          required: false,
          forOutcomes: ['approve' as const],
          needsReason: true,
          max: item.amount.amount,
        })),
      sla: reviewSla,
    },
  },
  async summarize({ subject: claim, locale, deps }) {
    const submitter = await deps.people.get(claim.submitter);
    const budget = claim.commitment
      ? await deps.budgets.get(claim.commitment.budget.costCenter, claim.commitment.budget.period)
      : undefined;
    const label = (name: keyof typeof words.facts) => words.facts[name][locale];
    return {
      facts: [
        { label: label('submitter'), value: submitter?.name ?? claim.submitter },
        { label: label('costCenter'), value: claim.costCenter },
        { label: label('total'), value: claim.total },
        { label: label('version'), value: claim.version },
        ...(budget ? [{ label: words.budgetLeft[locale](budget.period), value: budget.available }] : []),
        ...(claim.commitment?.applicationId
          ? [{ label: label('application'), value: claim.commitment.applicationId }]
          : []),
      ],
      lines: claim.items.map((item) => ({
        label: `${formatDate(item.date, locale)} ${words.categories[item.category][locale]}${colon[locale]}${item.description}`,
        value: item.amount,
        ...(item.receipt ? { note: words.receipt[locale](item.receipt) } : {}),
      })),
      findings: [],
      history: [],
    };
  },
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
  endings: {
    approved: { status: 'APPROVED_FOR_PAYMENT', ...words.endings.approved },
    rejected: { status: 'REJECTED', ...words.endings.rejected },
    returned: { status: 'RETURNED', ...words.endings.returned },
    expired: { status: 'EXPIRED', ...words.endings.expired },
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
