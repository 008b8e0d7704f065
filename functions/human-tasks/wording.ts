// Every word a person reads about a task (mails, task page, notices) in zh-CN and en, plus locale formatting of values.
import { companyTimeZone } from '#shared/clock.ts';
import { formatMoneyForMail, type Money } from '#shared/money.ts';
import type { Locale } from '#shared/people.ts';
import type { TaskMailKind } from './task-mail.ts';
import type { OutcomeId, TaskSummary } from './task-model.ts';
import type { TaskNoticeKind } from './task-page-html.ts';

export type Severity = TaskSummary['findings'][number]['severity'];
export type SummaryValue = TaskSummary['facts'][number]['value'];

/** Pieces a notice sentence may name, already formatted for the reader; any may be missing. */
export interface NoticeParts {
  by?: string;
  at?: string;
  to?: string;
  outcome?: string;
}

export interface TaskWording {
  locale: Locale;
  /** Between a label and its value: full-width in Chinese. */
  colon: string;
  outcome: Readonly<Record<OutcomeId, string>>;
  severity: Readonly<Record<Severity, string>>;
  /** A readable name for a subject kind (`expense-claim` → 费用报销); unknown kinds are shown as they are. */
  subjectKind: (kind: string) => string;
  /** An ISO instant in the company's time zone, e.g. `2026年11月22日周日 18:00（北京时间）`. */
  dateTime: (iso: string) => string;
  /** A summary value as a reader expects it: money with 大写 for CNY, numbers grouped. */
  value: (value: SummaryValue) => string;
  deadline: string;
  facts: string;
  lines: string;
  findings: string;
  history: string;
  mail: {
    /** Subject prefix by kind; `opened` depends on whether the task is an approval. */
    subjectPrefix: (kind: TaskMailKind, isApproval: boolean) => string;
    expiredPrefix: string;
    greeting: (name: string) => string;
    intro: Readonly<Record<TaskMailKind, string>>;
    escalated: (onBehalfOf: string | undefined) => string;
    /** Why a task came to someone after its assignee's mail bounced. */
    reassigned: string;
    onBehalfOf: (person: string) => string;
    buttonsHint: string;
    openTask: string;
    doNotForward: string;
    expiry: (subject: string, assignee: string, deadline: string) => string;
    expiryNothingDecided: string;
    signature: string;
  };
  page: {
    decisionHeading: string;
    comment: string;
    commentHint: string;
    reasonRequiredFor: (outcomes: readonly string[]) => string;
    required: string;
    optional: string;
    moneyUnit: string;
    choose: string;
    errorsHeading: string;
    preselected: (outcome: string) => string;
    final: string;
  };
  notice: {
    title: Readonly<Record<TaskNoticeKind, string>>;
    sentence: (kind: TaskNoticeKind, parts: NoticeParts) => string;
  };
}

const subjectKinds: Readonly<Record<string, { 'zh-CN': string; en: string }>> = {
  contract: { 'zh-CN': '合同', en: 'Contract' },
  order: { 'zh-CN': '订单', en: 'Order' },
  expense: { 'zh-CN': '费用报销', en: 'Expense claim' },
  'expense-claim': { 'zh-CN': '费用报销', en: 'Expense claim' },
  'expense-application': { 'zh-CN': '预支申请', en: 'Advance application' },
  'advance-application': { 'zh-CN': '预支申请', en: 'Advance application' },
  advance: { 'zh-CN': '预支申请', en: 'Advance application' },
  installment: { 'zh-CN': '回款分期', en: 'Installment' },
  payment: { 'zh-CN': '回款', en: 'Payment' },
};

const isMoney = (value: SummaryValue): value is Money => typeof value === 'object';

function formatters(locale: Locale) {
  const dateTimeFormat = new Intl.DateTimeFormat(locale, {
    timeZone: companyTimeZone,
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const numberFormat = new Intl.NumberFormat(locale);
  const zoneNote = locale === 'zh-CN' ? '（北京时间）' : ' (Beijing time)';
  return {
    subjectKind: (kind: string) =>
      (Object.hasOwn(subjectKinds, kind) ? subjectKinds[kind]?.[locale] : kind) ?? kind,
    dateTime: (iso: string) => {
      const at = new Date(iso);
      // A value that is not an instant (free text in history) is shown as written rather than as "Invalid Date".
      return Number.isNaN(at.getTime()) ? iso : `${dateTimeFormat.format(at)}${zoneNote}`;
    },
    value: (value: SummaryValue) => {
      if (isMoney(value)) return formatMoneyForMail(value, locale);
      return typeof value === 'number' ? numberFormat.format(value) : value;
    },
  };
}

const quoteZh = (text: string) => `“${text}”`;

const zhCN: TaskWording = {
  locale: 'zh-CN',
  colon: '：',
  outcome: {
    approve: '批准',
    reject: '驳回',
    return: '退回修改',
    'request-changes': '要求修改',
    'send-back': '退回上一级',
    sign: '已签署',
    confirm: '确认',
    'cannot-meet': '无法满足',
    accept: '接受',
    escalate: '上报',
    done: '完成',
  },
  severity: { info: '提示', warning: '注意', high: '高风险' },
  ...formatters('zh-CN'),
  deadline: '截止时间',
  facts: '概要',
  lines: '明细',
  findings: '自动检查结果',
  history: '此前意见',
  mail: {
    subjectPrefix: (kind, isApproval) => {
      if (kind === 'reminder') return '[提醒]';
      if (kind === 'escalated') return '[已升级]';
      if (kind === 'reassigned') return '[已转交]';
      return isApproval ? '[待审批]' : '[待处理]';
    },
    expiredPrefix: '[已过期]',
    greeting: (name) => `${name}，您好：`,
    intro: {
      opened: '有一项任务等待您处理。',
      reminder: '提醒：以下任务仍在等待您处理，请在截止时间前完成。',
      escalated: '以下任务已升级给您处理。',
      reassigned: '以下任务已转交给您处理。',
    },
    reassigned: '原处理人的邮箱无法接收邮件（邮件被退回），此任务已转交给您。',
    escalated: (onBehalfOf) =>
      onBehalfOf === undefined
        ? '原处理人未在处理时限（SLA）内处理，此任务已转交给您。'
        : `原处理人未在处理时限（SLA）内处理，此任务已转交给您，由您代 ${onBehalfOf} 处理（${onBehalfOf} 不在岗）。`,
    onBehalfOf: (person) => `您作为 ${person} 的代理人收到此任务（${person} 不在岗）。`,
    buttonsHint:
      '点击下方按钮会打开任务页面并预选该决定；仅打开链接不会做出任何决定，请在页面上核对后再确认提交。',
    openTask: '打开任务',
    doNotForward: '此链接仅供您本人使用，请勿转发本邮件。',
    expiry: (subject, assignee, deadline) =>
      `关于 ${subject} 的任务已于截止时间 ${deadline} 关闭，处理人 ${assignee} 未在此之前作出决定。`,
    expiryNothingDecided: '该任务未作出任何决定；后续处理将按流程规定进行。',
    signature: '—— 销售运营流程系统（自动发送，请勿直接回复）',
  },
  page: {
    decisionHeading: '您的决定',
    comment: '意见 / 理由',
    commentHint: '将与您的决定一同记录。',
    reasonRequiredFor: (outcomes) => `选择${outcomes.map(quoteZh).join('、')}时必须填写理由。`,
    required: '必填',
    optional: '选填',
    moneyUnit: '元',
    choose: '请选择',
    errorsHeading: '您的决定尚未记录，请修正以下问题后重新提交：',
    preselected: (outcome) =>
      `您在邮件中选择了${quoteZh(outcome)}。目前尚未做出任何决定：请核对以下内容，然后点击该按钮确认。`,
    final: '决定一经提交即不可更改。',
  },
  notice: {
    title: {
      decided: '决定已记录',
      'already-decided': '任务已处理',
      expired: '任务已过期',
      'link-replaced': '链接已失效',
      'invalid-link': '链接无效',
      'no-longer-running': '流程已不再运行',
      'too-late': '决定未被采纳',
      'recorded-pending-delivery': '决定已记录',
    },
    sentence: (kind, { by, at, to, outcome }) => {
      switch (kind) {
        case 'decided':
          return outcome === undefined ? '您的决定已记录，谢谢。' : `您的决定（${outcome}）已记录，谢谢。`;
        case 'already-decided': {
          const who = by === undefined ? '' : `由 ${by} `;
          const when = at === undefined ? '' : `于 ${at} `;
          const what = outcome === undefined ? '' : `：${outcome}`;
          return `此任务已${who}${when}处理${what}。`;
        }
        case 'expired':
          return at === undefined
            ? '此任务已在截止时间关闭，未作任何更改。'
            : `此任务已于截止时间 ${at} 关闭，未作任何更改。`;
        case 'link-replaced': {
          const when = at === undefined ? '已' : `已于 ${at} `;
          const change = to === undefined ? '转交他人或以新链接重新发送' : `转交给 ${to} 或以新链接重新发送`;
          return `此链接已失效：任务${when}${change}。请使用最新邮件中的链接。`;
        }
        case 'invalid-link':
          return '此链接无效或输入有误。请确认使用的是邮件中的完整链接。';
        case 'no-longer-running':
          return '此流程已不再运行（例如沙箱重启后或流程已被停止），未作任何更改。';
        case 'too-late':
          return '您的决定在任务于截止时间关闭之后才到达，未被采纳。';
        case 'recorded-pending-delivery':
          return '您的决定已记录，稍后将转交流程继续处理。';
      }
    },
  },
};

const quoteEn = (text: string) => `“${text}”`;

function listEn(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

const en: TaskWording = {
  locale: 'en',
  colon: ': ',
  outcome: {
    approve: 'Approve',
    reject: 'Reject',
    return: 'Return for changes',
    'request-changes': 'Request changes',
    'send-back': 'Send back to previous reviewer',
    sign: 'Signed',
    confirm: 'Confirm',
    'cannot-meet': 'Cannot meet',
    accept: 'Accept',
    escalate: 'Escalate',
    done: 'Done',
  },
  severity: { info: 'Info', warning: 'Warning', high: 'High risk' },
  ...formatters('en'),
  deadline: 'Deadline',
  facts: 'Details',
  lines: 'Items',
  findings: 'Automatic checks',
  history: 'Earlier comments',
  mail: {
    subjectPrefix: (kind) => {
      if (kind === 'reminder') return '[Reminder]';
      if (kind === 'escalated') return '[Escalated]';
      if (kind === 'reassigned') return '[Reassigned]';
      return '[Action needed]';
    },
    expiredPrefix: '[Expired]',
    greeting: (name) => `Hello ${name},`,
    intro: {
      opened: 'A task is waiting for your decision.',
      reminder: 'Reminder: this task is still waiting for your decision. Please decide before the deadline.',
      escalated: 'This task has been escalated to you.',
      reassigned: 'This task has been reassigned to you.',
    },
    reassigned:
      "It was reassigned to you because mail to its previous assignee bounced: their address can't receive mail.",
    escalated: (onBehalfOf) =>
      onBehalfOf === undefined
        ? 'It was reassigned to you because it was not decided within its response time (SLA).'
        : `It was reassigned to you, on behalf of ${onBehalfOf}, who is away, because it was not decided within its response time (SLA).`,
    onBehalfOf: (person) => `You receive this task on behalf of ${person}, who is away.`,
    buttonsHint:
      'Each button opens the task page with that choice selected. Opening a link decides nothing: you confirm your decision on the page.',
    openTask: 'Open the task',
    doNotForward: 'This link is for you alone; please do not forward this email.',
    expiry: (subject, assignee, deadline) =>
      `The task about ${subject} closed at its deadline on ${deadline} without a decision from ${assignee}.`,
    expiryNothingDecided:
      'Nothing was decided on it; the procedure continues as defined for an expired task.',
    signature: '— Sales operations workflows (automatic message, please do not reply)',
  },
  page: {
    decisionHeading: 'Your decision',
    comment: 'Comment / reason',
    commentHint: 'Recorded together with your decision.',
    reasonRequiredFor: (outcomes) => `A reason is required to ${listEn(outcomes.map(quoteEn))}.`,
    required: 'required',
    optional: 'optional',
    moneyUnit: 'yuan',
    choose: 'Choose…',
    errorsHeading: 'Your decision was not recorded. Please correct the following and submit again:',
    preselected: (outcome) =>
      `You chose ${quoteEn(outcome)} in the email. Nothing has been decided yet: check the details below, then press that button to confirm.`,
    final: 'A decision cannot be changed once submitted.',
  },
  notice: {
    title: {
      decided: 'Decision recorded',
      'already-decided': 'Already decided',
      expired: 'Task expired',
      'link-replaced': 'Link no longer valid',
      'invalid-link': 'Invalid link',
      'no-longer-running': 'Workflow not running',
      'too-late': 'Decision not applied',
      'recorded-pending-delivery': 'Decision recorded',
    },
    sentence: (kind, { by, at, to, outcome }) => {
      switch (kind) {
        case 'decided':
          return outcome === undefined
            ? 'Your decision was recorded. Thank you.'
            : `Your decision (${outcome}) was recorded. Thank you.`;
        case 'already-decided': {
          const who = by === undefined ? '' : ` by ${by}`;
          const when = at === undefined ? '' : ` at ${at}`;
          const what = outcome === undefined ? '' : `: ${outcome}`;
          return `This task was already decided${who}${when}${what}.`;
        }
        case 'expired':
          return at === undefined
            ? 'This task closed at its deadline; nothing was changed.'
            : `This task closed at its deadline on ${at}; nothing was changed.`;
        case 'link-replaced': {
          const when = at === undefined ? '' : `on ${at}, `;
          const change = to === undefined ? 'reassigned' : `reassigned to ${to}`;
          return `This link is no longer valid: ${when}the task was ${change} or sent again with a new link. Please use the link in the newest email.`;
        }
        case 'invalid-link':
          return 'This link is not valid or has been mistyped. Please check that you used the whole link from the email.';
        case 'no-longer-running':
          return 'This workflow is no longer running (for example after a sandbox restart or because it was stopped); nothing was changed.';
        case 'too-late':
          return 'Your decision arrived after the task had closed at its deadline; it was not applied.';
        case 'recorded-pending-delivery':
          return 'Your decision was recorded and will be passed on to the workflow shortly.';
      }
    },
  },
};

const byLocale: Readonly<Record<Locale, TaskWording>> = { 'zh-CN': zhCN, en };

/** The task wording for a person's locale. */
export const wording = (locale: Locale): TaskWording => byLocale[locale];
