// Mails to the person who filed a claim or an advance application, when it ends: approved, rejected, returned.
import { html } from '#shared/html.ts';
import type { OutgoingMail } from '#shared/mailer.ts';
import { formatMoneyForMail, type Money } from '#shared/money.ts';
import type { Locale } from '#shared/people.ts';

export type ExpenseEnding = 'approved' | 'rejected' | 'returned' | 'expired';

export interface EndingNotice {
  to: string;
  name: string;
  locale: Locale;
  kind: 'claim' | 'application';
  id: string;
  title: string;
  ending: ExpenseEnding;
  amount: Money;
  /** The reviewer's reason (reject, return) or note (a lower approved amount). */
  reason?: string;
  by?: string;
}

const words = {
  'zh-CN': {
    claim: '费用报销',
    application: '费用预申请',
    approved: '已批准',
    rejected: '已驳回',
    returned: '已退回修改',
    expired: '已过期关闭',
    greeting: (name: string) => `${name}，您好：`,
    amount: '金额',
    reason: '理由',
    by: '处理人',
    next: {
      approved: '财务将按批准金额安排付款。',
      rejected: '预算占用已释放。',
      returned: '请修改后重新提交（PUT /expenses/{id}），将从第一级重新审批。',
      expired: '审批未在截止时间前完成，预算占用已释放，可重新提交。',
    },
  },
  en: {
    claim: 'Expense claim',
    application: 'Advance application',
    approved: 'approved',
    rejected: 'rejected',
    returned: 'returned for changes',
    expired: 'closed unanswered',
    greeting: (name: string) => `Hello ${name},`,
    amount: 'Amount',
    reason: 'Reason',
    by: 'By',
    next: {
      approved: 'Finance will arrange payment of the approved amount.',
      rejected: 'The budget it held has been released.',
      returned:
        'Please revise it and submit it again (PUT /expenses/{id}); review starts again at the first level.',
      expired:
        'The review did not finish before its deadline; the budget was released and you may file it again.',
    },
  },
} as const;

export function renderEndingNotice(notice: EndingNotice): OutgoingMail {
  const w = words[notice.locale];
  const what = `${w[notice.kind]} ${notice.id}`;
  const subject = `[${w[notice.ending]}] ${what}: ${notice.title}`.replace(/[\r\n]+/g, ' ');
  const amount = formatMoneyForMail(notice.amount, notice.locale);
  const next = notice.kind === 'claim' ? w.next[notice.ending] : '';
  const text = [
    w.greeting(notice.name),
    '',
    `${what}: ${notice.title} — ${w[notice.ending]}`,
    `${w.amount}: ${amount}`,
    notice.reason ? `${w.reason}: ${notice.reason}` : '',
    notice.by ? `${w.by}: ${notice.by}` : '',
    '',
    next,
  ]
    .filter((line, i, all) => line !== '' || (all[i - 1] ?? '') !== '')
    .join('\n');
  const body = html`<div style="font-family:system-ui,sans-serif;font-size:14px;line-height:1.5;color:#1f2937">
<p>${w.greeting(notice.name)}</p>
<h2 style="font-size:17px">${what}: ${notice.title} — ${w[notice.ending]}</h2>
<p>${w.amount}: <strong>${amount}</strong></p>
${notice.reason ? html`<p>${w.reason}: ${notice.reason}</p>` : ''}
${notice.by ? html`<p style="color:#6b7280">${w.by}: ${notice.by}</p>` : ''}
${next ? html`<p>${next}</p>` : ''}
</div>`;
  return { to: notice.to, subject, html: body.toString(), text };
}
