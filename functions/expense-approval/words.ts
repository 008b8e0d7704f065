// What people read about expense claims (费用报销), in zh-CN and en.
import type { Bilingual } from '#shared/words.ts';
import type { ExpenseCategory } from './model.ts';

export const claimWords = {
  subject: { 'zh-CN': '费用报销', en: 'Expense claim' },
  steps: {
    'Supervisor review': { 'zh-CN': '主管审批', en: 'Supervisor review' },
    'Sales manager review': { 'zh-CN': '销售经理审批', en: 'Sales manager review' },
    'Finance review': { 'zh-CN': '财务审核', en: 'Finance review' },
  },
  facts: {
    submitter: { 'zh-CN': '报销人', en: 'Submitter' },
    costCenter: { 'zh-CN': '成本中心', en: 'Cost center' },
    total: { 'zh-CN': '报销总额', en: 'Total' },
    version: { 'zh-CN': '提交次数', en: 'Version' },
    application: { 'zh-CN': '事前申请', en: 'Advance application' },
  },
  budgetLeft: {
    'zh-CN': (period: string) => `${period} 预算余额（含本次报销）`,
    en: (period: string) => `Budget ${period} left after this claim`,
  },
  receipt: { 'zh-CN': (ref: string) => `票据 ${ref}`, en: (ref: string) => `receipt ${ref}` },
  categories: {
    travel: { 'zh-CN': '差旅', en: 'travel' },
    entertainment: { 'zh-CN': '招待', en: 'entertainment' },
    marketing: { 'zh-CN': '市场推广', en: 'marketing' },
    training: { 'zh-CN': '培训', en: 'training' },
    other: { 'zh-CN': '其他', en: 'other' },
  } satisfies Record<ExpenseCategory, Bilingual>,
  approveLess: {
    'zh-CN': (n: number, category: string, date: string) => `第 ${n} 项核准金额（${category}，${date}）`,
    en: (n: number, category: string, date: string) => `Approve less for item ${n} (${category}, ${date})`,
  },
  endings: {
    approved: {
      outcome: { 'zh-CN': '已批准', en: 'approved' },
      next: {
        'zh-CN': '财务将按批准金额安排付款。',
        en: 'Finance will arrange payment of the approved amount.',
      },
    },
    rejected: {
      outcome: { 'zh-CN': '已驳回', en: 'rejected' },
      next: { 'zh-CN': '预算占用已释放。', en: 'The budget it held has been released.' },
    },
    returned: {
      outcome: { 'zh-CN': '已退回修改', en: 'returned for changes' },
      next: {
        'zh-CN': '请按审批意见修改报销单后重新提交，将从第一级重新审批。',
        en: 'Please change the claim as the reviewer asks and submit it again; review starts again at the first level.',
      },
    },
    expired: {
      outcome: { 'zh-CN': '已过期关闭', en: 'closed unanswered' },
      next: {
        'zh-CN': '审批未在截止时间前完成，预算占用已释放，可重新提交。',
        en: 'The review did not finish before its deadline; the budget was released and you may file it again.',
      },
    },
  },
};
