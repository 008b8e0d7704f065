// The contract findings legal sees (records, and sentences in both languages) and the rules a draft must meet, each on both sides of its threshold; the policy's reading.
import { describe, expect, it } from 'vitest';
import { draftProblems, termAmounts } from '../../functions/contract-review/contract-rules.ts';
import { contractFindings, type OverdueInstallments } from '../../functions/contract-review/findings.ts';
import type { ContractContent, Finding, PaymentTerm } from '../../functions/contract-review/model.ts';
import { contractPolicySchema, readContractPolicy } from '../../functions/contract-review/policy.ts';
import { describeFinding } from '../../functions/contract-review/words.ts';
import type { Locale } from '../../functions/shared/people.ts';

const policy = contractPolicySchema.parse({});
const today = '2026-11-22';

const term = (label: string, percent: number, extra: Partial<PaymentTerm> = {}): PaymentTerm => ({
  label,
  percent,
  trigger: 'acceptance',
  dueDays: 30,
  ...extra,
});

// Clean by default: small, 30% advance, credit within 90 days, delivery 60 days out, a document linked.
const contract = (extra: Partial<ContractContent> = {}): ContractContent => ({
  customer: { name: 'Acme Ltd', email: 'buyer@acme.example' },
  title: 'Steel pipes 2027',
  amount: { amount: 200_000_00, currency: 'CNY' },
  paymentTerms: [term('Advance', 30, { trigger: 'signing', dueDays: 10 }), term('Balance', 70)],
  deliveryDate: '2027-01-21',
  items: [{ sku: 'SKU-1', description: 'Pipe DN50', quantity: 2, qualityStandard: 'GB/T 3091' }],
  documentUrl: 'https://docs.example.com/contract.pdf',
  ...extra,
});

const cny = (fen: number) => ({ amount: fen, currency: 'CNY' as const });

const findings = (content: ContractContent, extra: { overdue?: OverdueInstallments; today?: string } = {}) =>
  contractFindings(content, { today, policy, ...extra });
const rules = (content: ContractContent, extra: { overdue?: OverdueInstallments; today?: string } = {}) =>
  findings(content, extra).map((f) => f.rule);
/** The findings as the reader is told them. */
const sentences = (found: readonly Finding[], locale: Locale) => found.map((f) => describeFinding(f, locale));

describe('contractFindings', () => {
  it('finds nothing in a clean contract', () => {
    expect(findings(contract())).toEqual([]);
  });

  describe('advance-too-low', () => {
    const lowAdvance = [term('Advance', 20, { trigger: 'signing' }), term('Balance', 80)];

    it('applies only to amounts strictly over 500,000.00 CNY', () => {
      expect(rules(contract({ amount: cny(500_000_00), paymentTerms: lowAdvance }))).toEqual([]);
      const found = findings(contract({ amount: cny(500_000_01), paymentTerms: lowAdvance }));
      expect(found).toEqual([
        {
          rule: 'advance-too-low',
          severity: 'high',
          params: { advancePercent: 20, amount: cny(500_000_01), largeFrom: cny(500_000_00), minPercent: 30 },
        },
      ]);
      expect(sentences(found, 'en')).toEqual([
        'Advance payment on signing is 20% of CN¥500,000.01; contracts over CN¥500,000.00 should have at least 30%',
      ]);
      expect(sentences(found, 'zh-CN')).toEqual([
        '签约时预付款为 ¥500,000.01 的 20%；超过 ¥500,000.00 的合同预付款应不少于 30%',
      ]);
    });

    it('accepts exactly 30% on signing, summed over several signing terms, and flags 29.99%', () => {
      const large = cny(600_000_00);
      const exactly30 = [
        term('Deposit', 10, { trigger: 'signing' }),
        term('Advance', 20, { trigger: 'signing' }),
        term('Balance', 70),
      ];
      expect(rules(contract({ amount: large, paymentTerms: exactly30 }))).toEqual([]);
      const under = [term('Advance', 29.99, { trigger: 'signing' }), term('Balance', 70.01)];
      const found = findings(contract({ amount: large, paymentTerms: under }));
      expect(found.map((f) => f.rule)).toEqual(['advance-too-low']);
      expect(found[0]?.params).toMatchObject({ advancePercent: 29.99, amount: large });
      expect(sentences(found, 'en')[0]).toContain('is 29.99% of CN¥600,000.00');
    });

    it('records the advance without float noise', () => {
      const tiny = [
        term('Deposit', 0.1, { trigger: 'signing' }),
        term('Advance', 0.2, { trigger: 'signing' }),
        term('Balance', 99.7),
      ];
      const found = findings(contract({ amount: cny(600_000_00), paymentTerms: tiny }));
      expect(found[0]?.params).toMatchObject({ advancePercent: 0.3 });
      expect(sentences(found, 'en')[0]).toContain('is 0.3% of');
    });

    it('counts only terms paid on signing', () => {
      const onDelivery = [term('Advance', 30, { trigger: 'delivery' }), term('Balance', 70)];
      const found = findings(contract({ amount: cny(600_000_00), paymentTerms: onDelivery }));
      expect(found.map((f) => f.rule)).toEqual(['advance-too-low']);
      expect(found[0]?.params).toMatchObject({ advancePercent: 0 });
      expect(sentences(found, 'en')[0]).toContain('is 0% of');
    });
  });

  describe('long-credit', () => {
    it('allows 90 days and flags 91, one finding per term, naming it', () => {
      expect(
        rules(
          contract({
            paymentTerms: [term('Advance', 30, { trigger: 'signing' }), term('Balance', 70, { dueDays: 90 })],
          }),
        ),
      ).toEqual([]);
      const found = findings(
        contract({
          paymentTerms: [
            term('Advance', 30, { trigger: 'signing', dueDays: 91 }),
            term('Middle', 40, { trigger: 'delivery', dueDays: 90 }),
            term('Balance', 30, { dueDays: 120 }),
          ],
        }),
      );
      expect(found).toEqual([
        {
          rule: 'long-credit',
          severity: 'high',
          params: { label: 'Advance', percent: 30, trigger: 'signing', dueDays: 91, maxDays: 90 },
        },
        {
          rule: 'long-credit',
          severity: 'high',
          params: { label: 'Balance', percent: 30, trigger: 'acceptance', dueDays: 120, maxDays: 90 },
        },
      ]);
      expect(sentences(found, 'en')).toEqual([
        'Payment term "Advance" (30%) is due 91 days after signing, more than the 90 days of credit allowed',
        'Payment term "Balance" (30%) is due 120 days after acceptance, more than the 90 days of credit allowed',
      ]);
      expect(sentences(found, 'zh-CN')).toEqual([
        '付款条款“Advance”（30%）在签署后 91 天到期，超过允许的 90 天账期',
        '付款条款“Balance”（30%）在验收后 120 天到期，超过允许的 90 天账期',
      ]);
    });
  });

  describe('delivery dates', () => {
    it('accepts delivery exactly 14 days ahead and warns at 13', () => {
      expect(rules(contract({ deliveryDate: '2026-12-06' }))).toEqual([]);
      const found = findings(contract({ deliveryDate: '2026-12-05' }));
      expect(found).toEqual([
        {
          rule: 'short-delivery',
          severity: 'warning',
          params: { deliveryDate: '2026-12-05', leadDays: 13, minLeadDays: 14 },
        },
      ]);
      expect(sentences(found, 'en')).toEqual([
        'Delivery date 5 Dec 2026 is only 13 days away; at least 14 days are needed for production and logistics',
      ]);
      expect(sentences(found, 'zh-CN')).toEqual([
        '交付日期 2026年12月5日 距今仅 13 天；生产和物流至少需要 14 天',
      ]);
    });

    it('counts calendar days across a month and year end', () => {
      expect(rules(contract({ deliveryDate: '2027-01-03' }), { today: '2026-12-20' })).toEqual([]);
      expect(rules(contract({ deliveryDate: '2027-01-02' }), { today: '2026-12-20' })).toEqual([
        'short-delivery',
      ]);
    });

    it('only warns about delivery tomorrow, the earliest date a draft may name', () => {
      const found = findings(contract({ deliveryDate: '2026-11-23' }));
      expect(found).toEqual([
        {
          rule: 'short-delivery',
          severity: 'warning',
          params: { deliveryDate: '2026-11-23', leadDays: 1, minLeadDays: 14 },
        },
      ]);
      expect(sentences(found, 'en')).toEqual([
        'Delivery date 23 Nov 2026 is only 1 day away; at least 14 days are needed for production and logistics',
      ]);
    });

    it('refuses a today that is not an ISO date', () => {
      expect(() => findings(contract(), { today: '22/11/2026' })).toThrow(RangeError);
    });
  });

  describe('customer-overdue', () => {
    it('flags a customer with overdue installments, with count and amount', () => {
      const found = findings(contract(), { overdue: { count: 2, amount: cny(123_456_78) } });
      expect(found).toEqual([
        { rule: 'customer-overdue', severity: 'high', params: { count: 2, amount: cny(123_456_78) } },
      ]);
      expect(sentences(found, 'en')).toEqual([
        'The customer has 2 overdue installments totalling CN¥123,456.78',
      ]);
      expect(sentences(found, 'zh-CN')).toEqual(['该客户有 2 笔逾期未付的分期款，共 ¥123,456.78']);
      const one = findings(contract(), { overdue: { count: 1, amount: cny(50_00) } });
      expect(sentences(one, 'en')).toEqual(['The customer has 1 overdue installment totalling CN¥50.00']);
    });

    it('says nothing when there is nothing overdue', () => {
      expect(rules(contract())).toEqual([]);
      expect(rules(contract(), { overdue: { count: 0, amount: cny(0) } })).toEqual([]);
    });
  });

  describe('missing and inconsistent fields', () => {
    it('warns when no document is linked', () => {
      const found = findings(contract({ documentUrl: undefined }));
      expect(found).toEqual([{ rule: 'missing-document', severity: 'warning', params: {} }]);
      expect(sentences(found, 'en')).toEqual(['No contract document is linked']);
      expect(sentences(found, 'zh-CN')).toEqual(['未附合同文本链接']);
    });

    it('warns about payment term labels repeated in any case', () => {
      const terms = [
        term('Advance', 30, { trigger: 'signing' }),
        term('advance', 20, { trigger: 'signing' }),
        term('Balance', 50),
      ];
      const found = findings(contract({ paymentTerms: terms }));
      expect(found).toEqual([
        { rule: 'duplicate-term-label', severity: 'warning', params: { labels: ['Advance', 'advance'] } },
      ]);
      expect(sentences(found, 'en')).toEqual(['2 payment terms share the label "Advance", "advance"']);
      expect(sentences(found, 'zh-CN')).toEqual(['2 个付款条款名称相同：“Advance”、“advance”']);
      expect(
        rules(
          contract({ paymentTerms: [term('Advance', 30, { trigger: 'signing' }), term('Advances', 70)] }),
        ),
      ).toEqual([]);
    });
  });

  it('follows configured thresholds', () => {
    const strict = readContractPolicy(
      JSON.stringify({
        largeContractFrom: 100_000_00,
        minAdvancePercent: 40,
        maxCreditDays: 30,
        minDeliveryLeadDays: 60,
      }),
    );
    const content = contract({
      amount: cny(100_000_01),
      paymentTerms: [term('Advance', 39, { trigger: 'signing' }), term('Balance', 61, { dueDays: 31 })],
      deliveryDate: '2027-01-20', // 59 days ahead
    });
    const found = contractFindings(content, { today, policy: strict });
    expect(found.map((f) => f.rule)).toEqual(['advance-too-low', 'long-credit', 'short-delivery']);
    expect(found.map((f) => f.params)).toEqual([
      { advancePercent: 39, amount: cny(100_000_01), largeFrom: cny(100_000_00), minPercent: 40 },
      { label: 'Balance', percent: 61, trigger: 'acceptance', dueDays: 31, maxDays: 30 },
      { deliveryDate: '2027-01-20', leadDays: 59, minLeadDays: 60 },
    ]);
    expect(sentences(found, 'en')).toEqual([
      'Advance payment on signing is 39% of CN¥100,000.01; contracts over CN¥100,000.00 should have at least 40%',
      'Payment term "Balance" (61%) is due 31 days after acceptance, more than the 30 days of credit allowed',
      'Delivery date 20 Jan 2027 is only 59 days away; at least 60 days are needed for production and logistics',
    ]);
    // The same contract under the defaults is clean, so the configured numbers made the difference.
    expect(rules(content)).toEqual([]);
  });

  it('orders findings by severity, then rule id, keeping term order within a rule', () => {
    const content = contract({
      amount: cny(600_000_00),
      documentUrl: undefined,
      deliveryDate: '2026-11-30',
      paymentTerms: [
        term('Zeta', 10, { trigger: 'signing', dueDays: 100 }),
        term('zeta', 20),
        term('Alpha', 70, { dueDays: 95 }),
      ],
    });
    const found = findings(content, { overdue: { count: 3, amount: cny(1_00) } });
    expect(found.map((f) => [f.severity, f.rule])).toEqual([
      ['high', 'advance-too-low'],
      ['high', 'customer-overdue'],
      ['high', 'long-credit'],
      ['high', 'long-credit'],
      ['warning', 'duplicate-term-label'],
      ['warning', 'missing-document'],
      ['warning', 'short-delivery'],
    ]);
    const credit = found.flatMap((f) => (f.rule === 'long-credit' ? [f.params.label] : []));
    expect(credit).toEqual(['Zeta', 'Alpha']);
    // Reversing the input terms changes nothing but the order within long-credit.
    const reversed = findings(
      { ...content, paymentTerms: [...content.paymentTerms].reverse() },
      {
        overdue: { count: 3, amount: cny(1_00) },
      },
    );
    expect(reversed.map((f) => f.rule)).toEqual(found.map((f) => f.rule));
  });
});

describe('describeFinding', () => {
  // Every rule at once, on a contract sales wrote in Chinese: labels are what a person typed.
  const everyRule = () =>
    findings(
      contract({
        amount: cny(1_234_567_89),
        documentUrl: undefined,
        deliveryDate: '2026-11-30',
        paymentTerms: [
          term('预付款', 10, { trigger: 'signing', dueDays: 100 }),
          term('预付款', 20, { trigger: 'delivery' }),
          term('尾款', 70, { dueDays: 120 }),
        ],
      }),
      { overdue: { count: 3, amount: cny(2_345_678_90) } },
    );

  it('has a sentence for every rule in both locales', () => {
    const found = everyRule();
    expect(new Set(found.map((f) => f.rule))).toEqual(
      new Set([
        'advance-too-low',
        'long-credit',
        'short-delivery',
        'customer-overdue',
        'missing-document',
        'duplicate-term-label',
      ]),
    );
    for (const locale of ['zh-CN', 'en'] as const) {
      for (const sentence of sentences(found, locale)) expect(sentence.length).toBeGreaterThan(0);
    }
  });

  it('writes no English word in a zh-CN sentence, and money and dates in Chinese form', () => {
    const zh = sentences(everyRule(), 'zh-CN');
    for (const sentence of zh) expect(sentence).not.toMatch(/[A-Za-z]/);
    expect(zh).toContain('签约时预付款为 ¥1,234,567.89 的 10%；超过 ¥500,000.00 的合同预付款应不少于 30%');
    expect(zh).toContain('该客户有 3 笔逾期未付的分期款，共 ¥2,345,678.90');
    expect(zh).toContain('交付日期 2026年11月30日 距今仅 8 天；生产和物流至少需要 14 天');
    expect(zh).toContain('付款条款“尾款”（70%）在验收后 120 天到期，超过允许的 90 天账期');
    expect(zh).toContain('2 个付款条款名称相同：“预付款”、“预付款”');
  });

  it('writes the English sentence with money and dates in English form', () => {
    const en = sentences(everyRule(), 'en');
    expect(en).toContain(
      'Advance payment on signing is 10% of CN¥1,234,567.89; contracts over CN¥500,000.00 should have at least 30%',
    );
    expect(en).toContain('The customer has 3 overdue installments totalling CN¥2,345,678.90');
    expect(en).toContain(
      'Delivery date 30 Nov 2026 is only 8 days away; at least 14 days are needed for production and logistics',
    );
    // Nothing Chinese but what sales typed (the labels).
    for (const sentence of en)
      expect(sentence.replaceAll('预付款', '').replaceAll('尾款', '')).not.toMatch(/\p{Script=Han}/u);
  });
});

describe('draftProblems', () => {
  const thirds = (last: number) => [
    term('One', 33.33, { trigger: 'signing' }),
    term('Two', 33.33),
    term('Three', last),
  ];
  const fields = (content: ContractContent) => draftProblems(content, today).map((p) => p.field);

  it('accepts a clean draft', () => {
    expect(draftProblems(contract(), today)).toEqual([]);
  });

  it('accepts percentages adding up to exactly 100 as decimals, float noise or not', () => {
    expect(fields(contract({ paymentTerms: thirds(33.34) }))).toEqual([]);
    // 0.1 + 0.2 is 0.30000000000000004 as binary floats; as written it is 0.3.
    expect(fields(contract({ paymentTerms: [term('A', 0.1), term('B', 0.2), term('C', 99.7)] }))).toEqual([]);
    expect(fields(contract({ paymentTerms: [term('All', 100, { trigger: 'signing' })] }))).toEqual([]);
  });

  it('refuses percentages a little under or over 100, naming them', () => {
    expect(draftProblems(contract({ paymentTerms: thirds(33.33) }), today)).toEqual([
      { field: 'paymentTerms', message: 'the percentages add up to 33.33 + 33.33 + 33.33, not 100' },
    ]);
    expect(fields(contract({ paymentTerms: thirds(33.339) }))).toEqual(['paymentTerms']); // 99.999
    expect(fields(contract({ paymentTerms: thirds(33.3399999) }))).toEqual(['paymentTerms']); // 99.9999999
    expect(fields(contract({ paymentTerms: thirds(33.3400001) }))).toEqual(['paymentTerms']); // 100.0000001
    expect(fields(contract({ paymentTerms: thirds(33.35) }))).toEqual(['paymentTerms']); // 100.01
  });

  it('accepts delivery tomorrow and refuses delivery today or earlier', () => {
    expect(fields(contract({ deliveryDate: '2026-11-23' }))).toEqual([]);
    expect(draftProblems(contract({ deliveryDate: today }), today)).toEqual([
      { field: 'deliveryDate', message: 'must be in the future' },
    ]);
    expect(fields(contract({ deliveryDate: '2026-11-01' }))).toEqual(['deliveryDate']);
  });

  it('names both problems of a draft, terms first', () => {
    const content = contract({
      paymentTerms: [term('All', 90, { trigger: 'signing' })],
      deliveryDate: '2026-11-21',
    });
    expect(fields(content)).toEqual(['paymentTerms', 'deliveryDate']);
  });
});

describe('termAmounts', () => {
  const amounts = (fen: number, percents: number[]) =>
    termAmounts(
      contract({
        amount: cny(fen),
        paymentTerms: percents.map((percent, i) => term(`T${i}`, percent)),
      }),
    ).map((m) => m.amount);

  it('splits 100.00 CNY by 33.33 / 33.33 / 33.34 exactly', () => {
    expect(amounts(100_00, [33.33, 33.33, 33.34])).toEqual([33_33, 33_33, 33_34]);
    const terms = [term('One', 33.33), term('Two', 33.33), term('Three', 33.34)];
    expect(termAmounts(contract({ amount: cny(100_00), paymentTerms: terms }))).toEqual([
      cny(33_33),
      cny(33_33),
      cny(33_34),
    ]);
  });

  it('gives the fen left over by rounding to the largest remainder, so the terms add up to the amount', () => {
    const split = amounts(100_01, [33.33, 33.33, 33.34]);
    expect(split).toEqual([33_33, 33_33, 33_35]);
    expect(split.reduce((a, b) => a + b, 0)).toBe(100_01);
    expect(amounts(1, [33.33, 33.33, 33.34])).toEqual([0, 0, 1]);
    // On a tie the earlier term gets the fen.
    expect(amounts(1, [50, 50])).toEqual([1, 0]);
  });

  it('splits 30 / 60 / 10 of an odd amount: the two fen left over go to the largest remainders', () => {
    // 37,037,036.7 · 74,074,073.4 · 12,345,678.9 fen
    expect(amounts(1_234_567_89, [30, 60, 10])).toEqual([370_370_37, 740_740_73, 123_456_79]);
    expect(amounts(300_000_00, [30, 60, 10])).toEqual([90_000_00, 180_000_00, 30_000_00]);
  });

  it('refuses terms that do not add up to 100', () => {
    expect(() => amounts(100_00, [33.33, 33.33, 33.33])).toThrow(/sum to exactly 100/);
  });
});

describe('readContractPolicy', () => {
  it('has the documented defaults', () => {
    expect(readContractPolicy(undefined)).toEqual({
      largeContractFrom: 500_000_00,
      minAdvancePercent: 30,
      maxCreditDays: 90,
      minDeliveryLeadDays: 14,
      directorApprovalFrom: 1_000_000_00,
      legalSla: {
        reminderAfter: { businessDays: 2 },
        escalateAfter: { businessDays: 3 },
        escalateTo: 'legal-head',
      },
      directorSla: { reminderAfter: { businessDays: 2 }, escalateAfter: { businessDays: 4 } },
      signingSla: { reminderAfter: { businessDays: 2 }, escalateAfter: { businessDays: 4 } },
    });
    expect(readContractPolicy('')).toEqual(policy);
  });

  it('overrides any subset and keeps the other defaults', () => {
    const read = readContractPolicy(
      '{"maxCreditDays": 60, "signingSla": {"reminderAfter": {"hours": 4}, "escalateAfter": {"days": 1}}}',
    );
    expect(read.maxCreditDays).toBe(60);
    expect(read.signingSla).toEqual({ reminderAfter: { hours: 4 }, escalateAfter: { days: 1 } });
    expect(read.minAdvancePercent).toBe(30);
    expect(read.legalSla.escalateTo).toBe('legal-head');
  });

  it('names every bad field', () => {
    expect(() => readContractPolicy('{"minAdvancePercent": 120, "largeContractFrom": 1.5}')).toThrow(
      /^Bad CONTRACT_POLICY: .*minAdvancePercent: .*largeContractFrom: |^Bad CONTRACT_POLICY: .*largeContractFrom: .*minAdvancePercent: /,
    );
    expect(() =>
      readContractPolicy(
        '{"legalSla": {"reminderAfter": {"weeks": 1}, "escalateAfter": {"businessDays": 3}}}',
      ),
    ).toThrow(/Bad CONTRACT_POLICY: legalSla\.reminderAfter/);
    expect(() => readContractPolicy('{"maxCreditDay": 60}')).toThrow(/Bad CONTRACT_POLICY: .*maxCreditDay/);
  });

  it('says which variable holds JSON that does not parse', () => {
    expect(() => readContractPolicy('{maxCreditDays: 60}')).toThrow(/^Bad CONTRACT_POLICY: not valid JSON/);
  });
});
