// Money as integer minor units plus an ISO 4217 currency: schemas, exact arithmetic, allocation and formatting (incl. 大写).
import * as z from 'zod/mini';
import { DomainError, unprocessable } from './errors.ts';
import type { Locale } from './people.ts';

/** Supported currencies and how many minor-unit digits each has (ISO 4217). */
export const minorUnitDigits = {
  CNY: 2,
  USD: 2,
  EUR: 2,
  HKD: 2,
  GBP: 2,
  JPY: 0,
} as const;
export type Currency = keyof typeof minorUnitDigits;
export const currencies = Object.keys(minorUnitDigits) as [Currency, ...Currency[]];

const WHOLE_MINOR_UNITS = 'amount must be a whole number of minor units (fen for CNY), e.g. 12345 for 123.45';

export const currencySchema = z.enum(currencies, {
  error: (issue) =>
    issue.input === undefined
      ? `currency is required: one of ${currencies.join(', ')}`
      : `currency must be one of ${currencies.join(', ')} (upper-case ISO 4217 code)`,
});

const signedAmountSchema = z
  .number({
    error: (issue) => {
      if (issue.input === undefined) return `amount is required: ${WHOLE_MINOR_UNITS}`;
      if (typeof issue.input === 'string')
        return `amount must be a JSON number, not a string: ${WHOLE_MINOR_UNITS}`;
      return WHOLE_MINOR_UNITS;
    },
  })
  .check(
    z.refine(Number.isInteger, { error: WHOLE_MINOR_UNITS, abort: true }),
    z.refine(Number.isSafeInteger, {
      error: `amount must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER} minor units`,
      abort: true,
    }),
  );

/** Money that may be negative (refunds, balances, differences). */
export const signedMoneySchema = z.strictObject({ amount: signedAmountSchema, currency: currencySchema });

/** Money that must not be negative: prices, payments, claims. The default for input. */
export const moneySchema = z.strictObject({
  amount: signedAmountSchema.check(
    z.refine((amount) => amount >= 0, {
      error: 'amount must not be negative (minor units, e.g. 12345 for 123.45)',
    }),
  ),
  currency: currencySchema,
});

export type Money = z.infer<typeof signedMoneySchema>;

/** Raised when amounts in two currencies meet; there is no implicit conversion anywhere. */
export class CurrencyMismatchError extends DomainError {
  override name = 'CurrencyMismatchError';

  constructor(operation: string, left: Currency, right: Currency) {
    super(
      422,
      'currency-mismatch',
      `Cannot ${operation} amounts in ${left} and ${right}: money in different currencies is never combined or converted`,
      { left, right },
    );
  }
}

export const money = (amount: number, currency: Currency): Money => checked({ amount, currency }, 'create');

export const zero = (currency: Currency): Money => ({ amount: 0, currency });

// Guards callers that bypass the schema (e.g. a float that slipped through a cast) and results that overflow.
function checked(value: Money, operation: string): Money {
  if (!Number.isSafeInteger(value.amount)) {
    throw unprocessable(
      'amount-out-of-range',
      `Cannot ${operation}: ${value.amount} is not a safe whole number of ${value.currency} minor units`,
    );
  }
  if (!Object.hasOwn(minorUnitDigits, value.currency)) {
    throw unprocessable('unsupported-currency', `Currency ${String(value.currency)} is not supported`);
  }
  // -0 would print as "-¥0.00" and compare oddly in storage; normalise it.
  return value.amount === 0 ? { amount: 0, currency: value.currency } : value;
}

function sameCurrency(operation: string, a: Money, b: Money): Currency {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(operation, a.currency, b.currency);
  return a.currency;
}

export function add(a: Money, b: Money): Money {
  const currency = sameCurrency('add', a, b);
  return checked({ amount: checked(a, 'add').amount + checked(b, 'add').amount, currency }, 'add');
}

export function subtract(a: Money, b: Money): Money {
  const currency = sameCurrency('subtract', a, b);
  return checked(
    { amount: checked(a, 'subtract').amount - checked(b, 'subtract').amount, currency },
    'subtract',
  );
}

/** Sums `list`, all of which must be in `currency`; an empty list is zero of that currency. */
export function sum(list: readonly Money[], currency: Currency): Money {
  return list.reduce<Money>((total, item) => add(total, item), zero(currency));
}

export function compare(a: Money, b: Money): -1 | 0 | 1 {
  sameCurrency('compare', a, b);
  if (a.amount === b.amount) return 0;
  return a.amount < b.amount ? -1 : 1;
}

export const isZero = (value: Money): boolean => value.amount === 0;

export function min(first: Money, ...rest: Money[]): Money {
  return rest.reduce((least, item) => (compare(least, item) > 0 ? item : least), first);
}

export function max(first: Money, ...rest: Money[]): Money {
  return rest.reduce((most, item) => (compare(most, item) < 0 ? item : most), first);
}

interface Decimal {
  digits: bigint;
  scale: number;
}

// Reads a percent exactly as written (33.33 is 3333/100, not the nearest binary float), so splits never drift.
function exactPercent(percent: number, operation: string): Decimal {
  if (!Number.isFinite(percent) || percent < 0) {
    throw unprocessable(
      'invalid-percent',
      `Cannot ${operation}: percent must be a finite number ≥ 0, got ${percent}`,
    );
  }
  const [mantissa = '0', exponent = '0'] = String(percent).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  const shift = Number(exponent) - fraction.length;
  const digits = BigInt(whole + fraction);
  return shift >= 0 ? { digits: digits * 10n ** BigInt(shift), scale: 0 } : { digits, scale: -shift };
}

function toSafeNumber(value: bigint, currency: Currency, operation: string): number {
  return checked({ amount: Number(value), currency }, operation).amount;
}

/** True when `percents` add up to exactly 100 as written (33.33 + 33.33 + 33.34), with no float noise either way. */
export function percentsMakeWhole(percents: readonly number[]): boolean {
  if (percents.some((percent) => !Number.isFinite(percent) || percent < 0)) return false;
  const exact = percents.map((percent) => exactPercent(percent, 'add up percentages'));
  const scale = Math.max(0, ...exact.map((p) => p.scale));
  const total = exact.reduce((sum, p) => sum + p.digits * 10n ** BigInt(scale - p.scale), 0n);
  return total === 100n * 10n ** BigInt(scale);
}

/**
 * `percent`% of `value`, rounded to the nearest minor unit, halves away from zero (commercial rounding).
 * To split a total into parts that must add back up exactly, use `allocate` instead.
 */
export function multiplyByPercent(value: Money, percent: number): Money {
  const { amount, currency } = checked(value, 'take a percentage');
  const p = exactPercent(percent, 'take a percentage');
  const divisor = 100n * 10n ** BigInt(p.scale);
  const magnitude = BigInt(Math.abs(amount)) * p.digits;
  const rounded = (2n * magnitude + divisor) / (2n * divisor);
  return { amount: toSafeNumber(amount < 0 ? -rounded : rounded, currency, 'take a percentage'), currency };
}

/**
 * Splits `total` by `percents` (each ≥ 0, summing to exactly 100) so the parts add up to `total` exactly.
 * Largest-remainder method: each part first gets its share rounded toward zero; the minor units left over
 * (fewer than the number of parts) go one each to the parts whose dropped fractions were largest, and on a
 * tie to the earlier part. A negative total is split as its magnitude, then every part is negated.
 */
export function allocate(total: Money, percents: readonly number[]): Money[] {
  const { amount, currency } = checked(total, 'allocate');
  const exact = percents.map((percent) => exactPercent(percent, 'allocate'));
  const scale = Math.max(0, ...exact.map((p) => p.scale));
  const weights = exact.map((p) => p.digits * 10n ** BigInt(scale - p.scale));
  const whole = 100n * 10n ** BigInt(scale);
  if (!percentsMakeWhole(percents)) {
    throw unprocessable(
      'invalid-percent',
      `Cannot allocate: percentages must sum to exactly 100, got ${percents.length === 0 ? 'none' : percents.join(' + ')}`,
    );
  }
  const magnitude = BigInt(Math.abs(amount));
  const shares = weights.map((weight, index) => ({
    index,
    floor: (magnitude * weight) / whole,
    remainder: (magnitude * weight) % whole,
  }));
  let leftover = magnitude - shares.reduce((acc, share) => acc + share.floor, 0n);
  const byRemainder = [...shares].sort((a, b) =>
    a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
  );
  for (const share of byRemainder) {
    if (leftover === 0n) break;
    share.floor += 1n;
    leftover -= 1n;
  }
  return shares.map((share) => ({
    amount: toSafeNumber(amount < 0 ? -share.floor : share.floor, currency, 'allocate'),
    currency,
  }));
}

/** The amount in major units as an exact decimal string, `-1234.50`; no float ever touches it. */
export function toDecimalString(value: Money): string {
  const { amount, currency } = checked(value, 'format');
  const digits = minorUnitDigits[currency];
  const magnitude = String(Math.abs(amount)).padStart(digits + 1, '0');
  const sign = amount < 0 ? '-' : '';
  if (digits === 0) return `${sign}${magnitude}`;
  return `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

/** `¥1,234.50` for zh-CN, `CN¥1,234.50` for en (the symbol Intl uses to tell the yuan from the yen). */
export function formatMoney(value: Money, locale: Locale): string {
  const key = `${locale}:${value.currency}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    const digits = minorUnitDigits[value.currency];
    formatter = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency: value.currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    formatters.set(key, formatter);
  }
  // Intl formats a decimal string exactly, so amounts beyond 2^53 / 100 yuan keep every fen.
  return formatter.format(toDecimalString(value) as `${number}`);
}

const CAPITAL_DIGITS = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'] as const;
const SECTION_UNITS = ['', '拾', '佰', '仟'] as const;

const capitalDigit = (digit: number): string => CAPITAL_DIGITS[digit] ?? '';

// 1..9999 within a four-digit section: one 零 per inner run of zeros, none after the last non-zero digit.
function capitalSection(section: number): string {
  let text = '';
  let pendingZero = false;
  for (let position = 3; position >= 0; position -= 1) {
    const digit = Math.floor(section / 10 ** position) % 10;
    if (digit === 0) {
      pendingZero = text !== '';
      continue;
    }
    if (pendingZero) text += '零';
    text += capitalDigit(digit) + (SECTION_UNITS[position] ?? '');
    pendingZero = false;
  }
  return text;
}

// A positive whole number of yuan. A lower group gets a leading 零 when its top digit is zero, which is the
// one place a run of zeros crosses a 万/亿 boundary; a zero group is skipped (壹亿元, not 壹亿零万元).
function capitalInteger(value: number): string {
  if (value >= 1e8) {
    const low = value % 1e8;
    const high = `${capitalInteger(Math.floor(value / 1e8))}亿`;
    if (low === 0) return high;
    return high + (low < 1e7 ? '零' : '') + capitalInteger(low);
  }
  if (value >= 1e4) {
    const low = value % 1e4;
    const high = `${capitalSection(Math.floor(value / 1e4))}万`;
    if (low === 0) return high;
    return high + (low < 1e3 ? '零' : '') + capitalSection(low);
  }
  return capitalSection(value);
}

/**
 * A CNY amount in Chinese financial capital numerals (大写金额), as on invoices and contracts:
 * `人民币壹仟贰佰叁拾肆元伍角整`. Conventions: 整 ends an amount that stops at 元 or at 角, never after 分;
 * 零 stands between 元 and 分 when 角 is 0 (壹元零伍分) but is not written after 元 when only the 元 digit is 0
 * (壹拾元伍角整); amounts under one yuan have no 元 (伍角整, 伍分); zero is 零元整; a negative amount has 负
 * before the numerals (人民币负伍元整). Pass `{ prefix: false }` for the numerals alone.
 */
export function toChineseCapital(value: Money, options: { prefix?: boolean } = {}): string {
  const { amount, currency } = checked(value, 'write in capital numerals');
  if (currency !== 'CNY') {
    throw unprocessable(
      'unsupported-currency',
      `Chinese capital numerals (大写) are only written for CNY amounts, not ${currency}`,
    );
  }
  const magnitude = Math.abs(amount);
  const yuan = Math.floor(magnitude / 100);
  const jiao = Math.floor(magnitude / 10) % 10;
  const fen = magnitude % 10;

  let text = yuan > 0 ? `${capitalInteger(yuan)}元` : '';
  if (jiao === 0 && fen === 0) text = `${yuan > 0 ? text : '零元'}整`;
  else if (fen === 0) text += `${capitalDigit(jiao)}角整`;
  else if (jiao === 0) text += `${yuan > 0 ? '零' : ''}${capitalDigit(fen)}分`;
  else text += `${capitalDigit(jiao)}角${capitalDigit(fen)}分`;

  const signed = amount < 0 ? `负${text}` : text;
  return options.prefix === false ? signed : `人民币${signed}`;
}

/** The amount as people read it in mails and pages: formatted, and in Chinese for CNY also in 大写, as finance expects. */
export function formatMoneyForMail(value: Money, locale: Locale): string {
  const formatted = formatMoney(value, locale);
  if (value.currency !== 'CNY' || locale !== 'zh-CN') return formatted;
  return `${formatted}（${toChineseCapital(value)}）`;
}
