// What a person reads about a task in its mails, in zh-CN and en; the task page's own words are in page-words.ts.
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

export type Severity = keyof typeof severityWords;

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
}

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
};

const byLocale: Readonly<Record<Locale, TaskWords>> = { 'zh-CN': zhCN, en };

/** The task words for a reader's locale. */
export const taskWords = (locale: Locale): TaskWords => byLocale[locale];
