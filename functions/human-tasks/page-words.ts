// What a person reads on a task page (the decision form, the notices after it) in zh-CN and en, on top of the task's
// words: only the page handlers need these, so the handlers that mail leave them out of their bundles.
import { formatMoney } from '#shared/money.ts';
import type { Locale } from '#shared/people.ts';
import { formatList } from '#shared/words.ts';
import type { DecisionProblem } from './decision-input.ts';
import { type TaskWords, taskWords } from './words.ts';

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

/** Pieces a notice sentence may name, already formatted for the reader (people by name); any may be missing. */
export interface NoticeParts {
  by?: string;
  at?: string;
  to?: string;
  outcome?: string;
}

/** What happens after a decision, as far as the workflow has got: who acts now (by name), or how it ended. */
export type Progress = { step: string; person: string } | { ended: string } | { going: true };

export interface PageWords extends TaskWords {
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
    /** What is wrong with a field or the comment, after its label. */
    problem: (problem: Pick<DecisionProblem, 'kind' | 'limit'>) => string;
  };
  notice: {
    title: Readonly<Record<TaskNoticeKind, string>>;
    sentence: (kind: TaskNoticeKind, parts: NoticeParts) => string;
    next: (progress: Progress) => string;
  };
}

const quoted = (text: string) => `“${text}”`;

type PageOnly = Omit<PageWords, keyof TaskWords>;

const zhCN: PageOnly = {
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
    problem: ({ kind, limit = 0 }) => {
      switch (kind) {
        case 'choose-outcome':
          return '请点击下方的一个决定按钮。';
        case 'required':
          return '必填，请填写。';
        case 'too-long':
          return `最多 ${limit} 个字符。`;
        case 'control-characters':
          return '含有不允许的控制字符，请删除后重新输入。';
        case 'reason-required':
          return '请填写理由。';
        case 'not-a-date':
          return '请输入日期，格式为 YYYY-MM-DD。';
        case 'not-a-link':
          return '请输入完整链接，以 https:// 开头。';
        case 'not-an-amount':
          return '请输入以元为单位的金额，最多两位小数，例如 1234.50。';
        case 'over-max':
          return `不得超过 ${formatMoney({ amount: limit, currency: 'CNY' }, 'zh-CN')}。`;
        case 'not-a-choice':
          return '请从列表中选择。';
        case 'unknown-field':
          return '此决定没有这一项。';
      }
    },
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

const en: PageOnly = {
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
    problem: ({ kind, limit = 0 }) => {
      switch (kind) {
        case 'choose-outcome':
          return 'Press one of the decision buttons below.';
        case 'required':
          return 'Required; please fill it in.';
        case 'too-long':
          return `At most ${limit} characters.`;
        case 'control-characters':
          return 'Contains control characters that are not allowed; please remove them and type it again.';
        case 'reason-required':
          return 'Please give a reason.';
        case 'not-a-date':
          return 'Enter a date as YYYY-MM-DD.';
        case 'not-a-link':
          return 'Enter a full link, starting with https://.';
        case 'not-an-amount':
          return 'Enter an amount in yuan with at most two decimals, e.g. 1234.50.';
        case 'over-max':
          return `At most ${formatMoney({ amount: limit, currency: 'CNY' }, 'en')}.`;
        case 'not-a-choice':
          return 'Choose one from the list.';
        case 'unknown-field':
          return 'This decision has no such field.';
      }
    },
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

const byLocale: Readonly<Record<Locale, PageOnly>> = { 'zh-CN': zhCN, en };

export const pageWords = (locale: Locale): PageWords => ({ ...taskWords(locale), ...byLocale[locale] });
