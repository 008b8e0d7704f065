// What people read about contracts (合同审核/签订), in zh-CN and en.
import type { PaymentTrigger } from './model.ts';

const triggers = {
  signing: { 'zh-CN': '签署', en: 'signing' },
  delivery: { 'zh-CN': '交付', en: 'delivery' },
  acceptance: { 'zh-CN': '验收', en: 'acceptance' },
} as const;

export const contractWords = {
  subject: { 'zh-CN': '合同', en: 'Contract' },
  steps: {
    'Legal review': { 'zh-CN': '法务审核', en: 'Legal review' },
    'Sales director review': { 'zh-CN': '销售总监审批', en: 'Sales director review' },
    Signing: { 'zh-CN': '合同签署', en: 'Signing' },
  },
  facts: {
    customer: { 'zh-CN': '客户', en: 'Customer' },
    amount: { 'zh-CN': '合同金额', en: 'Amount' },
    deliveryDate: { 'zh-CN': '交付日期', en: 'Delivery date' },
    version: { 'zh-CN': '版本', en: 'Version' },
    submittedBy: { 'zh-CN': '提交人', en: 'Submitted by' },
    contentHash: { 'zh-CN': '内容 SHA-256', en: 'Content SHA-256' },
    document: { 'zh-CN': '合同文本', en: 'Document' },
  },
  term: {
    'zh-CN': (label: string, percent: number, trigger: PaymentTrigger, days: number) =>
      `${label}：${percent}%，${triggers[trigger]['zh-CN']}后 ${days} 天内付款`,
    en: (label: string, percent: number, trigger: PaymentTrigger, days: number) =>
      `${label}: ${percent}% on ${triggers[trigger].en}, due ${days} ${days === 1 ? 'day' : 'days'} after`,
  },
  quantity: { 'zh-CN': (n: string) => `× ${n}`, en: (n: string) => `× ${n}` },
  change: {
    'zh-CN': (version: number, change: string) => `第 ${version} 版修改：${change}`,
    en: (version: number, change: string) => `v${version}: ${change}`,
  },
  fields: {
    signedDate: { 'zh-CN': '签署日期', en: 'Signed on' },
    signerName: { 'zh-CN': '签署人姓名', en: 'Signed by (name)' },
    signedCopy: { 'zh-CN': '签署版链接', en: 'Link to the signed copy' },
  },
  endings: {
    signed: {
      outcome: { 'zh-CN': '已签署', en: 'signed' },
      next: {
        'zh-CN': '订单交接与回款计划随之启动。',
        en: 'The order handoff and the payment collection plan start now.',
      },
    },
    rejected: { outcome: { 'zh-CN': '已驳回', en: 'rejected' } },
    'changes-requested': {
      outcome: { 'zh-CN': '法务要求修改', en: 'changes requested by legal' },
      next: {
        'zh-CN': '请按法务意见修改后提交新版本；法务将看到修改之处。',
        en: 'Please make the changes legal asks for and submit a new version; legal will see what changed.',
      },
    },
    expired: { outcome: { 'zh-CN': '已过期关闭', en: 'closed unanswered' } },
  },
};
