// The ops console pages: executions per workflow and status, one execution's history, open tasks and their age.
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { html, type SafeHtml, unsafeRawHtml } from '#shared/html.ts';

export interface ConsoleExecution {
  executionArn: string;
  name: string;
  workflow: string;
  status: string;
  startDate?: Date;
  stopDate?: Date;
}

export interface ConsoleTask {
  taskId: string;
  type: string;
  subjectId: string;
  assignee: string;
  stateName: string;
  executionArn: string;
  openedAt: string;
}

export interface ConsoleOverview {
  now: Date;
  workflows: { name: string; counts: Record<string, number> }[];
  executions: ConsoleExecution[];
  openTasks: ConsoleTask[];
  mailViewerUrl: string;
}

const style = unsafeRawHtml(`
  body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #1f2937; }
  h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 6px 8px; vertical-align: top; }
  th { background: #f3f4f6; } tr + tr td { border-top: 1px solid #e5e7eb; }
  .status { font-weight: 600; } .SUCCEEDED { color: #047857; } .FAILED, .TIMED_OUT, .ABORTED { color: #b91c1c; }
  .RUNNING { color: #1d4ed8; } pre { margin: 0; max-width: 60ch; white-space: pre-wrap; word-break: break-word; font-size: 12px; }
  .muted { color: #6b7280; } a { color: #1d4ed8; }
`);

function layout(title: string, body: SafeHtml): string {
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${style}</style></head>
<body>${body}</body></html>`.toString();
}

export const executionPath = (arn: string) => `/_local/console/executions/${encodeURIComponent(arn)}`;

/** `3d 4h`, `25m`: how long a task has waited, in virtual time. */
export function age(from: string, now: Date): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - Date.parse(from)) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${minutes % 60}m`;
  return `${minutes}m`;
}

const time = (date: Date | undefined) => (date ? date.toISOString().replace('T', ' ').slice(0, 19) : '');

export function renderOverview(view: ConsoleOverview): string {
  const statuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'];
  return layout(
    'Sandbox console',
    html`<h1>Sandbox console</h1>
<p class="muted">Virtual time: <strong>${time(view.now)}</strong> UTC ·
<a href="${view.mailViewerUrl}">mail viewer</a> · <a href="/_local/mail">captured mail (JSON)</a></p>
<h2>Workflows</h2>
<table><tr><th>state machine</th>${statuses.map((s) => html`<th>${s}</th>`)}</tr>
${view.workflows.map(
  (w) => html`<tr><td>${w.name}</td>${statuses.map((s) => html`<td>${w.counts[s] ?? 0}</td>`)}</tr>`,
)}</table>
<h2>Open human tasks</h2>
${
  view.openTasks.length === 0
    ? html`<p class="muted">No task is waiting for a person.</p>`
    : html`<table><tr><th>subject</th><th>task</th><th>assignee</th><th>waiting</th><th>execution</th></tr>
${view.openTasks.map(
  (t) => html`<tr><td>${t.subjectId}</td><td>${t.type} <span class="muted">(${t.stateName})</span></td>
<td>${t.assignee} · <a href="/_local/mail?to=${encodeURIComponent(t.assignee)}">mail</a></td>
<td>${age(t.openedAt, view.now)}</td><td><a href="${executionPath(t.executionArn)}">history</a></td></tr>`,
)}</table>`
}
<h2>Executions</h2>
${
  view.executions.length === 0
    ? html`<p class="muted">No execution has started yet.</p>`
    : html`<table><tr><th>execution</th><th>workflow</th><th>status</th><th>started</th><th>ended</th></tr>
${view.executions.map(
  (e) => html`<tr><td><a href="${executionPath(e.executionArn)}">${e.name}</a></td><td>${e.workflow}</td>
<td class="status ${e.status}">${e.status}</td><td>${time(e.startDate)}</td><td>${time(e.stopDate)}</td></tr>`,
)}</table>`
}`,
  );
}

/** The interesting part of an event: its state, and its input, output or error. */
function eventDetail(event: HistoryEvent): {
  state?: string;
  input?: string;
  output?: string;
  error?: string;
} {
  for (const [key, value] of Object.entries(event)) {
    if (!key.endsWith('EventDetails') || typeof value !== 'object' || value === null) continue;
    const details = value as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? pretty(v) : undefined);
    const error = [details.error, details.cause].filter((v) => typeof v === 'string').join(': ');
    return {
      state: typeof details.name === 'string' ? details.name : undefined,
      input: text(details.input) ?? text(details.parameters),
      output: text(details.output),
      error: error || undefined,
    };
  }
  return {};
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}

export function renderExecution(execution: ConsoleExecution, events: HistoryEvent[]): string {
  const start = execution.startDate?.getTime() ?? 0;
  return layout(
    execution.name,
    html`<p><a href="/_local/console">← console</a></p>
<h1>${execution.name}</h1>
<p>${execution.workflow} · <span class="status ${execution.status}">${execution.status}</span> · started
${time(execution.startDate)} ${execution.stopDate ? html`· ended ${time(execution.stopDate)}` : ''}</p>
<h2>History</h2>
<table><tr><th>#</th><th>time</th><th>event</th><th>state</th><th>input</th><th>output / error</th></tr>
${events.map((event) => {
  const detail = eventDetail(event);
  const at = event.timestamp ? new Date(event.timestamp) : undefined;
  const elapsed = at ? `+${((at.getTime() - start) / 1000).toFixed(1)}s` : '';
  return html`<tr class="event"><td>${event.id ?? ''}</td><td>${time(at)} <span class="muted">${elapsed}</span></td>
<td>${event.type ?? ''}</td><td>${detail.state ?? ''}</td><td>${detail.input ? html`<pre>${detail.input}</pre>` : ''}</td>
<td>${detail.error ? html`<pre class="FAILED">${detail.error}</pre>` : detail.output ? html`<pre>${detail.output}</pre>` : ''}</td></tr>`;
})}</table>`,
  );
}
