// Payment collection as the task core sees it: the follow-up steps people take on an overdue installment, their
// summaries and endings. The hooks that change the installment and write the ledger are in workflow.ts.
import { ContractRepository } from '#contract-review/contract-repository.ts';
import type { FieldSpec } from '#human-tasks/task-model.ts';
import { AuditTrail } from '#shared/audit.ts';
import { type Clock, daysBetween, localDate, processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { formatMoney } from '#shared/money.ts';
import type { Locale } from '#shared/people.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { formatNumber } from '#shared/words.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import type { WorkflowTasks } from '#shared/workflow-kit/workflow.ts';
import { InstallmentRepository } from './installment-repository.ts';
import { highestLevel, type Installment, outstandingOf, type PaymentPromise } from './model.ts';
import { type CollectionPolicy, readCollectionPolicy } from './policy.ts';
import { collectionWords as words } from './words.ts';

/** What the follow-up steps read: no ledger, which only the workflow's own steps write. */
export interface CollectionTaskDeps {
  installments: InstallmentRepository;
  reviews: Pick<ReviewStore, 'of'>;
  contracts: Pick<ContractRepository, 'get' | 'version'>;
  people: Pick<PeopleRepository, 'get' | 'membersOf'>;
  audit: Pick<AuditTrail, 'record' | 'of'>;
  policy(): CollectionPolicy;
  clock: Clock;
}

/** The human steps of the follow-up workflow (workflows/collection-follow-up.asl.json), by state name. */
export const followUpSteps = {
  owner: 'Owner follows up overdue payment',
  manager: 'Sales manager follows up overdue payment',
  dispute: 'Sales manager resolves dispute',
  legal: 'Legal decides on overdue payment',
  writeOff: 'Finance approves write-off',
} as const;

const policy = lazy(() => readCollectionPolicy(process.env.COLLECTION_POLICY));

const followUpFields = (installment: Installment): FieldSpec[] => [
  {
    name: 'promisedDate',
    label: words.fields.promisedDate,
    type: 'date',
    required: true,
    forOutcomes: ['promised'],
  },
  {
    name: 'promisedAmount',
    label: words.fields.promisedAmount,
    type: 'money',
    currency: 'CNY',
    required: false,
    max: outstandingOf(installment),
    forOutcomes: ['promised'],
  },
];

const followUp = (type: string, assignee: Installment['owner'] | 'sales-manager') => ({
  type,
  outcomes: ['contacted', 'promised', 'dispute'] as const,
  fields: followUpFields,
  sla: (deps: CollectionTaskDeps) => deps.policy().followUpSla,
  ...(assignee === 'sales-manager'
    ? { assignee: () => ({ role: 'sales-manager' as const }) }
    : { assignee: (installment: Installment) => ({ person: installment.owner }), requesterTakesPart: true }),
});

export const paymentCollectionTasks: WorkflowTasks<Installment, CollectionTaskDeps> = {
  slug: 'payment-collection',
  kind: 'installment',
  words,
  deps: (table) => ({
    installments: new InstallmentRepository(table),
    reviews: new ReviewStore(table.db, table.tableName),
    contracts: new ContractRepository(table),
    people: new PeopleRepository(table.db, table.tableName),
    audit: new AuditTrail(table.db, table.tableName),
    policy,
    clock: processClock,
  }),
  subjects: (deps) => deps.installments,
  requester: (installment) => installment.owner,
  title: (installment) => `${installment.title} · ${installment.label}`,
  amount: (installment) => installment.amount,
  humanSteps: {
    [followUpSteps.owner]: followUp('collection-follow-up-owner', 'owner'),
    [followUpSteps.manager]: followUp('collection-follow-up-manager', 'sales-manager'),
    [followUpSteps.dispute]: {
      type: 'collection-dispute',
      outcomes: ['accept', 'write-off'],
      assignee: () => ({ role: 'sales-manager' }),
      sla: (deps) => deps.policy().disputeSla,
      status: 'DISPUTED',
    },
    [followUpSteps.legal]: {
      type: 'collection-legal',
      outcomes: ['pursue', 'payment-plan', 'write-off'],
      assignee: () => ({ role: 'legal' }),
      fields: () => [
        {
          name: 'promisedDate',
          label: words.fields.planDate,
          type: 'date',
          required: true,
          forOutcomes: ['payment-plan'],
        },
      ],
      sla: (deps) => deps.policy().legalSla,
    },
    [followUpSteps.writeOff]: {
      type: 'collection-write-off',
      outcomes: ['approve', 'reject'],
      assignee: () => ({ role: 'finance' }),
      // Who asked for the write-off does not approve it, nor does the owner.
      alsoExcluded: (installment) => [
        installment.owner,
        ...(installment.writeOff ? [installment.writeOff.by] : []),
      ],
      sla: (deps) => deps.policy().writeOffSla,
    },
  },
  async summarize({ subject: installment, step, locale, deps }) {
    const label = (name: keyof typeof words.facts) => words.facts[name][locale];
    const owner = await deps.people.get(installment.owner);
    const today = localDate(deps.clock.now());
    const overdueDays = installment.dueDate ? daysBetween(installment.dueDate, today) : 0;
    const level = highestLevel(installment);
    const asker = installment.writeOff ? await deps.people.get(installment.writeOff.by) : undefined;
    return {
      facts: [
        { label: label('contract'), value: installment.contractId },
        { label: label('customer'), value: installment.customer.name },
        { label: label('installment'), value: installment.label },
        { label: label('amount'), value: installment.amount },
        ...(installment.paid > 0
          ? [{ label: label('paid'), value: { amount: installment.paid, currency: 'CNY' as const } }]
          : []),
        {
          label: label('outstanding'),
          value: { amount: outstandingOf(installment), currency: 'CNY' as const },
        },
        ...(installment.dueDate ? [{ label: label('dueDate'), value: { date: installment.dueDate } }] : []),
        ...(overdueDays > 0
          ? [{ label: label('daysOverdue'), value: formatNumber(overdueDays, locale) }]
          : []),
        ...(level > 0
          ? [{ label: label('level'), value: words.levels[level as 1 | 2 | 3 | 4][locale] }]
          : []),
        { label: label('owner'), value: owner?.name ?? installment.owner },
        ...(installment.dispute?.state === 'open'
          ? [{ label: label('dispute'), value: installment.dispute.reason }]
          : []),
        ...(step === followUpSteps.writeOff && installment.writeOff
          ? [
              { label: label('writeOff'), value: installment.writeOff.reason },
              { label: label('askedBy'), value: asker?.name ?? installment.writeOff.by },
            ]
          : []),
      ],
      lines: installment.promises.map((promise) => ({
        label: label('promise'),
        value: { date: promise.promisedDate },
        note: describePromise(promise, locale),
      })),
      findings: [],
      history: [],
    };
  },
  endings: {
    'written-off': {
      status: 'WRITTEN_OFF',
      ...words.endings['written-off'],
      alsoTell: (installment) => (installment.writeOff ? [installment.writeOff.by] : []),
    },
  },
};

/** `¥10,000.00 · 已违约`: what was promised, and what became of it. */
function describePromise(promise: PaymentPromise, locale: Locale): string {
  const amount =
    promise.amount !== undefined
      ? formatMoney({ amount: promise.amount, currency: 'CNY' }, locale)
      : undefined;
  return [amount, words.promiseState[promise.state][locale]].filter(Boolean).join(' · ');
}
