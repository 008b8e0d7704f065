// The task page: document headers, what is decided, the one POST form with its decision bar, notices with what comes next, escaping.
import { describe, expect, it } from 'vitest';
import type { Progress } from '#human-tasks/page-words.ts';
import type { FieldSpec, Task, TaskSummary } from '#human-tasks/task-model.ts';
import { renderTaskForm, renderTaskNotice, type TaskNoticeKind } from '#human-tasks/task-page-html.ts';
import type { SubjectNames } from '#human-tasks/task-subjects.ts';
import { escapeHtml, html, unsafeRawHtml } from '#shared/html.ts';
import type { Locale } from '#shared/people.ts';
import { pendingTask } from '../fixtures/task.ts';

const hostile = '<script>alert(1)</script>';
const attributeBreaker = '"><img src=x onerror=alert(2)>';

const fields: FieldSpec[] = [
  {
    name: 'trackingNumber',
    label: { 'zh-CN': '运单号', en: 'Tracking number' },
    required: true,
    type: 'text',
    maxLength: 64,
  },
  {
    name: 'remarks',
    label: { 'zh-CN': '备注', en: 'Remarks' },
    required: false,
    type: 'text',
    maxLength: 2000,
  },
  { name: 'shipDate', label: { 'zh-CN': '发货日期', en: 'Ship date' }, required: true, type: 'date' },
  { name: 'proofUrl', label: { 'zh-CN': '签收凭证', en: 'Proof of delivery' }, required: false, type: 'url' },
  {
    name: 'approvedAmount',
    label: { 'zh-CN': '批准金额', en: 'Approved amount' },
    required: true,
    type: 'money',
    currency: 'CNY',
  },
  {
    name: 'carrier',
    label: { 'zh-CN': '承运商', en: 'Carrier' },
    required: true,
    type: 'choice',
    options: ['顺丰', 'EMS'],
  },
];

function makeTask(overrides: Partial<Task> = {}): Task {
  return pendingTask({
    type: 'contract-legal-review',
    workflow: {
      slug: 'contract-review',
      executionArn: 'arn:aws:states:cn-north-1:1:execution:contract-review:CT-2026-00042-r1',
      stateName: 'Legal review',
    },
    subject: { kind: 'contract', id: 'CT-2026-00042', version: 1 },
    title: '华东机械年度采购合同',
    assignee: 'legal@example.com',
    requester: 'sales@example.com',
    outcomes: ['approve', 'request-changes', 'reject'],
    sla: { reminderAfter: { businessDays: 2 }, escalateAfter: { businessDays: 4 } },
    ...overrides,
  });
}

/** What the contract's workflow calls the subject and the step, per reader. */
const contractNames: Readonly<Record<Locale, SubjectNames>> = {
  'zh-CN': { kind: '合同', step: '法务审核' },
  en: { kind: 'Contract', step: 'Legal review' },
};

/** What the contract's workflow says about it when the page is rendered. */
const contractSummary: TaskSummary = {
  facts: [
    { label: '合同金额', value: { amount: 123450, currency: 'CNY' } },
    { label: '客户', value: '华东机械有限公司' },
  ],
  lines: [{ label: 'SKU-1 数控机床', value: { amount: 100000, currency: 'CNY' }, note: '2 台' }],
  findings: [
    { severity: 'high', message: '付款条件超过 90 天' },
    { severity: 'warning', message: '交付日期较紧' },
  ],
  history: [{ at: '2026-11-20T02:00:00.000Z', by: '法务 王五', text: '请修改违约条款' }],
};

const form = (overrides: Partial<Parameters<typeof renderTaskForm>[0]> = {}) =>
  renderTaskForm({
    task: makeTask(),
    names: contractNames[overrides.locale ?? 'zh-CN'],
    summary: contractSummary,
    secret: 'LinkSecret_abc-123',
    nonce: 'lx1.mac_xyz',
    locale: 'zh-CN',
    ...overrides,
  });

const tags = (markup: string, name: string) =>
  [...markup.matchAll(new RegExp(`<${name}\\b[^>]*>`, 'g'))].map((m) => m[0]);
const attr = (tag: string, name: string) => tag.match(new RegExp(`\\s${name}="([^"]*)"`))?.[1];
const hasFlag = (tag: string, name: string) => new RegExp(`\\s${name}(?=[\\s>])`).test(tag);
const byName = (markup: string, element: string, name: string) => {
  const found = tags(markup, element).filter((tag) => attr(tag, 'name') === name);
  expect(found, `${element} named ${name}`).toHaveLength(1);
  return found[0] ?? '';
};
const formBody = (markup: string) => markup.match(/<form\b[^>]*>([\s\S]*?)<\/form>/)?.[1] ?? '';
const decisionBar = (markup: string) =>
  markup.match(/<div class="decision-bar"[^>]*>([\s\S]*?)<\/div>/)?.[1] ?? '';
/** The outcome buttons anywhere on the page, with their labels. */
const outcomeButtons = (markup: string) =>
  [...markup.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)]
    .filter((m) => attr(m[0], 'name') === 'outcome')
    .map((m) => ({ tag: m[0], label: m[1] ?? '' }));
const outcomeButton = (markup: string, value: string) => {
  const found = outcomeButtons(markup).filter((b) => attr(b.tag, 'value') === value);
  expect(found, `outcome button ${value}`).toHaveLength(1);
  return found[0]?.tag ?? '';
};
const classes = (tag: string) => (attr(tag, 'class') ?? '').split(' ');

describe('html helper', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('escapes interpolated strings but keeps nested html, joins arrays and skips false/null/undefined', () => {
    const items = ['<b>', 'ok'].map((item) => html`<li>${item}</li>`);
    const out = html`<ul>${items}${false}${null}${undefined}${0}</ul><p>${hostile}</p>`.toString();
    expect(out).toBe('<ul><li>&lt;b&gt;</li><li>ok</li>0</ul><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('escapes strings inside arrays too', () => {
    expect(html`${['<i>', html`<i>`]}`.toString()).toBe('&lt;i&gt;<i>');
    expect(html`${unsafeRawHtml('<hr>')}`.toString()).toBe('<hr>');
  });
});

describe('renderTaskForm document', () => {
  it('is a complete document in the reader’s language with no-referrer and nothing external', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = form({ locale });
      expect(page.startsWith('<!doctype html>')).toBe(true);
      expect(page).toContain(`<html lang="${locale}">`);
      expect(page).toContain('<meta charset="utf-8">');
      expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
      expect(page).toContain('<meta name="referrer" content="no-referrer">');
      expect(page).toContain('<style>');
      expect(page).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
    }
  });

  it('shows what is decided: title, facts with formatted amounts and 大写, lines, findings, history, deadline', () => {
    const page = form();
    expect(page).toMatch(/<h1>华东机械年度采购合同<\/h1>/);
    expect(page).toContain('<p class="muted">合同 CT-2026-00042 · 法务审核</p>');
    expect(page).toContain('¥1,234.50（人民币壹仟贰佰叁拾肆元伍角整）');
    expect(page).toContain('¥1,000.00（人民币壹仟元整）');
    expect(page).toContain('华东机械有限公司');
    expect(page).toContain('2 台');
    expect(page).toMatch(/<span class="badge badge-high">高风险<\/span>付款条件超过 90 天/);
    expect(page).toMatch(/<span class="badge badge-warning">注意<\/span>交付日期较紧/);
    expect(page).toContain('法务 王五');
    expect(page).toContain('请修改违约条款');
    expect(page).toMatch(/截止时间：2026年11月22日.*18:00（北京时间）/);
  });

  it('shows the same content in English', () => {
    const page = form({ locale: 'en' });
    expect(page).toContain('<p class="muted">Contract CT-2026-00042 · Legal review</p>');
    expect(page).toContain('CN¥1,234.50');
    expect(page).not.toContain('人民币');
    expect(page).not.toContain('法务审核');
    expect(page).toMatch(/<span class="badge badge-high">High risk<\/span>/);
    expect(page).toMatch(/Deadline: .*22 November 2026.*18:00 \(Beijing time\)/);
    expect(page).toContain('Earlier comments');
  });

  it('shows a hash short with the whole in its tooltip, and a long web address shortened but whole in its link', () => {
    const hash = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const url = `https://docs.example.com/contracts/CT-2026-00042/v1.pdf?signature=${'x'.repeat(80)}`;
    const summary: TaskSummary = {
      facts: [
        { label: '内容 SHA-256', value: { hash } },
        { label: '合同文本', value: { url } },
        { label: '交付日期', value: { date: '2027-01-21' } },
      ],
      lines: [],
      findings: [],
      history: [],
    };
    const page = form({ summary });
    expect(page).toContain(`<dd><span class="hash" title="${hash}">9f86d081884c…</span></dd>`);
    expect(page.split(hash)).toHaveLength(2); // the whole hash only in the tooltip
    const link = tags(page, 'a').find((a) => attr(a, 'href') === escapeHtml(url)) ?? '';
    expect(attr(link, 'rel')).toBe('noreferrer');
    expect(page).toContain(`>${url.slice(0, 57)}…</a>`);
    expect(page).toContain('<dd>2027年1月21日</dd>');
    expect(form({ summary, locale: 'en' })).toContain('<dd>21 Jan 2027</dd>');
  });

  it('links only web addresses: any other scheme is shown as text', () => {
    const summary = (url: string): TaskSummary => ({
      facts: [{ label: '合同文本', value: { url } }],
      lines: [],
      findings: [],
      history: [],
    });
    for (const url of ['javascript:alert(1)', 'data:text/html,<b>x</b>']) {
      const page = form({ summary: summary(url) });
      expect(tags(page, 'a')).toEqual([]);
      expect(page).toContain(`<dd>${escapeHtml(url)}</dd>`);
    }
  });
});

describe('renderTaskForm form', () => {
  it('has exactly one POST form to the task with the secret and the nonce as hidden inputs', () => {
    const page = form();
    const forms = tags(page, 'form');
    expect(forms).toHaveLength(1);
    expect(attr(forms[0] ?? '', 'method')).toBe('post');
    expect(attr(forms[0] ?? '', 'action')).toBe('/t/tsk_9f8e7d');
    const body = formBody(page);
    const k = byName(body, 'input', 'k');
    expect(attr(k, 'type')).toBe('hidden');
    expect(attr(k, 'value')).toBe('LinkSecret_abc-123');
    const nonce = byName(body, 'input', 'nonce');
    expect(attr(nonce, 'type')).toBe('hidden');
    expect(attr(nonce, 'value')).toBe('lx1.mac_xyz');
  });

  it('has one submit button named outcome per outcome, labelled in the locale, in a decision bar tied to the one form', () => {
    for (const [locale, labels] of [
      ['zh-CN', ['批准', '要求修改', '驳回']],
      ['en', ['Approve', 'Request changes', 'Reject']],
    ] as const) {
      const page = form({ locale });
      const forms = tags(page, 'form');
      expect(forms).toHaveLength(1);
      const formId = attr(forms[0] ?? '', 'id');
      expect(formId).toBe('decision');
      expect(page.match(/\sid="decision"/g)).toHaveLength(1);
      const buttons = outcomeButtons(page);
      expect(buttons.map((b) => attr(b.tag, 'value'))).toEqual(['approve', 'request-changes', 'reject']);
      expect(buttons.map((b) => b.label)).toEqual(labels);
      for (const { tag } of buttons) {
        expect(attr(tag, 'type')).toBe('submit');
        expect(attr(tag, 'form')).toBe(formId);
      }
      // The bar comes after the form and holds every outcome button; the form holds none.
      expect(outcomeButtons(decisionBar(page))).toEqual(buttons);
      expect(outcomeButtons(formBody(page))).toEqual([]);
      expect(page.indexOf('<div class="decision-bar"')).toBeGreaterThan(page.indexOf('</form>'));
      expect(attr(tags(page, 'div').find((d) => d.includes('decision-bar')) ?? '', 'aria-label')).toBe(
        locale === 'zh-CN' ? '您的决定' : 'Your decision',
      );
    }
  });

  it('tones the buttons: approving primary, rejecting danger, the rest neutral', () => {
    const page = form();
    expect(classes(outcomeButton(page, 'approve'))).toEqual(['outcome-approve', 'tone-primary']);
    expect(classes(outcomeButton(page, 'reject'))).toEqual(['outcome-reject', 'tone-danger']);
    expect(classes(outcomeButton(page, 'request-changes'))).toEqual([
      'outcome-request-changes',
      'tone-neutral',
    ]);
    const collection = form({ task: makeTask({ outcomes: ['sign', 'write-off', 'escalate'] }) });
    expect(classes(outcomeButton(collection, 'sign'))).toContain('tone-primary');
    expect(classes(outcomeButton(collection, 'write-off'))).toContain('tone-danger');
    expect(classes(outcomeButton(collection, 'escalate'))).toContain('tone-neutral');
  });

  it('makes Enter in a field submit nothing: the form’s first submit button is a disabled one without an outcome', () => {
    const page = form({ task: makeTask({ fields }) });
    const first = tags(formBody(page), 'button')[0] ?? '';
    expect(attr(first, 'type')).toBe('submit');
    expect(hasFlag(first, 'disabled')).toBe(true);
    expect(attr(first, 'name')).toBeUndefined();
    // Every button on the page belongs to the form, and this one comes first in the document.
    expect(tags(page, 'button')[0]).toBe(first);
  });

  it('renders an input per field by type, marked required where required', () => {
    const body = formBody(form({ task: makeTask({ fields }) }));
    const tracking = byName(body, 'input', 'trackingNumber');
    expect(attr(tracking, 'type')).toBe('text');
    expect(attr(tracking, 'maxlength')).toBe('64');
    expect(hasFlag(tracking, 'required')).toBe(true);

    const remarks = byName(body, 'textarea', 'remarks');
    expect(attr(remarks, 'maxlength')).toBe('2000');
    expect(hasFlag(remarks, 'required')).toBe(false);

    const shipDate = byName(body, 'input', 'shipDate');
    expect(attr(shipDate, 'type')).toBe('date');
    expect(hasFlag(shipDate, 'required')).toBe(true);

    const proof = byName(body, 'input', 'proofUrl');
    expect(attr(proof, 'type')).toBe('url');
    expect(hasFlag(proof, 'required')).toBe(false);

    const amount = byName(body, 'input', 'approvedAmount');
    expect(attr(amount, 'type')).toBe('number');
    expect(attr(amount, 'step')).toBe('0.01');
    expect(hasFlag(amount, 'required')).toBe(true);
    expect(body).toMatch(/批准金额 <span class="field-note">\(必填，元\)<\/span>/);

    const carrier = byName(body, 'select', 'carrier');
    expect(hasFlag(carrier, 'required')).toBe(true);
    const options = body.match(/<select\b[^>]*name="carrier"[^>]*>([\s\S]*?)<\/select>/)?.[1] ?? '';
    expect(tags(options, 'option').map((o) => attr(o, 'value'))).toEqual(['', '顺丰', 'EMS']);

    for (const field of fields)
      expect(body).toContain(`<label for="field-${field.name}">${field.label['zh-CN']} <span`);
  });

  it('labels the fields in the reader’s locale', () => {
    const en = formBody(form({ task: makeTask({ fields }), locale: 'en' }));
    for (const field of fields)
      expect(en).toContain(`<label for="field-${field.name}">${field.label.en} <span`);
    expect(en).toMatch(/Approved amount <span class="field-note">\(required, yuan\)<\/span>/);
    expect(en).not.toContain('运单号');
  });

  it('has a comment box and says which outcomes need a reason, in both locales', () => {
    const zh = formBody(form());
    expect(tags(zh, 'textarea').filter((t) => attr(t, 'name') === 'comment')).toHaveLength(1);
    expect(zh).toContain('<label for="field-comment">意见 / 理由</label>');
    expect(zh).toContain('选择“要求修改”、“驳回”时必须填写理由。');
    const en = formBody(form({ locale: 'en' }));
    expect(en).toContain('A reason is required to “Request changes” or “Reject”.');
  });

  it('gives no reason hint when no outcome needs one', () => {
    const page = form({ task: makeTask({ outcomes: ['confirm', 'done'] }), locale: 'en' });
    expect(page).not.toContain('A reason is required');
    expect(byName(formBody(page), 'textarea', 'comment')).toBeTruthy();
  });

  it('lets turning-down outcomes be pressed without filling fields meant for going ahead', () => {
    const page = form({ task: makeTask({ fields, outcomes: ['confirm', 'cannot-meet', 'escalate'] }) });
    expect(hasFlag(outcomeButton(page, 'cannot-meet'), 'formnovalidate')).toBe(true);
    expect(hasFlag(outcomeButton(page, 'escalate'), 'formnovalidate')).toBe(true);
    expect(hasFlag(outcomeButton(page, 'confirm'), 'formnovalidate')).toBe(false);
  });
});

describe('renderTaskForm after a refused POST', () => {
  const refused = (locale: Locale = 'en') =>
    form({
      locale,
      task: makeTask({ fields }),
      errors: [
        { field: 'fields.trackingNumber', kind: 'required', message: 'Tracking number is required' },
        { field: 'comment', kind: 'reason-required', message: 'a reason is required to reject' },
        { field: 'nonce', message: 'The page is too old; reload it' },
      ],
      values: {
        comment: 'Needs <b>legal</b> review',
        fields: {
          remarks: 'line one\nline two',
          shipDate: '2026-12-01',
          approvedAmount: '1234.50',
          carrier: 'EMS',
        },
      },
    });

  it('lists every problem in an alert at the top, with field labels', () => {
    const page = refused();
    const alert = page.match(/<div class="alert" role="alert">([\s\S]*?)<\/div>/)?.[1] ?? '';
    expect(alert).toContain('Your decision was not recorded');
    expect(alert).toContain('<li>Tracking number: Required; please fill it in.</li>');
    expect(alert).toContain('<li>Comment / reason: Please give a reason.</li>');
    expect(alert).toContain('<li>The page is too old; reload it</li>');
    const zh = refused('zh-CN');
    expect(zh).toContain('您的决定尚未记录');
    expect(zh).toContain('<li>运单号：必填，请填写。</li>');
    expect(zh).toContain('<li>意见 / 理由：请填写理由。</li>');
    expect(zh).not.toContain('is required');
  });

  it('names a field the form never had, as it was sent', () => {
    const page = form({
      locale: 'en',
      task: makeTask({ fields }),
      errors: [{ field: 'fields.__proto__', kind: 'unknown-field', message: 'not a field of this decision' }],
    });
    expect(page).toContain('<li>__proto__: This decision has no such field.</li>');
  });

  it('shows each field’s problem next to it and marks the input invalid', () => {
    const body = formBody(refused());
    const tracking = byName(body, 'input', 'trackingNumber');
    expect(attr(tracking, 'aria-invalid')).toBe('true');
    expect(attr(tracking, 'aria-describedby')).toBe('error-trackingNumber');
    expect(body).toContain('<p class="error" id="error-trackingNumber">Required; please fill it in.</p>');
    expect(body).toContain('<p class="error" id="error-comment">Please give a reason.</p>');
    expect(attr(byName(body, 'textarea', 'comment'), 'aria-invalid')).toBe('true');
    expect(attr(byName(body, 'input', 'shipDate'), 'aria-invalid')).toBeUndefined();
  });

  it('re-fills what was entered, escaped', () => {
    const body = formBody(refused());
    expect(body).toMatch(
      /<textarea\b[^>]*name="comment"[^>]*>Needs &lt;b&gt;legal&lt;\/b&gt; review<\/textarea>/,
    );
    expect(body).toMatch(/<textarea\b[^>]*name="remarks"[^>]*>line one\nline two<\/textarea>/);
    expect(attr(byName(body, 'input', 'shipDate'), 'value')).toBe('2026-12-01');
    expect(attr(byName(body, 'input', 'approvedAmount'), 'value')).toBe('1234.50');
    expect(attr(byName(body, 'input', 'trackingNumber'), 'value')).toBe('');
    const selected = tags(body, 'option').filter((o) => hasFlag(o, 'selected'));
    expect(selected.map((o) => attr(o, 'value'))).toEqual(['EMS']);
  });

  it('does not take inherited properties for field values', () => {
    const task = makeTask({
      fields: [
        {
          name: 'constructor',
          label: { 'zh-CN': 'C', en: 'C' },
          required: false,
          type: 'text',
          maxLength: 50,
        },
      ],
    });
    const body = formBody(form({ task, values: { fields: {} } }));
    expect(attr(byName(body, 'input', 'constructor'), 'value')).toBe('');
  });
});

describe('renderTaskForm preselected outcome', () => {
  it('highlights the outcome chosen in the mail and only that one, with a hint that nothing is decided yet', () => {
    const page = form({ preselected: 'approve', locale: 'en' });
    const highlighted = outcomeButtons(page).filter((b) => classes(b.tag).includes('preselected'));
    expect(highlighted.map((b) => attr(b.tag, 'value'))).toEqual(['approve']);
    expect(attr(highlighted[0]?.tag ?? '', 'aria-describedby')).toBe('preselected-hint');
    expect(page).toContain('You chose “Approve” in the email. Nothing has been decided yet');
    expect(form({ preselected: 'reject' })).toContain('您在邮件中选择了“驳回”');
  });

  it('highlights nothing without a preselection or for an outcome the task does not offer', () => {
    for (const page of [form(), form({ preselected: 'sign' })]) {
      expect(page).not.toMatch(/class="[^"]*\bpreselected\b/);
      expect(page).not.toContain('preselected-hint');
    }
  });
});

describe('renderTaskForm escaping', () => {
  it('escapes every person-supplied value, the secret and the nonce', () => {
    const task = makeTask({
      id: 'id"><x',
      title: `Title ${hostile}`,
      fields: [
        {
          name: 'choice',
          label: { 'zh-CN': `标签 ${hostile}`, en: `Label ${hostile}` },
          required: true,
          type: 'choice',
          options: [attributeBreaker],
        },
        {
          name: 'note',
          label: { 'zh-CN': '备注', en: 'Note' },
          required: false,
          type: 'text',
          maxLength: 100,
        },
      ],
    });
    const summary: TaskSummary = {
      facts: [
        { label: `Fact ${hostile}`, value: `Value ${attributeBreaker}` },
        { label: 'Link', value: { url: `https://docs.example.com/${attributeBreaker}` } },
        { label: 'Hash', value: { hash: `${attributeBreaker}${attributeBreaker}` } },
      ],
      lines: [{ label: `Line ${hostile}`, value: 7, note: `Note ${hostile}` }],
      findings: [{ severity: 'info', message: `Finding ${hostile}` }],
      history: [{ at: `At ${hostile}`, by: `By ${hostile}`, text: `History ${hostile}` }],
    };
    const page = renderTaskForm({
      task,
      names: contractNames.en,
      summary,
      secret: attributeBreaker,
      nonce: attributeBreaker,
      locale: 'en',
      errors: [{ field: 'note', message: `Error ${hostile}` }],
      values: { comment: `</textarea>${hostile}`, fields: { note: attributeBreaker } },
    });
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('</textarea><');
    for (const label of [
      'Title',
      'Fact',
      'Line',
      'Note',
      'Finding',
      'At',
      'By',
      'History',
      'Label',
      'Error',
    ]) {
      expect(page).toContain(`${label} &lt;script&gt;alert(1)&lt;/script&gt;`);
    }
    expect(attr(byName(formBody(page), 'input', 'k'), 'value')).toBe(escapeHtml(attributeBreaker));
    expect(tags(page, 'form')[0]).toContain('action="/t/id%22%3E%3Cx"');
  });
});

const detail = { by: '王五', at: '2026-11-21T01:00:00.000Z', to: '赵六', outcome: 'approve' } as const;

const expectedSentences: Record<TaskNoticeKind, { 'zh-CN': RegExp; en: RegExp }> = {
  decided: {
    'zh-CN': /您的决定（批准）已记录，谢谢。/,
    en: /Your decision \(Approve\) was recorded\. Thank you\./,
  },
  'already-decided': {
    'zh-CN': /此任务已由 王五 于 2026年11月21日.*09:00（北京时间） 处理：批准。/,
    en: /This task was already decided by 王五 on .*21 November 2026.*09:00 \(Beijing time\): Approve\./,
  },
  expired: {
    'zh-CN': /此任务已于截止时间 2026年11月21日.*09:00（北京时间） 关闭，未作任何更改。/,
    en: /This task closed at its deadline on .*21 November 2026.*09:00 \(Beijing time\); nothing was changed\./,
  },
  'link-replaced': {
    'zh-CN':
      /此链接已失效：任务已于 2026年11月21日.*转交给 赵六 或以新链接重新发送。请使用最新邮件中的链接。/,
    en: /This link is no longer valid: on .*21 November 2026.*, the task was reassigned to 赵六 or sent again with a new link\. Please use the link in the newest email\./,
  },
  'invalid-link': { 'zh-CN': /此链接无效或输入有误。/, en: /This link is not valid or has been mistyped\./ },
  'no-longer-running': {
    'zh-CN': /此流程已不再运行（已被停止或因故中止），未作任何更改。/,
    en: /This workflow is no longer running \(it was stopped or ended on a failure\); nothing was changed\./,
  },
  'too-late': {
    'zh-CN': /您的决定在任务于截止时间关闭之后才到达，未被采纳。/,
    en: /Your decision arrived after the task had closed at its deadline; it was not applied\./,
  },
  'recorded-pending-delivery': {
    'zh-CN': /您的决定已记录，稍后将转交流程继续处理。/,
    en: /Your decision was recorded and will be passed on to the workflow shortly\./,
  },
  busy: {
    'zh-CN': /系统暂时繁忙，请稍后重新打开邮件中的链接。若您的决定已经记录，页面会告诉您。/,
    en: /The system is busy for a moment\. Please open the link in the email again shortly; if your decision was already recorded, the page will say so\./,
  },
};

const notice = (kind: TaskNoticeKind, locale: Locale, extra: { task?: Task; progress?: Progress } = {}) =>
  renderTaskNotice({
    kind,
    locale,
    task: extra.task ?? makeTask(),
    names: contractNames[locale],
    detail,
    ...(extra.progress ? { progress: extra.progress } : {}),
  });

/** The "what happens next" paragraph, if the page has one. */
const next = (page: string) => page.match(/<p class="next">([^<]*)<\/p>/)?.[1];

describe('renderTaskNotice', () => {
  const kinds = Object.keys(expectedSentences) as TaskNoticeKind[];

  it.each(kinds.flatMap((kind) => (['zh-CN', 'en'] as const).map((locale) => [kind, locale] as const)))(
    '%s in %s says what happened, in a full no-referrer document without a form',
    (kind, locale) => {
      const page = notice(kind, locale);
      expect(page).toMatch(expectedSentences[kind][locale]);
      expect(page).toContain(`<html lang="${locale}">`);
      expect(page).toContain('<meta name="referrer" content="no-referrer">');
      expect(page).not.toContain('<form');
      expect(page).not.toContain('<script');
      expect(next(page)).toBeUndefined();
    },
  );

  it('reveals nothing about the task on an invalid link, whatever it is given', () => {
    const task = makeTask();
    const page = renderTaskNotice({
      kind: 'invalid-link',
      locale: 'en',
      task,
      names: contractNames.en,
      detail,
      progress: { step: 'Sales director review', person: '周强' },
    });
    for (const secret of [
      task.title,
      task.subject.id,
      task.id,
      '王五',
      '赵六',
      'Approve',
      task.assignee,
      'Contract',
      'Sales director review',
      '周强',
    ]) {
      expect(page).not.toContain(secret);
    }
    expect(next(page)).toBeUndefined();
  });

  it('names the subject in the workflow’s words on other notices', () => {
    expect(notice('expired', 'zh-CN')).toContain(
      '<p class="muted">合同 CT-2026-00042 · 华东机械年度采购合同</p>',
    );
    expect(notice('expired', 'en')).toContain(
      '<p class="muted">Contract CT-2026-00042 · 华东机械年度采购合同</p>',
    );
    expect(renderTaskNotice({ kind: 'expired', locale: 'en', task: makeTask() })).not.toContain(
      'class="muted"',
    );
  });

  it('names people by the names it is given, never by the emails the task holds', () => {
    const task = makeTask({
      status: 'DECIDED',
      decision: {
        outcome: 'reject',
        fields: {},
        comment: 'no',
        decidedBy: 'legal.head@example.com',
        decidedAt: '2026-11-21T01:00:00.000Z',
      },
    });
    for (const locale of ['zh-CN', 'en'] as const) {
      const decided = renderTaskNotice({
        kind: 'already-decided',
        locale,
        task,
        names: contractNames[locale],
        detail: { by: '陈静', at: '2026-11-21T01:00:00.000Z' },
      });
      expect(decided).toContain(locale === 'zh-CN' ? '由 陈静 于' : 'decided by 陈静 on');
      const replaced = renderTaskNotice({
        kind: 'link-replaced',
        locale,
        task,
        names: contractNames[locale],
        detail: { to: 'Anna Smith' },
      });
      expect(replaced).toContain(locale === 'zh-CN' ? '转交给 Anna Smith' : 'reassigned to Anna Smith');
      for (const page of [decided, replaced]) {
        expect(page).not.toContain('legal.head@example.com');
        expect(page).not.toContain(task.assignee);
        expect(page).not.toContain(task.requester);
      }
    }
  });

  it('falls back to the task’s own outcome and deadline when no detail is given, but names nobody', () => {
    const task = makeTask({
      status: 'DECIDED',
      decision: {
        outcome: 'reject',
        fields: {},
        comment: 'no',
        decidedBy: 'legal.head@example.com',
        decidedAt: '2026-11-21T01:00:00.000Z',
      },
    });
    const decided = renderTaskNotice({ kind: 'already-decided', locale: 'en', task });
    expect(decided).toContain('This task was already decided: Reject.');
    expect(decided).not.toContain('legal.head@example.com');
    expect(renderTaskNotice({ kind: 'already-decided', locale: 'zh-CN', task })).toContain(
      '此任务已处理：驳回。',
    );
    expect(renderTaskNotice({ kind: 'expired', locale: 'en', task: makeTask() })).toMatch(
      /closed at its deadline on .*22 November 2026.*18:00/,
    );
    expect(renderTaskNotice({ kind: 'too-late', locale: 'zh-CN', task: makeTask() })).toContain(
      '您的决定在任务于截止时间关闭之后才到达',
    );
    expect(renderTaskNotice({ kind: 'decided', locale: 'en' })).toContain(
      'Your decision was recorded. Thank you.',
    );
    expect(renderTaskNotice({ kind: 'link-replaced', locale: 'en' })).toContain(
      'This link is no longer valid: the task was reassigned or sent again with a new link.',
    );
    expect(renderTaskNotice({ kind: 'link-replaced', locale: 'zh-CN' })).toContain(
      '此链接已失效：任务已转交他人或以新链接重新发送。',
    );
  });

  it('escapes names in notices', () => {
    const page = renderTaskNotice({
      kind: 'link-replaced',
      locale: 'en',
      task: makeTask({ title: `T ${hostile}` }),
      names: contractNames.en,
      detail: { to: `Zhao ${hostile}`, at: `x ${attributeBreaker}` },
    });
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).toContain('reassigned to Zhao &lt;script&gt;');
    expect(page).toContain('T &lt;script&gt;');
    const decided = renderTaskNotice({
      kind: 'already-decided',
      locale: 'zh-CN',
      detail: { by: `王 ${hostile}` },
    });
    expect(decided).toContain('由 王 &lt;script&gt;');
  });
});

describe('renderTaskNotice: what happens next', () => {
  const cases: [string, Progress, Record<Locale, string>][] = [
    [
      'who acts now, by name, at which step',
      { step: '销售总监审批', person: '周强' },
      { 'zh-CN': '接下来由 周强 处理：销售总监审批。', en: 'Next, 周强 takes it on: 销售总监审批.' },
    ],
    [
      'how the workflow ended',
      { ended: '已签署' },
      { 'zh-CN': '流程已结束：已签署。', en: 'The workflow has ended: 已签署.' },
    ],
    [
      'that it goes on when the workflow has not moved yet',
      { going: true },
      {
        'zh-CN': '流程正在继续；如需您再次处理，您会收到邮件。',
        en: 'The workflow goes on; you will get a mail if you are needed again.',
      },
    ],
  ];

  it.each(cases)('says %s, in both locales, after the decision sentence', (_, progress, expected) => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const page = notice('decided', locale, { progress });
      expect(next(page)).toBe(expected[locale]);
      expect(page.indexOf('<p class="next">')).toBeGreaterThan(
        page.indexOf('<p class="notice notice-decided">'),
      );
    }
  });

  it('uses the step and the ending in the reader’s words as the workflow gives them', () => {
    const en = notice('decided', 'en', { progress: { step: 'Sales director review', person: 'Zhou Qiang' } });
    expect(next(en)).toBe('Next, Zhou Qiang takes it on: Sales director review.');
    expect(next(notice('decided', 'en', { progress: { ended: 'signed' } }))).toBe(
      'The workflow has ended: signed.',
    );
    // A zh-CN reader sees no English word the system wrote.
    for (const progress of cases.map((c) => c[1])) {
      expect(next(notice('decided', 'zh-CN', { progress }))).not.toMatch(/[A-Za-z]/);
    }
  });

  it('escapes the person and the step', () => {
    const page = notice('decided', 'en', {
      progress: { step: `Step ${hostile}`, person: `Zhou ${attributeBreaker}` },
    });
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(next(page)).toBe(
      'Next, Zhou &quot;&gt;&lt;img src=x onerror=alert(2)&gt; takes it on: Step &lt;script&gt;alert(1)&lt;/script&gt;.',
    );
  });
});
