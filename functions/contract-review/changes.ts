// What changed between two versions of a contract, as records the contract's words turn into sentences for legal.
import type { Money } from '#shared/money.ts';
import type { ContractContent, ContractItem, PaymentTerm } from './model.ts';

/** The terms of a payment term, apart from its label. */
export type TermTerms = Pick<PaymentTerm, 'percent' | 'trigger' | 'dueDays'>;

/** One difference between two versions; the contract's words say it in the reader's language. */
export type Change =
  | { field: 'title'; before: string; after: string }
  | { field: 'customer'; before: ContractContent['customer']; after: ContractContent['customer'] }
  | { field: 'amount'; before: Money; after: Money }
  | { field: 'delivery-date'; before: string; after: string }
  | { field: 'delivery-address'; before: string | undefined; after: string | undefined }
  | { field: 'term'; label: string; before: TermTerms; after: TermTerms }
  | { field: 'term-removed' | 'term-added'; term: PaymentTerm }
  | { field: 'terms-reordered' | 'items-reordered'; before: string[]; after: string[] }
  | { field: 'item-description' | 'item-quality'; sku: string; before: string; after: string }
  | { field: 'item-quantity'; sku: string; before: number; after: number }
  | { field: 'item-removed' | 'item-added'; item: ContractItem }
  | { field: 'document'; change: 'added' | 'removed' | 'changed' }
  /** Stands for the changes left out once the list is long enough to read. */
  | { field: 'more'; count: number };

/**
 * The differences from `before` to `after`, in the order of the contract's fields; `[]` when nothing changed. Terms
 * are matched by label and items by SKU (exactly as written; a repeated label or SKU is matched by its occurrence). A
 * changed order of the same terms or items is reported too, because it changes the content hash: an empty list means
 * the approvals on `before` still hold for `after`.
 */
export function describeChanges(before: ContractContent, after: ContractContent): Change[] {
  const changes: Change[] = [];
  if (before.title !== after.title)
    changes.push({ field: 'title', before: before.title, after: after.title });
  if (before.customer.name !== after.customer.name || before.customer.email !== after.customer.email) {
    changes.push({ field: 'customer', before: before.customer, after: after.customer });
  }
  if (before.amount.amount !== after.amount.amount || before.amount.currency !== after.amount.currency) {
    changes.push({ field: 'amount', before: before.amount, after: after.amount });
  }
  if (before.deliveryDate !== after.deliveryDate) {
    changes.push({ field: 'delivery-date', before: before.deliveryDate, after: after.deliveryDate });
  }
  if (before.deliveryAddress !== after.deliveryAddress) {
    changes.push({ field: 'delivery-address', before: before.deliveryAddress, after: after.deliveryAddress });
  }

  const terms = matchBy(before.paymentTerms, after.paymentTerms, (term) => term.label);
  for (const [old, now] of terms.matched) {
    if (old.percent !== now.percent || old.trigger !== now.trigger || old.dueDays !== now.dueDays) {
      changes.push({ field: 'term', label: now.label, before: termsOf(old), after: termsOf(now) });
    }
  }
  for (const term of terms.removed) changes.push({ field: 'term-removed', term });
  for (const term of terms.added) changes.push({ field: 'term-added', term });
  if (terms.reordered) changes.push({ field: 'terms-reordered', ...terms.reordered });

  const items = matchBy(before.items, after.items, (item) => item.sku);
  for (const [old, now] of items.matched) changes.push(...itemChanges(old, now));
  for (const item of items.removed) changes.push({ field: 'item-removed', item });
  for (const item of items.added) changes.push({ field: 'item-added', item });
  if (items.reordered) changes.push({ field: 'items-reordered', ...items.reordered });

  // The link itself is usually a long pre-signed URL that says nothing to a reader; that it changed is what matters.
  if (!before.documentUrl && after.documentUrl) changes.push({ field: 'document', change: 'added' });
  else if (before.documentUrl && !after.documentUrl) changes.push({ field: 'document', change: 'removed' });
  else if (before.documentUrl !== after.documentUrl) changes.push({ field: 'document', change: 'changed' });

  return changes;
}

/** At most `limit` changes, the rest counted in one last entry, so a version item stays small. */
export function capChanges(changes: Change[], limit: number): Change[] {
  if (changes.length <= limit) return changes;
  return [...changes.slice(0, limit), { field: 'more', count: changes.length - limit }];
}

const termsOf = ({ percent, trigger, dueDays }: PaymentTerm): TermTerms => ({ percent, trigger, dueDays });

function itemChanges(old: ContractItem, now: ContractItem): Change[] {
  const changes: Change[] = [];
  if (old.description !== now.description) {
    changes.push({
      field: 'item-description',
      sku: now.sku,
      before: old.description,
      after: now.description,
    });
  }
  if (old.quantity !== now.quantity) {
    changes.push({ field: 'item-quantity', sku: now.sku, before: old.quantity, after: now.quantity });
  }
  if (old.qualityStandard !== now.qualityStandard) {
    changes.push({
      field: 'item-quality',
      sku: now.sku,
      before: old.qualityStandard,
      after: now.qualityStandard,
    });
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
