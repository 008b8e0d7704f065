// The task page: document headers, what is decided, the one POST form with its fields and buttons, notices, escaping.
import { describe, expect, it } from 'vitest';
import type { FieldSpec, Task, TaskSummary } from '#human-tasks/task-model.ts';
import { renderTaskForm, renderTaskNotice, type TaskNoticeKind } from '#human-tasks/task-page-html.ts';
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
    expect(page).toContain('合同 CT-2026-00042');
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
    expect(page).toContain('Contract CT-2026-00042');
    expect(page).toContain('CN¥1,234.50 (人民币壹仟贰佰叁拾肆元伍角整)');
    expect(page).toMatch(/<span class="badge badge-high">High risk<\/span>/);
    expect(page).toMatch(/Deadline: .*November 22, 2026.*18:00 \(Beijing time\)/);
    expect(page).toContain('Earlier comments');
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

  it('has one submit button named outcome per outcome, labelled in the locale, inside the form', () => {
    for (const [locale, labels] of [
      ['zh-CN', ['批准', '要求修改', '驳回']],
      ['en', ['Approve', 'Request changes', 'Reject']],
    ] as const) {
      const body = formBody(form({ locale }));
      const buttons = [...body.matchAll(/<button\b([^>]*)>([^<]*)<\/button>/g)].filter(
        (m) => attr(m[0], 'name') === 'outcome',
      );
      expect(buttons.map((m) => attr(m[0], 'value'))).toEqual(['approve', 'request-changes', 'reject']);
      expect(buttons.map((m) => m[2])).toEqual(labels);
      for (const m of buttons) expect(attr(m[0], 'type')).toBe('submit');
    }
  });

  it('makes Enter in a field submit nothing: the form’s first submit button is a disabled one without an outcome', () => {
    const first = tags(formBody(form({ task: makeTask({ fields }) })), 'button')[0] ?? '';
    expect(attr(first, 'type')).toBe('submit');
    expect(hasFlag(first, 'disabled')).toBe(true);
    expect(attr(first, 'name')).toBeUndefined();
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
    const body = formBody(form({ task: makeTask({ fields, outcomes: ['confirm', 'cannot-meet'] }) }));
    const button = (value: string) =>
      tags(body, 'button').find((t) => attr(t, 'name') === 'outcome' && attr(t, 'value') === value) ?? '';
    expect(hasFlag(button('cannot-meet'), 'formnovalidate')).toBe(true);
    expect(hasFlag(button('confirm'), 'formnovalidate')).toBe(false);
  });
});

describe('renderTaskForm after a refused POST', () => {
  const refused = (locale: Locale = 'en') =>
    form({
      locale,
      task: makeTask({ fields }),
      errors: [
        { field: 'fields.trackingNumber', message: 'Tracking number is required' },
        { field: 'comment', message: 'A reason is required to reject' },
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
    expect(alert).toContain('<li>Tracking number: Tracking number is required</li>');
    expect(alert).toContain('<li>Comment / reason: A reason is required to reject</li>');
    expect(alert).toContain('<li>The page is too old; reload it</li>');
    const zh = refused('zh-CN');
    expect(zh).toContain('您的决定尚未记录');
    expect(zh).toContain('<li>运单号：Tracking number is required</li>');
  });

  it('shows each field’s problem next to it and marks the input invalid', () => {
    const body = formBody(refused());
    const tracking = byName(body, 'input', 'trackingNumber');
    expect(attr(tracking, 'aria-invalid')).toBe('true');
    expect(attr(tracking, 'aria-describedby')).toBe('error-trackingNumber');
    expect(body).toContain('<p class="error" id="error-trackingNumber">Tracking number is required</p>');
    expect(body).toContain('<p class="error" id="error-comment">A reason is required to reject</p>');
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
    const highlighted = tags(formBody(page), 'button').filter((t) =>
      /\bpreselected\b/.test(attr(t, 'class') ?? ''),
    );
    expect(highlighted.map((t) => attr(t, 'value'))).toEqual(['approve']);
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
      facts: [{ label: `Fact ${hostile}`, value: `Value ${attributeBreaker}` }],
      lines: [{ label: `Line ${hostile}`, value: 7, note: `Note ${hostile}` }],
      findings: [{ severity: 'info', message: `Finding ${hostile}` }],
      history: [{ at: `At ${hostile}`, by: `By ${hostile}`, text: `History ${hostile}` }],
    };
    const page = renderTaskForm({
      task,
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
    en: /This task was already decided by 王五 at .*November 21, 2026.*09:00 \(Beijing time\): Approve\./,
  },
  expired: {
    'zh-CN': /此任务已于截止时间 2026年11月21日.*09:00（北京时间） 关闭，未作任何更改。/,
    en: /This task closed at its deadline on .*November 21, 2026.*09:00 \(Beijing time\); nothing was changed\./,
  },
  'link-replaced': {
    'zh-CN':
      /此链接已失效：任务已于 2026年11月21日.*转交给 赵六 或以新链接重新发送。请使用最新邮件中的链接。/,
    en: /This link is no longer valid: on .*November 21, 2026.*, the task was reassigned to 赵六 or sent again with a new link\. Please use the link in the newest email\./,
  },
  'invalid-link': { 'zh-CN': /此链接无效或输入有误。/, en: /This link is not valid or has been mistyped\./ },
  'no-longer-running': {
    'zh-CN': /此流程已不再运行（例如沙箱重启后或流程已被停止），未作任何更改。/,
    en: /This workflow is no longer running \(for example after a sandbox restart or because it was stopped\); nothing was changed\./,
  },
  'too-late': {
    'zh-CN': /您的决定在任务于截止时间关闭之后才到达，未被采纳。/,
    en: /Your decision arrived after the task had closed at its deadline; it was not applied\./,
  },
  'recorded-pending-delivery': {
    'zh-CN': /您的决定已记录，稍后将转交流程继续处理。/,
    en: /Your decision was recorded and will be passed on to the workflow shortly\./,
  },
};

describe('renderTaskNotice', () => {
  const kinds = Object.keys(expectedSentences) as TaskNoticeKind[];

  it.each(kinds.flatMap((kind) => (['zh-CN', 'en'] as const).map((locale) => [kind, locale] as const)))(
    '%s in %s says what happened, in a full no-referrer document without a form',
    (kind, locale) => {
      const page = renderTaskNotice({ kind, locale, task: makeTask(), detail });
      expect(page).toMatch(expectedSentences[kind][locale]);
      expect(page).toContain(`<html lang="${locale}">`);
      expect(page).toContain('<meta name="referrer" content="no-referrer">');
      expect(page).not.toContain('<form');
      expect(page).not.toContain('<script');
    },
  );

  it('reveals nothing about the task on an invalid link, whatever it is given', () => {
    const task = makeTask();
    const page = renderTaskNotice({ kind: 'invalid-link', locale: 'en', task, detail });
    for (const secret of [task.title, task.subject.id, task.id, '王五', '赵六', 'Approve', task.assignee]) {
      expect(page).not.toContain(secret);
    }
  });

  it('names the subject on other notices', () => {
    expect(renderTaskNotice({ kind: 'expired', locale: 'zh-CN', task: makeTask() })).toContain(
      '合同 CT-2026-00042',
    );
  });

  it('falls back to the task’s own decision and deadline when no detail is given', () => {
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
    expect(renderTaskNotice({ kind: 'already-decided', locale: 'en', task })).toMatch(
      /already decided by legal\.head@example\.com at .*November 21, 2026.*: Reject\./,
    );
    expect(renderTaskNotice({ kind: 'expired', locale: 'en', task: makeTask() })).toMatch(
      /closed at its deadline on .*November 22, 2026.*18:00/,
    );
    expect(renderTaskNotice({ kind: 'decided', locale: 'en' })).toContain(
      'Your decision was recorded. Thank you.',
    );
    expect(renderTaskNotice({ kind: 'link-replaced', locale: 'en' })).toContain(
      'This link is no longer valid: the task was reassigned or sent again with a new link.',
    );
  });

  it('escapes names in notices', () => {
    const page = renderTaskNotice({
      kind: 'link-replaced',
      locale: 'en',
      task: makeTask({ title: `T ${hostile}` }),
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
