// Task mails: subjects by kind and locale, content with formatted money and deadlines, toned outcome links, notices, escaping.
import { describe, expect, it } from 'vitest';
import {
  outcomeLink,
  renderExpiryNotice,
  renderMovedNotice,
  renderTaskMail,
  type TaskMailKind,
} from '#human-tasks/task-mail.ts';
import type { Task, TaskSummary } from '#human-tasks/task-model.ts';
import type { SubjectNames } from '#human-tasks/task-subjects.ts';
import { escapeHtml } from '#shared/html.ts';
import type { Locale } from '#shared/people.ts';
import { pendingTask } from '../fixtures/task.ts';

const link = 'https://api.example.com/t/tsk_9f8e7d?k=s3cr3t-LinkSecret_abc';
const hostile = '<script>alert(1)</script>';
const attributeBreaker = '"><img src=x onerror=alert(2)>';

function makeTask(overrides: Partial<Task> = {}): Task {
  return pendingTask({
    type: 'expense-review-supervisor',
    workflow: {
      slug: 'expense-approval',
      executionArn: 'arn:aws:states:cn-north-1:1:execution:expense-approval:EX-2026-00012-r1',
      stateName: 'Supervisor review',
    },
    subject: { kind: 'expense-claim', id: 'EX-2026-00012', version: 1 },
    title: '差旅费',
    outcomes: ['approve', 'reject', 'send-back'],
    sla: { reminderAfter: { hours: 24 }, escalateAfter: { hours: 48 } },
    ...overrides,
  });
}

/** What the claim's workflow calls the subject and the step, per reader. */
const claimNames: Readonly<Record<Locale, SubjectNames>> = {
  'zh-CN': { kind: '费用报销', step: '主管审批' },
  en: { kind: 'Expense claim', step: 'Supervisor review' },
};

/** What the claim's workflow says about it when the mail is written. */
const claimSummary: TaskSummary = {
  facts: [
    { label: '报销金额', value: { amount: 123450, currency: 'CNY' } },
    { label: 'Nights', value: 3 },
    { label: '成本中心', value: 'SALES-EAST' },
  ],
  lines: [{ label: '机票', value: { amount: 100000, currency: 'CNY' }, note: '上海—北京' }],
  findings: [
    { severity: 'high', message: '超出部门预算' },
    { severity: 'info', message: '发票已核验' },
  ],
  history: [{ at: '2026-11-20T02:00:00.000Z', by: '王五', text: '请补充酒店发票' }],
};

const hostileTask = () => makeTask({ title: `Title ${hostile}`, onBehalfOf: 'boss@example.com' });

const hostileSummary: TaskSummary = {
  facts: [
    { label: `Fact ${hostile}`, value: `Value ${attributeBreaker}` },
    { label: 'Amount', value: { amount: 500, currency: 'CNY' } },
  ],
  lines: [{ label: `Line ${hostile}`, value: `LineValue ${hostile}`, note: `Note ${hostile}` }],
  findings: [{ severity: 'warning', message: `Finding ${hostile}` }],
  history: [{ at: `At ${hostile}`, by: `By ${hostile}`, text: `History ${hostile}` }],
};

const mail = (
  kind: TaskMailKind,
  locale: Locale,
  task = makeTask(),
  extra: { summary?: TaskSummary; names?: SubjectNames; onBehalfOfName?: string } = {},
) =>
  renderTaskMail({
    task,
    names: extra.names ?? claimNames[locale],
    summary: extra.summary ?? claimSummary,
    link,
    kind,
    locale,
    assigneeName: locale === 'zh-CN' ? '李四' : 'Li Si',
    ...(extra.onBehalfOfName === undefined ? {} : { onBehalfOfName: extra.onBehalfOfName }),
  });

const anchors = (markup: string) =>
  [...markup.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({
    tag: m[0],
    href: m[1],
    label: m[2],
    style: m[0].match(/\sstyle="([^"]*)"/)?.[1] ?? '',
  }));

const button = (markup: string, label: string) => {
  const found = anchors(markup).filter((a) => a.label === label);
  expect(found, `button ${label}`).toHaveLength(1);
  return found[0] ?? { tag: '', href: '', label: '', style: '' };
};

describe('renderTaskMail subjects', () => {
  it('names the kind the workflow gives, the id and the title, with the action prefix per locale', () => {
    expect(mail('opened', 'zh-CN').subject).toBe('[待审批] 费用报销 EX-2026-00012：差旅费');
    expect(mail('opened', 'en').subject).toBe('[Action needed] Expense claim EX-2026-00012: 差旅费');
  });

  it('says 待处理 rather than 待审批 when the task is not an approval', () => {
    const task = makeTask({
      outcomes: ['confirm', 'cannot-meet'],
      subject: { kind: 'order', id: 'OR-2026-00007', version: 1 },
    });
    const names = { kind: '订单', step: '生产确认' };
    expect(mail('opened', 'zh-CN', task, { names }).subject).toBe('[待处理] 订单 OR-2026-00007：差旅费');
  });

  it('marks reminders and escalations in both locales', () => {
    expect(mail('reminder', 'zh-CN').subject).toMatch(/^\[提醒\] 费用报销 EX-2026-00012：/);
    expect(mail('reminder', 'en').subject).toMatch(/^\[Reminder\] Expense claim EX-2026-00012: /);
    expect(mail('escalated', 'zh-CN').subject).toMatch(/^\[已升级\] /);
    expect(mail('escalated', 'en').subject).toMatch(/^\[Escalated\] /);
  });

  it('always puts the kind and id before the title, even when the title repeats the id', () => {
    const task = makeTask({
      title: '合同 CT-2026-00042 审核',
      subject: { kind: 'contract', id: 'CT-2026-00042', version: 2 },
    });
    const names = { kind: '合同', step: '法务审核' };
    expect(mail('opened', 'zh-CN', task, { names }).subject).toBe(
      '[待审批] 合同 CT-2026-00042：合同 CT-2026-00042 审核',
    );
  });

  it('keeps a title with line breaks on one subject line', () => {
    const task = makeTask({ title: 'Travel\r\nBcc: victim@example.com' });
    expect(mail('opened', 'en', task).subject).not.toMatch(/[\r\n]/);
  });
});

describe('renderTaskMail content', () => {
  it('shows the title as a heading, facts, lines, findings and history in zh-CN', () => {
    const { html, text } = mail('opened', 'zh-CN');
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toMatch(/<h1[^>]*>差旅费<\/h1>/);
    expect(html).toContain('李四，您好');
    for (const part of [html, text]) {
      expect(part).toContain('¥1,234.50（人民币壹仟贰佰叁拾肆元伍角整）');
      expect(part).toContain('¥1,000.00（人民币壹仟元整）');
      expect(part).toContain('上海—北京');
      expect(part).toContain('SALES-EAST');
      expect(part).toContain('高风险');
      expect(part).toContain('超出部门预算');
      expect(part).toContain('请补充酒店发票');
      expect(part).toContain('王五');
      expect(part).toMatch(/截止时间：2026年11月22日.*18:00（北京时间）/);
    }
  });

  it('says under the title which subject and step it is, in the workflow’s words for the reader', () => {
    const zh = mail('opened', 'zh-CN');
    expect(zh.html).toMatch(/<p style="[^"]*">费用报销 EX-2026-00012 · 主管审批<\/p>/);
    expect(zh.text).toContain('\n费用报销 EX-2026-00012 · 主管审批\n');
    const en = mail('opened', 'en');
    expect(en.text).toContain('\nExpense claim EX-2026-00012 · Supervisor review\n');
    expect(en.html).not.toContain('主管审批');
  });

  it('shows the summary it is given and no section the summary leaves empty', () => {
    const empty: TaskSummary = { facts: [], lines: [], findings: [], history: [] };
    const { html, text } = mail('opened', 'zh-CN', makeTask(), { summary: empty });
    for (const part of [html, text]) {
      expect(part).toContain('差旅费');
      expect(part).not.toContain('报销金额');
      expect(part).not.toContain('超出部门预算');
      expect(part).not.toContain('请补充酒店发票');
    }
    expect(html).not.toMatch(/<h2/);
  });

  it('uses the English wording, en money format without 大写, and the deadline in Shanghai time', () => {
    const { html, text } = mail('opened', 'en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Hello Li Si,');
    for (const part of [html, text]) {
      expect(part).toContain('CN¥1,234.50');
      expect(part).not.toContain('人民币');
      expect(part).toContain('High risk');
      expect(part).toContain('Automatic checks');
      expect(part).toMatch(/Deadline: .*22 November 2026.*18:00 \(Beijing time\)/);
    }
  });

  it('shows a hash short with the whole in a tooltip, a date and a number in the reader’s form', () => {
    const hash = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const summary: TaskSummary = {
      facts: [
        { label: 'SHA-256', value: { hash } },
        { label: '交付日期', value: { date: '2027-01-21' } },
        { label: '数量', value: 12345 },
      ],
      lines: [],
      findings: [],
      history: [],
    };
    const zh = mail('opened', 'zh-CN', makeTask(), { summary });
    expect(zh.html).toContain(`<span title="${hash}">9f86d081884c…</span>`);
    expect(zh.html.split(hash)).toHaveLength(2); // the whole hash only in the tooltip
    expect(zh.text).toContain('SHA-256：9f86d081884c…');
    expect(zh.text).not.toContain(hash);
    expect(zh.text).toContain('交付日期：2027年1月21日');
    expect(zh.text).toContain('数量：12,345');
    expect(mail('opened', 'en', makeTask(), { summary }).text).toContain('交付日期: 21 Jan 2027');
  });

  it('links a web address in the summary, and shows any other scheme as text only', () => {
    const summary = (url: string): TaskSummary => ({
      facts: [{ label: 'Document', value: { url } }],
      lines: [],
      findings: [],
      history: [],
    });
    const web = 'https://docs.example.com/contract.pdf';
    expect(anchors(mail('opened', 'en', makeTask(), { summary: summary(web) }).html)).toContainEqual(
      expect.objectContaining({ href: web, label: web }),
    );
    const script = 'javascript:alert(1)';
    const rendered = mail('opened', 'en', makeTask(), { summary: summary(script) });
    expect(rendered.html).not.toMatch(/href="javascript:/i);
    expect(rendered.html).toContain(script);
  });

  it('has one button per outcome leading to the task page with that outcome preselected', () => {
    const { html } = mail('opened', 'en');
    const links = anchors(html);
    const expected = [
      [`${link}&o=approve`, 'Approve'],
      [`${link}&o=reject`, 'Reject'],
      [`${link}&o=send-back`, 'Send back to legal'],
    ];
    for (const [href, label] of expected) {
      expect(links.filter((a) => a.href === escapeHtml(href ?? '') && a.label === label)).toHaveLength(1);
    }
    // Plus exactly one plain link to the page, with no outcome chosen.
    expect(links.filter((a) => a.href === escapeHtml(link))).toHaveLength(1);
    expect(links).toHaveLength(4);
  });

  it('labels the buttons in Chinese for zh-CN', () => {
    const labels = anchors(mail('opened', 'zh-CN').html).map((a) => a.label);
    expect(labels).toEqual(['批准', '驳回', '退回法务', '打开任务']);
  });

  it('tones the buttons: approving solid green, rejecting red outline, others plain outline', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const { html } = mail('opened', locale);
      const approve = button(html, locale === 'zh-CN' ? '批准' : 'Approve').style;
      expect(approve).toContain('background:#1f883d');
      expect(approve).toContain('color:#ffffff');
      const reject = button(html, locale === 'zh-CN' ? '驳回' : 'Reject').style;
      expect(reject).toContain('background:#ffffff');
      expect(reject).toContain('color:#cf222e');
      expect(reject).toContain('border:1px solid #cf222e');
      const sendBack = button(html, locale === 'zh-CN' ? '退回法务' : 'Send back to legal').style;
      expect(sendBack).not.toContain('#1f883d');
      expect(sendBack).not.toContain('#cf222e');
    }
    // Other ways of going ahead look like approving; writing off looks like rejecting.
    const collection = makeTask({ outcomes: ['confirm', 'write-off'] });
    const { html } = mail('opened', 'en', collection);
    expect(button(html, 'Confirm').style).toContain('background:#1f883d');
    expect(button(html, 'Write off').style).toContain('color:#cf222e');
  });

  it('writes every URL out in the text part', () => {
    const { text } = mail('opened', 'en');
    expect(text).toContain(`Approve: ${link}&o=approve`);
    expect(text).toContain(`Reject: ${link}&o=reject`);
    expect(text).toContain(`Send back to legal: ${link}&o=send-back`);
    expect(text).toContain(`Open the task: ${link}`);
    expect(text).not.toContain('<');
  });

  it('builds outcome links whether or not the link already has a query', () => {
    expect(outcomeLink(link, 'approve')).toBe(`${link}&o=approve`);
    expect(outcomeLink('https://x.example/t/1', 'request-changes')).toBe(
      'https://x.example/t/1?o=request-changes',
    );
  });

  it('says an escalated task was reassigned because its time passed, and for whom by name when delegated', () => {
    const plain = mail('escalated', 'en');
    expect(plain.text).toContain(
      'It was reassigned to you because it was not decided within its response time.',
    );
    const delegatedTask = makeTask({ onBehalfOf: 'wang.wu@example.com' });
    const delegated = mail('escalated', 'en', delegatedTask, { onBehalfOfName: 'Wang Wu' });
    for (const part of [delegated.text, delegated.html]) {
      expect(part).toContain('on behalf of Wang Wu, who is away');
      expect(part).not.toContain('wang.wu@example.com');
    }
    const zh = mail('escalated', 'zh-CN', delegatedTask, { onBehalfOfName: '王五' });
    expect(zh.text).toContain('原处理人未在处理时限内处理');
    expect(zh.text).toContain('由您代 王五 处理（王五 不在岗）');
    expect(zh.text).not.toContain('wang.wu@example.com');
    // No jargon: the reader is told about a response time, not an SLA.
    for (const part of [plain.text, delegated.text, zh.text]) expect(part).not.toContain('SLA');
  });

  it('tells a delegate, by name, on whose behalf an ordinary task reaches them', () => {
    const task = makeTask({ onBehalfOf: 'wang.wu@example.com' });
    const { text, html } = mail('opened', 'en', task, { onBehalfOfName: 'Wang Wu' });
    expect(text).toContain('You receive this task on behalf of Wang Wu, who is away.');
    expect(html).toContain('You receive this task on behalf of Wang Wu, who is away.');
    expect(text).not.toContain('wang.wu@example.com');
    expect(mail('opened', 'zh-CN', task, { onBehalfOfName: '王五' }).text).toContain(
      '您作为 王五 的代理人收到此任务（王五 不在岗）。',
    );
    expect(mail('opened', 'en').text).not.toContain('on behalf of');
  });

  it('words reminders as reminders', () => {
    expect(mail('reminder', 'en').text).toContain('Reminder: this task is still waiting for your decision');
    expect(mail('reminder', 'zh-CN').text).toContain('提醒：以下任务仍在等待您处理');
  });

  it('carries nothing server-side: no link hash, no execution ARN', () => {
    const task = makeTask();
    for (const part of Object.values(mail('opened', 'en', task))) {
      expect(part).not.toContain(task.linkHash);
      expect(part).not.toContain(task.workflow.executionArn);
    }
  });
});

describe('renderTaskMail escaping', () => {
  it('escapes every person-supplied value in the HTML part', () => {
    const rendered = renderTaskMail({
      task: hostileTask(),
      names: claimNames.en,
      summary: hostileSummary,
      link,
      kind: 'escalated',
      locale: 'en',
      assigneeName: `Li ${hostile}`,
      onBehalfOfName: `Boss ${hostile}`,
    });
    expect(rendered.html).not.toContain('<script');
    expect(rendered.html).not.toContain('<img');
    for (const label of [
      'Title',
      'Fact',
      'Line',
      'LineValue',
      'Note',
      'Finding',
      'At',
      'By',
      'History',
      'Li',
      'Boss',
    ]) {
      expect(rendered.html).toContain(`${label} &lt;script&gt;alert(1)&lt;/script&gt;`);
    }
    expect(rendered.html).toContain('Value &quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    // The text part is plain text: the same values, unescaped.
    expect(rendered.text).toContain(`Finding ${hostile}`);
  });

  it('escapes the link in href attributes', () => {
    const html = renderTaskMail({
      task: makeTask(),
      names: claimNames.en,
      summary: claimSummary,
      link: 'https://api.example.com/t/x?k="onmouseover="alert(1)',
      kind: 'opened',
      locale: 'en',
      assigneeName: 'Li',
    }).html;
    expect(html).not.toContain('"onmouseover="');
    expect(html).toContain('k=&quot;onmouseover=&quot;alert(1)');
  });
});

/** What the system wrote in a zh-CN notice, without the ids, the title and the names it was given. */
const systemWords = (text: string, given: readonly string[]) =>
  given.reduce((rest, value) => rest.split(value).join(''), text);

describe('renderExpiryNotice', () => {
  it('tells the requester in zh-CN who had the task, by name, and when it closed', () => {
    const { subject, html, text } = renderExpiryNotice({
      task: makeTask(),
      names: claimNames['zh-CN'],
      locale: 'zh-CN',
      recipientName: '张三',
      assigneeName: '李四',
    });
    expect(subject).toBe('[已过期] 费用报销 EX-2026-00012：差旅费');
    for (const part of [html, text]) {
      expect(part).toContain('张三，您好');
      expect(part).toContain('处理人 李四 未在此之前作出决定');
      expect(part).not.toContain('li.si@example.com');
      expect(part).toContain('费用报销 EX-2026-00012（差旅费）');
      expect(part).toMatch(/截止时间 2026年11月22日.*18:00（北京时间） 关闭/);
      expect(part).toContain('未作出任何决定');
    }
    expect(systemWords(text, ['EX-2026-00012'])).not.toMatch(/[A-Za-z]/);
  });

  it('tells the requester in English', () => {
    const { subject, text } = renderExpiryNotice({
      task: makeTask(),
      names: claimNames.en,
      locale: 'en',
      recipientName: 'Zhang San',
      assigneeName: 'Li Si',
    });
    expect(subject).toBe('[Expired] Expense claim EX-2026-00012: 差旅费');
    expect(text).toContain('Hello Zhang San,');
    expect(text).toMatch(
      /The task about Expense claim EX-2026-00012 \(差旅费\) closed at its deadline on .*22 November 2026.*18:00 \(Beijing time\) without a decision from Li Si\./,
    );
  });

  it('has no task link and escapes names and titles', () => {
    const { html } = renderExpiryNotice({
      task: hostileTask(),
      names: claimNames.en,
      locale: 'en',
      recipientName: `Zhang ${hostile}`,
      assigneeName: `Li ${hostile}`,
    });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<a ');
    expect(html).toContain('Zhang &lt;script&gt;');
    expect(html).toContain('Title &lt;script&gt;');
    expect(html).toContain('from Li &lt;script&gt;');
  });
});

describe('renderMovedNotice', () => {
  // After escalation the task is the new assignee's; the notice goes to whoever had it.
  const moved = () => makeTask({ assignee: 'sun.li@example.com', escalated: true });

  it('tells the former assignee in zh-CN that the task went to the new assignee, by name, and that nothing is left to do', () => {
    const { subject, html, text } = renderMovedNotice({
      task: moved(),
      names: claimNames['zh-CN'],
      locale: 'zh-CN',
      recipientName: '赵敏',
      toName: '孙丽',
    });
    expect(subject).toBe('[已转交] 费用报销 EX-2026-00012：差旅费');
    for (const part of [html, text]) {
      expect(part).toContain('赵敏，您好');
      expect(part).toContain(
        '关于费用报销 EX-2026-00012（差旅费）的任务已因超出处理时限转交给 孙丽 处理，您之前收到的链接已失效。',
      );
      expect(part).toContain('您无需再处理此任务。');
      expect(part).toContain('费用报销 EX-2026-00012 · 主管审批');
      expect(part).not.toContain('sun.li@example.com');
    }
    expect(html).toContain('<html lang="zh-CN">');
    expect(systemWords(text, ['EX-2026-00012'])).not.toMatch(/[A-Za-z]/);
  });

  it('tells an English reader in English', () => {
    const { subject, html, text } = renderMovedNotice({
      task: moved(),
      names: claimNames.en,
      locale: 'en',
      recipientName: 'Anna Smith',
      toName: '孙丽',
    });
    expect(subject).toBe('[Reassigned] Expense claim EX-2026-00012: 差旅费');
    expect(html).toContain('<html lang="en">');
    expect(text).toContain('Hello Anna Smith,');
    expect(text).toContain(
      'The task about Expense claim EX-2026-00012 (差旅费) was reassigned to 孙丽 because it was not decided within its response time; the link you had no longer works.',
    );
    expect(text).toContain('There is nothing more for you to do on it.');
    expect(text).not.toContain('您');
  });

  it('has no link to the task and escapes names and titles', () => {
    const task = makeTask({ title: `Title ${hostile}` });
    const { html } = renderMovedNotice({
      task,
      names: claimNames.en,
      locale: 'en',
      recipientName: `Zhao ${hostile}`,
      toName: `Sun ${attributeBreaker}`,
    });
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<a ');
    expect(html).not.toContain('/t/');
    expect(html).toContain('Zhao &lt;script&gt;');
    expect(html).toContain('Title &lt;script&gt;');
    expect(html).toContain('reassigned to Sun &quot;&gt;&lt;img');
    expect(html).not.toContain(task.linkHash);
  });
});
