// The mail that tells someone how their request ended (claim approved, contract signed…), in their locale.
import { html } from './html.ts';
import type { OutgoingMail } from './mailer.ts';
import { formatMoneyForMail, type Money } from './money.ts';
import type { Locale } from './people.ts';
import { type Bilingual, colon, mailWords } from './words.ts';

export type { Bilingual };

export interface OutcomeNotice {
  to: string;
  name: string;
  locale: Locale;
  /** e.g. 费用报销 / Expense claim */
  what: Bilingual;
  id: string;
  title: string;
  /** e.g. 已批准 / approved */
  outcome: Bilingual;
  amount?: Money;
  /** Further facts, already in the reader's words: a carrier and tracking number, a new date. */
  facts?: readonly { label: string; value: string }[];
  reason?: string;
  by?: string;
  /** What happens next, or what to do. */
  next?: Bilingual;
}

export function renderOutcomeMail(notice: OutcomeNotice): OutgoingMail {
  const { locale } = notice;
  const l = {
    greeting: mailWords.greeting[locale],
    amount: mailWords.amount[locale],
    reason: mailWords.reason[locale],
    by: mailWords.by[locale],
  };
  const what = `${notice.what[locale]} ${notice.id}`;
  const outcome = notice.outcome[locale];
  const subject = `[${outcome}] ${what}${colon[locale]}${notice.title}`;
  const amount = notice.amount ? formatMoneyForMail(notice.amount, notice.locale) : undefined;
  const next = notice.next?.[notice.locale];
  const text = [
    l.greeting(notice.name),
    '',
    `${what}${colon[locale]}${notice.title} — ${outcome}`,
    amount ? `${l.amount}${colon[locale]}${amount}` : undefined,
    ...(notice.facts ?? []).map((fact) => `${fact.label}${colon[locale]}${fact.value}`),
    notice.reason ? `${l.reason}${colon[locale]}${notice.reason}` : undefined,
    notice.by ? `${l.by}${colon[locale]}${notice.by}` : undefined,
    next ? `\n${next}` : undefined,
    `\n${mailWords.signature[locale]}`,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
  const body = html`<div style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;color:#1f2937">
<p>${l.greeting(notice.name)}</p>
<h2 style="font-size:17px">${what}${colon[locale]}${notice.title} — ${outcome}</h2>
${amount ? html`<p>${l.amount}${colon[locale]}<strong>${amount}</strong></p>` : ''}
${(notice.facts ?? []).map((fact) => html`<p>${fact.label}${colon[locale]}<strong>${fact.value}</strong></p>`)}
${notice.reason ? html`<p>${l.reason}${colon[locale]}${notice.reason}</p>` : ''}
${notice.by ? html`<p style="color:#6b7280">${l.by}${colon[locale]}${notice.by}</p>` : ''}
${next ? html`<p>${next}</p>` : ''}
<p style="color:#8c959f;font-size:12px;margin-top:24px">${mailWords.signature[locale]}</p>
</div>`;
  return { to: notice.to, subject, html: body.toString(), text };
}
