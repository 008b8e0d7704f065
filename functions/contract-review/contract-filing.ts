// Submitting and revising contract drafts: checked, stored as a new version, and their review started.
import { localDate } from '#shared/clock.ts';
import { DomainError, forbidden, InvalidInput, notFound } from '#shared/errors.ts';
import { type FilingBasics, recordStart, startReview } from '#shared/workflow-kit/start.ts';
import { capChanges, describeChanges } from './changes.ts';
import { contentHash } from './content-hash.ts';
import { draftProblems } from './contract-rules.ts';
import type { Contract, ContractContent, ContractVersion } from './model.ts';
import { contractLimits } from './model.ts';
import { type ContractDeps, checkContent, contractReview } from './workflow.ts';

export interface FilingDeps
  extends Pick<ContractDeps, 'contracts' | 'installments' | 'policy'>,
    FilingBasics {}

/** Statuses from which the submitter may send a new version. */
const revisable: readonly Contract['status'][] = ['CHANGES_REQUESTED', 'NEEDS_ATTENTION'];

async function newVersion(
  deps: FilingDeps,
  contractId: string,
  content: ContractContent,
  number: number,
  previous: ContractContent | undefined,
): Promise<ContractVersion> {
  const now = deps.clock.now();
  const today = localDate(now);
  const problems = draftProblems(content, today);
  if (problems.length > 0) throw new InvalidInput(problems);
  const changes = previous ? capChanges(describeChanges(previous, content), contractLimits.changes) : [];
  return {
    contractId,
    version: number,
    content,
    contentHash: contentHash(content),
    submittedAt: now.toISOString(),
    // Findings as of submission; the workflow's automatic checks confirm them when review starts.
    findings: await checkContent(deps, content, today),
    changes,
  };
}

const headline = (content: ContractContent) => ({
  customer: content.customer,
  title: content.title,
  amount: content.amount,
});

export async function submitContract(
  deps: FilingDeps,
  submitter: string,
  content: ContractContent,
): Promise<{ contract: Contract; version: ContractVersion }> {
  const problems = draftProblems(content, localDate(deps.clock.now()));
  if (problems.length > 0) throw new InvalidInput(problems); // before an id is taken for it
  const today = localDate(deps.clock.now());
  const id = await deps.nextId('CT', Number(today.slice(0, 4)));
  const version = await newVersion(deps, id, content, 1, undefined);
  await deps.contracts.addVersion(version);
  const contract = await deps.contracts.save({
    id,
    version: 1,
    revision: 0,
    submitter,
    status: 'IN_REVIEW',
    submittedAt: version.submittedAt,
    ...headline(content),
  });
  await startReview(deps, contractReview.slug, subjectOf(contract), async () => {
    await deps.contracts.delete(contract);
    await deps.contracts.removeVersion(id, 1);
  });
  await recordStart(deps, {
    subjectId: id,
    at: version.submittedAt,
    actor: submitter,
    action: 'submitted',
    detail: { version: 1, contentHash: version.contentHash, findings: version.findings?.map((f) => f.rule) },
  });
  return { contract, version };
}

/** After legal asked for changes, the submitter sends the next version; it goes back to legal with a diff. */
export async function reviseContract(
  deps: FilingDeps,
  caller: string,
  id: string,
  content: ContractContent,
): Promise<{ contract: Contract; version: ContractVersion }> {
  const current = await deps.contracts.get(id);
  if (!current) throw notFound(`Contract ${id}`);
  if (current.submitter !== caller) throw forbidden('Only the submitter can revise a contract');
  if (!revisable.includes(current.status)) {
    throw new DomainError(
      409,
      'no-changes-requested',
      `${id} is ${current.status}; legal has not asked for changes`,
    );
  }
  const previous = await deps.contracts.version(id, current.version);
  const version = await newVersion(deps, id, content, current.version + 1, previous?.content);
  await deps.contracts.addVersion(version);
  const contract = await deps.contracts.save({
    ...current,
    ...headline(content),
    version: version.version,
    status: 'IN_REVIEW',
    attention: undefined,
    closedAt: undefined,
    endedMailAt: undefined,
  });
  await startReview(deps, contractReview.slug, subjectOf(contract), async () => {
    await deps.contracts.save({ ...current, revision: contract.revision });
    await deps.contracts.removeVersion(id, version.version);
  });
  await recordStart(deps, {
    subjectId: id,
    at: version.submittedAt,
    actor: caller,
    action: 'revised',
    detail: { version: version.version, contentHash: version.contentHash, changes: version.changes },
  });
  return { contract, version };
}

const subjectOf = (contract: Contract) => ({
  kind: contractReview.kind,
  id: contract.id,
  version: contract.version,
});
