// The contract findings legal sees, each rule on both sides of its threshold, and the contract policy's reading.
import { describe, expect, it } from 'vitest';
import { contractFindings, type OverdueInstallments } from '../../functions/contract-review/findings.ts';
import type { ContractContent, PaymentTerm } from '../../functions/contract-review/model.ts';
import { contractPolicySchema, readContractPolicy } from '../../functions/contract-review/policy.ts';

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

describe('contractFindings', () => {
  it('finds nothing in a clean contract', () => {
    expect(findings(contract())).toEqual([]);
  });

  describe('advance-too-low', () => {
    const lowAdvance = [term('Advance', 20, { trigger: 'signing' }), term('Balance', 80)];

    it('applies only to amounts strictly over 500,000.00 CNY', () => {
      expect(rules(contract({ amount: cny(500_000_00), paymentTerms: lowAdvance }))).toEqual([]);
      expect(findings(contract({ amount: cny(500_000_01), paymentTerms: lowAdvance }))).toEqual([
        {
          rule: 'advance-too-low',
          severity: 'high',
          message:
            'Advance payment on signing is 20% of CN¥500,000.01; contracts over CN¥500,000.00 should have at least 30%',
        },
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
      expect(found[0]?.message).toContain('is 29.99% of CN¥600,000.00');
    });

    it('counts only terms paid on signing', () => {
      const onDelivery = [term('Advance', 30, { trigger: 'delivery' }), term('Balance', 70)];
      const found = findings(contract({ amount: cny(600_000_00), paymentTerms: onDelivery }));
      expect(found.map((f) => f.rule)).toEqual(['advance-too-low']);
      expect(found[0]?.message).toContain('is 0% of');
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
          message:
            'Payment term "Advance" (30%) is due 91 days after signing, more than the 90 days of credit allowed',
        },
        {
          rule: 'long-credit',
          severity: 'high',
          message:
            'Payment term "Balance" (30%) is due 120 days after acceptance, more than the 90 days of credit allowed',
        },
      ]);
    });
  });

  describe('delivery dates', () => {
    it('accepts delivery exactly 14 days ahead and warns at 13', () => {
      expect(rules(contract({ deliveryDate: '2026-12-06' }))).toEqual([]);
      expect(findings(contract({ deliveryDate: '2026-12-05' }))).toEqual([
        {
          rule: 'short-delivery',
          severity: 'warning',
          message:
            'Delivery date 2026-12-05 is only 13 days away; at least 14 days are needed for production and logistics',
        },
      ]);
    });

    it('counts calendar days across a month and year end', () => {
      expect(rules(contract({ deliveryDate: '2027-01-03' }), { today: '2026-12-20' })).toEqual([]);
      expect(rules(contract({ deliveryDate: '2027-01-02' }), { today: '2026-12-20' })).toEqual([
        'short-delivery',
      ]);
    });

    it('flags a delivery date today or earlier as not in the future, and tomorrow only as short', () => {
      expect(findings(contract({ deliveryDate: today }))).toEqual([
        {
          rule: 'delivery-in-past',
          severity: 'high',
          message: 'Delivery date 2026-11-22 is not in the future (today is 2026-11-22)',
        },
      ]);
      expect(rules(contract({ deliveryDate: '2026-11-01' }))).toEqual(['delivery-in-past']);
      expect(rules(contract({ deliveryDate: '2026-11-23' }))).toEqual(['short-delivery']);
    });

    it('refuses a today that is not an ISO date', () => {
      expect(() => findings(contract(), { today: '22/11/2026' })).toThrow(RangeError);
    });
  });

  describe('customer-overdue', () => {
    it('flags a customer with overdue installments, with count and amount', () => {
      expect(findings(contract(), { overdue: { count: 2, amount: cny(123_456_78) } })).toEqual([
        {
          rule: 'customer-overdue',
          severity: 'high',
          message: 'The customer has 2 overdue installments totalling CN¥123,456.78',
        },
      ]);
      expect(findings(contract(), { overdue: { count: 1, amount: cny(50_00) } })[0]?.message).toBe(
        'The customer has 1 overdue installment totalling CN¥50.00',
      );
    });

    it('says nothing when there is nothing overdue', () => {
      expect(rules(contract())).toEqual([]);
      expect(rules(contract(), { overdue: { count: 0, amount: cny(0) } })).toEqual([]);
    });
  });

  describe('missing and inconsistent fields', () => {
    it('warns when no document is linked', () => {
      expect(findings(contract({ documentUrl: undefined }))).toEqual([
        { rule: 'missing-document', severity: 'warning', message: 'No contract document is linked' },
      ]);
    });

    it('warns about payment term labels repeated in any case', () => {
      const terms = [
        term('Advance', 30, { trigger: 'signing' }),
        term('advance', 20, { trigger: 'signing' }),
        term('Balance', 50),
      ];
      expect(findings(contract({ paymentTerms: terms }))).toEqual([
        {
          rule: 'duplicate-term-label',
          severity: 'warning',
          message: '2 payment terms share the label "Advance", "advance"',
        },
      ]);
      expect(
        rules(
          contract({ paymentTerms: [term('Advance', 30, { trigger: 'signing' }), term('Advances', 70)] }),
        ),
      ).toEqual([]);
    });

    it('flags percents not summing to 100 within 0.001', () => {
      const thirds = (last: number) => [
        term('One', 33.33, { trigger: 'signing' }),
        term('Two', 33.33),
        term('Three', last),
      ];
      expect(rules(contract({ paymentTerms: thirds(33.34) }))).toEqual([]);
      expect(rules(contract({ paymentTerms: thirds(33.339) }))).toEqual([]); // 99.999
      expect(findings(contract({ paymentTerms: thirds(33.33) }))).toEqual([
        { rule: 'terms-not-100', severity: 'high', message: 'Payment terms add up to 99.99%, not 100%' },
      ]);
      expect(rules(contract({ paymentTerms: thirds(33.338) }))).toEqual(['terms-not-100']); // 99.998
      expect(rules(contract({ paymentTerms: thirds(33.35) }))).toEqual(['terms-not-100']); // 100.01
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
    expect(found.map((f) => f.message)).toEqual([
      'Advance payment on signing is 39% of CN¥100,000.01; contracts over CN¥100,000.00 should have at least 40%',
      'Payment term "Balance" (61%) is due 31 days after acceptance, more than the 30 days of credit allowed',
      'Delivery date 2027-01-20 is only 59 days away; at least 60 days are needed for production and logistics',
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
        term('zeta', 10),
        term('Alpha', 70, { dueDays: 95 }),
      ],
    });
    const found = findings(content, { overdue: { count: 3, amount: cny(1_00) } });
    expect(found.map((f) => [f.severity, f.rule])).toEqual([
      ['high', 'advance-too-low'],
      ['high', 'customer-overdue'],
      ['high', 'long-credit'],
      ['high', 'long-credit'],
      ['high', 'terms-not-100'],
      ['warning', 'duplicate-term-label'],
      ['warning', 'missing-document'],
      ['warning', 'short-delivery'],
    ]);
    expect(found.filter((f) => f.rule === 'long-credit').map((f) => f.message.split('"')[1])).toEqual([
      'Zeta',
      'Alpha',
    ]);
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
