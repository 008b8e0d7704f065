// Every task type and every mail, in zh-CN and en: a reader sees no word of the other language that the system wrote.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractReview } from '#contract-review/workflow.ts';
import { ApplicationRepository } from '#expense-application/application-repository.ts';
import { expenseApplication } from '#expense-application/workflow.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import type { TaskNoticeKind } from '#human-tasks/page-words.ts';
import {
  renderExpiryNotice,
  renderMovedNotice,
  renderOverdueAlert,
  renderTaskMail,
} from '#human-tasks/task-mail.ts';
import type { Task, TaskSummary } from '#human-tasks/task-model.ts';
import { renderTaskForm, renderTaskNotice } from '#human-tasks/task-page-html.ts';
import type { TaskRepository } from '#human-tasks/task-repository.ts';
import { workflowSubjects } from '#human-tasks/workflows.ts';
import { orderNoticeMails, orderNotices } from '#order-handoff/order-notices.ts';
import { orderHandoff } from '#order-handoff/workflow.ts';
import type { Installment } from '#payment-collection/model.ts';
import { type LadderNotice, ladderNoticeMails } from '#payment-collection/notices.ts';
import { paymentCollection } from '#payment-collection/workflow.ts';
import type { OutgoingMail } from '#shared/mailer.ts';
import type { Locale, Person } from '#shared/people.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { renderEndingMail, renderNeedsAttentionMail, subjectNames } from '#shared/workflow-kit/kit-mail.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';
import type { Workflow } from '#shared/workflow-kit/workflow.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
const now = '2026-11-20T02:00:00.000Z';

/** The people and the content of one locale's run: Chinese everything, or English everything. */
const casts: Record<Locale, { people: Person[]; text: (zh: string, en: string) => string }> = {
  'zh-CN': {
    people: [
      {
        email: 'rep@zh.example',
        name: '李雷',
        roles: ['sales'],
        manager: 'boss@zh.example',
        locale: 'zh-CN',
      },
      { email: 'boss@zh.example', name: '赵敏', roles: ['supervisor'], locale: 'zh-CN' },
      { email: 'stand-in@zh.example', name: '韩梅梅', roles: ['supervisor'], locale: 'zh-CN' },
      { email: 'ops@zh.example', name: '马超', roles: ['logistics', 'sales-manager'], locale: 'zh-CN' },
    ],
    text: (zh) => zh,
  },
  en: {
    people: [
      {
        email: 'rep@en.example',
        name: 'Lee Ray',
        roles: ['sales'],
        manager: 'boss@en.example',
        locale: 'en',
      },
      { email: 'boss@en.example', name: 'Min Zhao', roles: ['supervisor'], locale: 'en' },
      { email: 'stand-in@en.example', name: 'May Han', roles: ['supervisor'], locale: 'en' },
      { email: 'ops@en.example', name: 'Chao Ma', roles: ['logistics', 'sales-manager'], locale: 'en' },
    ],
    text: (_, en) => en,
  },
};

beforeAll(async () => {
  local = await startLocalTable();
  const people = new PeopleRepository(local.db, local.tableName);
  for (const cast of Object.values(casts))
    for (const person of cast.people) await people.put(person, new Date(now));
});
afterAll(async () => {
  await local?.close();
});

/** One subject of each workflow, written in `locale`'s language, stored as its workflow stores it. */
async function fileSubjects(locale: Locale) {
  const { text, people } = casts[locale];
  const [rep] = people as [Person];
  const suffix = locale === 'zh-CN' ? '1' : '2';
  const claimDeps = expenseApproval.deps(local);
  await claimDeps.budgets.setLimit(
    'SALES-EAST',
    '2026-11',
    { amount: 1_000_000, currency: 'CNY' },
    rep.email,
    new Date(now),
  );
  const claim = await claimDeps.claims.save({
    id: `EX-2026-0000${suffix}`,
    version: 1,
    revision: 0,
    status: 'IN_REVIEW',
    submitter: rep.email,
    title: text('上海客户拜访', 'Customer visit in Shanghai'),
    costCenter: 'SALES-EAST',
    items: [
      {
        category: 'entertainment',
        amount: { amount: 250_000, currency: 'CNY' },
        date: '2026-11-18',
        description: text('客户晚宴', 'Dinner with the client'),
        receipt: text('发票一号', 'Invoice one'),
      },
    ],
    total: { amount: 250_000, currency: 'CNY' },
    submittedAt: now,
    commitment: {
      budget: { costCenter: 'SALES-EAST', period: '2026-11' },
      amount: { amount: 250_000, currency: 'CNY' },
    },
  });
  const application = await new ApplicationRepository(local).save({
    id: `PA-2026-0000${suffix}`,
    version: 1,
    revision: 0,
    status: 'IN_REVIEW',
    applicant: rep.email,
    costCenter: 'SALES-EAST',
    amount: { amount: 500_000, currency: 'CNY' },
    reason: text('展会展位超出预算', 'Trade fair booth over budget'),
    submittedAt: now,
  });
  const contractDeps = contractReview.deps(local);
  const content = {
    customer: { name: text('东方机械有限公司', 'East Machinery'), email: 'buyer@east.example' },
    title: text('数控车床采购', 'Lathe purchase'),
    amount: { amount: 80_000_000, currency: 'CNY' as const },
    paymentTerms: [
      { label: text('预付款', 'Advance'), percent: 10, trigger: 'signing' as const, dueDays: 10 },
      { label: text('尾款', 'Balance'), percent: 90, trigger: 'acceptance' as const, dueDays: 120 },
    ],
    deliveryDate: '2026-11-25',
    deliveryAddress: text('上海市浦东新区张江路一号', '1 Zhangjiang Road, Pudong, Shanghai'),
    items: [
      {
        sku: 'CNC-200',
        description: text('数控车床', 'Lathe'),
        quantity: 2,
        qualityStandard: text('国家标准', 'National standard'),
      },
    ],
  };
  const findings = await import('#contract-review/workflow.ts').then(({ checkContent }) =>
    checkContent(contractDeps, content, '2026-11-20'),
  );
  const { describeChanges } = await import('#contract-review/changes.ts');
  const earlier = {
    ...content,
    amount: { amount: 90_000_000, currency: 'CNY' as const },
    documentUrl: 'https://docs.example.com/v1.pdf',
  };
  await contractDeps.contracts.addVersion({
    contractId: `CT-2026-0000${suffix}`,
    version: 2,
    content,
    contentHash: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90',
    submittedAt: now,
    findings,
    changes: describeChanges(earlier, content),
  });
  const contract = await contractDeps.contracts.save({
    id: `CT-2026-0000${suffix}`,
    version: 2,
    revision: 0,
    status: 'IN_REVIEW',
    submitter: rep.email,
    customer: content.customer,
    title: content.title,
    amount: content.amount,
    submittedAt: now,
  });
  const reviews = new ReviewStore(local.db, local.tableName);
  await reviews.add({
    subjectId: contract.id,
    version: 1,
    step: 'Legal review',
    taskId: `earlier-${suffix}`,
    outcome: 'request-changes',
    by: people[1]?.email ?? '',
    comment: text('请补充违约条款', 'Please add the penalty clause'),
    fields: {},
    at: now,
  });
  const orderDeps = orderHandoff.deps(local);
  const order = await orderDeps.orders.save({
    id: `OR-2026-0000${suffix}`,
    version: 1,
    revision: 0,
    status: 'DELIVERED',
    contractId: contract.id,
    customer: content.customer,
    title: content.title,
    items: content.items,
    requiredDelivery: '2026-11-25',
    promisedDelivery: '2026-11-28',
    plannedDate: '2026-11-24',
    salesOwner: rep.email,
    createdAt: now,
    shipment: {
      carrier: text('顺丰速运', 'SF Express'),
      trackingNumber: 'SF1234567890',
      expectedDelivery: '2026-11-27',
      shippedAt: now,
      by: people[3]?.email ?? '',
    },
    delivery: { deliveredOn: '2026-11-27', receiver: text('王工', 'Mr Wang'), by: people[3]?.email ?? '' },
  });
  await reviews.add({
    subjectId: order.id,
    version: 1,
    step: 'Customer acceptance',
    taskId: `dispute-${suffix}`,
    outcome: 'dispute',
    by: rep.email,
    comment: text('外壳破损', 'The casing is damaged'),
    fields: {},
    at: now,
  });
  const installment = await paymentCollection.deps(local).installments.save({
    id: `${contract.id}-I1`,
    version: 1,
    revision: 0,
    contractId: contract.id,
    number: 1,
    label: text('预付款', 'Advance'),
    amount: { amount: 8_000_000, currency: 'CNY' },
    trigger: 'signing',
    dueDays: 10,
    owner: rep.email,
    customer: content.customer,
    title: content.title,
    status: 'DISPUTED',
    billedOn: '2026-10-01',
    dueDate: '2026-10-11',
    paid: 1_000_000,
    payments: [{ reference: 'BANK-1', amount: 1_000_000, on: '2026-10-20', at: now }],
    levels: [
      { level: 1, at: now },
      { level: 2, at: now, skipped: true },
      { level: 3, at: now },
    ],
    promises: [
      { promisedDate: '2026-11-01', amount: 2_000_000, by: rep.email, at: now, state: 'broken' },
      { promisedDate: '2026-11-30', by: rep.email, at: now, state: 'open' },
    ],
    dispute: { reason: text('发票有误', 'Wrong invoice'), by: rep.email, at: now, state: 'open' },
    writeOff: { reason: text('客户破产', 'Insolvent'), by: people[1]?.email ?? '', at: now },
    runs: 1,
  });
  return { claim, application, contract, order, installment };
}

function taskFor(
  subject: Subject,
  kind: string,
  step: string,
  outcomes: Task['outcomes'],
  people: Person[],
): Task {
  return {
    id: 'tsk_words',
    type: 'any',
    status: 'PENDING',
    workflow: { slug: 'any', executionArn: 'arn:exec', stateName: step },
    subject: { kind, id: subject.id, version: subject.version },
    title: 'title',
    assignee: people[1]?.email ?? '',
    onBehalfOf: people[2]?.email,
    requester: people[0]?.email ?? '',
    excluded: [],
    outcomes,
    fields: [],
    sla: { reminderAfter: { businessDays: 1 }, escalateAfter: { businessDays: 2 } },
    openedAt: now,
    deadlineAt: '2026-11-27T10:00:00.000Z',
    escalated: false,
    linkHash: 'x',
    linkVersion: 1,
    retiredLinks: [],
    version: 1,
    decision: {
      outcome: outcomes[0] ?? 'approve',
      fields: {},
      comment: '',
      decidedBy: people[1]?.email ?? '',
      decidedAt: now,
    },
  };
}

/** The visible text of a page or mail: no markup, no style, entities decoded. */
const visible = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<title>[\s\S]*?<\/title>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, ' ');

/**
 * What is not words the system wrote: ids, emails, links, amounts, dates, times, hashes, the cost center, SKUs and
 * tracking numbers.
 */
const notWords = [
  /https?:\/\/\S+/g,
  /[\w.+-]+@[\w.-]+/g,
  /\b[A-Z]{2}-\d{4}-\d{5}\b/g,
  /SALES-EAST|CNC-200|SF1234567890/g,
  /CN¥|¥/g,
  /[0-9a-f]{12}…/g,
];

function leftovers(text: string, locale: Locale): string[] {
  let rest = text;
  for (const pattern of notWords) rest = rest.replace(pattern, ' ');
  return locale === 'zh-CN'
    ? (rest.match(/[A-Za-z]{2,}/g) ?? [])
    : (rest.match(/[\u3000-\u9fff\uff00-\uffef]+/g) ?? []);
}

const noticeKinds: TaskNoticeKind[] = [
  'decided',
  'already-decided',
  'expired',
  'link-replaced',
  'invalid-link',
  'no-longer-running',
  'too-late',
  'recorded-pending-delivery',
  'busy',
];

/** Every task mail, page and notice of every step of `workflow`, and every mail about its reviews, for `subject`. */
async function renderEverything<S extends Subject, D>(
  workflow: Workflow<S, D>,
  subject: S,
  locale: Locale,
  subjects: ReturnType<typeof workflowSubjects>,
  people: Person[],
): Promise<[string, string][]> {
  const rendered: [string, string][] = [];
  for (const [step, declared] of Object.entries(workflow.humanSteps)) {
    const task = {
      ...taskFor(subject, workflow.kind, step, [...declared.outcomes], people),
      title: workflow.title(subject),
      fields: declared.fields?.(subject) ?? [],
    };
    const names = subjects.names(task, locale);
    const summary: TaskSummary = await subjects.summary(task, locale);
    const where = `${workflow.slug} ${step}`;
    for (const kind of ['opened', 'reminder', 'escalated'] as const) {
      const mail = renderTaskMail({
        task,
        names,
        summary,
        link: 'https://tasks.example.com/t/x?k=y',
        kind,
        locale,
        assigneeName: people[1]?.name ?? '',
        onBehalfOfName: people[2]?.name,
      });
      rendered.push([`${where} ${kind} mail`, `${mail.subject}\n${visible(mail.html)}\n${mail.text}`]);
    }
    const errors = [{ field: 'comment', message: '' }];
    const page = renderTaskForm({
      task,
      names,
      summary,
      secret: 's',
      nonce: 'n',
      locale,
      preselected: declared.outcomes[0],
      errors,
    });
    rendered.push([`${where} page`, visible(page)]);
    for (const kind of noticeKinds) {
      for (const progress of [
        { step: names.step, person: people[1]?.name ?? '' },
        { ended: 'x' },
        { going: true as const },
      ]) {
        const notice = renderTaskNotice({
          kind,
          locale,
          task,
          names,
          detail: { by: people[1]?.name, to: people[2]?.name, at: now },
          progress: kind === 'decided' ? progress : undefined,
        });
        rendered.push([`${where} notice ${kind}`, visible(notice).replace(/\bx\b/, '')]);
      }
    }
    const expiry = renderExpiryNotice({
      task,
      names,
      locale,
      recipientName: people[0]?.name ?? '',
      assigneeName: people[1]?.name ?? '',
    });
    rendered.push([`${where} expiry`, `${expiry.subject}\n${visible(expiry.html)}\n${expiry.text}`]);
    const moved = renderMovedNotice({
      task,
      names,
      locale,
      recipientName: people[1]?.name ?? '',
      toName: people[2]?.name ?? '',
    });
    rendered.push([`${where} moved`, `${moved.subject}\n${visible(moved.html)}\n${moved.text}`]);
    const overdue = renderOverdueAlert({
      task: { ...task, sla: { ...task.sla, dueOn: '2026-11-24' } },
      names,
      locale,
      recipientName: people[0]?.name ?? '',
      assigneeName: people[1]?.name ?? '',
    });
    rendered.push([`${where} overdue`, `${overdue.subject}\n${visible(overdue.html)}\n${overdue.text}`]);
  }
  for (const ending of Object.values(workflow.endings)) {
    const mail = renderEndingMail({
      workflow: workflow,
      subject,
      ending,
      to: people[0]?.email ?? '',
      recipient: people[0],
      reason: locale === 'zh-CN' ? '超出标准' : 'Over the policy',
      by: people[1]?.name,
    });
    rendered.push([
      `${workflow.slug} ending ${ending.status}`,
      `${mail.subject}\n${visible(mail.html)}\n${mail.text}`,
    ]);
  }
  const attention = renderNeedsAttentionMail({
    workflow: workflow,
    subject,
    to: '',
    recipient: people[0],
  });
  rendered.push([
    `${workflow.slug} needs attention`,
    `${attention.subject}\n${visible(attention.html)}\n${attention.text}`,
  ]);
  expect(subjectNames(workflow, 'Unknown step', locale).kind).toBe(workflow.words.subject[locale]);
  return rendered;
}

/** The ladder's mails to staff of this locale, as copies (customers are written to in Chinese, see above). */
async function ladderNoticesTo(people: Person[], installment: Installment): Promise<[string, string][]> {
  const rendered: [string, string][] = [];
  const staff = people.map((person) => person.email);
  const notices: LadderNotice[] = ['reminder', 'overdue', 'demand', 'finance-informed'];
  for (const notice of notices) {
    const mails = await ladderNoticeMails(
      new PeopleRepository(local.db, local.tableName),
      installment,
      notice,
      '2026-11-20',
      staff,
    );
    const toStaff = mails.filter((mail) => staff.includes(mail.to));
    expect(toStaff).toHaveLength(staff.length);
    for (const mail of toStaff)
      rendered.push([`ladder notice ${notice}`, `${mail.subject}\n${visible(mail.html)}\n${mail.text}`]);
  }
  return rendered;
}

/** The order's notices to staff of this locale (customers are written to in Chinese, whatever the staff read). */
async function orderNoticesTo(
  people: Person[],
  order: Awaited<ReturnType<typeof fileSubjects>>['order'],
): Promise<[string, string][]> {
  const staff = new Set(people.map((person) => person.email));
  const rendered: [string, string][] = [];
  for (const notice of orderNotices) {
    const mails: OutgoingMail[] = await orderNoticeMails(orderHandoff.deps(local), order, notice);
    expect(mails.filter((mail) => staff.has(mail.to)).length).toBeGreaterThan(0);
    for (const mail of mails.filter((m) => staff.has(m.to)))
      rendered.push([`order notice ${notice}`, `${mail.subject}\n${visible(mail.html)}\n${mail.text}`]);
  }
  return rendered;
}

describe.each(['zh-CN', 'en'] as const)('%s', (locale) => {
  it('writes every task mail, page and notice, and every mail about a review, in the reader’s words', async () => {
    const { people } = casts[locale];
    const { claim, application, contract, order, installment } = await fileSubjects(locale);
    const table = local;
    const subjects = workflowSubjects(
      {
        reviews: new ReviewStore(table.db, table.tableName),
        people: new PeopleRepository(table.db, table.tableName),
        tasks: { ofSubject: async () => [] } as unknown as Pick<TaskRepository, 'ofSubject'>,
      },
      table,
    );
    const rendered = [
      ...(await renderEverything(expenseApproval, claim, locale, subjects, people)),
      ...(await renderEverything(expenseApplication, application, locale, subjects, people)),
      ...(await renderEverything(contractReview, contract, locale, subjects, people)),
      ...(await renderEverything(orderHandoff, order, locale, subjects, people)),
      ...(await renderEverything(paymentCollection, installment, locale, subjects, people)),
      ...(await ladderNoticesTo(people, installment)),
      ...(await orderNoticesTo(people, order)),
    ];
    expect(rendered.length).toBeGreaterThan(100);
    const leaks = rendered.flatMap(([what, text]) =>
      leftovers(text, locale).map((word) => `${what}: ${word}`),
    );
    expect(leaks).toEqual([]);
  });
});
