// What legal is told changed between contract versions, and the canonical content hash approvals are bound to.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeChanges } from '../../functions/contract-review/changes.ts';
import { canonicalJson, contentHash } from '../../functions/contract-review/content-hash.ts';
import type { ContractContent, ContractItem, PaymentTerm } from '../../functions/contract-review/model.ts';

const advance: PaymentTerm = { label: 'Advance', percent: 20, trigger: 'signing', dueDays: 10 };
const balance: PaymentTerm = { label: 'Balance', percent: 80, trigger: 'acceptance', dueDays: 30 };
const pipe: ContractItem = {
  sku: 'SKU-1',
  description: 'Pipe DN50',
  quantity: 2,
  qualityStandard: 'GB/T 3091',
};
const valve: ContractItem = {
  sku: 'SKU-2',
  description: 'Valve',
  quantity: 5,
  qualityStandard: 'GB/T 12238',
};

const base: ContractContent = {
  customer: { name: 'Acme Ltd', email: 'buyer@acme.example' },
  title: 'Steel pipes 2027',
  amount: { amount: 1_000_000_00, currency: 'CNY' },
  paymentTerms: [advance, balance],
  deliveryDate: '2026-12-01',
  items: [pipe, valve],
  documentUrl: 'https://docs.example.com/v1.pdf',
};
const revise = (extra: Partial<ContractContent>): ContractContent => ({ ...base, ...extra });

describe('describeChanges', () => {
  it('is empty when nothing changed, including a copy with keys in another order', () => {
    expect(describeChanges(base, base)).toEqual([]);
    const reordered = JSON.parse(canonicalJson(base)) as ContractContent;
    expect(describeChanges(base, reordered)).toEqual([]);
  });

  it('describes the title, customer, amount and delivery date', () => {
    expect(describeChanges(base, revise({ title: 'Steel pipes 2027 (revised)' }))).toEqual([
      'Title: "Steel pipes 2027" → "Steel pipes 2027 (revised)"',
    ]);
    expect(
      describeChanges(base, revise({ customer: { name: 'Acme Group', email: 'buyer@acme.example' } })),
    ).toEqual(['Customer: Acme Ltd <buyer@acme.example> → Acme Group <buyer@acme.example>']);
    expect(
      describeChanges(base, revise({ customer: { name: 'Acme Ltd', email: 'ap@acme.example' } })),
    ).toEqual(['Customer: Acme Ltd <buyer@acme.example> → Acme Ltd <ap@acme.example>']);
    expect(describeChanges(base, revise({ amount: { amount: 900_000_00, currency: 'CNY' } }))).toEqual([
      'Amount: CN¥1,000,000.00 → CN¥900,000.00',
    ]);
    expect(describeChanges(base, revise({ deliveryDate: '2027-01-15' }))).toEqual([
      'Delivery date: 2026-12-01 → 2027-01-15',
    ]);
  });

  it('describes a changed payment term, matched by label', () => {
    const changed = [
      { ...advance, percent: 30 },
      { ...balance, percent: 70 },
    ];
    expect(describeChanges(base, revise({ paymentTerms: changed }))).toEqual([
      'Payment term "Advance": 20% on signing, due 10 days → 30% on signing, due 10 days',
      'Payment term "Balance": 80% on acceptance, due 30 days → 70% on acceptance, due 30 days',
    ]);
    expect(
      describeChanges(
        base,
        revise({ paymentTerms: [advance, { ...balance, trigger: 'delivery', dueDays: 1 }] }),
      ),
    ).toEqual(['Payment term "Balance": 80% on acceptance, due 30 days → 80% on delivery, due 1 day']);
  });

  it('describes payment terms added and removed', () => {
    const retention: PaymentTerm = { label: 'Retention', percent: 10, trigger: 'acceptance', dueDays: 365 };
    expect(
      describeChanges(base, revise({ paymentTerms: [advance, { ...balance, percent: 70 }, retention] })),
    ).toEqual([
      'Payment term "Balance": 80% on acceptance, due 30 days → 70% on acceptance, due 30 days',
      'Payment term added: "Retention", 10% on acceptance, due 365 days',
    ]);
    expect(describeChanges(base, revise({ paymentTerms: [{ ...balance, percent: 100 }] }))).toEqual([
      'Payment term "Balance": 80% on acceptance, due 30 days → 100% on acceptance, due 30 days',
      'Payment term removed: "Advance", 20% on signing, due 10 days',
    ]);
  });

  it('treats a renamed term as one removed and one added', () => {
    expect(
      describeChanges(base, revise({ paymentTerms: [{ ...advance, label: 'Deposit' }, balance] })),
    ).toEqual([
      'Payment term removed: "Advance", 20% on signing, due 10 days',
      'Payment term added: "Deposit", 20% on signing, due 10 days',
    ]);
  });

  it('matches repeated labels by occurrence', () => {
    const terms = (first: number, second: number): PaymentTerm[] => [
      { ...advance, percent: first },
      { ...advance, percent: second },
      { ...balance, percent: 100 - first - second },
    ];
    expect(
      describeChanges(revise({ paymentTerms: terms(10, 20) }), revise({ paymentTerms: terms(10, 20) })),
    ).toEqual([]);
    expect(
      describeChanges(revise({ paymentTerms: terms(10, 20) }), revise({ paymentTerms: terms(15, 20) })),
    ).toEqual([
      'Payment term "Advance": 10% on signing, due 10 days → 15% on signing, due 10 days',
      'Payment term "Balance": 70% on acceptance, due 30 days → 65% on acceptance, due 30 days',
    ]);
  });

  it('describes changed items, matched by SKU, one sentence per field', () => {
    expect(describeChanges(base, revise({ items: [{ ...pipe, quantity: 3 }, valve] }))).toEqual([
      'Item SKU-1: quantity 2 → 3',
    ]);
    expect(
      describeChanges(
        base,
        revise({ items: [pipe, { ...valve, description: 'Ball valve', qualityStandard: 'GB/T 12237' }] }),
      ),
    ).toEqual([
      'Item SKU-2: description "Valve" → "Ball valve"',
      'Item SKU-2: quality standard "GB/T 12238" → "GB/T 12237"',
    ]);
  });

  it('describes items added and removed', () => {
    const flange: ContractItem = {
      sku: 'SKU-9',
      description: 'Flange',
      quantity: 4,
      qualityStandard: 'GB/T 9119',
    };
    expect(describeChanges(base, revise({ items: [pipe, valve, flange] }))).toEqual([
      'Item added: SKU-9, 4 × "Flange", quality standard "GB/T 9119"',
    ]);
    expect(describeChanges(base, revise({ items: [valve] }))).toEqual([
      'Item removed: SKU-1, 2 × "Pipe DN50", quality standard "GB/T 3091"',
    ]);
  });

  it('reports a new order of the same terms or items, since it changes the content hash', () => {
    expect(describeChanges(base, revise({ paymentTerms: [balance, advance] }))).toEqual([
      'Payment terms reordered: "Advance", "Balance" → "Balance", "Advance"',
    ]);
    expect(describeChanges(base, revise({ items: [valve, pipe] }))).toEqual([
      'Items reordered: SKU-1, SKU-2 → SKU-2, SKU-1',
    ]);
  });

  it('says the document link was added, removed or changed, without the links', () => {
    const without = revise({ documentUrl: undefined });
    expect(describeChanges(without, base)).toEqual(['Document link added']);
    expect(describeChanges(base, without)).toEqual(['Document link removed']);
    expect(describeChanges(base, revise({ documentUrl: 'https://docs.example.com/v2.pdf' }))).toEqual([
      'Document link changed',
    ]);
    expect(describeChanges(without, without)).toEqual([]);
  });

  it('lists several changes in the order of the contract', () => {
    const after = revise({
      title: 'Pipes',
      amount: { amount: 900_000_00, currency: 'CNY' },
      deliveryDate: '2027-01-15',
      paymentTerms: [
        { ...advance, percent: 30 },
        { ...balance, percent: 70 },
      ],
      items: [{ ...pipe, quantity: 3 }],
      documentUrl: 'https://docs.example.com/v2.pdf',
    });
    expect(describeChanges(base, after)).toEqual([
      'Title: "Steel pipes 2027" → "Pipes"',
      'Amount: CN¥1,000,000.00 → CN¥900,000.00',
      'Delivery date: 2026-12-01 → 2027-01-15',
      'Payment term "Advance": 20% on signing, due 10 days → 30% on signing, due 10 days',
      'Payment term "Balance": 80% on acceptance, due 30 days → 70% on acceptance, due 30 days',
      'Item SKU-1: quantity 2 → 3',
      'Item removed: SKU-2, 5 × "Valve", quality standard "GB/T 12238"',
      'Document link changed',
    ]);
  });
});

describe('canonicalJson', () => {
  it('sorts object keys recursively, keeps array order and adds no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }, 1], c: 'x' } })).toBe(
      '{"a":{"c":"x","d":[3,{"y":2,"z":1},1]},"b":1}',
    );
  });

  it('sorts integer-like keys as strings and treats __proto__ as an ordinary key', () => {
    expect(canonicalJson({ '2': 'b', '10': 'a', x: null })).toBe('{"10":"a","2":"b","x":null}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"b":1,"a":2}}'))).toBe('{"__proto__":{"a":2,"b":1}}');
  });

  it('leaves out undefined members like JSON does', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 1] })).toBe('{"b":[null,1]}');
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });
});

describe('contentHash', () => {
  it('is the SHA-256 hex of the canonical JSON', () => {
    const expected = createHash('sha256').update(canonicalJson(base)).digest('hex');
    expect(contentHash(base)).toBe(expected);
    expect(contentHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('does not depend on key order or on an optional field set to undefined', () => {
    const shuffled: ContractContent = {
      items: base.items.map(({ quantity, qualityStandard, sku, description }) => ({
        quantity,
        qualityStandard,
        sku,
        description,
      })),
      documentUrl: base.documentUrl,
      deliveryDate: base.deliveryDate,
      paymentTerms: base.paymentTerms.map(({ trigger, dueDays, percent, label }) => ({
        trigger,
        dueDays,
        percent,
        label,
      })),
      amount: { currency: 'CNY', amount: base.amount.amount },
      title: base.title,
      customer: { email: base.customer.email, name: base.customer.name },
    };
    expect(JSON.stringify(shuffled)).not.toBe(JSON.stringify(base));
    expect(contentHash(shuffled)).toBe(contentHash(base));
    const { documentUrl: _, ...withoutDocument } = base;
    expect(contentHash({ ...withoutDocument, documentUrl: undefined })).toBe(contentHash(withoutDocument));
  });

  it.each<[string, ContractContent]>([
    ['title', revise({ title: 'Steel pipes 2028' })],
    ['customer name', revise({ customer: { ...base.customer, name: 'Acme Group' } })],
    ['customer email', revise({ customer: { ...base.customer, email: 'ap@acme.example' } })],
    ['amount by one fen', revise({ amount: { amount: 1_000_000_01, currency: 'CNY' } })],
    ['delivery date', revise({ deliveryDate: '2026-12-02' })],
    ['term label', revise({ paymentTerms: [{ ...advance, label: 'Deposit' }, balance] })],
    ['term percent', revise({ paymentTerms: [{ ...advance, percent: 20.5 }, balance] })],
    ['term trigger', revise({ paymentTerms: [{ ...advance, trigger: 'delivery' }, balance] })],
    ['term due days', revise({ paymentTerms: [{ ...advance, dueDays: 11 }, balance] })],
    ['term order', revise({ paymentTerms: [balance, advance] })],
    ['item sku', revise({ items: [{ ...pipe, sku: 'SKU-3' }, valve] })],
    ['item description', revise({ items: [{ ...pipe, description: 'Pipe DN65' }, valve] })],
    ['item quantity', revise({ items: [{ ...pipe, quantity: 3 }, valve] })],
    ['item quality standard', revise({ items: [{ ...pipe, qualityStandard: 'GB/T 8163' }, valve] })],
    ['item order', revise({ items: [valve, pipe] })],
    ['document link', revise({ documentUrl: 'https://docs.example.com/v2.pdf' })],
    ['no document link', revise({ documentUrl: undefined })],
  ])('changes with the %s, and the change is described', (_, changed) => {
    expect(contentHash(changed)).not.toBe(contentHash(base));
    expect(describeChanges(base, changed)).not.toEqual([]);
  });
});
