// What changed between two versions of a contract, as short English sentences for legal.
import { formatMoney } from '#shared/money.ts';
import type { ContractContent, ContractItem, PaymentTerm } from './model.ts';

/**
 * The differences from `before` to `after`, one sentence each, in the order of the contract's fields; `[]` when
 * nothing changed. Terms are matched by label and items by SKU (exactly as written; a repeated label or SKU is
 * matched by its occurrence). A changed order of the same terms or items is reported too, because it changes the
 * content hash: an empty list means the approvals on `before` still hold for `after`.
 */
export function describeChanges(before: ContractContent, after: ContractContent): string[] {
  const changes: string[] = [];
  if (before.title !== after.title) changes.push(`Title: ${quote(before.title)} → ${quote(after.title)}`);
  if (before.customer.name !== after.customer.name || before.customer.email !== after.customer.email) {
    changes.push(`Customer: ${customer(before)} → ${customer(after)}`);
  }
  if (before.amount.amount !== after.amount.amount || before.amount.currency !== after.amount.currency) {
    changes.push(`Amount: ${formatMoney(before.amount, 'en')} → ${formatMoney(after.amount, 'en')}`);
  }
  if (before.deliveryDate !== after.deliveryDate) {
    changes.push(`Delivery date: ${before.deliveryDate} → ${after.deliveryDate}`);
  }

  const terms = matchBy(before.paymentTerms, after.paymentTerms, (term) => term.label);
  for (const [old, now] of terms.matched) {
    const from = describeTerm(old);
    const to = describeTerm(now);
    if (from !== to) changes.push(`Payment term ${quote(now.label)}: ${from} → ${to}`);
  }
  for (const term of terms.removed)
    changes.push(`Payment term removed: ${quote(term.label)}, ${describeTerm(term)}`);
  for (const term of terms.added)
    changes.push(`Payment term added: ${quote(term.label)}, ${describeTerm(term)}`);
  if (terms.reordered) {
    changes.push(
      `Payment terms reordered: ${terms.reordered.before.map(quote).join(', ')} → ${terms.reordered.after.map(quote).join(', ')}`,
    );
  }

  const items = matchBy(before.items, after.items, (item) => item.sku);
  for (const [old, now] of items.matched) changes.push(...describeItemChanges(old, now));
  for (const item of items.removed) changes.push(`Item removed: ${describeItem(item)}`);
  for (const item of items.added) changes.push(`Item added: ${describeItem(item)}`);
  if (items.reordered) {
    changes.push(
      `Items reordered: ${items.reordered.before.join(', ')} → ${items.reordered.after.join(', ')}`,
    );
  }

  // The link itself is usually a long pre-signed URL that says nothing to a reader; that it changed is what matters.
  if (!before.documentUrl && after.documentUrl) changes.push('Document link added');
  else if (before.documentUrl && !after.documentUrl) changes.push('Document link removed');
  else if (before.documentUrl !== after.documentUrl) changes.push('Document link changed');

  return changes;
}

const quote = (text: string): string => `"${text}"`;

const customer = (content: ContractContent): string => `${content.customer.name} <${content.customer.email}>`;

const triggerWords: Record<PaymentTerm['trigger'], string> = {
  signing: 'on signing',
  delivery: 'on delivery',
  acceptance: 'on acceptance',
};

const describeTerm = (term: PaymentTerm): string =>
  `${term.percent}% ${triggerWords[term.trigger]}, due ${term.dueDays} ${term.dueDays === 1 ? 'day' : 'days'}`;

const describeItem = (item: ContractItem): string =>
  `${item.sku}, ${item.quantity} × ${quote(item.description)}, quality standard ${quote(item.qualityStandard)}`;

function describeItemChanges(old: ContractItem, now: ContractItem): string[] {
  const changes: string[] = [];
  if (old.description !== now.description) {
    changes.push(`Item ${now.sku}: description ${quote(old.description)} → ${quote(now.description)}`);
  }
  if (old.quantity !== now.quantity)
    changes.push(`Item ${now.sku}: quantity ${old.quantity} → ${now.quantity}`);
  if (old.qualityStandard !== now.qualityStandard) {
    changes.push(
      `Item ${now.sku}: quality standard ${quote(old.qualityStandard)} → ${quote(now.qualityStandard)}`,
    );
  }
  return changes;
}

interface Matching<T> {
  /** Pairs present on both sides, in `after`'s order. */
  matched: [T, T][];
  removed: T[];
  added: T[];
  /** The keys on both sides, in each side's order, when that order differs. */
  reordered?: { before: string[]; after: string[] };
}

/** Pairs entries by key; the n-th entry with a key on one side goes with the n-th with that key on the other. */
function matchBy<T>(before: readonly T[], after: readonly T[], keyOf: (entry: T) => string): Matching<T> {
  const tag = (entries: readonly T[]): { id: string; key: string; entry: T }[] => {
    const seen = new Map<string, number>();
    return entries.map((entry) => {
      const key = keyOf(entry);
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      // NUL cannot occur in a label or SKU typed into a form, so it cannot make two ids collide.
      return { id: `${key}\u0000${n}`, key, entry };
    });
  };
  const old = tag(before);
  const now = tag(after);
  const oldById = new Map(old.map((tagged) => [tagged.id, tagged]));
  const nowIds = new Set(now.map((tagged) => tagged.id));

  const matched: [T, T][] = [];
  const added: T[] = [];
  for (const tagged of now) {
    const counterpart = oldById.get(tagged.id);
    if (counterpart) matched.push([counterpart.entry, tagged.entry]);
    else added.push(tagged.entry);
  }
  const removed = old.filter((tagged) => !nowIds.has(tagged.id)).map((tagged) => tagged.entry);

  const commonBefore = old.filter((tagged) => nowIds.has(tagged.id));
  const commonAfter = now.filter((tagged) => oldById.has(tagged.id));
  const sameOrder = commonBefore.every((tagged, i) => tagged.id === commonAfter[i]?.id);
  if (sameOrder) return { matched, removed, added };
  return {
    matched,
    removed,
    added,
    reordered: { before: commonBefore.map((t) => t.key), after: commonAfter.map((t) => t.key) },
  };
}
