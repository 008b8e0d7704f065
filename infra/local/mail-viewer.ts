// The sandbox's mail viewer at /_local/mail/: every captured mail, newest first, each one opened in place; no scripts, works offline.
import { html, unsafeRawHtml } from '#shared/html.ts';
import type { CapturedMail } from './mail.ts';

const style = unsafeRawHtml(`
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1f2937; background: #f9fafb; }
  header { background: #111827; color: #f9fafb; padding: 12px 20px; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 17px; margin: 0; } header a { color: #93c5fd; }
  main { padding: 16px 20px; max-width: 1100px; }
  form { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; }
  input { font: inherit; padding: 5px 8px; border: 1px solid #d1d5db; border-radius: 6px; min-width: 16rem; }
  button, .button { font: inherit; padding: 5px 12px; border: 1px solid #1d4ed8; background: #1d4ed8; color: #fff; border-radius: 6px; text-decoration: none; }
  .button.plain { background: #fff; color: #1d4ed8; }
  details { background: #fff; border: 1px solid #e5e7eb; border-radius: 8px; margin: 8px 0; }
  summary { padding: 10px 12px; cursor: pointer; display: grid; grid-template-columns: 9.5rem 1fr; gap: 2px 12px; }
  summary .main { display: flex; flex-direction: column; min-width: 0; }
  summary .subject { font-weight: 600; } summary .meta { color: #6b7280; font-size: 12px; }
  .body { padding: 0 12px 12px; } iframe { width: 100%; height: 480px; border: 1px solid #e5e7eb; border-radius: 6px; background: #fff; }
  pre { white-space: pre-wrap; word-break: break-word; font-size: 12px; background: #f3f4f6; padding: 8px; border-radius: 6px; }
  .muted { color: #6b7280; }
  @media (max-width: 640px) { summary { grid-template-columns: 1fr; } input { min-width: 0; flex: 1; } iframe { height: 420px; } }
`);

const when = (iso: string) => iso.replace('T', ' ').slice(0, 19);

export function renderMailViewer(mails: readonly CapturedMail[], to: string | undefined): string {
  const newestFirst = [...mails].reverse();
  return html`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Captured mail · sandbox</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${style}</style></head>
<body><header><h1>Captured mail</h1><a href="/_local/console">ops console</a><a href="/_local/mail${to ? `?to=${encodeURIComponent(to)}` : ''}">as JSON</a></header>
<main>
<form method="get" action="/_local/mail/"><input type="email" name="to" placeholder="only mail to… (email)" value="${to ?? ''}">
<button type="submit">Filter</button>${to ? html`<a class="button plain" href="/_local/mail/">All mail</a>` : ''}</form>
<p class="muted">${newestFirst.length} mail${newestFirst.length === 1 ? '' : 's'}${to ? html` to ${to}` : ''}, newest first. Kept on disk across restarts (UTC, real time).</p>
${
  newestFirst.length === 0
    ? html`<p>No mail yet.</p>`
    : newestFirst.map(
        (mail) => html`<details id="${mail.id}"><summary><span class="meta">${when(mail.at)}</span>
<span class="main"><span class="subject">${mail.subject}</span><span class="meta">to ${mail.to.join(', ')} · from ${mail.from}</span></span></summary>
<div class="body">${mail.html ? html`<iframe title="${mail.subject}" sandbox srcdoc="${mail.html}"></iframe>` : ''}
${mail.text ? html`<details><summary>plain text</summary><pre>${mail.text}</pre></details>` : ''}</div></details>`,
      )
}
</main></body></html>`.toString();
}
