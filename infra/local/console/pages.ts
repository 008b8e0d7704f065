// The ops console's pages: executions filtered by workflow, status and business id; one execution's graph, where it waits, its history as a timeline, stop and redrive. No scripts: it works offline.
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { html, type SafeHtml, unsafeRawHtml } from '#shared/html.ts';
import {
  type ConsoleExecution,
  type ConsoleOverview,
  consoleStatuses,
  type ExecutionDetail,
  type Standing,
} from './data.ts';
import { renderGraph } from './graph.ts';

const style = unsafeRawHtml(`
  :root { --ink: #0f172a; --muted: #64748b; --line: #e2e8f0; --soft: #f8fafc; --blue: #0369a1; }
  * { box-sizing: border-box; }
  body { font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans CJK SC", sans-serif; margin: 0; color: var(--ink); background: #f1f5f9; }
  a { color: var(--blue); text-decoration: none; } a:hover { text-decoration: underline; }
  .top { background: #0f172a; color: #e2e8f0; padding: 10px 20px; display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: baseline; }
  .top .brand { color: #fff; font-weight: 650; font-size: 16px; }
  .top a { color: #93c5fd; } .top .clock { margin-left: auto; color: #cbd5e1; font-size: 13px; }
  main { padding: 18px 20px 40px; max-width: 1240px; margin: 0 auto; }
  h1 { font-size: 21px; margin: 4px 0 2px; display: flex; flex-wrap: wrap; gap: 10px; align-items: center; }
  h2 { font-size: 15px; margin: 0 0 10px; }
  .sub { color: var(--muted); margin: 0 0 14px; word-break: break-all; }
  .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; margin: 14px 0; }
  .muted { color: var(--muted); }
  .pill { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 9px; border-radius: 999px; border: 1px solid; white-space: nowrap; }
  .RUNNING { color: #1d4ed8; background: #eff6ff; border-color: #bfdbfe; }
  .SUCCEEDED { color: #047857; background: #ecfdf5; border-color: #a7f3d0; }
  .FAILED, .TIMED_OUT { color: #b91c1c; background: #fef2f2; border-color: #fecaca; }
  .ABORTED { color: #92400e; background: #fffbeb; border-color: #fde68a; }
  form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; }
  label { display: flex; flex-direction: column; gap: 3px; font-size: 12px; color: var(--muted); }
  select, input[type=text], textarea { font: inherit; color: var(--ink); padding: 6px 8px; border: 1px solid #cbd5e1; border-radius: 7px; background: #fff; }
  input[type=text] { min-width: 14rem; }
  button, .button { font: inherit; font-weight: 600; padding: 6px 14px; border-radius: 7px; border: 1px solid var(--blue); background: var(--blue); color: #fff; cursor: pointer; }
  .button.plain { background: #fff; color: var(--blue); } button.danger { background: #b91c1c; border-color: #b91c1c; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 7px 8px; vertical-align: top; }
  th { font-size: 12px; color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--line); }
  tbody tr + tr td { border-top: 1px solid var(--line); }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.id, td.date { white-space: nowrap; }
  .counts a { display: inline-block; min-width: 1.5em; }
  .where { font-size: 13px; } .where .late { color: #b91c1c; font-weight: 600; }
  .scroll-x { overflow-x: auto; }
  .person { white-space: nowrap; }
  .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 8px 18px; margin: 0; }
  .facts dt { font-size: 12px; color: var(--muted); } .facts dd { margin: 0; word-break: break-word; }
  .standing { display: grid; gap: 8px; }
  .standing .one { border-left: 4px solid #d97706; background: #fffbeb; padding: 8px 12px; border-radius: 6px; }
  .standing .one.late { border-color: #b91c1c; background: #fef2f2; }
  .error { border-left: 4px solid #b91c1c; background: #fef2f2; padding: 8px 12px; border-radius: 6px; word-break: break-word; }
  .actions { display: flex; flex-wrap: wrap; gap: 16px; align-items: end; }
  .actions form { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; }
  .notice { background: #ecfdf5; border: 1px solid #a7f3d0; color: #065f46; padding: 8px 12px; border-radius: 8px; }
  .notice.bad { background: #fef2f2; border-color: #fecaca; color: #991b1b; }
  .graph-wrap { overflow: auto; max-height: 78vh; border: 1px solid var(--line); border-radius: 8px; background: var(--soft); }
  svg.graph { display: block; margin: 0 auto; }
  .legend { display: flex; flex-wrap: wrap; gap: 6px 16px; font-size: 12px; color: var(--muted); margin-top: 8px; }
  .legend i { display: inline-block; width: 14px; height: 10px; border-radius: 3px; border: 2px solid; vertical-align: -1px; margin-right: 4px; }
  ol.timeline { list-style: none; margin: 0; padding: 0; }
  ol.timeline li { display: grid; grid-template-columns: 8.5rem 1fr; gap: 2px 12px; padding: 7px 0; border-top: 1px solid var(--line); }
  ol.timeline li:first-child { border-top: 0; }
  .when { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
  .what { min-width: 0; } .what .name { font-weight: 600; } .what .kind { font-size: 12px; color: var(--muted); margin-left: 6px; }
  .chips { display: inline-flex; flex-wrap: wrap; gap: 4px; margin-left: 6px; vertical-align: 1px; }
  .chip { font-size: 11px; padding: 0 6px; border-radius: 4px; background: #f1f5f9; color: #334155; }
  .chip.bad { background: #fee2e2; color: #991b1b; } .chip.good { background: #dcfce7; color: #166534; }
  details { margin-top: 4px; } summary { cursor: pointer; color: var(--blue); font-size: 12px; }
  pre { margin: 4px 0 0; padding: 8px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; font-size: 12px; white-space: pre-wrap; word-break: break-word; max-height: 22rem; overflow: auto; }
  @media (max-width: 720px) {
    main { padding: 12px 12px 32px; }
    table.rows thead { display: none; }
    table.rows tr { display: block; padding: 8px 0; border-top: 1px solid var(--line); }
    table.rows tbody tr + tr td { border-top: 0; }
    table.rows td { display: grid; grid-template-columns: 6.5rem 1fr; gap: 8px; padding: 2px 0; }
    table.rows td::before { content: attr(data-label); color: var(--muted); font-size: 12px; }
    input[type=text] { min-width: 0; width: 100%; } form.filters label { flex: 1 1 40%; }
    ol.timeline li { grid-template-columns: 1fr; }
    .graph-wrap { max-height: none; } svg.graph { width: 100%; height: auto; }
    .top .clock { margin-left: 0; }
  }
`);

const time = (date: Date | undefined) => (date ? date.toISOString().replace('T', ' ').slice(0, 19) : '');

/** `3d 4h`, `25m`, `12s`: a span of time as ops read it. */
export function span(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  const [d, h, m, s] = [
    Math.floor(seconds / 86400),
    Math.floor((seconds % 86400) / 3600),
    Math.floor((seconds % 3600) / 60),
    seconds % 60,
  ];
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${s}s`;
  if (ms < 1000 && ms > 0) return `${(ms / 1000).toFixed(2)}s`;
  return `${s}s`;
}

export const executionPath = (arn: string) => `/_local/console/executions/${encodeURIComponent(arn)}`;

function layout(title: string, now: Date, body: SafeHtml): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} · sandbox console</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${style}</style></head>
<body><header class="top"><a class="brand" href="/_local/console">Sandbox console</a><a href="/_local/console">Executions</a><a href="/_local/mail/">Mail</a>
<span class="clock">Virtual time ${time(now)} UTC</span></header>
<main>${body}</main></body></html>`.toString();
}

const statusWords: Record<string, string> = {
  RUNNING: 'Running',
  SUCCEEDED: 'Succeeded',
  FAILED: 'Failed',
  TIMED_OUT: 'Timed out',
  ABORTED: 'Aborted',
};

const statusPill = (status: string) => html`<span class="pill ${status}">${status}</span>`;

function filterHref(filter: { workflow?: string; status?: string; businessId?: string }): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value) query.set(key, value);
  const text = query.toString();
  return `/_local/console${text ? `?${text}` : ''}`;
}

function waitingLine(standing: Standing, now: Date): SafeHtml {
  if (standing.task) {
    const { task } = standing;
    const late = now.getTime() - task.slaDue.getTime();
    return html`<b>${standing.state}</b> — waiting for <span class="person">${task.assignee.name}</span> <span class="muted">(${task.assignee.email})</span>
for ${span(now.getTime() - task.openedAt.getTime())}${late > 0 ? html`, <span class="late">overdue ${span(late)}</span>` : html`, SLA in ${span(-late)}`}`;
  }
  if (standing.waitUntil) {
    const left = standing.waitUntil.getTime() - now.getTime();
    return html`<b>${standing.state}</b> — waits until ${time(standing.waitUntil)} (${left > 0 ? `in ${span(left)}` : 'due now'})`;
  }
  return html`<b>${standing.state}</b> — running`;
}

function whereCell(execution: ConsoleExecution, now: Date): SafeHtml {
  if (execution.status !== 'RUNNING') return html`<span class="muted">—</span>`;
  if (execution.standing.length === 0) return html`<span class="muted">starting</span>`;
  return html`${execution.standing.map((s) => html`<div>${waitingLine(s, now)}</div>`)}`;
}

export function renderOverview(view: ConsoleOverview): string {
  const { filter } = view;
  const workflowSlugs = view.workflows.map((w) => w.slug);
  return layout(
    'Executions',
    view.now,
    html`<h1>Executions</h1>
<div class="card"><form class="filters" method="get" action="/_local/console">
<label>Workflow<select name="workflow"><option value="">All workflows</option>${workflowSlugs.map(
      (slug) =>
        html`<option value="${slug}"${slug === filter.workflow ? unsafeRawHtml(' selected') : ''}>${slug}</option>`,
    )}</select></label>
<label>Status<select name="status"><option value="">Any status</option>${consoleStatuses.map(
      (status) =>
        html`<option value="${status}"${status === filter.status ? unsafeRawHtml(' selected') : ''}>${status}</option>`,
    )}</select></label>
<label>Business id<input type="text" name="businessId" value="${filter.businessId ?? ''}" placeholder="EX-2026-00012, CT-…"></label>
<button type="submit">Filter</button><a class="button plain" href="/_local/console">Clear</a></form></div>
<div class="card"><h2>By workflow</h2><div class="scroll-x"><table class="counts"><thead><tr><th>Workflow</th>${consoleStatuses.map(
      (s) => html`<th class="num">${statusWords[s]}</th>`,
    )}</tr></thead><tbody>${view.workflows.map(
      (w) =>
        html`<tr><td><a href="${filterHref({ workflow: w.slug })}">${w.slug}</a></td>${consoleStatuses.map(
          (s) => {
            const count = w.counts[s] ?? 0;
            return html`<td class="num">${count === 0 ? html`<span class="muted">0</span>` : html`<a href="${filterHref({ workflow: w.slug, status: s })}">${count}</a>`}</td>`;
          },
        )}</tr>`,
    )}</tbody></table></div></div>
<div class="card"><h2>${view.matched} execution${view.matched === 1 ? '' : 's'}${
      view.matched > view.executions.length
        ? html` <span class="muted">(newest ${view.executions.length} shown)</span>`
        : ''
    }</h2>
${
  view.executions.length === 0
    ? html`<p class="muted">${filter.workflow || filter.status || filter.businessId ? 'No execution matches.' : 'No execution has started yet.'}</p>`
    : html`<table class="rows"><thead><tr><th>Business id</th><th>Workflow</th><th>Status</th><th>Where / waiting for</th><th>Started</th><th>Ended</th></tr></thead><tbody>
${view.executions.map(
  (e) =>
    html`<tr class="execution"><td data-label="Business id" class="id"><div><a href="${executionPath(e.executionArn)}">${e.businessId ?? e.name}</a>${
      e.businessId && e.businessId !== e.name ? html`<div class="muted">${e.name}</div>` : ''
    }</div></td><td data-label="Workflow"><div>${e.workflow}</div></td><td data-label="Status"><div>${statusPill(e.status)}${
      e.redriveCount > 0 ? html` <span class="muted">redriven ${e.redriveCount}×</span>` : ''
    }</div></td><td data-label="Where" class="where"><div>${whereCell(e, view.now)}</div></td><td data-label="Started" class="date"><div>${time(e.startDate)}</div></td><td data-label="Ended" class="date"><div>${time(e.stopDate) || html`<span class="muted">—</span>`}</div></td></tr>`,
)}</tbody></table>`
}</div>`,
  );
}

// One execution -----------------------------------------------------------------------------------------------------

/** Task tokens are secrets: any field named like a token is shown as hidden. */
function redacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redacted);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      /token/i.test(key) && typeof child === 'string' ? '(task token, hidden)' : redacted(child),
    ]),
  );
}

function pretty(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return JSON.stringify(redacted(JSON.parse(text)), null, 2);
  } catch {
    return text;
  }
}

function details(event: HistoryEvent): Record<string, unknown> {
  for (const [key, value] of Object.entries(event)) {
    if (key.endsWith('EventDetails') && typeof value === 'object' && value !== null)
      return value as Record<string, unknown>;
  }
  return {};
}

interface TimelineEntry {
  at: Date | undefined;
  title: string;
  kind: string;
  chips: { text: string; tone?: 'good' | 'bad' }[];
  input?: string;
  output?: string;
  error?: string;
  ended?: Date;
  attempts?: number;
}

/** One entry per state visit (its task events folded in), plus the execution's own events. */
export function timeline(events: readonly HistoryEvent[]): TimelineEntry[] {
  const entries: TimelineEntry[] = [];
  const open = new Map<string, TimelineEntry>();
  let latestVisit: TimelineEntry | undefined;
  for (const event of events) {
    const type = event.type ?? '';
    const d = details(event);
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    if (type.endsWith('StateEntered')) {
      const entry: TimelineEntry = {
        at: event.timestamp,
        title: String(d.name),
        kind: type.replace('StateEntered', ''),
        chips: [],
        input: text(d.input),
      };
      open.set(String(d.name), entry);
      entries.push(entry);
      latestVisit = entry;
      continue;
    }
    if (type.endsWith('StateExited')) {
      const entry = open.get(String(d.name));
      if (entry) {
        entry.output = text(d.output);
        entry.ended = event.timestamp;
        open.delete(String(d.name));
      }
      continue;
    }
    const visit = latestVisit;
    switch (type) {
      case 'ExecutionStarted':
        entries.push({
          at: event.timestamp,
          title: 'Execution started',
          kind: '',
          chips: [],
          input: text(d.input),
        });
        break;
      case 'ExecutionRedriven':
        entries.push({
          at: event.timestamp,
          title: `Redriven (${String(d.redriveCount ?? '')})`,
          kind: 'from the states that had not succeeded',
          chips: [],
        });
        break;
      case 'ExecutionSucceeded':
        entries.push({
          at: event.timestamp,
          title: 'Execution succeeded',
          kind: '',
          chips: [{ text: 'SUCCEEDED', tone: 'good' }],
          output: text(d.output),
        });
        break;
      case 'ExecutionFailed':
      case 'ExecutionAborted':
      case 'ExecutionTimedOut': {
        const what = type.replace('Execution', '').toLowerCase().replace('timedout', 'timed out');
        entries.push({
          at: event.timestamp,
          title: `Execution ${what}`,
          kind: '',
          chips: [{ text: what.toUpperCase(), tone: 'bad' }],
          error: [text(d.error), text(d.cause)].filter(Boolean).join(': ') || undefined,
        });
        break;
      }
      case 'TaskScheduled':
      case 'LambdaFunctionScheduled':
        if (visit) {
          visit.attempts = (visit.attempts ?? 0) + 1;
          if (visit.attempts > 1) visit.chips.push({ text: `attempt ${visit.attempts}` });
        }
        break;
      case 'TaskSubmitted':
        visit?.chips.push({ text: 'waiting for a person' });
        break;
      case 'TaskSucceeded':
      case 'LambdaFunctionSucceeded':
        visit?.chips.push({ text: 'succeeded', tone: 'good' });
        break;
      case 'TaskFailed':
      case 'LambdaFunctionFailed':
      case 'TaskTimedOut':
      case 'LambdaFunctionTimedOut':
        visit?.chips.push({ text: String(d.error ?? 'failed'), tone: 'bad' });
        if (visit) visit.error = [text(d.error), text(d.cause)].filter(Boolean).join(': ');
        break;
      case 'MapIterationStarted':
        break;
      case 'MapIterationFailed':
        visit?.chips.push({ text: `item ${String(d.index)} failed`, tone: 'bad' });
        break;
    }
  }
  return entries;
}

function renderTimeline(events: readonly HistoryEvent[], start: Date | undefined): SafeHtml {
  const base = start?.getTime() ?? 0;
  return html`<ol class="timeline">${timeline(events).map((entry) => {
    const at = entry.at?.getTime() ?? base;
    const took = entry.ended ? span(entry.ended.getTime() - at || 0) : '';
    return html`<li class="event"><div class="when">${time(entry.at).slice(11)}<br>+${span(at - base)}</div>
<div class="what"><span class="name">${entry.title}</span>${entry.kind ? html`<span class="kind">${entry.kind}</span>` : ''}${
      entry.chips.length > 0 || took
        ? html`<span class="chips">${entry.chips.map((c) => html`<span class="chip${c.tone ? ` ${c.tone}` : ''}">${c.text}</span>`)}${took ? html`<span class="chip">${took}</span>` : ''}</span>`
        : ''
    }
${entry.error ? html`<div class="error">${entry.error}</div>` : ''}
${entry.input !== undefined ? html`<details><summary>input</summary><pre>${pretty(entry.input)}</pre></details>` : ''}
${entry.output !== undefined ? html`<details><summary>output</summary><pre>${pretty(entry.output)}</pre></details>` : ''}</div></li>`;
  })}</ol>`;
}

export function renderExecution(view: ExecutionDetail, notice?: { text: string; bad: boolean }): string {
  const title = view.businessId ?? view.name;
  const running = view.status === 'RUNNING';
  const ended = view.stopDate ?? view.now;
  return layout(
    title,
    view.now,
    html`<p><a href="/_local/console">← Executions</a></p>
<h1>${title} ${statusPill(view.status)}</h1>
<p class="sub">${view.workflow} · ${view.name}</p>
${notice ? html`<p class="notice${notice.bad ? ' bad' : ''}">${notice.text}</p>` : ''}
<div class="card"><dl class="facts">
<div><dt>Workflow</dt><dd>${view.workflow}</dd></div>
<div><dt>Business id</dt><dd>${view.businessId ?? '—'}</dd></div>
<div><dt>Started</dt><dd>${time(view.startDate)}</dd></div>
<div><dt>${running ? 'Running for' : 'Ended'}</dt><dd>${running ? span(ended.getTime() - (view.startDate?.getTime() ?? 0)) : time(view.stopDate)}</dd></div>
<div><dt>Redriven</dt><dd>${view.redriveCount === 0 ? 'never' : `${view.redriveCount}×`}</dd></div>
</dl></div>
<div class="card"><h2>${running ? 'Where it waits' : 'How it ended'}</h2>
${
  running
    ? view.standing.length === 0
      ? html`<p class="muted">Between steps.</p>`
      : html`<div class="standing">${view.standing.map((s) => {
          const late = s.task && view.now.getTime() > s.task.slaDue.getTime();
          return html`<div class="one${late ? ' late' : ''}">${waitingLine(s, view.now)}${
            s.task
              ? html`<div class="muted">${s.task.type} · opened ${time(s.task.openedAt)} · SLA ${time(s.task.slaDue)} · deadline ${time(s.task.deadline)} · <a href="/_local/mail/?to=${encodeURIComponent(s.task.assignee.email)}">their mail</a></div>`
              : ''
          }</div>`;
        })}</div>`
    : view.error || view.cause
      ? html`<div class="error"><b>${view.error ?? ''}</b>${view.cause ? html`: ${view.cause}` : ''}</div>`
      : html`<p>${statusPill(view.status)}</p>${view.output !== undefined ? html`<details><summary>output</summary><pre>${pretty(view.output)}</pre></details>` : ''}`
}
<div class="actions" style="margin-top:12px">
${
  running
    ? html`<form method="post" action="${executionPath(view.executionArn)}/stop"><label>Cause (kept in the history)<input type="text" name="cause" maxlength="2000" placeholder="why it is stopped"></label><button class="danger" type="submit">Stop execution</button></form>`
    : ''
}
${
  view.redrivable
    ? html`<form method="post" action="${executionPath(view.executionArn)}/redrive"><button type="submit">Redrive: continue where it stopped</button></form>${view.redriveNote ? html`<span class="muted">${view.redriveNote}</span>` : ''}`
    : !running && view.status !== 'SUCCEEDED' && view.redriveNote
      ? html`<span class="muted">${view.redriveNote}</span>`
      : ''
}
</div></div>
<div class="card"><h2>Graph <a class="muted" style="font-weight:400;font-size:12px" href="${executionPath(view.executionArn)}/graph.svg">open full size</a></h2><div class="graph-wrap">${renderGraph(
      view.definition,
      {
        visited: view.visited,
        current: view.current,
        failed: view.failed,
      },
    )}</div>
<div class="legend"><span><i style="border-color:#0284c7;background:#e0f2fe"></i>visited</span><span><i style="border-color:#d97706;background:#fef3c7"></i>current</span><span><i style="border-color:#dc2626;background:#fee2e2"></i>failed here</span><span><i style="border-color:#cbd5e1;background:#fff"></i>not reached</span><span>dashed box: a choice · dashed line: a Catch</span></div></div>
<div class="card"><h2>History</h2>${renderTimeline(view.events, view.startDate)}
<details><summary>execution input</summary><pre>${pretty(view.input)}</pre></details></div>`,
  );
}
