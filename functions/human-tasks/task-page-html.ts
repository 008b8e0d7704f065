// The task page behind a mail link: what is decided and one POST form to decide it, or a notice saying what happened.
import type { FieldProblem } from '#shared/errors.ts';
import { html, type SafeHtml, unsafeRawHtml } from '#shared/html.ts';
import type { Locale } from '#shared/people.ts';
import { shortHash } from '#shared/words.ts';
import type { DecisionProblem } from './decision-input.ts';
import { type PageWords, type Progress, pageWords, type TaskNoticeKind } from './page-words.ts';
import { isWebAddress, outcomeTone } from './task-mail.ts';
import {
  type FieldSpec,
  type OutcomeId,
  oneLineTextLimit,
  outcomesNeedingReason,
  type SummaryValue,
  type Task,
  type TaskSummary,
} from './task-model.ts';
import type { SubjectNames } from './task-subjects.ts';

export type { TaskNoticeKind };

// Inline because the page loads nothing from elsewhere (no-referrer, no external requests, works offline).
const stylesheet = unsafeRawHtml(`
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1f2328;font:15px/1.6 -apple-system,"Segoe UI","PingFang SC","Noto Sans CJK SC","Microsoft YaHei",Arial,sans-serif}
main{max-width:760px;margin:0 auto;padding:24px 20px 0;background:#fff;min-height:100vh;overflow-wrap:anywhere}
h1{font-size:22px;line-height:1.4;margin:0 0 4px}
h2{font-size:17px;margin:24px 0 8px}
.muted{color:#57606a;margin:0 0 12px}
.deadline{font-weight:600}
dl{margin:0}
dl div{display:flex;gap:12px;padding:6px 0;border-bottom:1px solid #eaeef2}
dt{flex:0 0 38%;color:#57606a}
dd{margin:0;flex:1;min-width:0}
.note{display:block;color:#57606a;font-size:13px}
.findings{padding-left:20px}
.badge{display:inline-block;padding:0 6px;border-radius:4px;font-size:12px;margin-right:6px}
.badge-info{background:#ddf4ff;color:#0a3069}
.badge-warning{background:#fff8c5;color:#7d4e00}
.badge-high{background:#ffebe9;color:#a40e26;font-weight:600}
.history{margin:0 0 10px;padding:8px 12px;background:#f6f8fa}
.history p{margin:4px 0 0;white-space:pre-wrap}
.callout{margin:16px 0;padding:10px 12px;border-left:4px solid #d4a72c;background:#fff8e1}
.alert{margin:16px 0;padding:10px 12px;border-left:4px solid #cf222e;background:#ffebe9}
.alert ul{margin:4px 0 0;padding-left:20px}
form{margin-top:24px;border-top:2px solid #d0d7de;padding-top:8px}
label{display:block;font-weight:600;margin:14px 0 4px}
.field-note{font-weight:400;color:#57606a;font-size:13px}
input,select,textarea{width:100%;padding:8px;border:1px solid #8c959f;border-radius:6px;font:inherit}
textarea{min-height:96px}
[aria-invalid=true]{border-color:#cf222e;border-width:2px}
.error{color:#a40e26;margin:4px 0 0;font-size:14px}
.hint{color:#57606a;font-size:13px;margin:4px 0 0}
.decision-bar{position:sticky;bottom:0;margin:24px -20px 0;padding:12px 20px;background:#fff;border-top:1px solid #d0d7de;box-shadow:0 -4px 12px rgba(31,35,40,.08);display:flex;flex-wrap:wrap;gap:8px;align-items:center}
.decision-bar button{flex:1 1 auto;min-height:44px;padding:10px 18px;border-radius:6px;font:inherit;font-weight:600;cursor:pointer;border:1px solid #0969da;background:#fff;color:#0969da}
.decision-bar button.tone-primary{background:#1f883d;border-color:#1f883d;color:#fff}
.decision-bar button.tone-danger{border-color:#cf222e;color:#cf222e}
.decision-bar button.preselected{box-shadow:0 0 0 3px #b6d7ff}
.decision-bar .hint{flex-basis:100%;margin:0}
.notice{font-size:17px}
.next{margin:16px 0;padding:10px 12px;border-left:4px solid #0969da;background:#ddf4ff}
@media (max-width:560px){main{padding:16px 14px 0}.decision-bar{margin:24px -14px 0;padding:10px 14px}dl div{display:block}dt{font-size:13px}}
`);

function page(locale: Locale, title: string, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${stylesheet}</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>
`.toString();
}

/** A value on the page: a hash short with the whole in its tooltip, a link shortened but whole in its href. */
function valueHtml(value: SummaryValue, w: PageWords): SafeHtml {
  if (typeof value === 'object' && 'hash' in value) {
    return html`<span class="hash" title="${value.hash}">${shortHash(value.hash)}</span>`;
  }
  if (typeof value === 'object' && 'url' in value && isWebAddress(value.url)) {
    const shown = value.url.length > 60 ? `${value.url.slice(0, 57)}…` : value.url;
    return html`<a href="${value.url}" rel="noreferrer">${shown}</a>`;
  }
  return html`${w.value(value)}`;
}

function summarySection(summary: TaskSummary, w: PageWords): SafeHtml {
  const { facts, lines, findings, history } = summary;
  return html`${
    facts.length > 0 &&
    html`<section><h2>${w.facts}</h2>
<dl>${facts.map((fact) => html`<div><dt>${fact.label}</dt><dd>${valueHtml(fact.value, w)}</dd></div>`)}</dl></section>`
  }
${
  lines.length > 0 &&
  html`<section><h2>${w.lines}</h2>
<dl>${lines.map(
    (line) =>
      html`<div><dt>${line.label}</dt><dd>${valueHtml(line.value, w)}${
        line.note !== undefined && html`<span class="note">${line.note}</span>`
      }</dd></div>`,
  )}</dl></section>`
}
${
  findings.length > 0 &&
  html`<section><h2>${w.findings}</h2>
<ul class="findings">${findings.map(
    (finding) =>
      html`<li><span class="badge badge-${finding.severity}">${w.severity[finding.severity]}</span>${finding.message}</li>`,
  )}</ul></section>`
}
${
  history.length > 0 &&
  html`<section><h2>${w.history}</h2>
${history.map(
  (entry) =>
    html`<div class="history"><strong>${entry.by}</strong> · <span class="muted">${w.dateTime(entry.at)}</span><p>${entry.text}</p></div>`,
)}</section>`
}`;
}

// A refused POST may name a field as `fields.<name>` (zod path) or just `<name>`.
/** A problem from the decision's check, or another refusal already in the reader's words (a stale page). */
type PageProblem = FieldProblem & Partial<Pick<DecisionProblem, 'kind' | 'limit'>>;

const sayProblem = (problem: PageProblem, w: PageWords) =>
  problem.kind === undefined ? problem.message : w.page.problem({ kind: problem.kind, limit: problem.limit });

const problemsFor = (errors: readonly PageProblem[], name: string) =>
  errors.filter((problem) => problem.field === name || problem.field === `fields.${name}`);

// Fields named by the task's schema: only own properties count, so a field called `constructor` stays empty.
const ownValue = (values: Record<string, string> | undefined, name: string): string | undefined =>
  values !== undefined && Object.hasOwn(values, name) ? values[name] : undefined;

function fieldInput(field: FieldSpec, value: string | undefined, invalid: boolean, w: PageWords): SafeHtml {
  const id = `field-${field.name}`;
  const aria = invalid ? html` aria-invalid="true" aria-describedby="error-${field.name}"` : '';
  const required = field.required ? html` required` : '';
  switch (field.type) {
    case 'text':
      return field.maxLength > oneLineTextLimit
        ? html`<textarea id="${id}" name="${field.name}" maxlength="${field.maxLength}"${required}${aria}>${value ?? ''}</textarea>`
        : html`<input id="${id}" name="${field.name}" type="text" maxlength="${field.maxLength}" value="${value ?? ''}"${required}${aria}>`;
    case 'date':
      return html`<input id="${id}" name="${field.name}" type="date" value="${value ?? ''}"${required}${aria}>`;
    case 'url':
      return html`<input id="${id}" name="${field.name}" type="url" maxlength="2000" value="${value ?? ''}"${required}${aria}>`;
    case 'money':
      // Entered in yuan as a decimal; the server turns it into fen, so no float is kept.
      return html`<input id="${id}" name="${field.name}" type="number" step="0.01" min="0" inputmode="decimal" value="${value ?? ''}"${required}${aria}>`;
    case 'choice':
      return html`<select id="${id}" name="${field.name}"${required}${aria}>
<option value="">${w.page.choose}</option>
${field.options.map(
  (option) => html`<option value="${option}"${option === value ? html` selected` : ''}>${option}</option>`,
)}
</select>`;
  }
}

function fieldBlock(
  field: FieldSpec,
  errors: readonly PageProblem[],
  value: string | undefined,
  w: PageWords,
) {
  const problems = problemsFor(errors, field.name);
  const note = [
    field.required ? w.page.required : w.page.optional,
    field.type === 'money' ? w.page.moneyUnit : '',
  ]
    .filter((part) => part !== '')
    .join(w.locale === 'zh-CN' ? '，' : ', ');
  return html`<div class="field">
<label for="field-${field.name}">${field.label[w.locale]} <span class="field-note">(${note})</span></label>
${fieldInput(field, value, problems.length > 0, w)}
${problems.length > 0 && html`<p class="error" id="error-${field.name}">${problems.map((p) => sayProblem(p, w)).join(' ')}</p>`}
</div>`;
}

// Outcomes that turn a thing down: the browser must not insist on fields meant for going ahead before it lets
// someone press them. The server still validates every field for the outcome chosen.
const turnsDown: ReadonlySet<OutcomeId> = new Set([...outcomesNeedingReason, 'escalate']);

// Pressing Enter in a field submits with the form's first submit button, which would pick an outcome nobody chose.
// A disabled first button makes implicit submission do nothing (HTML spec), without a script.
const enterGuard = html`<button type="submit" disabled hidden aria-hidden="true" tabindex="-1"></button>`;

const formId = 'decision';

/**
 * The form page for a pending task, rendered for the current link's secret and a fresh page nonce. The outcome
 * buttons sit in a bar that stays at the bottom of the screen (they belong to the one form by its id), so a phone
 * user reaches them without scrolling past a long summary.
 */
export function renderTaskForm(input: {
  task: Task;
  names: SubjectNames;
  /** What the decider sees about the subject, read for this page (never stored with the task). */
  summary: TaskSummary;
  secret: string;
  nonce: string;
  locale: Locale;
  /** From `?o=` in the mail's link: highlights that button and nothing more; only a POST decides. */
  preselected?: OutcomeId;
  /** After a refused POST: shown at the top and next to their fields. */
  errors?: PageProblem[];
  /** After a refused POST: what the person had entered, so nothing typed is lost. */
  values?: { comment?: string; fields?: Record<string, string> };
}): string {
  const { task, names, secret, nonce, locale } = input;
  const w = pageWords(locale);
  const errors = input.errors ?? [];
  const preselected =
    input.preselected !== undefined && task.outcomes.includes(input.preselected)
      ? input.preselected
      : undefined;
  const reasonOutcomes = task.outcomes.filter((outcome) => outcomesNeedingReason.has(outcome));
  const commentProblems = problemsFor(errors, 'comment');
  const labelOf = (field: string) => {
    if (field === 'comment') return w.page.comment;
    const spec = task.fields.find((spec) => field === spec.name || field === `fields.${spec.name}`);
    if (spec) return spec.label[locale];
    // A name the form never had (a tampered post, `__proto__=x`): shown as sent, so the refusal says which.
    return field.startsWith('fields.') ? field.slice('fields.'.length) : undefined;
  };

  const content = html`<h1>${task.title}</h1>
<p class="muted">${names.kind} ${task.subject.id} · ${names.step}</p>
<p class="deadline">${w.deadline}${w.colon}${w.dateTime(task.deadlineAt)}</p>
${
  errors.length > 0 &&
  html`<div class="alert" role="alert"><strong>${w.page.errorsHeading}</strong>
<ul>${errors.map((problem) => {
    const label = labelOf(problem.field);
    return html`<li>${label !== undefined && html`${label}${w.colon}`}${sayProblem(problem, w)}</li>`;
  })}</ul></div>`
}
${preselected !== undefined && html`<p class="callout" id="preselected-hint">${w.page.preselected(w.outcome[preselected])}</p>`}
${summarySection(input.summary, w)}
<form method="post" action="/t/${encodeURIComponent(task.id)}" id="${formId}">
<h2>${w.page.decisionHeading}</h2>
<input type="hidden" name="k" value="${secret}">
<input type="hidden" name="nonce" value="${nonce}">
${enterGuard}
${task.fields.map((field) => fieldBlock(field, errors, ownValue(input.values?.fields, field.name), w))}
<div class="field">
<label for="field-comment">${w.page.comment}</label>
<textarea id="field-comment" name="comment" maxlength="5000" aria-describedby="comment-hint${commentProblems.length > 0 ? ' error-comment' : ''}"${
    commentProblems.length > 0 ? html` aria-invalid="true"` : ''
  }>${input.values?.comment ?? ''}</textarea>
<p class="hint" id="comment-hint">${w.page.commentHint}${
    reasonOutcomes.length > 0 &&
    html` <strong>${w.page.reasonRequiredFor(reasonOutcomes.map((o) => w.outcome[o]))}</strong>`
  }</p>
${commentProblems.length > 0 && html`<p class="error" id="error-comment">${commentProblems.map((p) => sayProblem(p, w)).join(' ')}</p>`}
</div>
</form>
<div class="decision-bar" role="group" aria-label="${w.page.decisionHeading}">${task.outcomes.map(
    (outcome) =>
      html`<button type="submit" form="${formId}" name="outcome" value="${outcome}" class="outcome-${outcome} tone-${outcomeTone(outcome)}${
        outcome === preselected ? ' preselected' : ''
      }"${outcome === preselected ? html` aria-describedby="preselected-hint"` : ''}${
        turnsDown.has(outcome) ? html` formnovalidate` : ''
      }>${w.outcome[outcome]}</button>`,
  )}
<p class="hint">${w.page.final}</p>
</div>`;

  return page(locale, task.title, content);
}

/** A page saying what happened to a link or a decision; nothing on it can change the task. */
export function renderTaskNotice(input: {
  kind: TaskNoticeKind;
  locale: Locale;
  task?: Task;
  names?: SubjectNames;
  /** People by name, times as ISO instants. */
  detail?: { by?: string; at?: string; to?: string; outcome?: OutcomeId };
  /** After a decision: who acts now, or how the workflow ended. */
  progress?: Progress;
}): string {
  const { kind, locale } = input;
  const w = pageWords(locale);
  // Whoever holds an invalid link may have guessed it: they learn nothing about any task.
  const task = kind === 'invalid-link' ? undefined : input.task;
  const detail = kind === 'invalid-link' ? {} : (input.detail ?? {});
  const progress = kind === 'invalid-link' ? undefined : input.progress;
  const at = detail.at ?? (kind === 'expired' || kind === 'too-late' ? task?.deadlineAt : undefined);
  const outcome = detail.outcome ?? task?.decision?.outcome;
  const sentence = w.notice.sentence(kind, {
    by: detail.by,
    at: at === undefined ? undefined : w.dateTime(at),
    to: detail.to,
    outcome: outcome === undefined ? undefined : w.outcome[outcome],
  });
  const title = w.notice.title[kind];
  const about =
    task && input.names && html`<p class="muted">${input.names.kind} ${task.subject.id} · ${task.title}</p>`;

  const content = html`<h1>${title}</h1>
${about}
<p class="notice notice-${kind}">${sentence}</p>
${progress !== undefined && html`<p class="next">${w.notice.next(progress)}</p>`}`;

  return page(locale, title, content);
}
