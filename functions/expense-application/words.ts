// What people read about advance applications (事前申请), in zh-CN and en.
import type { Bilingual } from '#shared/words.ts';

export const applicationWords = {
  subject: { 'zh-CN': '事前申请', en: 'Advance application' },
  steps: {
    'Sales manager review': { 'zh-CN': '销售经理审批', en: 'Sales manager review' },
    'Sales director review': { 'zh-CN': '销售总监审批', en: 'Sales director review' },
  },
  facts: {
    applicant: { 'zh-CN': '申请人', en: 'Applicant' },
    costCenter: { 'zh-CN': '成本中心', en: 'Cost center' },
    amount: { 'zh-CN': '申请金额', en: 'Amount' },
    reason: { 'zh-CN': '理由', en: 'Reason' },
  },
  endings: {
    approved: {
      outcome: { 'zh-CN': '已批准', en: 'approved' },
      next: {
        'zh-CN': '提交超预算的费用报销时，请填写此申请编号；每个申请只能用于一笔报销。',
        en: 'When you file the over-budget claim, give this application’s id with it; an application covers one claim.',
      },
    },
    rejected: { outcome: { 'zh-CN': '已驳回', en: 'rejected' } },
    expired: { outcome: { 'zh-CN': '已过期关闭', en: 'closed unanswered' } },
  },
} satisfies {
  subject: Bilingual;
  steps: Record<string, Bilingual>;
  facts: Record<string, Bilingual>;
  endings: Record<string, { outcome: Bilingual; next?: Bilingual }>;
};
