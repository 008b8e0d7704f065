// The catalogue's shared part: words every workflow uses (outcomes, severities), and values formatted for a reader.
import { companyTimeZone } from './clock.ts';
import { formatMoneyForMail, type Money } from './money.ts';
import type { Locale } from './people.ts';

/** One text in zh-CN and en. */
export type Bilingual = Readonly<Record<Locale, string>>;

/** A text that takes values (a count, a name), in both locales. */
export type BilingualFormat<P extends unknown[]> = Readonly<Record<Locale, (...params: P) => string>>;

/** The outcomes people choose (DESIGN §5), as buttons and in what they read afterwards. */
export const outcomeWords = {
  approve: { 'zh-CN': '批准', en: 'Approve' },
  reject: { 'zh-CN': '驳回', en: 'Reject' },
  return: { 'zh-CN': '退回修改', en: 'Return for changes' },
  'request-changes': { 'zh-CN': '要求修改', en: 'Request changes' },
  'send-back': { 'zh-CN': '退回法务', en: 'Send back to legal' },
  sign: { 'zh-CN': '确认已签署', en: 'Record signing' },
  confirm: { 'zh-CN': '确认', en: 'Confirm' },
  'cannot-meet': { 'zh-CN': '无法满足', en: 'Cannot meet' },
  accept: { 'zh-CN': '接受', en: 'Accept' },
  escalate: { 'zh-CN': '上报', en: 'Escalate' },
  done: { 'zh-CN': '完成', en: 'Done' },
  rework: { 'zh-CN': '返工', en: 'Rework' },
  shipped: { 'zh-CN': '已发货', en: 'Shipped' },
  delivered: { 'zh-CN': '已送达', en: 'Delivered' },
  dispute: { 'zh-CN': '有异议', en: 'Dispute' },
  contacted: { 'zh-CN': '已联系', en: 'Contacted' },
  promised: { 'zh-CN': '已承诺付款', en: 'Promised to pay' },
  pursue: { 'zh-CN': '依法追讨', en: 'Pursue' },
  'payment-plan': { 'zh-CN': '分期付款计划', en: 'Payment plan' },
  'write-off': { 'zh-CN': '核销', en: 'Write off' },
} as const satisfies Record<string, Bilingual>;

export const severityWords = {
  info: { 'zh-CN': '提示', en: 'Info' },
  warning: { 'zh-CN': '注意', en: 'Warning' },
  high: { 'zh-CN': '高风险', en: 'High risk' },
} as const satisfies Record<string, Bilingual>;

/** How a review ends when nobody decided before the deadline: one wording everywhere. */
export const expiredWords: Bilingual = { 'zh-CN': '已过期关闭', en: 'closed unanswered' };

/** What every mail the system sends says around its content. */
export const mailWords = {
  greeting: { 'zh-CN': (name: string) => `${name}，您好：`, en: (name: string) => `Hello ${name},` },
  signature: {
    'zh-CN': '—— 销售运营流程系统（自动发送，请勿直接回复）',
    en: '— Sales operations workflows (automatic message, please do not reply)',
  },
  amount: { 'zh-CN': '金额', en: 'Amount' },
  reason: { 'zh-CN': '理由', en: 'Reason' },
  by: { 'zh-CN': '处理人', en: 'By' },
} as const;

/** Between a label and its value: full-width in Chinese. */
export const colon: Bilingual = { 'zh-CN': '：', en: ': ' };

/** A value a summary shows: text, a number, money, a calendar date, a hash (shown short) or a link. */
export type ShownValue = string | number | Money | { date: string } | { hash: string } | { url: string };

const dateTimeFormats = new Map<Locale, Intl.DateTimeFormat>();
const dateFormats = new Map<Locale, Intl.DateTimeFormat>();
const numberFormats = new Map<Locale, Intl.NumberFormat>();

function cached<T>(map: Map<Locale, T>, locale: Locale, make: () => T): T {
  let value = map.get(locale);
  if (value === undefined) {
    value = make();
    map.set(locale, value);
  }
  return value;
}

/** An instant in the company's time zone: `2026年11月22日周日 18:00（北京时间）`, `Sun, 22 November 2026, 18:00 (Beijing time)`. */
export function formatDateTime(iso: string, locale: Locale): string {
  const at = new Date(iso);
  // A value that is not an instant (free text) is shown as written rather than as "Invalid Date".
  if (Number.isNaN(at.getTime())) return iso;
  const format = cached(
    dateTimeFormats,
    locale,
    () =>
      new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, {
        timeZone: companyTimeZone,
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }),
  );
  return `${format.format(at)}${locale === 'zh-CN' ? '（北京时间）' : ' (Beijing time)'}`;
}

/** A calendar date (`2026-11-20`): `2026年11月20日`, `20 Nov 2026`. */
export function formatDate(date: string, locale: Locale): string {
  const at = new Date(`${date}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(at.getTime())) return date;
  const format = cached(
    dateFormats,
    locale,
    () =>
      new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, {
        timeZone: 'UTC',
        year: 'numeric',
        month: locale === 'en' ? 'short' : 'long',
        day: 'numeric',
      }),
  );
  return format.format(at);
}

export const formatNumber = (value: number, locale: Locale): string =>
  cached(numberFormats, locale, () => new Intl.NumberFormat(locale)).format(value);

/** A hash as people see it: its first 12 digits, the whole in a tooltip where the page can show one. */
export const shortHash = (hash: string): string => (hash.length > 14 ? `${hash.slice(0, 12)}…` : hash);

const isMoney = (value: ShownValue): value is Money => typeof value === 'object' && 'amount' in value;

/** A summary value as text: money with 大写 for CNY, numbers grouped, dates in the reader's form. */
export function formatValue(value: ShownValue, locale: Locale): string {
  if (typeof value === 'number') return formatNumber(value, locale);
  if (typeof value === 'string') return value;
  if (isMoney(value)) return formatMoneyForMail(value, locale);
  if ('date' in value) return formatDate(value.date, locale);
  if ('hash' in value) return shortHash(value.hash);
  return value.url;
}

/** `a、b 和 c` / `a, b and c`. */
export function formatList(
  items: readonly string[],
  locale: Locale,
  conjunction: 'and' | 'or' = 'and',
): string {
  if (items.length <= 1) return items.join('');
  const last = items.at(-1);
  if (locale === 'zh-CN')
    return `${items.slice(0, -1).join('、')}${conjunction === 'and' ? '和' : '或'}${last}`;
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${last}`;
}
