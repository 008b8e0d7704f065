// The expense procedure: file and revise claims, advance applications, plan each review level, record, finish.

import { findAssignee } from '#human-tasks/assignee-lookup.ts';
import { localDate } from '#human-tasks/sla.ts';
import type { FieldSpec, OutcomeId, TaskResult, TaskSummary } from '#human-tasks/task-model.ts';
import type { TaskRepository } from '#human-tasks/task-repository.ts';
import type { AuditTrail } from '#shared/audit.ts';
import type { IdPrefix } from '#shared/business-ids.ts';
import type { Clock } from '#shared/clock.ts';
import { DomainError, forbidden, InvalidInput, notFound, unprocessable } from '#shared/errors.ts';
import type { Mailer } from '#shared/mailer.ts';
import { formatMoney, type Money } from '#shared/money.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import type { WorkflowStarter } from '#shared/workflow-starter.ts';
import type { BudgetRepository } from './budgets.ts';
import {
  applicationLevels,
  approvedTotal,
  budgetPeriodsFor,
  checkClaimItems,
  claimLevels,
  claimTotal,
} from './claim-rules.ts';
import { type ExpenseEnding, renderEndingNotice } from './expense-mail.ts';
import type { ExpenseRepository } from './expense-repository.ts';
import type {
  Application,
  ApplicationInput,
  Claim,
  ClaimInput,
  Commitment,
  Review,
  ReviewLevel,
} from './model.ts';
import type { ExpensePolicy } from './policy.ts';

export const workflowSlug = 'expense-approval';

export interface ExpenseDeps {
  expenses: ExpenseRepository;
  budgets: BudgetRepository;
  people: PeopleRepository;
  tasks: TaskRepository;
  audit: AuditTrail;
  mailer: Mailer;
  workflows: WorkflowStarter;
  clock: Clock;
  policy: ExpensePolicy;
  nextId(prefix: IdPrefix, year: number): Promise<string>;
}

/** What the workflow carries: ids, never documents. */
export interface SubjectRef {
  kind: 'claim' | 'application';
  id: string;
  version: number;
}

const executionName = (ref: SubjectRef) => `${ref.id}-v${ref.version}`;
const holdId = (claim: Pick<Claim, 'id' | 'version'>) => `${claim.id}#v${claim.version}`;

// ---------------------------------------------------------------------------------------------------------------
// Filing

export async function fileClaim(deps: ExpenseDeps, submitter: string, input: ClaimInput): Promise<Claim> {
  const now = deps.clock.now();
  const today = localDate(now);
  const problems = checkClaimItems(input.items, today, deps.policy);
  if (problems.length > 0) throw new InvalidInput(problems);
  const id = await deps.nextId('EX', Number(today.slice(0, 4)));
  const claim: Claim = {
    id,
    submitter,
    title: input.title,
    costCenter: input.costCenter,
    items: input.items,
    total: claimTotal(input.items),
    ...(input.applicationId ? { applicationId: input.applicationId } : {}),
    status: 'IN_REVIEW',
    version: 1,
    submittedAt: now.toISOString(),
    reviews: [],
    revision: 0,
  };
  claim.commitment = await holdBudget(deps, claim, today);
  const saved = await withUndo(deps, claim, () => deps.expenses.saveClaim(claim, undefined));
  await deps.audit.record({
    subjectId: id,
    at: now.toISOString(),
    actor: submitter,
    action: 'claim-submitted',
    detail: { version: 1, total: claim.total, commitment: claim.commitment },
  });
  await startReview(deps, saved, { kind: 'claim', id, version: 1 });
  return saved;
}

/** A returned claim, changed by its submitter, goes round again from level 1 as its next version. */
export async function reviseClaim(
  deps: ExpenseDeps,
  caller: string,
  id: string,
  input: ClaimInput,
): Promise<Claim> {
  const current = await deps.expenses.getClaim(id);
  if (!current) throw notFound(`Expense claim ${id}`);
  if (current.submitter !== caller) throw forbidden('Only the submitter can revise a claim');
  if (current.status !== 'RETURNED') {
    throw new DomainError(
      409,
      'not-returned',
      `Only a claim returned for changes can be revised; ${id} is ${current.status}`,
    );
  }
  const now = deps.clock.now();
  const today = localDate(now);
  const problems = checkClaimItems(input.items, today, deps.policy);
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
    currentStep: undefined,
    closedAt: undefined,
    closingReason: undefined,
  };
  next.commitment = await holdBudget(deps, next, today);
  const saved = await withUndo(deps, next, () => deps.expenses.saveClaim(next, current.revision));
  await deps.audit.record({
    subjectId: id,
    at: now.toISOString(),
    actor: caller,
    action: 'claim-revised',
    detail: { version: next.version, total: next.total },
  });
  await startReview(deps, saved, { kind: 'claim', id, version: next.version });
  return saved;
}

export async function fileApplication(
  deps: ExpenseDeps,
  applicant: string,
  input: ApplicationInput,
): Promise<Application> {
  const now = deps.clock.now();
  const id = await deps.nextId('PA', Number(localDate(now).slice(0, 4)));
  const application: Application = {
    id,
    applicant,
    costCenter: input.costCenter,
    amount: input.amount,
    reason: input.reason,
    status: 'IN_REVIEW',
    submittedAt: now.toISOString(),
    reviews: [],
    revision: 0,
  };
  const saved = await deps.expenses.saveApplication(application, undefined);
  await deps.audit.record({
    subjectId: id,
    at: now.toISOString(),
    actor: applicant,
    action: 'application-submitted',
  });
  await deps.workflows.start(workflowSlug, executionName({ kind: 'application', id, version: 1 }), {
    kind: 'application',
    id,
    version: 1,
  });
  return saved;
}

/**
 * Holds the claim's total on its budget (the month's, else the year's). Over budget, an approved advance application
 * for the cost center that covers the excess lets it through, and is used up.
 */
async function holdBudget(deps: ExpenseDeps, claim: Claim, today: string): Promise<Commitment> {
  const budget = await findBudget(deps, claim.costCenter, today);
  const total = claim.total.amount;
  if ((await deps.budgets.commit(budget, holdId(claim), total)) === 'held') {
    return { budget: { costCenter: budget.costCenter, period: budget.period }, amount: claim.total };
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
  const application = await deps.expenses.getApplication(claim.applicationId);
  const usable =
    application?.costCenter === claim.costCenter &&
    (application.status === 'APPROVED' || (application.status === 'USED' && application.usedBy === claim.id));
  if (!application || !usable) {
    throw unprocessable(
      'application-not-usable',
      `Advance application ${claim.applicationId} is not an approved, unused application for ${claim.costCenter}`,
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
  if (!(await deps.expenses.useApplication(application.id, claim.id))) {
    throw unprocessable('application-already-used', `Advance application ${application.id} was already used`);
  }
  const needed = Math.max(0, total - application.amount.amount);
  if ((await deps.budgets.commit(budget, holdId(claim), total, needed)) !== 'held') {
    await deps.expenses.releaseApplication(application.id, claim.id);
    throw unprocessable(
      'over-budget',
      'The budget changed while the claim was filed; submit it again',
      overBudget,
    );
  }
  return {
    budget: { costCenter: budget.costCenter, period: budget.period },
    amount: claim.total,
    applicationId: application.id,
  };
}

async function findBudget(deps: ExpenseDeps, costCenter: string, today: string) {
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

/** Gives back what a claim holds when it cannot go on: budget and application. */
async function releaseHolds(deps: ExpenseDeps, claim: Claim): Promise<void> {
  if (!claim.commitment) return;
  await deps.budgets.release(claim.commitment.budget, holdId(claim), claim.commitment.amount.amount);
  if (claim.commitment.applicationId)
    await deps.expenses.releaseApplication(claim.commitment.applicationId, claim.id);
}

/** Runs a write after the budget was held; if it fails, the hold is given back so nothing is half-written. */
async function withUndo<T>(deps: ExpenseDeps, claim: Claim, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    await releaseHolds(deps, claim);
    throw error;
  }
}

async function startReview(deps: ExpenseDeps, claim: Claim, ref: SubjectRef): Promise<void> {
  try {
    await deps.workflows.start(workflowSlug, executionName(ref), ref);
  } catch (error) {
    // Without a running review the claim would hold budget for ever: undo it and let the caller retry.
    await releaseHolds(deps, claim);
    if (claim.version === 1) await deps.expenses.deleteClaim(claim.id);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Workflow steps

export interface ReviewTask {
  type: string;
  subject: { kind: string; id: string };
  summary: TaskSummary;
  assignee: { person: string } | { role: 'admin' };
  requester: string;
  excluded: string[];
  outcomes: OutcomeId[];
  fields: FieldSpec[];
  sla: ExpensePolicy['reviewSla'];
}

/** Always all three keys, so the workflow's ResultSelector finds them (null when done). */
export type Plan =
  | { done: true; level: null; task: null }
  | { done: false; level: ReviewLevel; task: ReviewTask };

const levelRole = {
  'sales-manager': 'sales-manager',
  finance: 'finance',
  director: 'sales-director',
  supervisor: 'supervisor',
} as const;

/**
 * The next level still to review this version, with its reviewer. A level whose reviewer already approved an
 * earlier level is skipped (one approval per person), and recorded as skipped.
 */
export async function planReview(deps: ExpenseDeps, ref: SubjectRef): Promise<Plan> {
  const subject = await loadSubject(deps, ref);
  const owner = ref.kind === 'claim' ? (subject as Claim).submitter : (subject as Application).applicant;
  const levels =
    ref.kind === 'claim' ? claimLevels((subject as Claim).items, deps.policy) : applicationLevels;
  const reviews = subject.reviews.filter((r) => r.version === ref.version);
  const approvers = reviews.filter((r) => r.outcome === 'approve' && !r.skipped).map((r) => r.by);
  const now = deps.clock.now();
  const skipped: Review[] = [];

  for (const level of levels) {
    if (reviews.some((r) => r.level === level)) continue;
    const submitter = await deps.people.get(owner);
    const rule =
      level === 'supervisor' && submitter?.manager
        ? { person: submitter.manager }
        : { role: levelRole[level] };
    const assignment = await findAssignee(deps, { rule, requester: owner, excluded: [] });
    if (assignment.ok && approvers.includes(assignment.assignee)) {
      skipped.push({
        version: ref.version,
        level,
        by: assignment.assignee,
        outcome: 'approve',
        comment: `already approved this version at an earlier level`,
        at: now.toISOString(),
        skipped: true,
      });
      continue;
    }
    // No eligible reviewer: open-task's own fallback sends the task to an admin, with the reason in the trail.
    const assignee = assignment.ok ? { person: assignment.assignee } : { role: 'admin' as const };
    const since = now.toISOString();
    await saveSubject(deps, ref, subject, {
      reviews: [...subject.reviews, ...skipped],
      currentStep: { level, assignee: assignment.ok ? assignment.assignee : 'admin', since },
    });
    return {
      done: false,
      level,
      task: await reviewTask(deps, ref, subject, owner, level, assignee, approvers),
    };
  }
  if (skipped.length > 0)
    await saveSubject(deps, ref, subject, { reviews: [...subject.reviews, ...skipped] });
  return { done: true, level: null, task: null };
}

export interface RecordInput extends SubjectRef {
  level: ReviewLevel;
  decision: TaskResult;
}

/** Stores one level's decision and says where the workflow goes next. */
export async function recordDecision(
  deps: ExpenseDeps,
  input: RecordInput,
): Promise<{ next: 'continue' | 'rejected' | 'returned' }> {
  const subject = await loadSubject(deps, input);
  const outcome = input.decision.outcome;
  if (outcome !== 'approve' && outcome !== 'reject' && outcome !== 'return') {
    throw new Error(`Unexpected outcome ${outcome} for an expense review`);
  }
  const already = subject.reviews.some(
    (r) => r.version === input.version && r.level === input.level && r.at === input.decision.decidedAt,
  );
  if (!already) {
    const approvedAmounts = financeAmounts(input.decision.fields);
    const review: Review = {
      version: input.version,
      level: input.level,
      by: input.decision.decidedBy,
      outcome,
      comment: input.decision.comment,
      at: input.decision.decidedAt,
      ...(Object.keys(approvedAmounts).length > 0 ? { approvedAmounts } : {}),
    };
    await saveSubject(deps, input, subject, {
      reviews: [...subject.reviews, review],
      currentStep: undefined,
    });
  }
  return { next: outcome === 'approve' ? 'continue' : outcome === 'reject' ? 'rejected' : 'returned' };
}

/** `item0Approved: {amount, currency}` → `{ '0': amount }`. */
function financeAmounts(fields: Record<string, unknown>): Record<string, number> {
  const amounts: Record<string, number> = {};
  for (const [name, value] of Object.entries(fields)) {
    const index = /^item(\d+)Approved$/.exec(name)?.[1];
    const amount = (value as { amount?: unknown } | null)?.amount;
    if (index !== undefined && typeof amount === 'number') amounts[index] = amount;
  }
  return amounts;
}

/** Ends the claim or application: budget consumed or released, status final, the owner told. Safe to repeat. */
export async function finish(
  deps: ExpenseDeps,
  input: SubjectRef & { ending: ExpenseEnding },
): Promise<void> {
  const now = deps.clock.now();
  const subject = await loadSubject(deps, input);
  const finalStatus = {
    claim: {
      approved: 'APPROVED_FOR_PAYMENT',
      rejected: 'REJECTED',
      returned: 'RETURNED',
      expired: 'EXPIRED',
    },
    application: { approved: 'APPROVED', rejected: 'REJECTED', returned: 'REJECTED', expired: 'EXPIRED' },
  } as const;
  const status = finalStatus[input.kind][input.ending];
  if (subject.status === status) return; // finished by an earlier attempt of this step
  const last = subject.reviews.filter((r) => r.version === input.version && !r.skipped).at(-1);

  let amount: Money;
  let changes: Partial<Claim> | Partial<Application>;
  if (input.kind === 'claim') {
    const claim = subject as Claim;
    const approvedAmounts = Object.assign(
      {},
      ...claim.reviews.filter((r) => r.version === claim.version).map((r) => r.approvedAmounts ?? {}),
    );
    const approved = approvedTotal(claim.items, approvedAmounts);
    if (claim.commitment) {
      if (input.ending === 'approved') {
        await deps.budgets.consume(
          claim.commitment.budget,
          holdId(claim),
          claim.commitment.amount.amount,
          approved.amount,
        );
      } else {
        await releaseHolds(deps, claim);
      }
    }
    amount = input.ending === 'approved' ? approved : claim.total;
    changes = {
      status,
      closedAt: now.toISOString(),
      currentStep: undefined,
      ...(input.ending === 'approved' ? { approvedTotal: approved } : {}),
    };
  } else {
    amount = (subject as Application).amount;
    changes = { status, closedAt: now.toISOString(), currentStep: undefined };
  }
  await saveSubject(deps, input, subject, changes);
  await deps.audit.record({
    subjectId: input.id,
    at: now.toISOString(),
    actor: 'system',
    action: `${input.kind}-${input.ending}`,
    detail: { version: input.version, amount },
  });
  // An expired task already told its requester (the task mechanism does); every other ending is told here.
  if (input.ending === 'expired') return;
  const owner = input.kind === 'claim' ? (subject as Claim).submitter : (subject as Application).applicant;
  const person = await deps.people.get(owner);
  await deps.mailer.send(
    renderEndingNotice({
      to: owner,
      name: person?.name ?? owner,
      locale: person?.locale ?? 'zh-CN',
      kind: input.kind,
      id: input.id,
      title: input.kind === 'claim' ? (subject as Claim).title : (subject as Application).reason,
      ending: input.ending,
      amount,
      reason: input.ending === 'approved' ? undefined : last?.comment,
      by: last?.by,
    }),
  );
}

// ---------------------------------------------------------------------------------------------------------------

async function loadSubject(deps: ExpenseDeps, ref: SubjectRef): Promise<Claim | Application> {
  const subject =
    ref.kind === 'claim' ? await deps.expenses.getClaim(ref.id) : await deps.expenses.getApplication(ref.id);
  if (!subject) throw new Error(`${ref.kind} ${ref.id} does not exist`);
  if (ref.kind === 'claim' && (subject as Claim).version !== ref.version) {
    throw new Error(`${ref.id} is at version ${(subject as Claim).version}, not ${ref.version}`);
  }
  return subject;
}

async function saveSubject(
  deps: ExpenseDeps,
  ref: SubjectRef,
  subject: Claim | Application,
  changes: Partial<Claim> | Partial<Application>,
): Promise<void> {
  if (ref.kind === 'claim') {
    await deps.expenses.saveClaim(
      { ...(subject as Claim), ...(changes as Partial<Claim>) },
      subject.revision,
    );
  } else {
    const application = { ...(subject as Application), ...(changes as Partial<Application>) };
    await deps.expenses.saveApplication(application, subject.revision);
  }
}

async function reviewTask(
  deps: ExpenseDeps,
  ref: SubjectRef,
  subject: Claim | Application,
  owner: string,
  level: ReviewLevel,
  assignee: ReviewTask['assignee'],
  approvers: string[],
): Promise<ReviewTask> {
  const ownerName = (await deps.people.get(owner))?.name ?? owner;
  const history = subject.reviews
    .filter((r) => !r.skipped && r.comment)
    .map((r) => ({ at: r.at, by: r.by, text: `v${r.version} ${r.level}: ${r.outcome} — ${r.comment}` }));
  if (ref.kind === 'application') {
    const application = subject as Application;
    return {
      type: `advance-application-${level}`,
      subject: { kind: 'expense-application', id: application.id },
      summary: {
        title: `${application.id} ${application.costCenter}`,
        facts: [
          { label: 'Applicant', value: ownerName },
          { label: 'Cost center', value: application.costCenter },
          { label: 'Amount', value: application.amount },
          { label: 'Reason', value: application.reason },
        ],
        lines: [],
        findings: [],
        history,
      },
      assignee,
      requester: owner,
      excluded: approvers,
      outcomes: ['approve', 'reject'],
      fields: [],
      sla: deps.policy.reviewSla,
    };
  }
  const claim = subject as Claim;
  const budget = claim.commitment
    ? await deps.budgets.get(claim.commitment.budget.costCenter, claim.commitment.budget.period)
    : undefined;
  const fields: FieldSpec[] =
    level === 'finance'
      ? claim.items.map((item, i) => ({
          name: `item${i}Approved`,
          label: `Approve less for item ${i + 1} (${item.category}, ${item.date})`,
          type: 'money' as const,
          currency: 'CNY' as const,
          required: false,
          forOutcomes: ['approve' as const],
          needsReason: true,
          max: item.amount.amount,
        }))
      : [];
  return {
    type: `expense-review-${level}`,
    subject: { kind: 'expense-claim', id: claim.id },
    summary: {
      title: `${claim.id} ${claim.title}`,
      facts: [
        { label: 'Submitter', value: ownerName },
        { label: 'Cost center', value: claim.costCenter },
        { label: 'Total', value: claim.total },
        { label: 'Version', value: claim.version },
        ...(budget
          ? [{ label: `Budget ${budget.period} left after this claim`, value: budget.available }]
          : []),
        ...(claim.commitment?.applicationId
          ? [{ label: 'Advance application', value: claim.commitment.applicationId }]
          : []),
      ],
      lines: claim.items.map((item) => ({
        label: `${item.date} ${item.category}: ${item.description}`,
        value: item.amount,
        ...(item.receipt ? { note: `receipt ${item.receipt}` } : {}),
      })),
      findings: [],
      history,
    },
    assignee,
    requester: owner,
    excluded: approvers,
    outcomes: ['approve', 'reject', 'return'],
    fields,
    sla: deps.policy.reviewSla,
  };
}
