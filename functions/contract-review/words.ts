// What people read about contracts (合同审核/签订), in zh-CN and en: facts, terms, findings, changes, endings.
import { formatMoney } from '#shared/money.ts';
import type { Locale } from '#shared/people.ts';
import { formatDate, formatNumber } from '#shared/words.ts';
import type { Change, TermTerms } from './changes.ts';
import type { ContractItem, Finding, FindingParams, FindingRule, PaymentTrigger } from './model.ts';

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
    contentHash: { 'zh-CN': '内容指纹', en: 'Content SHA-256' },
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

const zhQuote = (text: string) => `“${text}”`;
const enQuote = (text: string) => `"${text}"`;
const percent = (value: number) => `${value}%`;
const enDays = (count: number) => `${count} ${count === 1 ? 'day' : 'days'}`;

const termText: Readonly<Record<Locale, (terms: TermTerms) => string>> = {
  'zh-CN': (t) => `${percent(t.percent)}，${triggers[t.trigger]['zh-CN']}后 ${t.dueDays} 天内付款`,
  en: (t) => `${percent(t.percent)} on ${triggers[t.trigger].en}, due ${enDays(t.dueDays)}`,
};

const itemText: Readonly<Record<Locale, (item: ContractItem) => string>> = {
  'zh-CN': (i) =>
    `${i.sku}，${formatNumber(i.quantity, 'zh-CN')} × ${zhQuote(i.description)}，质量标准 ${zhQuote(i.qualityStandard)}`,
  en: (i) =>
    `${i.sku}, ${i.quantity} × ${enQuote(i.description)}, quality standard ${enQuote(i.qualityStandard)}`,
};

type FindingTexts = { [R in FindingRule]: (params: FindingParams[R]) => string };

const findingTexts: Readonly<Record<Locale, FindingTexts>> = {
  'zh-CN': {
    'advance-too-low': (p) =>
      `签约时预付款为 ${formatMoney(p.amount, 'zh-CN')} 的 ${percent(p.advancePercent)}；超过 ${formatMoney(p.largeFrom, 'zh-CN')} 的合同预付款应不少于 ${percent(p.minPercent)}`,
    'long-credit': (p) =>
      `付款条款${zhQuote(p.label)}（${percent(p.percent)}）在${triggers[p.trigger]['zh-CN']}后 ${p.dueDays} 天到期，超过允许的 ${p.maxDays} 天账期`,
    'short-delivery': (p) =>
      `交付日期 ${formatDate(p.deliveryDate, 'zh-CN')} 距今仅 ${p.leadDays} 天；生产和物流至少需要 ${p.minLeadDays} 天`,
    'customer-overdue': (p) => `该客户有 ${p.count} 笔逾期未付的分期款，共 ${formatMoney(p.amount, 'zh-CN')}`,
    'missing-document': () => '未附合同文本链接',
    'duplicate-term-label': (p) =>
      `${p.labels.length} 个付款条款名称相同：${p.labels.map(zhQuote).join('、')}`,
  },
  en: {
    'advance-too-low': (p) =>
      `Advance payment on signing is ${percent(p.advancePercent)} of ${formatMoney(p.amount, 'en')}; contracts over ${formatMoney(p.largeFrom, 'en')} should have at least ${percent(p.minPercent)}`,
    'long-credit': (p) =>
      `Payment term ${enQuote(p.label)} (${percent(p.percent)}) is due ${enDays(p.dueDays)} after ${triggers[p.trigger].en}, more than the ${enDays(p.maxDays)} of credit allowed`,
    'short-delivery': (p) =>
      `Delivery date ${formatDate(p.deliveryDate, 'en')} is only ${enDays(p.leadDays)} away; at least ${enDays(p.minLeadDays)} are needed for production and logistics`,
    'customer-overdue': (p) =>
      `The customer has ${p.count} overdue ${p.count === 1 ? 'installment' : 'installments'} totalling ${formatMoney(p.amount, 'en')}`,
    'missing-document': () => 'No contract document is linked',
    'duplicate-term-label': (p) =>
      `${p.labels.length} payment terms share the label ${p.labels.map(enQuote).join(', ')}`,
  },
};

/** A finding as a sentence for the reader. */
export function describeFinding(finding: Finding, locale: Locale): string {
  const text = findingTexts[locale][finding.rule] as (params: Finding['params']) => string;
  return text(finding.params);
}

const customerText = (c: { name: string; email: string }) => `${c.name} <${c.email}>`;

/** A change between versions as a sentence for the reader. */
export function describeChange(change: Change, locale: Locale): string {
  const zh = locale === 'zh-CN';
  const q = zh ? zhQuote : enQuote;
  const arrow = (before: string, after: string) => `${before} → ${after}`;
  switch (change.field) {
    case 'title':
      return `${zh ? '标题：' : 'Title: '}${arrow(q(change.before), q(change.after))}`;
    case 'customer':
      return `${zh ? '客户：' : 'Customer: '}${arrow(customerText(change.before), customerText(change.after))}`;
    case 'amount':
      return `${zh ? '金额：' : 'Amount: '}${arrow(formatMoney(change.before, locale), formatMoney(change.after, locale))}`;
    case 'delivery-date':
      return `${zh ? '交付日期：' : 'Delivery date: '}${arrow(formatDate(change.before, locale), formatDate(change.after, locale))}`;
    case 'delivery-address': {
      const none = zh ? '（无）' : '(none)';
      return `${zh ? '送货地址：' : 'Delivery address: '}${arrow(q(change.before ?? none), q(change.after ?? none))}`;
    }
    case 'term':
      return `${zh ? `付款条款${q(change.label)}：` : `Payment term ${q(change.label)}: `}${arrow(termText[locale](change.before), termText[locale](change.after))}`;
    case 'term-removed':
    case 'term-added': {
      const what =
        change.field === 'term-added'
          ? zh
            ? '新增付款条款'
            : 'Payment term added'
          : zh
            ? '删除付款条款'
            : 'Payment term removed';
      return `${what}${zh ? '：' : ': '}${q(change.term.label)}${zh ? '，' : ', '}${termText[locale](change.term)}`;
    }
    case 'terms-reordered':
    case 'items-reordered': {
      const terms = change.field === 'terms-reordered';
      const what = zh
        ? terms
          ? '付款条款顺序调整'
          : '品项顺序调整'
        : terms
          ? 'Payment terms reordered'
          : 'Items reordered';
      const shown = (keys: string[]) => (terms ? keys.map(q) : keys).join(zh ? '、' : ', ');
      return `${what}${zh ? '：' : ': '}${arrow(shown(change.before), shown(change.after))}`;
    }
    case 'item-description':
      return `${zh ? `品项 ${change.sku}：描述` : `Item ${change.sku}: description`} ${arrow(q(change.before), q(change.after))}`;
    case 'item-quality':
      return `${zh ? `品项 ${change.sku}：质量标准` : `Item ${change.sku}: quality standard`} ${arrow(q(change.before), q(change.after))}`;
    case 'item-quantity':
      return `${zh ? `品项 ${change.sku}：数量` : `Item ${change.sku}: quantity`} ${arrow(formatNumber(change.before, locale), formatNumber(change.after, locale))}`;
    case 'item-removed':
    case 'item-added': {
      const what =
        change.field === 'item-added' ? (zh ? '新增品项' : 'Item added') : zh ? '删除品项' : 'Item removed';
      return `${what}${zh ? '：' : ': '}${itemText[locale](change.item)}`;
    }
    case 'document':
      return {
        added: zh ? '新增合同文本链接' : 'Document link added',
        removed: zh ? '删除合同文本链接' : 'Document link removed',
        changed: zh ? '合同文本链接已更改' : 'Document link changed',
      }[change.change];
    case 'more':
      return zh ? `另有 ${change.count} 处修改` : `… and ${change.count} more changes`;
  }
}
