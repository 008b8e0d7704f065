// Money stays exact: schemas, same-currency arithmetic, allocation, locale formatting and 大写 numerals.
import { describe, expect, it } from 'vitest';
import { DomainError } from '#shared/errors.ts';
import {
  add,
  allocate,
  CurrencyMismatchError,
  compare,
  formatMoney,
  formatMoneyForMail,
  isZero,
  type Money,
  max,
  min,
  money,
  moneySchema,
  multiplyByPercent,
  signedMoneySchema,
  subtract,
  sum,
  toChineseCapital,
  toDecimalString,
  zero,
} from '#shared/money.ts';

const cny = (fen: number): Money => ({ amount: fen, currency: 'CNY' });
const usd = (cents: number): Money => ({ amount: cents, currency: 'USD' });
const amounts = (list: Money[]) => list.map((m) => m.amount);
const messages = (input: unknown, schema = moneySchema) => {
  const parsed = schema.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('moneySchema', () => {
  it('accepts whole minor units in a supported currency', () => {
    expect(moneySchema.parse({ amount: 12345, currency: 'CNY' })).toEqual({ amount: 12345, currency: 'CNY' });
    expect(moneySchema.parse({ amount: 0, currency: 'JPY' })).toEqual({ amount: 0, currency: 'JPY' });
    expect(moneySchema.parse({ amount: Number.MAX_SAFE_INTEGER, currency: 'USD' }).amount).toBe(
      Number.MAX_SAFE_INTEGER,
    );
  });

  it('rejects a float amount with one message explaining minor units', () => {
    expect(messages({ amount: 123.45, currency: 'CNY' })).toEqual([
      'amount: amount must be a whole number of minor units (fen for CNY), e.g. 12345 for 123.45',
    ]);
  });

  it('rejects a string amount, saying it must be a number', () => {
    const [message, ...rest] = messages({ amount: '12345', currency: 'CNY' });
    expect(rest).toEqual([]);
    expect(message).toMatch(/^amount: amount must be a JSON number, not a string/);
    expect(message).toMatch(/e\.g\. 12345 for 123\.45/);
  });

  it('rejects a missing amount, NaN, infinities and unsafe integers', () => {
    expect(messages({ currency: 'CNY' })).toEqual([expect.stringMatching(/^amount: amount is required/)]);
    expect(messages({ amount: Number.NaN, currency: 'CNY' })).toHaveLength(1);
    expect(messages({ amount: Number.POSITIVE_INFINITY, currency: 'CNY' })).toHaveLength(1);
    expect(messages({ amount: 2 ** 53, currency: 'CNY' })).toEqual([
      expect.stringMatching(/^amount: amount must be between/),
    ]);
  });

  it('rejects negative amounts; signedMoneySchema accepts them', () => {
    expect(messages({ amount: -1, currency: 'CNY' })).toEqual([
      expect.stringMatching(/^amount: amount must not be negative/),
    ]);
    expect(signedMoneySchema.parse({ amount: -1, currency: 'CNY' })).toEqual({ amount: -1, currency: 'CNY' });
    expect(messages({ amount: -1.5, currency: 'CNY' }, signedMoneySchema)).toEqual([
      expect.stringMatching(/^amount: amount must be a whole number of minor units/),
    ]);
  });

  it('rejects unknown or lower-case currencies, listing the supported ones', () => {
    expect(messages({ amount: 1, currency: 'RMB' })).toEqual([
      expect.stringMatching(/^currency: currency must be one of CNY, USD, EUR, .*JPY/),
    ]);
    expect(messages({ amount: 1, currency: 'cny' })).toHaveLength(1);
    expect(messages({ amount: 1 })).toEqual([expect.stringMatching(/^currency: currency is required/)]);
  });
});

describe('arithmetic', () => {
  it('adds and subtracts in the same currency, going negative when needed', () => {
    expect(add(cny(150), cny(250))).toEqual(cny(400));
    expect(subtract(cny(150), cny(250))).toEqual(cny(-100));
    expect(subtract(cny(150), cny(150))).toEqual(cny(0));
  });

  it('refuses mixed currencies with a CurrencyMismatchError naming both', () => {
    for (const operation of [
      () => add(cny(1), usd(1)),
      () => subtract(cny(1), usd(1)),
      () => compare(cny(1), usd(1)),
      () => min(cny(1), usd(1)),
      () => max(cny(1), usd(1)),
      () => sum([cny(1), usd(1)], 'CNY'),
    ]) {
      expect(operation).toThrow(CurrencyMismatchError);
      expect(operation).toThrow(/CNY and USD/);
    }
    const error = (() => {
      try {
        add(cny(1), usd(1));
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 422, code: 'currency-mismatch' });
  });

  it('sums a list, an empty list being zero of the given currency', () => {
    expect(sum([cny(1), cny(2), cny(3)], 'CNY')).toEqual(cny(6));
    expect(sum([], 'USD')).toEqual(usd(0));
    expect(() => sum([cny(1)], 'USD')).toThrow(CurrencyMismatchError);
  });

  it('refuses results beyond the safe integer range instead of losing fen', () => {
    expect(() => add(cny(Number.MAX_SAFE_INTEGER), cny(1))).toThrow(/safe whole number/);
    expect(() => money(1.5, 'CNY')).toThrow(/safe whole number/);
  });

  it('compares, finds zero, min and max', () => {
    expect(compare(cny(1), cny(2))).toBe(-1);
    expect(compare(cny(2), cny(2))).toBe(0);
    expect(compare(cny(3), cny(2))).toBe(1);
    expect(isZero(zero('EUR'))).toBe(true);
    expect(isZero(cny(1))).toBe(false);
    expect(min(cny(5), cny(-3), cny(4))).toEqual(cny(-3));
    expect(max(cny(5), cny(-3), cny(7))).toEqual(cny(7));
    expect(min(cny(5))).toEqual(cny(5));
  });
});

describe('multiplyByPercent', () => {
  it('takes an exact percentage of whole fen', () => {
    expect(multiplyByPercent(cny(1_000_000), 30)).toEqual(cny(300_000));
    expect(multiplyByPercent(cny(10_000), 33.33)).toEqual(cny(3333));
    expect(multiplyByPercent(cny(12_345), 0)).toEqual(cny(0));
    expect(multiplyByPercent(cny(12_345), 100)).toEqual(cny(12_345));
  });

  it('rounds to the nearest fen, halves away from zero', () => {
    expect(multiplyByPercent(cny(1), 50)).toEqual(cny(1));
    expect(multiplyByPercent(cny(-1), 50)).toEqual(cny(-1));
    expect(multiplyByPercent(cny(3), 10)).toEqual(cny(0));
    expect(multiplyByPercent(cny(7), 10)).toEqual(cny(1));
    // 2.3% of 15.00 is exactly 34.5 fen; in floats 1500 * 2.3 / 100 is 34.49999999999999.
    expect(multiplyByPercent(cny(1500), 2.3)).toEqual(cny(35));
  });

  it('stays exact for amounts near the safe limit', () => {
    expect(multiplyByPercent(cny(Number.MAX_SAFE_INTEGER), 100)).toEqual(cny(Number.MAX_SAFE_INTEGER));
    expect(multiplyByPercent(cny(9_007_199_254_740_990), 50)).toEqual(cny(4_503_599_627_370_495));
  });

  it('rejects negative or non-finite percentages', () => {
    expect(() => multiplyByPercent(cny(100), -1)).toThrow(/percent must be a finite number/);
    expect(() => multiplyByPercent(cny(100), Number.NaN)).toThrow(/percent must be a finite number/);
  });
});

describe('allocate', () => {
  const check = (total: Money, percents: number[], expected: number[]) => {
    const parts = allocate(total, percents);
    expect(amounts(parts)).toEqual(expected);
    expect(sum(parts, total.currency)).toEqual(total);
    expect(parts.every((p) => p.currency === total.currency)).toBe(true);
  };

  it('splits 100.00 by 33/33/34 exactly', () => check(cny(10_000), [33, 33, 34], [3300, 3300, 3400]));

  it('gives the single fen of 0.01 split 50/50 to the earlier part on a tie', () =>
    check(cny(1), [50, 50], [1, 0]));

  it('gives leftover fen to the largest dropped fractions, not simply the first parts', () => {
    // 0.10 by 33/33/34 is 3.3 / 3.3 / 3.4 fen: the last part has the largest fraction.
    check(cny(10), [33, 33, 34], [3, 3, 4]);
    // 1.00 by 30/30/40 = 30/30/40 exactly, no leftovers.
    check(cny(100), [30, 30, 40], [30, 30, 40]);
    // 0.02 by 33.33/33.33/33.34: shares .6666/.6666/.6668 → the last part then the first get a fen.
    check(cny(2), [33.33, 33.33, 33.34], [1, 0, 1]);
  });

  it('keeps zero-percent parts at zero and splits a negative total symmetrically', () => {
    check(cny(999), [0, 100], [0, 999]);
    check(cny(-10), [33, 33, 34], [-3, -3, -4]);
  });

  it('splits amounts near the safe limit without rounding error', () =>
    check(cny(Number.MAX_SAFE_INTEGER), [50, 50], [4_503_599_627_370_496, 4_503_599_627_370_495]));

  it('refuses percentages that do not sum to exactly 100', () => {
    expect(() => allocate(cny(100), [33, 33, 33])).toThrow(/must sum to exactly 100/);
    expect(() => allocate(cny(100), [])).toThrow(/must sum to exactly 100/);
    // 0.1 + 0.2 + 99.7 is 100 in decimal but not in binary floating point.
    check(cny(1000), [0.1, 0.2, 99.7], [1, 2, 997]);
    expect(() => allocate(cny(100), [-10, 110])).toThrow(/percent must be a finite number/);
  });
});

describe('formatMoney', () => {
  it.each([
    [cny(123_450), 'zh-CN', '¥1,234.50'],
    [cny(123_450), 'en', 'CN¥1,234.50'],
    [cny(5), 'zh-CN', '¥0.05'],
    [cny(0), 'zh-CN', '¥0.00'],
    [cny(-123_450), 'zh-CN', '-¥1,234.50'],
    [usd(123_450), 'en', '$1,234.50'],
    [usd(123_450), 'zh-CN', 'US$1,234.50'],
    [{ amount: 123_450, currency: 'EUR' }, 'en', '€1,234.50'],
    [{ amount: 1234, currency: 'JPY' }, 'en', '¥1,234'],
    [{ amount: 1234, currency: 'JPY' }, 'zh-CN', 'JP¥1,234'],
  ] as const)('formats %o in %s as %s', (value, locale, expected) => {
    expect(formatMoney(value, locale)).toBe(expected);
  });

  it('keeps every fen of the largest safe amount', () => {
    expect(formatMoney(cny(Number.MAX_SAFE_INTEGER), 'zh-CN')).toBe('¥90,071,992,547,409.91');
    expect(formatMoney(cny(-Number.MAX_SAFE_INTEGER), 'en')).toBe('-CN¥90,071,992,547,409.91');
  });

  it('writes the exact decimal string from minor units', () => {
    expect(toDecimalString(cny(5))).toBe('0.05');
    expect(toDecimalString(cny(-123_450))).toBe('-1234.50');
    expect(toDecimalString({ amount: 7, currency: 'JPY' })).toBe('7');
  });
});

describe('toChineseCapital', () => {
  // [fen, expected numerals]; the standard's own examples are marked PBOC.
  const cases: [number, string][] = [
    [0, '零元整'],
    [5, '伍分'],
    [50, '伍角整'],
    [55, '伍角伍分'],
    [100, '壹元整'],
    [105, '壹元零伍分'],
    [150, '壹元伍角整'],
    [155, '壹元伍角伍分'],
    [1_000, '壹拾元整'],
    [1_005, '壹拾元零伍分'],
    [1_050, '壹拾元伍角整'],
    [1_500, '壹拾伍元整'],
    [2_000, '贰拾元整'],
    [10_100, '壹佰零壹元整'],
    [11_000, '壹佰壹拾元整'],
    [32_504, '叁佰贰拾伍元零肆分'], // PBOC
    [100_500, '壹仟零伍元整'],
    [100_456, '壹仟零肆元伍角陆分'], // PBOC
    [101_010, '壹仟零壹拾元壹角整'],
    [140_950, '壹仟肆佰零玖元伍角整'], // PBOC (with 整 after 角)
    [168_032, '壹仟陆佰捌拾元叁角贰分'], // PBOC, the form without the optional 零
    [600_714, '陆仟零柒元壹角肆分'], // PBOC
    [123_450, '壹仟贰佰叁拾肆元伍角整'],
    [1_000_000, '壹万元整'],
    [1_000_100, '壹万零壹元整'],
    [1_010_000, '壹万零壹佰元整'],
    [1_100_000, '壹万壹仟元整'],
    [1_640_902, '壹万陆仟肆佰零玖元零贰分'], // PBOC
    [10_001_000, '壹拾万零壹拾元整'],
    [10_700_053, '壹拾万柒仟元伍角叁分'], // PBOC allows writing no 零 here
    [100_000_000, '壹佰万元整'],
    [100_001_000, '壹佰万零壹拾元整'],
    [101_000_000, '壹佰零壹万元整'],
    [123_456_789, '壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分'],
    [1_000_000_100, '壹仟万零壹元整'],
    [10_000_000_000, '壹亿元整'],
    [10_001_000_000, '壹亿零壹万元整'],
    [10_500_000_000, '壹亿零伍佰万元整'],
    [11_000_000_000, '壹亿壹仟万元整'],
    [10_000_000_100, '壹亿零壹元整'],
    [20_000_000_005, '贰亿元零伍分'],
    [1_000_000_000_000, '壹佰亿元整'],
    [100_000_000_000_000, '壹万亿元整'],
    [100_010_000_000_000, '壹万零壹亿元整'],
    [Number.MAX_SAFE_INTEGER, '玖拾万零柒佰壹拾玖亿玖仟贰佰伍拾肆万柒仟肆佰零玖元玖角壹分'],
  ];

  it.each(cases)('writes %i fen as %s', (fen, expected) => {
    expect(toChineseCapital(cny(fen), { prefix: false })).toBe(expected);
  });

  it('prefixes 人民币 by default', () => {
    expect(toChineseCapital(cny(123_450))).toBe('人民币壹仟贰佰叁拾肆元伍角整');
    expect(toChineseCapital(cny(0))).toBe('人民币零元整');
  });

  it('writes 负 before the numerals of a negative amount', () => {
    expect(toChineseCapital(cny(-500))).toBe('人民币负伍元整');
    expect(toChineseCapital(cny(-5), { prefix: false })).toBe('负伍分');
    expect(toChineseCapital(cny(-0), { prefix: false })).toBe('零元整');
  });

  it('refuses other currencies', () => {
    expect(() => toChineseCapital(usd(100))).toThrow(/only written for CNY amounts, not USD/);
  });
});

describe('formatMoneyForMail', () => {
  it('appends the 大写 form for CNY for a Chinese reader, and nothing an English reader cannot read', () => {
    expect(formatMoneyForMail(cny(123_450), 'zh-CN')).toBe('¥1,234.50（人民币壹仟贰佰叁拾肆元伍角整）');
    expect(formatMoneyForMail(cny(123_450), 'en')).toBe('CN¥1,234.50');
  });

  it('shows other currencies formatted only', () => {
    expect(formatMoneyForMail(usd(123_450), 'en')).toBe('$1,234.50');
    expect(formatMoneyForMail(usd(123_450), 'zh-CN')).toBe('US$1,234.50');
  });
});
