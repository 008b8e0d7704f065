// The emails about a task: to its assignee (opened, reminder, escalated), to whoever it moved away from, and at expiry.
import { html, type SafeHtml } from '#shared/html.ts';
import type { Locale } from '#shared/people.ts';
import { shortHash } from '#shared/words.ts';
import type { OutcomeId, SummaryValue, Task, TaskSummary } from './task-model.ts';
import type { SubjectNames } from './task-subjects.ts';
import { type Severity, type TaskMailKind, type TaskWords, taskWords } from './words.ts';

export type { TaskMailKind };

export interface RenderedMail {
  subject: string;
  html: string;
  text: string;
}

// Mail clients drop <style> blocks and external sheets, so every style is inline; no tables, few properties.
const style = {
  body: 'margin:0;padding:0;background:#f4f5f7;',
  frame:
    'max-width:640px;margin:0 auto;padding:24px 20px;background:#ffffff;color:#1f2328;font-family:-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",Arial,sans-serif;font-size:15px;line-height:1.6;overflow-wrap:anywhere;',
  h1: 'font-size:20px;line-height:1.4;margin:16px 0 4px;',
  h2: 'font-size:16px;margin:20px 0 6px;',
  muted: 'color:#57606a;margin:0 0 12px;',
  notice: 'margin:12px 0;padding:10px 12px;background:#fff8e1;border-left:4px solid #d4a72c;',
  deadline: 'margin:12px 0;font-weight:600;',
  list: 'margin:0;padding:0;',
  row: 'margin:0;padding:6px 0;border-bottom:1px solid #eaeef2;',
  term: 'display:inline;color:#57606a;',
  value: 'display:inline;margin:0;',
  note: 'display:block;color:#57606a;font-size:13px;',
  item: 'margin:0 0 6px;',
  history: 'margin:0 0 10px;padding:8px 12px;background:#f6f8fa;white-space:pre-wrap;',
  hint: 'color:#57606a;font-size:13px;margin:20px 0 8px;',
  buttons: 'margin:0 0 16px;',
  button:
    'display:inline-block;margin:0 8px 8px 0;padding:10px 18px;background:#ffffff;color:#0969da;border:1px solid #0969da;text-decoration:none;border-radius:6px;font-weight:600;',
  primary:
    'display:inline-block;margin:0 8px 8px 0;padding:10px 18px;background:#1f883d;color:#ffffff;border:1px solid #1f883d;text-decoration:none;border-radius:6px;font-weight:600;',
  danger:
    'display:inline-block;margin:0 8px 8px 0;padding:10px 18px;background:#ffffff;color:#cf222e;border:1px solid #cf222e;text-decoration:none;border-radius:6px;font-weight:600;',
  url: 'color:#57606a;font-size:13px;word-break:break-all;',
  footer: 'color:#8c959f;font-size:12px;margin-top:24px;',
};

const badge: Readonly<Record<Severity, string>> = {
  info: 'display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;background:#ddf4ff;color:#0a3069;',
  warning:
    'display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;background:#fff8c5;color:#7d4e00;',
  high: 'display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;background:#ffebe9;color:#a40e26;font-weight:600;',
};

/** How an outcome's button looks: going ahead is the obvious choice, turning down stands out as such. */
export function outcomeTone(outcome: OutcomeId): 'primary' | 'danger' | 'neutral' {
  if (['approve', 'sign', 'confirm', 'accept', 'done', 'shipped', 'delivered'].includes(outcome))
    return 'primary';
  if (['reject', 'write-off'].includes(outcome)) return 'danger';
  return 'neutral';
}

const toneStyle = { primary: style.primary, danger: style.danger, neutral: style.button } as const;

/** The task page with an outcome preselected; `link` already carries `?k=`. */
export const outcomeLink = (link: string, outcome: OutcomeId): string =>
  `${link}${link.includes('?') ? '&' : '?'}o=${encodeURIComponent(outcome)}`;

// A title is free text; a line break in it must not become a second header line.
export const oneLine = (text: string) => text.replace(/\s*[\r\n]+\s*/g, ' ').trim();

/** `费用报销 EX-2026-00012：差旅费` */
function subjectLine(task: Task, names: SubjectNames, w: TaskWords): string {
  return `${names.kind} ${task.subject.id}${w.colon}${oneLine(task.title)}`;
}

/** `费用报销 EX-2026-00012（差旅费）` inside a sentence. */
function subjectName(task: Task, names: SubjectNames, w: TaskWords): string {
  const kindAndId = `${names.kind} ${task.subject.id}`;
  return w.locale === 'zh-CN'
    ? `${kindAndId}（${oneLine(task.title)}）`
    : `${kindAndId} (${oneLine(task.title)})`;
}

function document(locale: Locale, subject: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${subject}</title>
</head>
<body style="${style.body}">
<div style="${style.frame}">
${body}
</div>
</body>
</html>
`.toString();
}

/** Only a web address becomes a link: `z.url()` also takes `javascript:` and `data:`, which must stay text. */
export const isWebAddress = (url: string): boolean => /^https?:\/\//i.test(url);

/** A value in a mail: a hash short, with the whole in a tooltip; a link as a link. */
function valueHtml(value: SummaryValue, w: TaskWords): SafeHtml {
  if (typeof value === 'object' && 'hash' in value)
    return html`<span title="${value.hash}">${shortHash(value.hash)}</span>`;
  if (typeof value === 'object' && 'url' in value && isWebAddress(value.url))
    return html`<a href="${value.url}" style="${style.url}">${value.url}</a>`;
  return html`${w.value(value)}`;
}

function summaryHtml(summary: TaskSummary, w: TaskWords): SafeHtml {
  const { facts, lines, findings, history } = summary;
  return html`${
    facts.length > 0 &&
    html`<h2 style="${style.h2}">${w.facts}</h2>
<dl style="${style.list}">${facts.map(
      (fact) =>
        html`<div style="${style.row}"><dt style="${style.term}">${fact.label}${w.colon}</dt><dd style="${style.value}">${valueHtml(fact.value, w)}</dd></div>`,
    )}</dl>`
  }${
    lines.length > 0 &&
    html`<h2 style="${style.h2}">${w.lines}</h2>
<dl style="${style.list}">${lines.map(
      (line) =>
        html`<div style="${style.row}"><dt style="${style.term}">${line.label}${w.colon}</dt><dd style="${style.value}">${valueHtml(line.value, w)}${
          line.note !== undefined && html`<span style="${style.note}">${line.note}</span>`
        }</dd></div>`,
    )}</dl>`
  }${
    findings.length > 0 &&
    html`<h2 style="${style.h2}">${w.findings}</h2>
<ul style="padding-left:20px;margin:0;">${findings.map(
      (finding) =>
        html`<li style="${style.item}"><span style="${badge[finding.severity]}">${w.severity[finding.severity]}</span> ${finding.message}</li>`,
    )}</ul>`
  }${
    history.length > 0 &&
    html`<h2 style="${style.h2}">${w.history}</h2>
${history.map(
  (entry) =>
    html`<p style="${style.history}"><strong>${entry.by}</strong> · ${w.dateTime(entry.at)}
${entry.text}</p>`,
)}`
  }`;
}

function summaryText(summary: TaskSummary, w: TaskWords): string[] {
  const { facts, lines, findings, history } = summary;
  const out: string[] = [];
  if (facts.length > 0) {
    out.push('', w.facts);
    for (const fact of facts) out.push(`- ${fact.label}${w.colon}${w.value(fact.value)}`);
  }
  if (lines.length > 0) {
    out.push('', w.lines);
    for (const line of lines) {
      const note = line.note === undefined ? '' : ` (${line.note})`;
      out.push(`- ${line.label}${w.colon}${w.value(line.value)}${note}`);
    }
  }
  if (findings.length > 0) {
    out.push('', w.findings);
    for (const finding of findings) out.push(`- [${w.severity[finding.severity]}] ${finding.message}`);
  }
  if (history.length > 0) {
    out.push('', w.history);
    for (const entry of history) out.push(`- ${entry.by} · ${w.dateTime(entry.at)}${w.colon}${entry.text}`);
  }
  return out;
}

/**
 * The assignee's mail. Its buttons are plain links to the task page with the outcome preselected (`&o=`): opening
 * one only shows the page, because mail scanners follow every link and a GET must never decide. The link secret
 * is the only credential in the mail; the task token never leaves the server.
 */
export function renderTaskMail(input: {
  task: Task;
  names: SubjectNames;
  /** What the decider sees about the subject, read for this mail (never stored with the task). */
  summary: TaskSummary;
  link: string;
  kind: TaskMailKind;
  locale: Locale;
  assigneeName: string;
  /** The name of whom the assignee stands in for, when a delegate got it. */
  onBehalfOfName?: string;
}): RenderedMail {
  const { task, names, summary, link, kind, locale, assigneeName, onBehalfOfName } = input;
  const w = taskWords(locale);
  const subject = `${w.mail.subjectPrefix(kind, task.outcomes.includes('approve'))} ${subjectLine(task, names, w)}`;
  const deadline = w.dateTime(task.deadlineAt);
  const where = `${names.kind} ${task.subject.id} · ${names.step}`;
  const notes =
    kind === 'escalated'
      ? [w.mail.escalated(onBehalfOfName)]
      : kind === 'reassigned'
        ? [w.mail.reassigned]
        : onBehalfOfName === undefined
          ? []
          : [w.mail.onBehalfOf(onBehalfOfName)];
  const buttons = task.outcomes.map((outcome) => ({
    label: w.outcome[outcome],
    href: outcomeLink(link, outcome),
    tone: outcomeTone(outcome),
  }));

  const body = html`<p>${w.mail.greeting(assigneeName)}</p>
<p>${w.mail.intro[kind]}</p>
${notes.map((note) => html`<p style="${style.notice}">${note}</p>`)}
<h1 style="${style.h1}">${task.title}</h1>
<p style="${style.muted}">${where}</p>
<p style="${style.deadline}">${w.deadline}${w.colon}${deadline}</p>
${summaryHtml(summary, w)}
<p style="${style.hint}">${w.mail.buttonsHint}</p>
<div style="${style.buttons}">${buttons.map(
    (button) => html`<a href="${button.href}" style="${toneStyle[button.tone]}">${button.label}</a>`,
  )}</div>
<p><a href="${link}">${w.mail.openTask}</a><br><span style="${style.url}">${link}</span></p>
<p style="${style.muted}">${w.mail.doNotForward}</p>
<p style="${style.footer}">${w.mail.signature}</p>`;

  const text = [
    w.mail.greeting(assigneeName),
    '',
    w.mail.intro[kind],
    ...notes,
    '',
    task.title,
    where,
    `${w.deadline}${w.colon}${deadline}`,
    ...summaryText(summary, w),
    '',
    w.mail.buttonsHint,
    ...buttons.map((button) => `${button.label}${w.colon}${button.href}`),
    '',
    `${w.mail.openTask}${w.colon}${link}`,
    '',
    w.mail.doNotForward,
    w.mail.signature,
  ].join('\n');

  return { subject, html: document(locale, subject, body), text: `${text}\n` };
}

/** A short notice mail about a task: what happened, and what it means for the reader. */
function renderNotice(input: {
  task: Task;
  names: SubjectNames;
  locale: Locale;
  recipientName: string;
  prefix: string;
  sentence: string;
  meaning: string;
}): RenderedMail {
  const { task, names, locale, recipientName } = input;
  const w = taskWords(locale);
  const subject = `${input.prefix} ${subjectLine(task, names, w)}`;
  const where = `${names.kind} ${task.subject.id} · ${names.step}`;
  const body = html`<p>${w.mail.greeting(recipientName)}</p>
<h1 style="${style.h1}">${task.title}</h1>
<p style="${style.muted}">${where}</p>
<p style="${style.notice}">${input.sentence}</p>
<p>${input.meaning}</p>
<p style="${style.footer}">${w.mail.signature}</p>`;
  const text = [
    w.mail.greeting(recipientName),
    '',
    task.title,
    where,
    '',
    input.sentence,
    input.meaning,
    '',
    w.mail.signature,
  ];
  return { subject, html: document(locale, subject, body), text: `${text.join('\n')}\n` };
}

/** Tells the requester that the task about their subject closed at its deadline with nobody having decided. */
export function renderExpiryNotice(input: {
  task: Task;
  names: SubjectNames;
  locale: Locale;
  recipientName: string;
  assigneeName: string;
}): RenderedMail {
  const w = taskWords(input.locale);
  return renderNotice({
    ...input,
    prefix: w.mail.expiredPrefix,
    sentence: w.mail.expiry(
      subjectName(input.task, input.names, w),
      input.assigneeName,
      w.dateTime(input.task.deadlineAt),
    ),
    meaning: w.mail.expiryNothingDecided,
  });
}

/** Tells the former assignee that their task moved to someone else at escalation: their link is dead, nothing to do. */
export function renderMovedNotice(input: {
  task: Task;
  names: SubjectNames;
  locale: Locale;
  recipientName: string;
  toName: string;
}): RenderedMail {
  const w = taskWords(input.locale);
  return renderNotice({
    ...input,
    prefix: w.mail.movedPrefix,
    sentence: w.mail.moved(subjectName(input.task, input.names, w), input.toName),
    meaning: w.mail.movedNothingToDo,
  });
}

/** Tells someone the step named has passed its due date with the task still open (the planned date, a delivery). */
export function renderOverdueAlert(input: {
  task: Task;
  names: SubjectNames;
  locale: Locale;
  recipientName: string;
  assigneeName: string;
}): RenderedMail {
  const w = taskWords(input.locale);
  const dueOn = input.task.sla.dueOn ?? input.task.deadlineAt.slice(0, 10);
  return renderNotice({
    ...input,
    prefix: w.mail.overduePrefix,
    sentence: w.mail.overdue(
      subjectName(input.task, input.names, w),
      input.names.step,
      w.value({ date: dueOn }),
      input.assigneeName,
    ),
    meaning: w.mail.overdueMeaning,
  });
}
