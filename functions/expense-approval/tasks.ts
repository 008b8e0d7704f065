import { lazy } from '#shared/lazy.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { colon, formatDate } from '#shared/words.ts';
import { SubjectItems } from '#shared/workflow-kit/subject-items.ts';
import type { WorkflowTasks } from '#shared/workflow-kit/workflow.ts';
import { BudgetRepository } from './budgets.ts';
import { claimSteps } from './claim-rules.ts';
import type { Claim } from './model.ts';
import { type ExpensePolicy, readExpensePolicy } from './policy.ts';
import { claimWords as words } from './words.ts';

/** What the review steps read: the claim, its budget, people and policy; no advance applications. */
export interface ClaimTaskDeps {
  claims: SubjectItems<Claim>;
  budgets: BudgetRepository;
  people: Pick<PeopleRepository, 'get' | 'getMany'>;
  policy(): ExpensePolicy;
}

const policy = lazy(() => readExpensePolicy(process.env.EXPENSE_POLICY));

export const claimKey = (id: string) => ({ pk: `EXPENSE#${id}`, sk: 'CLAIM' });

const reviewSla = (deps: ClaimTaskDeps) => deps.policy().reviewSla;
const outcomes = ['approve', 'reject', 'return'] as const;

export const expenseApprovalTasks: WorkflowTasks<Claim, ClaimTaskDeps> = {
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
  endings: {
    approved: { status: 'APPROVED_FOR_PAYMENT', ...words.endings.approved },
    rejected: { status: 'REJECTED', ...words.endings.rejected },
    returned: { status: 'RETURNED', ...words.endings.returned },
    expired: { status: 'EXPIRED', ...words.endings.expired },
  },
};
