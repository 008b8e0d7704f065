// What legal is told changed between contract versions, in both languages, and the canonical content hash approvals are bound to.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Change, capChanges, describeChanges } from '../../functions/contract-review/changes.ts';
import { canonicalJson, contentHash } from '../../functions/contract-review/content-hash.ts';
import type { ContractContent, ContractItem, PaymentTerm } from '../../functions/contract-review/model.ts';
import { describeChange } from '../../functions/contract-review/words.ts';
import type { Locale } from '../../functions/shared/people.ts';

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

/** What a reader is told changed from `before` to `after`, one sentence per change. */
const changes = (before: ContractContent, after: ContractContent, locale: Locale = 'en') =>
  describeChanges(before, after).map((change) => describeChange(change, locale));

describe('describeChanges in English', () => {
  it('is empty when nothing changed, including a copy with keys in another order', () => {
    expect(describeChanges(base, base)).toEqual([]);
    const reordered = JSON.parse(canonicalJson(base)) as ContractContent;
    expect(describeChanges(base, reordered)).toEqual([]);
  });

  it('describes the title, customer, amount and delivery date', () => {
    expect(changes(base, revise({ title: 'Steel pipes 2027 (revised)' }))).toEqual([
      'Title: "Steel pipes 2027" → "Steel pipes 2027 (revised)"',
    ]);
    expect(changes(base, revise({ customer: { name: 'Acme Group', email: 'buyer@acme.example' } }))).toEqual([
      'Customer: Acme Ltd <buyer@acme.example> → Acme Group <buyer@acme.example>',
    ]);
    expect(changes(base, revise({ customer: { name: 'Acme Ltd', email: 'ap@acme.example' } }))).toEqual([
      'Customer: Acme Ltd <buyer@acme.example> → Acme Ltd <ap@acme.example>',
    ]);
    expect(changes(base, revise({ amount: { amount: 900_000_00, currency: 'CNY' } }))).toEqual([
      'Amount: CN¥1,000,000.00 → CN¥900,000.00',
    ]);
    expect(changes(base, revise({ deliveryDate: '2027-01-15' }))).toEqual([
      'Delivery date: 1 Dec 2026 → 15 Jan 2027',
    ]);
  });

  it('describes a changed payment term, matched by label', () => {
    const changed = [
      { ...advance, percent: 30 },
      { ...balance, percent: 70 },
    ];
    expect(changes(base, revise({ paymentTerms: changed }))).toEqual([
      'Payment term "Advance": 20% on signing, due 10 days → 30% on signing, due 10 days',
      'Payment term "Balance": 80% on acceptance, due 30 days → 70% on acceptance, due 30 days',
    ]);
    expect(
      changes(base, revise({ paymentTerms: [advance, { ...balance, trigger: 'delivery', dueDays: 1 }] })),
    ).toEqual(['Payment term "Balance": 80% on acceptance, due 30 days → 80% on delivery, due 1 day']);
  });

  it('describes payment terms added and removed', () => {
    const retention: PaymentTerm = { label: 'Retention', percent: 10, trigger: 'acceptance', dueDays: 365 };
    expect(
      changes(base, revise({ paymentTerms: [advance, { ...balance, percent: 70 }, retention] })),
    ).toEqual([
      'Payment term "Balance": 80% on acceptance, due 30 days → 70% on acceptance, due 30 days',
      'Payment term added: "Retention", 10% on acceptance, due 365 days',
    ]);
    expect(changes(base, revise({ paymentTerms: [{ ...balance, percent: 100 }] }))).toEqual([
      'Payment term "Balance": 80% on acceptance, due 30 days → 100% on acceptance, due 30 days',
      'Payment term removed: "Advance", 20% on signing, due 10 days',
    ]);
  });

  it('treats a renamed term as one removed and one added', () => {
    expect(changes(base, revise({ paymentTerms: [{ ...advance, label: 'Deposit' }, balance] }))).toEqual([
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
    expect(changes(revise({ paymentTerms: terms(10, 20) }), revise({ paymentTerms: terms(10, 20) }))).toEqual(
      [],
    );
    expect(changes(revise({ paymentTerms: terms(10, 20) }), revise({ paymentTerms: terms(15, 20) }))).toEqual(
      [
        'Payment term "Advance": 10% on signing, due 10 days → 15% on signing, due 10 days',
        'Payment term "Balance": 70% on acceptance, due 30 days → 65% on acceptance, due 30 days',
      ],
    );
  });

  it('describes changed items, matched by SKU, one sentence per field', () => {
    expect(changes(base, revise({ items: [{ ...pipe, quantity: 3 }, valve] }))).toEqual([
      'Item SKU-1: quantity 2 → 3',
    ]);
    expect(
      changes(
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
    expect(changes(base, revise({ items: [pipe, valve, flange] }))).toEqual([
      'Item added: SKU-9, 4 × "Flange", quality standard "GB/T 9119"',
    ]);
    expect(changes(base, revise({ items: [valve] }))).toEqual([
      'Item removed: SKU-1, 2 × "Pipe DN50", quality standard "GB/T 3091"',
    ]);
  });

  it('reports a new order of the same terms or items, since it changes the content hash', () => {
    expect(changes(base, revise({ paymentTerms: [balance, advance] }))).toEqual([
      'Payment terms reordered: "Advance", "Balance" → "Balance", "Advance"',
    ]);
    expect(changes(base, revise({ items: [valve, pipe] }))).toEqual([
      'Items reordered: SKU-1, SKU-2 → SKU-2, SKU-1',
    ]);
  });

  it('says the document link was added, removed or changed, without the links', () => {
    const without = revise({ documentUrl: undefined });
    expect(changes(without, base)).toEqual(['Document link added']);
    expect(changes(base, without)).toEqual(['Document link removed']);
    expect(changes(base, revise({ documentUrl: 'https://docs.example.com/v2.pdf' }))).toEqual([
      'Document link changed',
    ]);
    expect(changes(without, without)).toEqual([]);
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
    expect(changes(base, after)).toEqual([
      'Title: "Steel pipes 2027" → "Pipes"',
      'Amount: CN¥1,000,000.00 → CN¥900,000.00',
      'Delivery date: 1 Dec 2026 → 15 Jan 2027',
      'Payment term "Advance": 20% on signing, due 10 days → 30% on signing, due 10 days',
      'Payment term "Balance": 80% on acceptance, due 30 days → 70% on acceptance, due 30 days',
      'Item SKU-1: quantity 2 → 3',
      'Item removed: SKU-2, 5 × "Valve", quality standard "GB/T 12238"',
      'Document link changed',
    ]);
  });
});

describe('describeChanges records', () => {
  it('records what changed with its values, for the words to say in any language', () => {
    expect(
      describeChanges(
        base,
        revise({
          amount: { amount: 900_000_00, currency: 'CNY' },
          paymentTerms: [
            { ...advance, percent: 30 },
            { ...balance, percent: 70 },
          ],
          items: [pipe],
          documentUrl: 'https://docs.example.com/v2.pdf',
        }),
      ),
    ).toEqual([
      {
        field: 'amount',
        before: { amount: 1_000_000_00, currency: 'CNY' },
        after: { amount: 900_000_00, currency: 'CNY' },
      },
      {
        field: 'term',
        label: 'Advance',
        before: { percent: 20, trigger: 'signing', dueDays: 10 },
        after: { percent: 30, trigger: 'signing', dueDays: 10 },
      },
      {
        field: 'term',
        label: 'Balance',
        before: { percent: 80, trigger: 'acceptance', dueDays: 30 },
        after: { percent: 70, trigger: 'acceptance', dueDays: 30 },
      },
      { field: 'item-removed', item: valve },
      { field: 'document', change: 'changed' },
    ]);
  });

  it('never records the document links themselves', () => {
    const changed = describeChanges(base, revise({ documentUrl: 'https://docs.example.com/v2.pdf' }));
    expect(JSON.stringify(changed)).not.toContain('docs.example.com');
  });
});

describe('describeChanges in Chinese', () => {
  const zh = (before: ContractContent, after: ContractContent) => changes(before, after, 'zh-CN');

  it('describes the title, customer, amount and delivery date, with money and dates in Chinese form', () => {
    expect(zh(base, revise({ title: 'Steel pipes 2027 (revised)' }))).toEqual([
      '标题：“Steel pipes 2027” → “Steel pipes 2027 (revised)”',
    ]);
    expect(zh(base, revise({ customer: { name: 'Acme Group', email: 'ap@acme.example' } }))).toEqual([
      '客户：Acme Ltd <buyer@acme.example> → Acme Group <ap@acme.example>',
    ]);
    expect(zh(base, revise({ amount: { amount: 900_000_00, currency: 'CNY' } }))).toEqual([
      '金额：¥1,000,000.00 → ¥900,000.00',
    ]);
    expect(zh(base, revise({ deliveryDate: '2027-01-15' }))).toEqual([
      '交付日期：2026年12月1日 → 2027年1月15日',
    ]);
  });

  it('describes a changed payment term, with its trigger in Chinese', () => {
    expect(
      zh(
        base,
        revise({
          paymentTerms: [
            { ...advance, percent: 30 },
            { ...balance, percent: 70, trigger: 'delivery' },
          ],
        }),
      ),
    ).toEqual([
      '付款条款“Advance”：20%，签署后 10 天内付款 → 30%，签署后 10 天内付款',
      '付款条款“Balance”：80%，验收后 30 天内付款 → 70%，交付后 30 天内付款',
    ]);
  });

  it('describes terms and items added and removed', () => {
    const retention: PaymentTerm = { label: '质保金', percent: 10, trigger: 'acceptance', dueDays: 365 };
    expect(zh(base, revise({ paymentTerms: [advance, { ...balance, percent: 70 }, retention] }))).toEqual([
      '付款条款“Balance”：80%，验收后 30 天内付款 → 70%，验收后 30 天内付款',
      '新增付款条款：“质保金”，10%，验收后 365 天内付款',
    ]);
    expect(zh(base, revise({ paymentTerms: [{ ...balance, percent: 100 }] }))).toContain(
      '删除付款条款：“Advance”，20%，签署后 10 天内付款',
    );
    expect(zh(base, revise({ items: [valve] }))).toEqual([
      '删除品项：SKU-1，2 × “Pipe DN50”，质量标准 “GB/T 3091”',
    ]);
    const flange: ContractItem = {
      sku: 'SKU-9',
      description: '法兰',
      quantity: 1200,
      qualityStandard: 'GB/T 9119',
    };
    expect(zh(base, revise({ items: [pipe, valve, flange] }))).toEqual([
      '新增品项：SKU-9，1,200 × “法兰”，质量标准 “GB/T 9119”',
    ]);
  });

  it('describes changed items field by field, quantities grouped', () => {
    expect(
      zh(
        base,
        revise({
          items: [
            { ...pipe, quantity: 1500 },
            { ...valve, description: '球阀', qualityStandard: 'GB/T 12237' },
          ],
        }),
      ),
    ).toEqual([
      '品项 SKU-1：数量 2 → 1,500',
      '品项 SKU-2：描述 “Valve” → “球阀”',
      '品项 SKU-2：质量标准 “GB/T 12238” → “GB/T 12237”',
    ]);
  });

  it('reports a new order of terms or items', () => {
    expect(zh(base, revise({ paymentTerms: [balance, advance], items: [valve, pipe] }))).toEqual([
      '付款条款顺序调整：“Advance”、“Balance” → “Balance”、“Advance”',
      '品项顺序调整：SKU-1、SKU-2 → SKU-2、SKU-1',
    ]);
  });

  it('says the document link was added, removed or changed, without the links', () => {
    const without = revise({ documentUrl: undefined });
    expect(zh(without, base)).toEqual(['新增合同文本链接']);
    expect(zh(base, without)).toEqual(['删除合同文本链接']);
    expect(zh(base, revise({ documentUrl: 'https://docs.example.com/v2.pdf' }))).toEqual([
      '合同文本链接已更改',
    ]);
  });

  it('writes no English word of its own: only what sales typed (titles, labels, SKUs, standards) stays as typed', () => {
    const chinese: ContractContent = {
      customer: { name: '华东机械有限公司', email: 'buyer@acme.example' },
      title: '钢管采购',
      amount: { amount: 1_000_000_00, currency: 'CNY' },
      paymentTerms: [
        { label: '预付款', percent: 20, trigger: 'signing', dueDays: 10 },
        { label: '尾款', percent: 80, trigger: 'acceptance', dueDays: 30 },
      ],
      deliveryDate: '2026-12-01',
      items: [{ sku: '一号', description: '钢管', quantity: 2, qualityStandard: '国标' }],
      documentUrl: 'https://docs.example.com/v1.pdf',
    };
    const after: ContractContent = {
      ...chinese,
      title: '钢管采购（修订）',
      amount: { amount: 900_000_00, currency: 'CNY' },
      deliveryDate: '2027-01-15',
      paymentTerms: [
        { label: '尾款', percent: 70, trigger: 'delivery', dueDays: 1 },
        { label: '预付款', percent: 30, trigger: 'signing', dueDays: 10 },
      ],
      items: [
        { sku: '一号', description: '无缝钢管', quantity: 3, qualityStandard: '行标' },
        { sku: '二号', description: '阀门', quantity: 5, qualityStandard: '国标' },
      ],
      documentUrl: undefined,
    };
    const sentences = zh(chinese, after);
    expect(sentences.length).toBeGreaterThanOrEqual(10);
    for (const sentence of sentences) expect(sentence).not.toMatch(/[A-Za-z]/);
  });
});

describe('capChanges', () => {
  const many: Change[] = Array.from({ length: 5 }, (_, i) => ({
    field: 'item-quantity',
    sku: `SKU-${i}`,
    before: i,
    after: i + 1,
  }));

  it('keeps a list up to the limit as it is', () => {
    expect(capChanges(many, 5)).toEqual(many);
    expect(capChanges(many, 60)).toEqual(many);
    expect(capChanges([], 0)).toEqual([]);
  });

  it('keeps the first changes up to the limit and counts the rest in one last entry', () => {
    expect(capChanges(many, 3)).toEqual([...many.slice(0, 3), { field: 'more', count: 2 }]);
    expect(capChanges(many, 4).at(-1)).toEqual({ field: 'more', count: 1 });
    expect(capChanges(many, 0)).toEqual([{ field: 'more', count: 5 }]);
  });

  it('says how many more there are in both languages', () => {
    const more = capChanges(many, 3).at(-1) as Change;
    expect(describeChange(more, 'zh-CN')).toBe('另有 2 处修改');
    expect(describeChange(more, 'en')).toBe('… and 2 more changes');
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
