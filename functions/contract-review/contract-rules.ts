// The contract policy as plain functions: what a draft must satisfy, who must approve, and which approvals still stand.
import type { FieldProblem } from '#shared/errors.ts';
import { allocate, type Money, percentsMakeWhole } from '#shared/money.ts';
import type { Review } from '#shared/workflow-kit/reviews.ts';
import type { ContractContent } from './model.ts';
import type { ContractPolicy } from './policy.ts';

/** The review steps of a contract, as the state machine names them. */
export const contractSteps = {
  legal: 'Legal review',
  director: 'Sales director review',
  signing: 'Signing',
} as const;

/** Rules across fields that refuse a draft: the terms make up the whole amount, and delivery lies ahead. */
export function draftProblems(content: ContractContent, today: string): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const percents = content.paymentTerms.map((term) => term.percent);
  if (!percentsMakeWhole(percents)) {
    problems.push({
      field: 'paymentTerms',
      message: `the percentages add up to ${percents.join(' + ')}, not 100`,
    });
  }
  if (content.deliveryDate <= today)
    problems.push({ field: 'deliveryDate', message: 'must be in the future' });
  return problems;
}

/** Contracts of the threshold or more also go to the sales director. */
export const needsDirectorReview = (amount: Money, policy: ContractPolicy): boolean =>
  amount.amount >= policy.directorApprovalFrom;

/** Each payment term's amount: the terms' shares of the contract amount, adding up to it exactly. */
export const termAmounts = (content: ContractContent): Money[] =>
  allocate(
    content.amount,
    content.paymentTerms.map((term) => term.percent),
  );

/**
 * The approvals of a version that still stand: those after the last event that voids them (the director sending it
 * back to legal, or signing finding the content changed since approval).
 */
export function standingApprovals(reviews: readonly Review[], version: number): Review[] {
  const ofVersion = reviews.filter((review) => review.version === version);
  const lastVoid = ofVersion.findLastIndex(
    (review) => review.outcome === 'send-back' || review.effect === 'content-changed',
  );
  return ofVersion.slice(lastVoid + 1).filter((review) => review.outcome === 'approve');
}
