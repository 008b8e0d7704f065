// What a person reads about a task (mails, task page, notices) in zh-CN and en; shared words come from the catalogue.
import type { Locale } from '#shared/people.ts';
import {
  colon,
  formatDateTime,
  formatList,
  formatValue,
  mailWords,
  outcomeWords,
  type ShownValue,
  severityWords,
} from '#shared/words.ts';
import type { OutcomeId } from './task-model.ts';

/** `reassigned`: the previous assignee's mail bounced, so the task went to their manager. */
export type TaskMailKind = 'opened' | 'reminder' | 'escalated' | 'reassigned';

export type TaskNoticeKind =
  | 'decided'
  | 'already-decided'
  | 'expired'
  | 'link-replaced'
  | 'invalid-link'
  | 'no-longer-running'
  | 'too-late'
  | 'recorded-pending-delivery'
  | 'busy';

export type Severity = keyof typeof severityWords;

/** Pieces a notice sentence may name, already formatted for the reader (people by name); any may be missing. */
export interface NoticeParts {
  by?: string;
  at?: string;
  to?: string;
  outcome?: string;
}

/** What happens after a decision, as far as the workflow has got: who acts now (by name), or how it ended. */
export type Progress = { step: string; person: string } | { ended: string } | { going: true };

export interface TaskWords {
  locale: Locale;
  colon: string;
  outcome: Readonly<Record<OutcomeId, string>>;
  severity: Readonly<Record<Severity, string>>;
  dateTime: (iso: string) => string;
  value: (value: ShownValue) => string;
  list: (items: readonly string[]) => string;
  deadline: string;
  facts: string;
  lines: string;
  findings: string;
  history: string;
  mail: {
    subjectPrefix: (kind: TaskMailKind, isApproval: boolean) => string;
    expiredPrefix: string;
    movedPrefix: string;
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
    moved: (subject: string, to: string) => string;
    movedNothingToDo: string;
    overduePrefix: string;
    overdue: (subject: string, step: string, dueOn: string, assignee: string) => string;
    overdueMeaning: string;
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
    staleForm: string;
  };
  notice: {
    title: Readonly<Record<TaskNoticeKind, string>>;
    sentence: (kind: TaskNoticeKind, parts: NoticeParts) => string;
    next: (progress: Progress) => string;
  };
}

const quoted = (text: string) => `“${text}”`;

function shared(locale: Locale) {
  return {
    locale,
    colon: colon[locale],
    outcome: Object.fromEntries(
      Object.entries(outcomeWords).map(([id, words]) => [id, words[locale]]),
    ) as Record<OutcomeId, string>,
    severity: Object.fromEntries(
      Object.entries(severityWords).map(([id, words]) => [id, words[locale]]),
    ) as Record<Severity, string>,
    dateTime: (iso: string) => formatDateTime(iso, locale),
    value: (value: ShownValue) => formatValue(value, locale),
    list: (items: readonly string[]) => formatList(items, locale, 'or'),
  };
}

const zhCN: TaskWords = {
  ...shared('zh-CN'),
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
    movedPrefix: '[已转交]',
    greeting: mailWords.greeting['zh-CN'],
    intro: {
      opened: '有一项任务等待您处理。',
      reminder: '提醒：以下任务仍在等待您处理，请在截止时间前完成。',
      escalated: '以下任务已升级给您处理。',
      reassigned: '以下任务已转交给您处理。',
    },
    reassigned: '原处理人的邮箱无法接收邮件（邮件被退回），此任务已转交给您。',
    escalated: (onBehalfOf) =>
      onBehalfOf === undefined
        ? '原处理人未在处理时限内处理，此任务已转交给您。'
        : `原处理人未在处理时限内处理，此任务已转交给您，由您代 ${onBehalfOf} 处理（${onBehalfOf} 不在岗）。`,
    onBehalfOf: (person) => `您作为 ${person} 的代理人收到此任务（${person} 不在岗）。`,
    buttonsHint:
      '点击下方按钮会打开任务页面并预选该决定；仅打开链接不会做出任何决定，请在页面上核对后再确认提交。',
    openTask: '打开任务',
    doNotForward: '此链接仅供您本人使用，请勿转发本邮件。',
    expiry: (subject, assignee, deadline) =>
      `关于${subject}的任务已于截止时间 ${deadline} 关闭，处理人 ${assignee} 未在此之前作出决定。`,
    expiryNothingDecided: '该任务未作出任何决定；后续处理将按流程规定进行。',
    moved: (subject, to) => `关于${subject}的任务已因超出处理时限转交给 ${to} 处理，您之前收到的链接已失效。`,
    movedNothingToDo: '您无需再处理此任务。',
    overduePrefix: '[已逾期]',
    overdue: (subject, step, dueOn, assignee) =>
      `${subject}的“${step}”已过预定日期 ${dueOn}，仍由 ${assignee} 处理中，尚未完成。`,
    overdueMeaning: '请跟进进度，必要时协调解决问题。',
    signature: mailWords.signature['zh-CN'],
  },
  page: {
    decisionHeading: '您的决定',
    comment: '意见 / 理由',
    commentHint: '将与您的决定一同记录。',
    reasonRequiredFor: (outcomes) => `选择${outcomes.map(quoted).join('、')}时必须填写理由。`,
    required: '必填',
    optional: '选填',
    moneyUnit: '元',
    choose: '请选择',
    errorsHeading: '您的决定尚未记录，请修正以下问题后重新提交：',
    preselected: (outcome) =>
      `您在邮件中选择了${quoted(outcome)}。目前尚未做出任何决定：请核对以下内容，然后点击该按钮确认。`,
    final: '决定一经提交即不可更改。',
    staleForm: '此页面打开时间过长，已重新载入，请重新提交您的决定。',
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
      busy: '系统繁忙',
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
          return '此流程已不再运行（已被停止或因故中止），未作任何更改。';
        case 'too-late':
          return '您的决定在任务于截止时间关闭之后才到达，未被采纳。';
        case 'recorded-pending-delivery':
          return '您的决定已记录，稍后将转交流程继续处理。';
        case 'busy':
          return '系统暂时繁忙，请稍后重新打开邮件中的链接。若您的决定已经记录，页面会告诉您。';
      }
    },
    next: (progress) => {
      if ('person' in progress) return `接下来由 ${progress.person} 处理：${progress.step}。`;
      if ('ended' in progress) return `流程已结束：${progress.ended}。`;
      return '流程正在继续；如需您再次处理，您会收到邮件。';
    },
  },
};

const en: TaskWords = {
  ...shared('en'),
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
    movedPrefix: '[Reassigned]',
    greeting: mailWords.greeting.en,
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
        ? 'It was reassigned to you because it was not decided within its response time.'
        : `It was reassigned to you, on behalf of ${onBehalfOf}, who is away, because it was not decided within its response time.`,
    onBehalfOf: (person) => `You receive this task on behalf of ${person}, who is away.`,
    buttonsHint:
      'Each button opens the task page with that choice selected. Opening a link decides nothing: you confirm your decision on the page.',
    openTask: 'Open the task',
    doNotForward: 'This link is for you alone; please do not forward this email.',
    expiry: (subject, assignee, deadline) =>
      `The task about ${subject} closed at its deadline on ${deadline} without a decision from ${assignee}.`,
    expiryNothingDecided:
      'Nothing was decided on it; the procedure continues as defined for an expired task.',
    moved: (subject, to) =>
      `The task about ${subject} was reassigned to ${to} because it was not decided within its response time; the link you had no longer works.`,
    movedNothingToDo: 'There is nothing more for you to do on it.',
    overduePrefix: '[Overdue]',
    overdue: (subject, step, dueOn, assignee) =>
      `${step} for ${subject} is past its due date, ${dueOn}; ${assignee} still has it open.`,
    overdueMeaning: 'Please follow up on it and help clear what holds it up.',
    signature: mailWords.signature.en,
  },
  page: {
    decisionHeading: 'Your decision',
    comment: 'Comment / reason',
    commentHint: 'Recorded together with your decision.',
    reasonRequiredFor: (outcomes) =>
      `A reason is required to ${formatList(outcomes.map(quoted), 'en', 'or')}.`,
    required: 'required',
    optional: 'optional',
    moneyUnit: 'yuan',
    choose: 'Choose…',
    errorsHeading: 'Your decision was not recorded. Please correct the following and submit again:',
    preselected: (outcome) =>
      `You chose ${quoted(outcome)} in the email. Nothing has been decided yet: check the details below, then press that button to confirm.`,
    final: 'A decision cannot be changed once submitted.',
    staleForm: 'This page had been open too long and was reloaded; please submit your decision again.',
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
      busy: 'Busy',
    },
    sentence: (kind, { by, at, to, outcome }) => {
      switch (kind) {
        case 'decided':
          return outcome === undefined
            ? 'Your decision was recorded. Thank you.'
            : `Your decision (${outcome}) was recorded. Thank you.`;
        case 'already-decided': {
          const who = by === undefined ? '' : ` by ${by}`;
          const when = at === undefined ? '' : ` on ${at}`;
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
          return 'This workflow is no longer running (it was stopped or ended on a failure); nothing was changed.';
        case 'too-late':
          return 'Your decision arrived after the task had closed at its deadline; it was not applied.';
        case 'recorded-pending-delivery':
          return 'Your decision was recorded and will be passed on to the workflow shortly.';
        case 'busy':
          return 'The system is busy for a moment. Please open the link in the email again shortly; if your decision was already recorded, the page will say so.';
      }
    },
    next: (progress) => {
      if ('person' in progress) return `Next, ${progress.person} takes it on: ${progress.step}.`;
      if ('ended' in progress) return `The workflow has ended: ${progress.ended}.`;
      return 'The workflow goes on; you will get a mail if you are needed again.';
    },
  },
};

const byLocale: Readonly<Record<Locale, TaskWords>> = { 'zh-CN': zhCN, en };

/** The task words for a reader's locale. */
export const taskWords = (locale: Locale): TaskWords => byLocale[locale];
