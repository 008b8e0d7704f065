// What people read about installments (款项回收), in zh-CN and en: steps, facts, fields, endings and the ladder's mails.
import type { Level } from './model.ts';

export const collectionWords = {
  subject: { 'zh-CN': '分期款', en: 'Installment' },
  steps: {
    'Owner follows up overdue payment': {
      'zh-CN': '负责人跟进逾期款',
      en: 'Owner follows up overdue payment',
    },
    'Sales manager follows up overdue payment': {
      'zh-CN': '销售经理跟进逾期款',
      en: 'Sales manager follows up overdue payment',
    },
    'Sales manager resolves dispute': {
      'zh-CN': '销售经理处理付款争议',
      en: 'Sales manager resolves dispute',
    },
    'Legal decides on overdue payment': {
      'zh-CN': '法务决定逾期款处理',
      en: 'Legal decides on overdue payment',
    },
    'Finance approves write-off': { 'zh-CN': '财务审批核销', en: 'Finance approves write-off' },
  },
  facts: {
    contract: { 'zh-CN': '合同', en: 'Contract' },
    customer: { 'zh-CN': '客户', en: 'Customer' },
    installment: { 'zh-CN': '款项', en: 'Installment' },
    amount: { 'zh-CN': '应收金额', en: 'Amount' },
    outstanding: { 'zh-CN': '未付金额', en: 'Outstanding' },
    dueDate: { 'zh-CN': '到期日', en: 'Due date' },
    daysOverdue: { 'zh-CN': '逾期天数', en: 'Days overdue' },
    level: { 'zh-CN': '已到催收级别', en: 'Level reached' },
    owner: { 'zh-CN': '负责人', en: 'Owner' },
    promise: { 'zh-CN': '付款承诺', en: 'Promise' },
    dispute: { 'zh-CN': '争议原因', en: 'Dispute' },
    writeOff: { 'zh-CN': '核销理由', en: 'Reason for the write-off' },
    askedBy: { 'zh-CN': '提出人', en: 'Asked by' },
    paid: { 'zh-CN': '已付金额', en: 'Paid so far' },
  },
  /** How a promise reads in a summary: 2027年3月1日（¥10,000.00）已违约. */
  promiseState: {
    open: { 'zh-CN': '待履行', en: 'open' },
    kept: { 'zh-CN': '已履行', en: 'kept' },
    broken: { 'zh-CN': '已违约', en: 'broken' },
  },
  levels: {
    1: { 'zh-CN': '一级：逾期通知', en: 'Level 1: overdue notice' },
    2: { 'zh-CN': '二级：销售经理跟进', en: 'Level 2: sales manager' },
    3: { 'zh-CN': '三级：催款函', en: 'Level 3: demand letter' },
    4: { 'zh-CN': '四级：法务处理', en: 'Level 4: legal' },
  } satisfies Record<Level, Record<'zh-CN' | 'en', string>>,
  fields: {
    promisedDate: { 'zh-CN': '承诺付款日期', en: 'Promised payment date' },
    promisedAmount: { 'zh-CN': '承诺付款金额（可选）', en: 'Promised amount (optional)' },
    planDate: { 'zh-CN': '还款计划付清日期', en: 'Payment plan: paid in full by' },
  },
  endings: {
    'written-off': {
      outcome: { 'zh-CN': '已核销', en: 'written off' },
      next: {
        'zh-CN': '该分期款不再催收；如客户日后付款，仍可登记。',
        en: 'It is no longer collected; a payment the customer still makes can be recorded.',
      },
    },
  },
  /** The mails the ladder sends; customers read Chinese (see notices.ts). */
  notices: {
    reminder: {
      outcome: { 'zh-CN': '付款提醒', en: 'payment reminder' },
      next: {
        'zh-CN': '请于到期日前安排付款。如已付款，请忽略本邮件。',
        en: 'Please arrange payment by the due date. If you have paid already, please ignore this mail.',
      },
    },
    overdue: {
      outcome: { 'zh-CN': '逾期未付', en: 'overdue' },
      next: {
        'zh-CN': '该款项已逾期，请尽快安排付款；如有疑问，请联系您的销售代表。',
        en: 'This payment is overdue. Please pay as soon as possible, or contact your sales representative.',
      },
    },
    demand: {
      outcome: { 'zh-CN': '催款函', en: 'demand for payment' },
      next: {
        'zh-CN': (days: string) =>
          `贵司该款项已逾期 ${days} 天。请立即付清；否则我司将依照合同约定采取进一步措施。`,
        en: (days: string) =>
          `This payment is ${days} days overdue. Please pay it in full now; otherwise we will take further steps under the contract.`,
      },
    },
    financeInformed: {
      outcome: { 'zh-CN': '逾期升级至销售经理', en: 'overdue, with the sales manager' },
      next: {
        'zh-CN': '供财务知悉：销售经理正在跟进该逾期款。',
        en: 'For finance: the sales manager is following up this overdue payment.',
      },
    },
    /** A copy of a mail to the customer, to the owner and others in copy. */
    copy: {
      label: { 'zh-CN': '抄送', en: 'Copy' },
      value: {
        'zh-CN': (what: string) => `以下“${what}”已发送给客户`,
        en: (what: string) => `this ${what} went to the customer`,
      },
    },
  },
};
