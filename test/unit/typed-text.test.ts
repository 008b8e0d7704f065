// Text people type: one-line fields refuse control characters (naming the field), several-line fields keep only
// line breaks and tabs, and a mail subject is one clean line whatever reached it.
import { describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { contractInputSchema } from '#contract-review/model.ts';
import { applicationInputSchema } from '#expense-application/model.ts';
import { claimInputSchema } from '#expense-approval/model.ts';
import { headerLine } from '#shared/mailer.ts';
import { personInputSchema, personSchema } from '#shared/people.ts';
import { multiLineText, oneLineText } from '#shared/text.ts';

const controls = {
  NUL: '\u0000',
  BEL: '\u0007',
  ESC: '\u001b',
  'vertical tab': '\u000b',
  'line feed': '\n',
  'carriage return': '\r',
  tab: '\t',
  DEL: '\u007f',
  'C1 NEL': '\u0085',
  'C1 CSI': '\u009b',
};

describe('oneLineText and multiLineText', () => {
  it.each(Object.entries(controls))('one line refuses %s inside the text', (_name, control) => {
    const parsed = oneLineText({ max: 50 }).safeParse(`Customer${control}visit`);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain('one line without control characters');
  });

  it('several lines keep line breaks and tabs, and refuse every other control', () => {
    const several = multiLineText({ max: 50 });
    expect(several.parse(' Building 3\r\n\tGate 2 ')).toBe('Building 3\r\n\tGate 2');
    for (const control of ['\u0000', '\u0007', '\u001b', '\u000b', '\u000c', '\u007f', '\u0085']) {
      expect(several.safeParse(`a${control}b`).success).toBe(false);
    }
  });

  it('take text in any script, and trim it', () => {
    expect(oneLineText({ max: 50 }).parse('  数控车床 · Müller ')).toBe('数控车床 · Müller');
  });
});

const goodClaim = {
  title: 'Customer visit',
  costCenter: 'SALES-EAST',
  items: [
    {
      category: 'travel',
      amount: { amount: 100, currency: 'CNY' },
      date: '2026-11-02',
      description: 'Taxi',
      receipt: 'R-1',
    },
  ],
};
const goodContract = {
  customer: { name: '东方机械', email: 'buyer@east.example' },
  title: '数控车床',
  amount: { amount: 500_000_00, currency: 'CNY' },
  paymentTerms: [{ label: '预付款', percent: 100, trigger: 'signing', dueDays: 10 }],
  deliveryDate: '2027-01-30',
  items: [{ sku: 'CNC-200', description: '数控车床', quantity: 2, qualityStandard: 'GB/T 25659' }],
};
const goodPerson = { name: '李雷', roles: ['sales'] };

/** Sets `value` at `path` in a copy of `body`. */
function withValue(body: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1] as string | number] = value;
  return copy;
}

const oneLineFields: [string, z.ZodMiniType, unknown, (string | number)[]][] = [
  ['claim title', claimInputSchema, goodClaim, ['title']],
  ['claim item description', claimInputSchema, goodClaim, ['items', 0, 'description']],
  ['claim item receipt', claimInputSchema, goodClaim, ['items', 0, 'receipt']],
  ['contract title', contractInputSchema, goodContract, ['title']],
  ['customer name', contractInputSchema, goodContract, ['customer', 'name']],
  ['payment term label', contractInputSchema, goodContract, ['paymentTerms', 0, 'label']],
  ['item sku', contractInputSchema, goodContract, ['items', 0, 'sku']],
  ['item quality standard', contractInputSchema, goodContract, ['items', 0, 'qualityStandard']],
  ["person's name", personInputSchema, goodPerson, ['name']],
];

describe('one-line fields of the API bodies', () => {
  it.each(oneLineFields)(
    'the %s refuses a control character, naming the field',
    (_name, schema, body, path) => {
      expect(schema.safeParse(body).success).toBe(true);
      for (const control of ['\u0000', '\u001b', '\u0007', '\u000b', '\n']) {
        const parsed = schema.safeParse(withValue(body, path, `Visit${control}Shanghai`));
        expect(parsed.error?.issues.map((issue) => issue.path)).toEqual([path]);
      }
    },
  );

  it('several-line fields keep line breaks but refuse NUL: contract item, delivery address, application reason', () => {
    const address = withValue(goodContract, ['deliveryAddress'], 'Building 3\nGate 2');
    expect(
      contractInputSchema.safeParse(withValue(address, ['items', 0, 'description'], 'Lathe\n2 m')).success,
    ).toBe(true);
    expect(
      contractInputSchema.safeParse(withValue(goodContract, ['deliveryAddress'], 'a\u0000b')).error?.issues[0]
        ?.path,
    ).toEqual(['deliveryAddress']);
    const application = {
      costCenter: 'SALES-EAST',
      amount: { amount: 100, currency: 'CNY' },
      reason: 'Trade fair\nin Shenzhen',
    };
    expect(applicationInputSchema.safeParse(application).success).toBe(true);
    expect(
      applicationInputSchema.safeParse({ ...application, reason: 'Trade fair\u0000in Shenzhen' }).error
        ?.issues[0]?.path,
    ).toEqual(['reason']);
  });

  it('an amount with a field more than amount and currency is refused by name', () => {
    const parsed = claimInputSchema.safeParse(withValue(goodClaim, ['items', 0, 'amount', 'rate'], 7.1));
    expect(parsed.error?.issues[0]).toMatchObject({
      code: 'unrecognized_keys',
      path: ['items', 0, 'amount'],
      keys: ['rate'],
    });
  });
});

describe('what was stored before the rule', () => {
  it('is still read: a person saved with a control character in their name can be assigned work', () => {
    const stored = { email: 'li.lei@example.com', name: 'Li\u0007Lei', roles: ['sales'] };
    expect(personInputSchema.safeParse(stored).success).toBe(false);
    expect(personSchema.parse(stored).name).toBe('Li\u0007Lei');
  });
});

describe('a mail subject', () => {
  it('is one line: every C0, DEL and C1 control becomes a space, runs of spaces one', () => {
    expect(
      headerLine('[待审批] EX-2026-00001 Visit\u0000\u001b[31m\r\nBcc: x@evil.example\u0085\u009b\u007fend'),
    ).toBe('[待审批] EX-2026-00001 Visit [31m Bcc: x@evil.example end');
  });
});
