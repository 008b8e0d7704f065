// The mail that tells someone how their request ended (claim approved, contract signed…), in their locale.
import { html } from './html.ts';
import type { OutgoingMail } from './mailer.ts';
import { formatMoneyForMail, type Money } from './money.ts';
import type { Locale } from './people.ts';
import type { Bilingual } from './words.ts';

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
  reason?: string;
  by?: string;
  /** What happens next, or what to do. */
  next?: Bilingual;
}

const labels = {
  'zh-CN': { greeting: (name: string) => `${name}，您好：`, amount: '金额', reason: '理由', by: '处理人' },
  en: { greeting: (name: string) => `Hello ${name},`, amount: 'Amount', reason: 'Reason', by: 'By' },
} as const;

export function renderOutcomeMail(notice: OutcomeNotice): OutgoingMail {
  const l = labels[notice.locale];
  const what = `${notice.what[notice.locale]} ${notice.id}`;
  const outcome = notice.outcome[notice.locale];
  const subject = `[${outcome}] ${what}: ${notice.title}`.replace(/[\r\n]+/g, ' ');
  const amount = notice.amount ? formatMoneyForMail(notice.amount, notice.locale) : undefined;
  const next = notice.next?.[notice.locale];
  const text = [
    l.greeting(notice.name),
    '',
    `${what}: ${notice.title} — ${outcome}`,
    amount ? `${l.amount}: ${amount}` : undefined,
    notice.reason ? `${l.reason}: ${notice.reason}` : undefined,
    notice.by ? `${l.by}: ${notice.by}` : undefined,
    next ? `\n${next}` : undefined,
  ]
    .filter((line) => line !== undefined)
    .join('\n');
  const body = html`<div style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;color:#1f2937">
<p>${l.greeting(notice.name)}</p>
<h2 style="font-size:17px">${what}: ${notice.title} — ${outcome}</h2>
${amount ? html`<p>${l.amount}: <strong>${amount}</strong></p>` : ''}
${notice.reason ? html`<p>${l.reason}: ${notice.reason}</p>` : ''}
${notice.by ? html`<p style="color:#6b7280">${l.by}: ${notice.by}</p>` : ''}
${next ? html`<p>${next}</p>` : ''}
</div>`;
  return { to: notice.to, subject, html: body.toString(), text };
}
