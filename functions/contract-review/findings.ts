// Automatic findings on a contract version for legal: risky terms, tight delivery, overdue customer, gaps.
import { daysBetween } from '#shared/clock.ts';
import { formatMoney, type Money } from '#shared/money.ts';
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
 * Everything legal should look at in `content`. Findings never block submission; they only inform (what a draft
 * must satisfy is `draftProblems`, checked before it is accepted: terms adding up to 100, delivery ahead). Sorted by
 * severity (high first), then rule id; findings of one rule keep the order of the terms they name.
 */
export function contractFindings(content: ContractContent, ctx: FindingContext): Finding[] {
  const { policy } = ctx;
  const findings: Finding[] = [];
  const add = (rule: string, severity: Severity, message: string): void => {
    findings.push({ rule, severity, message });
  };

  if (content.amount.amount > policy.largeContractFrom) {
    const advance = sumPercents(content.paymentTerms.filter((term) => term.trigger === 'signing'));
    if (advance < policy.minAdvancePercent - floatNoise) {
      add(
        'advance-too-low',
        'high',
        `Advance payment on signing is ${percent(advance)} of ${formatMoney(content.amount, 'en')}; ` +
          `contracts over ${cny(policy.largeContractFrom)} should have at least ${percent(policy.minAdvancePercent)}`,
      );
    }
  }

  for (const term of content.paymentTerms) {
    if (term.dueDays > policy.maxCreditDays) {
      add(
        'long-credit',
        'high',
        `Payment term "${term.label}" (${percent(term.percent)}) is due ${days(term.dueDays)} after ${term.trigger}, ` +
          `more than the ${days(policy.maxCreditDays)} of credit allowed`,
      );
    }
  }

  const lead = daysBetween(ctx.today, content.deliveryDate);
  if (lead < policy.minDeliveryLeadDays) {
    add(
      'short-delivery',
      'warning',
      `Delivery date ${content.deliveryDate} is only ${days(lead)} away; at least ${days(policy.minDeliveryLeadDays)} ` +
        'are needed for production and logistics',
    );
  }

  if (ctx.overdue && ctx.overdue.count > 0) {
    const { count, amount } = ctx.overdue;
    add(
      'customer-overdue',
      'high',
      `The customer has ${count} overdue ${count === 1 ? 'installment' : 'installments'} ` +
        `totalling ${formatMoney(amount, 'en')}`,
    );
  }

  if (!content.documentUrl) add('missing-document', 'warning', 'No contract document is linked');

  for (const labels of duplicateLabels(content.paymentTerms)) {
    add(
      'duplicate-term-label',
      'warning',
      `${labels.length} payment terms share the label ${labels.map((l) => `"${l}"`).join(', ')}`,
    );
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
const percent = (value: number): string => `${Math.round(value * 1e6) / 1e6}%`;

const days = (count: number): string => `${count} ${count === 1 ? 'day' : 'days'}`;

const cny = (fen: number): string => formatMoney({ amount: fen, currency: 'CNY' }, 'en');

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
