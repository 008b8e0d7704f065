// The contract procedure: submit and revise drafts, plan each review stage, record decisions, sign, finish.

import { localDate } from '#human-tasks/sla.ts';
import type { FieldSpec, OutcomeId, TaskResult, TaskSummary } from '#human-tasks/task-model.ts';
import type { AuditTrail } from '#shared/audit.ts';
import type { IdPrefix } from '#shared/business-ids.ts';
import type { Clock } from '#shared/clock.ts';
import { DomainError, type FieldProblem, forbidden, InvalidInput, notFound } from '#shared/errors.ts';
import type { Mailer } from '#shared/mailer.ts';
import { type Bilingual, renderOutcomeMail } from '#shared/outcome-mail.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import type { WorkflowStarter } from '#shared/workflow-starter.ts';
import { describeChanges } from './changes.ts';
import { contentHash } from './content-hash.ts';
import type { ContractRepository } from './contract-repository.ts';
import { contractFindings } from './findings.ts';
import type {
  Contract,
  ContractContent,
  ContractReview,
  ContractStage,
  ContractStatus,
  ContractVersion,
} from './model.ts';
import type { ContractPolicy } from './policy.ts';

export const workflowSlug = 'contract-review';

/** Started once a contract is signed; each exists only once its workflow is built and deployed. */
export const followUpWorkflows = ['order-handoff', 'payment-collection'] as const;

export interface ContractDeps {
  contracts: ContractRepository;
  people: PeopleRepository;
  audit: AuditTrail;
  mailer: Mailer;
  workflows: WorkflowStarter;
  /** Slugs of the workflows deployed with this stage (the stack and the sandbox say which). */
  deployedWorkflows: readonly string[];
  clock: Clock;
  policy: ContractPolicy;
  nextId(prefix: IdPrefix, year: number): Promise<string>;
}

export interface ContractRef {
  id: string;
  version: number;
}

const executionName = (ref: ContractRef) => `${ref.id}-r${ref.version}`;

// ---------------------------------------------------------------------------------------------------------------
// Submitting and revising

/** Rules across fields that a schema cannot say: the terms make up the whole amount; delivery is ahead. */
function checkContent(content: ContractContent, today: string): void {
  const problems: FieldProblem[] = [];
  const total = content.paymentTerms.reduce((sum, term) => sum + term.percent, 0);
  if (Math.abs(total - 100) > 0.001) {
    problems.push({ field: 'paymentTerms', message: `the percentages add up to ${total}, not 100` });
  }
  if (content.deliveryDate <= today)
    problems.push({ field: 'deliveryDate', message: 'must be in the future' });
  if (problems.length > 0) throw new InvalidInput(problems);
}

async function newVersion(
  deps: ContractDeps,
  content: ContractContent,
  version: number,
  previous: ContractVersion | undefined,
): Promise<ContractVersion> {
  const now = deps.clock.now();
  const today = localDate(now);
  const overdue = await deps.contracts.overdueInstallments(content.customer.email, today);
  return {
    version,
    content,
    contentHash: contentHash(content),
    submittedAt: now.toISOString(),
    findings: contractFindings(content, {
      today,
      overdue: overdue.count > 0 ? overdue : undefined,
      policy: deps.policy,
    }),
    changes: previous ? describeChanges(previous.content, content) : [],
  };
}

export async function submitContract(
  deps: ContractDeps,
  submitter: string,
  content: ContractContent,
): Promise<Contract> {
  const today = localDate(deps.clock.now());
  checkContent(content, today);
  const id = await deps.nextId('CT', Number(today.slice(0, 4)));
  const first = await newVersion(deps, content, 1, undefined);
  const contract: Contract = {
    id,
    submitter,
    status: 'IN_REVIEW',
    version: 1,
    versions: [first],
    reviews: [],
    revision: 0,
  };
  const saved = await deps.contracts.save(contract, undefined);
  await deps.audit.record({
    subjectId: id,
    at: first.submittedAt,
    actor: submitter,
    action: 'contract-submitted',
    detail: { version: 1, contentHash: first.contentHash, findings: first.findings.map((f) => f.rule) },
  });
  await deps.workflows.start(workflowSlug, executionName({ id, version: 1 }), { id, version: 1 });
  return saved;
}

/** After legal asked for changes, the submitter sends the next version; it goes back to legal with a diff. */
export async function reviseContract(
  deps: ContractDeps,
  caller: string,
  id: string,
  content: ContractContent,
): Promise<Contract> {
  const current = await deps.contracts.get(id);
  if (!current) throw notFound(`Contract ${id}`);
  if (current.submitter !== caller) throw forbidden('Only the submitter can revise a contract');
  if (current.status !== 'CHANGES_REQUESTED') {
    throw new DomainError(
      409,
      'no-changes-requested',
      `${id} is ${current.status}; legal has not asked for changes`,
    );
  }
  checkContent(content, localDate(deps.clock.now()));
  const version = await newVersion(deps, content, current.version + 1, current.versions.at(-1));
  const next: Contract = {
    ...current,
    status: 'IN_REVIEW',
    version: version.version,
    versions: [...current.versions, version],
    currentStep: undefined,
  };
  const saved = await deps.contracts.save(next, current.revision);
  await deps.audit.record({
    subjectId: id,
    at: version.submittedAt,
    actor: caller,
    action: 'contract-revised',
    detail: { version: version.version, contentHash: version.contentHash, changes: version.changes },
  });
  const ref = { id, version: version.version };
  await deps.workflows.start(workflowSlug, executionName(ref), ref);
  return saved;
}

// ---------------------------------------------------------------------------------------------------------------
// Workflow steps

export interface StageTask {
  type: string;
  subject: { kind: 'contract'; id: string };
  summary: TaskSummary;
  assignee: { role: 'legal' | 'sales-director' | 'signatory' };
  requester: string;
  excluded: string[];
  outcomes: OutcomeId[];
  fields: FieldSpec[];
  sla: ContractPolicy['legalSla'];
}

const stageStatus: Record<ContractStage, ContractStatus> = {
  legal: 'IN_REVIEW',
  director: 'AWAITING_DIRECTOR',
  signing: 'AWAITING_SIGNATURE',
};

const standing = (contract: Contract, version: number) =>
  contract.reviews.filter((r) => r.version === version && !r.voided);

const approvedAt = (contract: Contract, version: number, stage: ContractStage) =>
  standing(contract, version).some((r) => r.stage === stage && r.outcome === 'approve');

/** The next stage of this version: legal until it approves, the director for large contracts, then signing. */
export async function planStage(
  deps: ContractDeps,
  ref: ContractRef,
): Promise<{ stage: ContractStage; task: StageTask }> {
  const contract = await load(deps, ref);
  const current = contract.versions.at(-1) as ContractVersion;
  const needsDirector = current.content.amount.amount >= deps.policy.directorApprovalFrom;
  const stage: ContractStage = !approvedAt(contract, ref.version, 'legal')
    ? 'legal'
    : needsDirector && !approvedAt(contract, ref.version, 'director')
      ? 'director'
      : 'signing';
  const task = await stageTask(deps, contract, current, stage);
  await deps.contracts.save(
    {
      ...contract,
      status: stageStatus[stage],
      currentStep: { stage, assignee: task.assignee.role, since: deps.clock.now().toISOString() },
    },
    contract.revision,
  );
  return { stage, task };
}

export interface ContractDecisionInput extends ContractRef {
  stage: ContractStage;
  decision: TaskResult;
}

const contractOutcomes: ReadonlySet<OutcomeId> = new Set([
  'approve',
  'request-changes',
  'reject',
  'send-back',
  'sign',
]);

export type NextStep = 'continue' | 'changes-requested' | 'rejected' | 'signed' | 'content-changed';

/**
 * Stores a stage's decision and says where the workflow goes. Signing checks that the content is still what was
 * approved (its SHA-256); if not, the approvals are voided and the contract goes back to legal.
 */
export async function recordContractDecision(
  deps: ContractDeps,
  input: ContractDecisionInput,
): Promise<{ next: NextStep }> {
  const contract = await load(deps, input);
  const current = contract.versions.at(-1) as ContractVersion;
  const outcome = input.decision.outcome;
  if (!contractOutcomes.has(outcome)) throw new Error(`Unexpected outcome ${outcome} for a contract review`);
  const review: ContractReview = {
    version: input.version,
    stage: input.stage,
    by: input.decision.decidedBy,
    outcome: outcome as ContractReview['outcome'],
    comment: input.decision.comment,
    at: input.decision.decidedAt,
    contentHash: current.contentHash,
  };
  if (
    contract.reviews.some(
      (r) => r.at === review.at && r.stage === review.stage && r.version === review.version,
    )
  ) {
    return { next: nextAfter(review) }; // recorded by an earlier attempt of this step
  }
  let reviews = [...contract.reviews, review];
  let next = nextAfter(review);
  let changes: Partial<Contract> = { currentStep: undefined };

  if (review.outcome === 'send-back') {
    reviews = voidApprovals(reviews, input.version, 'sent back by the sales director');
  }
  if (review.outcome === 'sign') {
    const actual = contentHash(current.content);
    const approvals = standing({ ...contract, reviews }, input.version).filter(
      (r) => r.outcome === 'approve',
    );
    if (actual !== current.contentHash || approvals.some((r) => r.contentHash !== actual)) {
      reviews = voidApprovals(reviews, input.version, 'the content changed after it was approved');
      next = 'content-changed';
      await deps.audit.record({
        subjectId: contract.id,
        at: review.at,
        actor: 'system',
        action: 'signing-refused',
        detail: { version: input.version, approvedHash: current.contentHash, actualHash: actual },
      });
    } else {
      const fields = input.decision.fields;
      changes = {
        ...changes,
        signature: {
          signedDate: String(fields.signedDate),
          signerName: String(fields.signerName),
          signedCopy: String(fields.signedCopy),
          recordedBy: review.by,
          contentHash: actual,
        },
      };
    }
  }
  await deps.contracts.save({ ...contract, ...changes, reviews }, contract.revision);
  return { next };
}

function nextAfter(review: ContractReview): NextStep {
  switch (review.outcome) {
    case 'approve':
    case 'send-back':
      return 'continue';
    case 'request-changes':
      return 'changes-requested';
    case 'reject':
      return 'rejected';
    case 'sign':
      return 'signed';
  }
}

function voidApprovals(reviews: ContractReview[], version: number, why: string): ContractReview[] {
  return reviews.map((r) =>
    r.version === version && r.outcome === 'approve' && !r.voided ? { ...r, voided: why } : r,
  );
}

export type ContractEnding = 'signed' | 'rejected' | 'changes-requested' | 'expired';

const endingStatus: Record<ContractEnding, ContractStatus> = {
  signed: 'SIGNED',
  rejected: 'REJECTED',
  'changes-requested': 'CHANGES_REQUESTED',
  expired: 'EXPIRED',
};

const endingWords: Record<ContractEnding, Bilingual> = {
  signed: { 'zh-CN': '已签署', en: 'signed' },
  rejected: { 'zh-CN': '已驳回', en: 'rejected' },
  'changes-requested': { 'zh-CN': '法务要求修改', en: 'changes requested by legal' },
  expired: { 'zh-CN': '已过期关闭', en: 'closed unanswered' },
};

const endingNext: Partial<Record<ContractEnding, Bilingual>> = {
  signed: {
    'zh-CN': '订单交接与回款计划随之启动。',
    en: 'The order handoff and the payment collection plan start now.',
  },
  'changes-requested': {
    'zh-CN': '请修改后提交新版本（POST /contracts/{id}/revisions），法务将看到修改摘要。',
    en: 'Please send a revised version (POST /contracts/{id}/revisions); legal will see what changed.',
  },
};

/** Ends this version's review: status, follow-up workflows after signing, the submitter told. Safe to repeat. */
export async function finishContract(
  deps: ContractDeps,
  input: ContractRef & { ending: ContractEnding },
): Promise<void> {
  const contract = await load(deps, input);
  const status = endingStatus[input.ending];
  if (contract.status === status) return;
  const now = deps.clock.now().toISOString();
  const followUps = input.ending === 'signed' ? await startFollowUps(deps, contract) : contract.followUps;
  await deps.contracts.save({ ...contract, status, currentStep: undefined, followUps }, contract.revision);
  await deps.audit.record({
    subjectId: contract.id,
    at: now,
    actor: 'system',
    action: `contract-${input.ending}`,
    detail: { version: input.version, followUps },
  });
  if (input.ending === 'expired') return; // the task mechanism already told the submitter
  const last = standing(contract, input.version).at(-1);
  const person = await deps.people.get(contract.submitter);
  const content = (contract.versions.at(-1) as ContractVersion).content;
  await deps.mailer.send(
    renderOutcomeMail({
      to: contract.submitter,
      name: person?.name ?? contract.submitter,
      locale: person?.locale ?? 'zh-CN',
      what: { 'zh-CN': '合同', en: 'Contract' },
      id: contract.id,
      title: content.title,
      outcome: endingWords[input.ending],
      amount: content.amount,
      reason: input.ending === 'signed' ? undefined : last?.comment,
      by: last?.by,
      next: endingNext[input.ending],
    }),
  );
}

/**
 * The extension point to order handoff and payment collection: each deployed one starts, named by the contract id
 * (so a retry is the same execution); one not deployed yet is recorded as such, in the contract and its trail.
 */
async function startFollowUps(deps: ContractDeps, contract: Contract): Promise<Contract['followUps']> {
  const results: NonNullable<Contract['followUps']> = [];
  for (const workflow of followUpWorkflows) {
    if (deps.deployedWorkflows.includes(workflow)) {
      await deps.workflows.start(workflow, contract.id, { contractId: contract.id });
      results.push({ workflow, state: 'started', executionName: contract.id });
    } else {
      results.push({ workflow, state: 'not-deployed', executionName: contract.id });
    }
  }
  return results;
}

// ---------------------------------------------------------------------------------------------------------------

async function load(deps: ContractDeps, ref: ContractRef): Promise<Contract> {
  const contract = await deps.contracts.get(ref.id);
  if (!contract) throw new Error(`Contract ${ref.id} does not exist`);
  if (contract.version !== ref.version)
    throw new Error(`${ref.id} is at version ${contract.version}, not ${ref.version}`);
  return contract;
}

const cny = (fen: number) => ({ amount: fen, currency: 'CNY' as const });

async function stageTask(
  deps: ContractDeps,
  contract: Contract,
  current: ContractVersion,
  stage: ContractStage,
): Promise<StageTask> {
  const { content } = current;
  const submitterName = (await deps.people.get(contract.submitter))?.name ?? contract.submitter;
  const earlier = contract.reviews
    .filter((r) => r.comment)
    .map((r) => ({ at: r.at, by: r.by, text: `v${r.version} ${r.stage}: ${r.outcome} — ${r.comment}` }));
  const changes = current.changes.map((change) => ({
    at: current.submittedAt,
    by: contract.submitter,
    text: `v${current.version}: ${change}`,
  }));
  const summary: TaskSummary = {
    title: `${contract.id} ${content.title}`,
    facts: [
      { label: 'Customer', value: `${content.customer.name} <${content.customer.email}>` },
      { label: 'Amount', value: content.amount },
      { label: 'Delivery date', value: content.deliveryDate },
      { label: 'Version', value: current.version },
      { label: 'Submitted by', value: submitterName },
      { label: 'Content SHA-256', value: current.contentHash },
      ...(content.documentUrl ? [{ label: 'Document', value: content.documentUrl }] : []),
    ],
    lines: [
      ...content.paymentTerms.map((term) => ({
        label: `${term.label}: ${term.percent}% on ${term.trigger}, due ${term.dueDays} days after`,
        value: cny(Math.round((content.amount.amount * term.percent) / 100)),
      })),
      ...content.items.map((item) => ({
        label: `${item.sku} ${item.description}`,
        value: `× ${item.quantity}`,
        note: item.qualityStandard,
      })),
    ],
    findings: current.findings.map((f) => ({ severity: f.severity, message: f.message })),
    history: [...earlier, ...changes],
  };
  const base = {
    subject: { kind: 'contract' as const, id: contract.id },
    summary,
    requester: contract.submitter,
    excluded: [],
  };
  switch (stage) {
    case 'legal':
      return {
        ...base,
        type: 'contract-legal-review',
        assignee: { role: 'legal' },
        outcomes: ['approve', 'request-changes', 'reject'],
        fields: [],
        sla: deps.policy.legalSla,
      };
    case 'director':
      return {
        ...base,
        type: 'contract-director-approval',
        assignee: { role: 'sales-director' },
        outcomes: ['approve', 'reject', 'send-back'],
        fields: [],
        sla: deps.policy.directorSla,
      };
    case 'signing':
      return {
        ...base,
        type: 'contract-signing',
        assignee: { role: 'signatory' },
        outcomes: ['sign'],
        fields: [
          { name: 'signedDate', label: 'Signed on', type: 'date', required: true },
          { name: 'signerName', label: 'Signed by (name)', type: 'text', required: true, maxLength: 100 },
          { name: 'signedCopy', label: 'Link to the signed copy', type: 'url', required: true },
        ],
        sla: deps.policy.signingSla,
      };
  }
}
