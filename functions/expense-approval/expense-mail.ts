// How a claim or an advance application ended, as the owner reads it in their mail.
import type { OutgoingMail } from '#shared/mailer.ts';
import type { Money } from '#shared/money.ts';
import { type Bilingual, renderOutcomeMail } from '#shared/outcome-mail.ts';
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
  /** The reviewer's reason (reject, return). */
  reason?: string;
  by?: string;
}

const what: Record<EndingNotice['kind'], Bilingual> = {
  claim: { 'zh-CN': '费用报销', en: 'Expense claim' },
  application: { 'zh-CN': '费用预申请', en: 'Advance application' },
};

const outcome: Record<ExpenseEnding, Bilingual> = {
  approved: { 'zh-CN': '已批准', en: 'approved' },
  rejected: { 'zh-CN': '已驳回', en: 'rejected' },
  returned: { 'zh-CN': '已退回修改', en: 'returned for changes' },
  expired: { 'zh-CN': '已过期关闭', en: 'closed unanswered' },
};

const nextForClaim: Record<ExpenseEnding, Bilingual> = {
  approved: {
    'zh-CN': '财务将按批准金额安排付款。',
    en: 'Finance will arrange payment of the approved amount.',
  },
  rejected: { 'zh-CN': '预算占用已释放。', en: 'The budget it held has been released.' },
  returned: {
    'zh-CN': '请修改后重新提交（PUT /expenses/{id}），将从第一级重新审批。',
    en: 'Please revise it and submit it again (PUT /expenses/{id}); review starts again at the first level.',
  },
  expired: {
    'zh-CN': '审批未在截止时间前完成，预算占用已释放，可重新提交。',
    en: 'The review did not finish before its deadline; the budget was released and you may file it again.',
  },
};

export function renderEndingNotice(notice: EndingNotice): OutgoingMail {
  return renderOutcomeMail({
    ...notice,
    what: what[notice.kind],
    outcome: outcome[notice.ending],
    next: notice.kind === 'claim' ? nextForClaim[notice.ending] : undefined,
  });
}
