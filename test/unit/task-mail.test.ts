// Task mails: subjects by kind and locale, content with formatted money and deadlines, outcome links, escaping.
import { describe, expect, it } from 'vitest';
import {
  outcomeLink,
  renderExpiryNotice,
  renderTaskMail,
  type TaskMailKind,
} from '#human-tasks/task-mail.ts';
import type { Task, TaskSummary } from '#human-tasks/task-model.ts';
import { escapeHtml } from '#shared/html.ts';
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

const hostileTask = () => makeTask({ title: `Title ${hostile}`, onBehalfOf: `Boss ${hostile}` });

const hostileSummary: TaskSummary = {
  facts: [
    { label: `Fact ${hostile}`, value: `Value ${attributeBreaker}` },
    { label: 'Amount', value: { amount: 500, currency: 'CNY' } },
  ],
  lines: [{ label: `Line ${hostile}`, value: `LineValue ${hostile}`, note: `Note ${hostile}` }],
  findings: [{ severity: 'warning', message: `Finding ${hostile}` }],
  history: [{ at: `At ${hostile}`, by: `By ${hostile}`, text: `History ${hostile}` }],
};

const mail = (kind: TaskMailKind, locale: 'zh-CN' | 'en', task = makeTask(), summary = claimSummary) =>
  renderTaskMail({
    task,
    summary,
    link,
    kind,
    locale,
    assigneeName: locale === 'zh-CN' ? '李四' : 'Li Si',
  });

const anchors = (markup: string) => [...markup.matchAll(/<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)<\/a>/g)];

describe('renderTaskMail subjects', () => {
  it('names the kind, the id and the title, with the action prefix per locale', () => {
    expect(mail('opened', 'zh-CN').subject).toBe('[待审批] 费用报销 EX-2026-00012：差旅费');
    expect(mail('opened', 'en').subject).toBe('[Action needed] Expense claim EX-2026-00012: 差旅费');
  });

  it('says 待处理 rather than 待审批 when the task is not an approval', () => {
    const task = makeTask({
      outcomes: ['confirm', 'cannot-meet'],
      subject: { kind: 'order', id: 'OR-2026-00007', version: 1 },
    });
    expect(mail('opened', 'zh-CN', task).subject).toBe('[待处理] 订单 OR-2026-00007：差旅费');
  });

  it('marks reminders and escalations in both locales', () => {
    expect(mail('reminder', 'zh-CN').subject).toMatch(/^\[提醒\] 费用报销 EX-2026-00012：/);
    expect(mail('reminder', 'en').subject).toMatch(/^\[Reminder\] Expense claim EX-2026-00012: /);
    expect(mail('escalated', 'zh-CN').subject).toMatch(/^\[已升级\] /);
    expect(mail('escalated', 'en').subject).toMatch(/^\[Escalated\] /);
  });

  it('does not repeat the id when the title already names it', () => {
    const task = makeTask({
      title: '合同 CT-2026-00042 审核',
      subject: { kind: 'contract', id: 'CT-2026-00042', version: 2 },
    });
    expect(mail('opened', 'zh-CN', task).subject).toBe('[待审批] 合同 CT-2026-00042 审核');
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

  it('shows the summary it is given and no section the summary leaves empty', () => {
    const empty: TaskSummary = { facts: [], lines: [], findings: [], history: [] };
    const { html, text } = mail('opened', 'zh-CN', makeTask(), empty);
    for (const part of [html, text]) {
      expect(part).toContain('差旅费');
      expect(part).not.toContain('报销金额');
      expect(part).not.toContain('超出部门预算');
      expect(part).not.toContain('请补充酒店发票');
    }
    expect(html).not.toMatch(/<h2/);
  });

  it('uses the English wording, en money format with 大写, and the deadline in Shanghai time', () => {
    const { html, text } = mail('opened', 'en');
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Hello Li Si,');
    for (const part of [html, text]) {
      expect(part).toContain('CN¥1,234.50 (人民币壹仟贰佰叁拾肆元伍角整)');
      expect(part).toContain('High risk');
      expect(part).toContain('Automatic checks');
      expect(part).toMatch(/Deadline: .*November 22, 2026.*18:00 \(Beijing time\)/);
    }
  });

  it('has one button per outcome leading to the task page with that outcome preselected', () => {
    const { html } = mail('opened', 'en');
    const links = anchors(html);
    const expected = [
      [`${link}&o=approve`, 'Approve'],
      [`${link}&o=reject`, 'Reject'],
      [`${link}&o=send-back`, 'Send back to previous reviewer'],
    ];
    for (const [href, label] of expected) {
      expect(links.filter((a) => a[1] === escapeHtml(href ?? '') && a[2] === label)).toHaveLength(1);
    }
    // Plus exactly one plain link to the page, with no outcome chosen.
    expect(links.filter((a) => a[1] === escapeHtml(link))).toHaveLength(1);
    expect(links).toHaveLength(4);
  });

  it('labels the buttons in Chinese for zh-CN', () => {
    const labels = anchors(mail('opened', 'zh-CN').html).map((a) => a[2]);
    expect(labels).toEqual(['批准', '驳回', '退回上一级', '打开任务']);
  });

  it('writes every URL out in the text part', () => {
    const { text } = mail('opened', 'en');
    expect(text).toContain(`Approve: ${link}&o=approve`);
    expect(text).toContain(`Reject: ${link}&o=reject`);
    expect(text).toContain(`Send back to previous reviewer: ${link}&o=send-back`);
    expect(text).toContain(`Open the task: ${link}`);
    expect(text).not.toContain('<');
  });

  it('builds outcome links whether or not the link already has a query', () => {
    expect(outcomeLink(link, 'approve')).toBe(`${link}&o=approve`);
    expect(outcomeLink('https://x.example/t/1', 'request-changes')).toBe(
      'https://x.example/t/1?o=request-changes',
    );
  });

  it('says an escalated task was reassigned because the SLA passed, and for whom when delegated', () => {
    const plain = mail('escalated', 'en');
    expect(plain.text).toContain(
      'reassigned to you because it was not decided within its response time (SLA)',
    );
    const delegated = mail('escalated', 'en', makeTask({ onBehalfOf: 'wang.wu@example.com' }));
    expect(delegated.text).toContain('on behalf of wang.wu@example.com, who is away');
    expect(delegated.html).toContain('on behalf of wang.wu@example.com, who is away');
    const zh = mail('escalated', 'zh-CN', makeTask({ onBehalfOf: 'wang.wu@example.com' }));
    expect(zh.text).toContain('处理时限（SLA）');
    expect(zh.text).toContain('由您代 wang.wu@example.com 处理（wang.wu@example.com 不在岗）');
  });

  it('tells a delegate on whose behalf an ordinary task reaches them', () => {
    const { text } = mail('opened', 'en', makeTask({ onBehalfOf: 'wang.wu@example.com' }));
    expect(text).toContain('You receive this task on behalf of wang.wu@example.com, who is away.');
    expect(text).not.toContain('SLA');
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
      summary: hostileSummary,
      link,
      kind: 'escalated',
      locale: 'en',
      assigneeName: `Li ${hostile}`,
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

describe('renderExpiryNotice', () => {
  it('tells the requester in zh-CN who had the task, by name, and when it closed', () => {
    const { subject, html, text } = renderExpiryNotice({
      task: makeTask(),
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
  });

  it('tells the requester in English', () => {
    const { subject, text } = renderExpiryNotice({
      task: makeTask(),
      locale: 'en',
      recipientName: 'Zhang San',
      assigneeName: 'Li Si',
    });
    expect(subject).toBe('[Expired] Expense claim EX-2026-00012: 差旅费');
    expect(text).toContain('Hello Zhang San,');
    expect(text).toMatch(
      /The task about Expense claim EX-2026-00012 \(差旅费\) closed at its deadline on .*November 22, 2026.*18:00 \(Beijing time\) without a decision from Li Si\./,
    );
  });

  it('has no task link and escapes names and titles', () => {
    const { html } = renderExpiryNotice({
      task: hostileTask(),
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
