// The contract review workflow for the kit: automatic checks, legal, the director for large contracts, signing.

import { InstallmentRepository } from '#payment-collection/installment-repository.ts';
import { localDate, processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { loadSubject } from '#shared/workflow-kit/steps.ts';
import type { SubjectRef } from '#shared/workflow-kit/subject.ts';
import type { Workflow } from '#shared/workflow-kit/workflow.ts';
import { contentHash } from './content-hash.ts';
import { ContractRepository } from './contract-repository.ts';
import { contractSteps, needsDirectorReview, standingApprovals, termAmounts } from './contract-rules.ts';
import { contractFindings } from './findings.ts';
import type { Contract, ContractContent, Finding } from './model.ts';
import { type ContractPolicy, readContractPolicy } from './policy.ts';
import { describeChange, describeFinding, contractWords as words } from './words.ts';

export interface ContractDeps {
  contracts: ContractRepository;
  /** The customer's overdue installments, for legal's findings. */
  installments: Pick<InstallmentRepository, 'overdueOf'>;
  people: Pick<PeopleRepository, 'get'>;
  policy(): ContractPolicy;
}

const policy = lazy(() => readContractPolicy(process.env.CONTRACT_POLICY));

/** What the automatic checks find in a draft, today: the same function at submission and at review start. */
export async function checkContent(
  deps: Pick<ContractDeps, 'installments' | 'policy'>,
  content: ContractContent,
  today: string,
): Promise<Finding[]> {
  const overdue = await deps.installments.overdueOf(content.customer.email, today);
  return contractFindings(content, {
    today,
    overdue:
      overdue.count > 0
        ? { count: overdue.count, amount: { amount: overdue.outstanding, currency: 'CNY' } }
        : undefined,
    policy: deps.policy(),
  });
}

/** The `Run automatic checks` step: findings stored with the version; whether the director must approve too. */
export async function runAutomaticChecks(deps: ContractDeps, ref: SubjectRef) {
  const contract = await loadSubject(contractReview, deps, ref);
  const version = await deps.contracts.version(contract.id, contract.version);
  if (!version) throw new Error(`${contract.id} has no version ${contract.version}`);
  const findings = await checkContent(deps, version.content, localDate(processClock.now()));
  await deps.contracts.setFindings(contract.id, contract.version, findings);
  return { directorReview: needsDirectorReview(contract.amount, deps.policy()), findings: findings.length };
}

async function currentVersion(deps: ContractDeps, contract: Contract) {
  const version = await deps.contracts.version(contract.id, contract.version);
  if (!version) throw new Error(`${contract.id} has no version ${contract.version}`);
  return version;
}

const contractOutcomes = {
  legal: ['approve', 'request-changes', 'reject'],
  director: ['approve', 'reject', 'send-back'],
} as const;

export const contractReview: Workflow<Contract, ContractDeps> = {
  slug: 'contract-review',
  kind: 'contract',
  words,
  deps: (table) => ({
    contracts: new ContractRepository(table),
    installments: new InstallmentRepository(table),
    people: new PeopleRepository(table.db, table.tableName),
    policy,
  }),
  subjects: (deps) => deps.contracts,
  requester: (contract) => contract.submitter,
  title: (contract) => contract.title,
  amount: (contract) => contract.amount,
  humanSteps: {
    [contractSteps.legal]: {
      type: 'contract-legal-review',
      outcomes: contractOutcomes.legal,
      assignee: () => ({ role: 'legal' }),
      sla: (deps) => deps.policy().legalSla,
      status: 'IN_REVIEW',
    },
    [contractSteps.director]: {
      type: 'contract-director-approval',
      outcomes: contractOutcomes.director,
      assignee: () => ({ role: 'sales-director' }),
      sla: (deps) => deps.policy().directorSla,
      status: 'AWAITING_DIRECTOR',
      excludeEarlierApprovers: true,
    },
    [contractSteps.signing]: {
      type: 'contract-signing',
      outcomes: ['sign'],
      assignee: () => ({ role: 'signatory' }),
      fields: () => [
        { name: 'signedDate', label: words.fields.signedDate, type: 'date', required: true },
        { name: 'signerName', label: words.fields.signerName, type: 'text', required: true, maxLength: 100 },
        { name: 'signedCopy', label: words.fields.signedCopy, type: 'url', required: true },
      ],
      sla: (deps) => deps.policy().signingSla,
      status: 'AWAITING_SIGNATURE',
      excludeEarlierApprovers: true,
    },
  },
  async summarize({ subject: contract, locale, deps }) {
    const version = await currentVersion(deps, contract);
    const { content } = version;
    const submitter = await deps.people.get(contract.submitter);
    const label = (name: keyof typeof words.facts) => words.facts[name][locale];
    const amounts = termAmounts(content);
    return {
      facts: [
        { label: label('customer'), value: `${content.customer.name} <${content.customer.email}>` },
        { label: label('amount'), value: content.amount },
        { label: label('deliveryDate'), value: { date: content.deliveryDate } },
        { label: label('version'), value: version.version },
        { label: label('submittedBy'), value: submitter?.name ?? contract.submitter },
        { label: label('contentHash'), value: { hash: contentHash(content) } },
        ...(content.documentUrl ? [{ label: label('document'), value: { url: content.documentUrl } }] : []),
      ],
      lines: [
        ...content.paymentTerms.map((term, i) => ({
          label: words.term[locale](term.label, term.percent, term.trigger, term.dueDays),
          value: amounts[i] ?? { amount: 0, currency: 'CNY' as const },
        })),
        ...content.items.map((item) => ({
          label: `${item.sku} ${item.description}`,
          value: words.quantity[locale](item.quantity.toLocaleString(locale)),
          note: item.qualityStandard,
        })),
      ],
      findings: (version.findings ?? []).map((f) => ({
        severity: f.severity,
        message: describeFinding(f, locale),
      })),
      history: version.changes.map((change) => ({
        at: version.submittedAt,
        by: submitter?.name ?? contract.submitter,
        text: words.change[locale](version.version, describeChange(change, locale)),
      })),
    };
  },
  async afterDecision({ subject: contract, review, reviews, deps }) {
    const version = await currentVersion(deps, contract);
    // Approvals are bound to the SHA-256 of the content the approver saw; signing goes ahead only on that content.
    const actual = contentHash(version.content);
    if (review.outcome === 'approve') return { evidence: { contentHash: actual } };
    if (review.outcome !== 'sign') return {};
    const approvals = standingApprovals(reviews, contract.version);
    const unchanged =
      approvals.length > 0 && approvals.every((approval) => approval.evidence?.contentHash === actual);
    if (!unchanged) return { effect: 'content-changed', route: { contentUnchanged: false } };
    const fields = review.fields;
    return {
      route: { contentUnchanged: true },
      changes: {
        signature: {
          signedDate: String(fields.signedDate),
          signerName: String(fields.signerName),
          signedCopy: String(fields.signedCopy),
          recordedBy: review.by,
          contentHash: actual,
        },
      },
    };
  },
  endings: {
    signed: { status: 'SIGNED', ...words.endings.signed },
    rejected: { status: 'REJECTED', ...words.endings.rejected },
    'changes-requested': { status: 'CHANGES_REQUESTED', ...words.endings['changes-requested'] },
    expired: { status: 'EXPIRED', ...words.endings.expired },
  },
};
