// Automatic findings on a contract version for legal: risky terms, tight delivery, overdue customer, gaps.
import { daysBetween } from '#shared/clock.ts';
import type { Money } from '#shared/money.ts';
import type { ContractContent, Finding, PaymentTerm, Severity } from './model.ts';
import type { ContractPolicy } from './policy.ts';

/** The customer's unpaid installments past due, from payment collection. */
export interface OverdueInstallments {
  count: number;
  amount: Money;
}

export interface FindingContext {
  /** The company-local ISO date of submission (`localDate(now)`). */
  today: string;
  overdue?: OverdueInstallments;
  policy: ContractPolicy;
}

// Percents are decimals summed as binary floats (10 + 20 is 30.000000000000004); this absorbs that noise only.
const floatNoise = 1e-9;

const severityRank: Record<Severity, number> = { high: 0, warning: 1, info: 2 };

/**
 * Everything legal should look at in `content`, as records the contract's words turn into sentences for each reader.
 * Findings never block submission; they only inform (what a draft must satisfy is `draftProblems`, checked before it
 * is accepted: terms adding up to 100, delivery ahead). Sorted by severity (high first), then rule id; findings of one
 * rule keep the order of the terms they name.
 */
export function contractFindings(content: ContractContent, ctx: FindingContext): Finding[] {
  const { policy } = ctx;
  const findings: Finding[] = [];

  if (content.amount.amount > policy.largeContractFrom) {
    const advance = sumPercents(content.paymentTerms.filter((term) => term.trigger === 'signing'));
    if (advance < policy.minAdvancePercent - floatNoise) {
      findings.push({
        rule: 'advance-too-low',
        severity: 'high',
        params: {
          advancePercent: rounded(advance),
          amount: content.amount,
          largeFrom: cny(policy.largeContractFrom),
          minPercent: policy.minAdvancePercent,
        },
      });
    }
  }

  for (const term of content.paymentTerms) {
    if (term.dueDays > policy.maxCreditDays) {
      findings.push({
        rule: 'long-credit',
        severity: 'high',
        params: {
          label: term.label,
          percent: term.percent,
          trigger: term.trigger,
          dueDays: term.dueDays,
          maxDays: policy.maxCreditDays,
        },
      });
    }
  }

  const lead = daysBetween(ctx.today, content.deliveryDate);
  if (lead < policy.minDeliveryLeadDays) {
    findings.push({
      rule: 'short-delivery',
      severity: 'warning',
      params: { deliveryDate: content.deliveryDate, leadDays: lead, minLeadDays: policy.minDeliveryLeadDays },
    });
  }

  if (ctx.overdue && ctx.overdue.count > 0) {
    findings.push({ rule: 'customer-overdue', severity: 'high', params: { ...ctx.overdue } });
  }

  if (!content.documentUrl) findings.push({ rule: 'missing-document', severity: 'warning', params: {} });

  for (const labels of duplicateLabels(content.paymentTerms)) {
    findings.push({ rule: 'duplicate-term-label', severity: 'warning', params: { labels } });
  }

  // Array.prototype.sort is stable, so findings of one rule stay in the order they were found.
  return findings.sort(
    (a, b) => severityRank[a.severity] - severityRank[b.severity] || compareStrings(a.rule, b.rule),
  );
}

function sumPercents(terms: readonly PaymentTerm[]): number {
  return terms.reduce((total, term) => total + term.percent, 0);
}

/** Labels that occur more than once, ignoring case, each group as written and in the order first seen. */
function duplicateLabels(terms: readonly PaymentTerm[]): string[][] {
  const groups = new Map<string, string[]>();
  for (const term of terms) {
    const key = term.label.trim().toLowerCase();
    const group = groups.get(key);
    if (group) group.push(term.label);
    else groups.set(key, [term.label]);
  }
  return [...groups.values()].filter((group) => group.length > 1);
}

// Rounded to a millionth so float noise (30.000000000000004) never reaches legal, while 29.9999 stays visible.
const rounded = (value: number): number => Math.round(value * 1e6) / 1e6;

const cny = (fen: number): Money => ({ amount: fen, currency: 'CNY' });

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
