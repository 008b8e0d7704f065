// Per workflow path: drive it in an in-process sandbox over HTTP and count transitions, invocations, writes, cost.
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { type Sandbox, startSandbox } from '#infra/local/sandbox.ts';
import { hiddenInputs, type RequestOptions, SandboxClient, taskLinkIn } from '#infra/local/sandbox-client.ts';
import { demoCast } from '#infra/local/seed.ts';
import { addDays, localDate } from '#shared/clock.ts';
import { costPer1000Runs, type RunCost } from './prices.ts';
import { round } from './stats.ts';

/** The demo organisation's people, by their part. */
export const people = demoCast;

export const cny = (yuan: number) => ({ amount: Math.round(yuan * 100), currency: 'CNY' });

/** DynamoDB operations that write (and are billed in write units), and those that read. */
export const writeOperations = [
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'TransactWriteItems',
];
const readOperations = ['GetItem', 'Query', 'BatchGetItem', 'Scan'];

export interface PathResult {
  /** The workflow's slug (state machine `local-<slug>` in the sandbox). */
  workflow: string;
  name: string;
  description: string;
  /** A happy path: the ≤ 20 transitions target applies. */
  happy: boolean;
  /** Per execution the path made: the states it entered, in order (one billed transition each). */
  executions: { name: string; status: string; ending: string; transitions: number; states: string[] }[];
  transitions: number;
  workflowLambda: { invocations: number; durationsMs: number[]; byFunction: Record<string, number> };
  /** The HTTP API requests the people made (each one a Lambda invocation on AWS); latency seen by the client. */
  api: { requests: string[]; durationsMs: number[] };
  dynamo: { writes: number; reads: number; byOperation: Record<string, number> };
  mails: number;
  cost: RunCost;
  wallMs: number;
}

/** A SandboxClient that times the API requests (not the sandbox-only `/_local/` ones) while recording. */
class TimedClient extends SandboxClient {
  recording = false;
  readonly requests: { label: string; ms: number }[] = [];

  override async request(method: string, path: string, opts: RequestOptions = {}) {
    const started = performance.now();
    const reply = await super.request(method, path, opts);
    if (this.recording && !path.startsWith('/_local/')) {
      const route = path
        .split('?')[0]
        ?.replace(/\/(EX|PA|CT)-\d{4}-\d{5}/, '/{id}')
        .replace(/\/t\/[^/]+$/, '/t/{taskId}');
      this.requests.push({ label: `${method} ${route}`, ms: performance.now() - started });
    }
    return reply;
  }
}

async function waitFor<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const hasTaskLink = (text: string) => /\/t\/[A-Za-z0-9_-]+\?k=/.test(text);

/** What a path does, as people would, through the sandbox's HTTP API and the mailed task links. */
class Driver {
  readonly sandbox: Sandbox;
  readonly client: TimedClient;
  readonly #tokens = new Map<string, string>();
  readonly #usedMails = new Set<string>();
  #costCenters = 0;

  constructor(sandbox: Sandbox, client: TimedClient) {
    this.sandbox = sandbox;
    this.client = client;
  }

  /** Every path signs in afresh. */
  async signIn(): Promise<void> {
    this.#tokens.clear();
    for (const email of Object.values(people)) this.#tokens.set(email, await this.client.login(email));
  }

  token(email: string): string {
    const token = this.#tokens.get(email);
    if (!token) throw new Error(`${email} is not signed in`);
    return token;
  }

  today(): string {
    return localDate(this.sandbox.clock.now());
  }

  async budget(limitYuan: number): Promise<string> {
    const costCenter = `BENCH-${++this.#costCenters}`;
    const reply = await this.client.request('PUT', `/budgets/${costCenter}/${this.today().slice(0, 7)}`, {
      token: this.token(people.finance),
      json: { limit: cny(limitYuan) },
    });
    if (reply.status !== 201 && reply.status !== 200)
      throw new Error(`budget: ${reply.status} ${reply.text}`);
    return costCenter;
  }

  items(yuans: readonly number[]) {
    return yuans.map((yuan, i) => ({
      category: 'travel',
      amount: cny(yuan),
      date: this.today(),
      description: `Customer visit, item ${i + 1}`,
      receipt: `R-${i + 1}`,
    }));
  }

  async file(costCenter: string, yuans: readonly number[]): Promise<string> {
    const reply = await this.client.request('POST', '/expenses', {
      token: this.token(people.rep),
      json: { title: 'Customer visit', costCenter, items: this.items(yuans) },
    });
    if (reply.status !== 201) throw new Error(`file claim: ${reply.status} ${reply.text}`);
    return reply.json<{ id: string }>().id;
  }

  /** The newest task mail about `subjectId` not acted on yet, to `to` (or, without `to`, to anybody). */
  async taskMail(subjectId: string, to?: string) {
    return waitFor(
      async () =>
        (await this.sandbox.mail.list(to))
          .filter((m) => !this.#usedMails.has(m.id) && m.text.includes(subjectId) && hasTaskLink(m.text))
          .at(-1),
      `a task mail about ${subjectId}${to ? ` to ${to}` : ''}`,
    );
  }

  /** Opens the task link of the mail, then posts the form with the outcome, as the assignee would. */
  async decide(
    subjectId: string,
    outcome: string,
    to?: string,
    comment = '',
    fields: Record<string, string> = {},
  ): Promise<string> {
    let mail = await this.taskMail(subjectId, to);
    let link = taskLinkIn(mail);
    let page = await this.client.request('GET', `${link.pathname}${link.search}`);
    // A follow-up's reminder may arrive after the next level closed its task (410): as a person would, take the
    // newer mail; the deadline of taskMail still bounds the wait.
    while (page.status === 410) {
      this.#usedMails.add(mail.id);
      mail = await this.taskMail(subjectId, to);
      link = taskLinkIn(mail);
      page = await this.client.request('GET', `${link.pathname}${link.search}`);
    }
    this.#usedMails.add(mail.id);
    if (page.status !== 200) throw new Error(`task page of ${subjectId}: ${page.status}`);
    const reply = await this.client.request('POST', link.pathname, {
      form: { ...hiddenInputs(page.text), outcome, comment, ...fields },
    });
    if (reply.status !== 200)
      throw new Error(`decision on ${subjectId}: ${reply.status} ${reply.text.slice(0, 200)}`);
    return mail.to.join(', ');
  }

  async advance(seconds: number): Promise<void> {
    const reply = await this.client.request('POST', '/_local/clock', { json: { advanceSeconds: seconds } });
    if (reply.status !== 200) throw new Error(`advance the clock: ${reply.status}`);
  }

  executionArn({ workflow, name }: ExecutionRef): string {
    const machine = this.sandbox.stateMachines.get(workflow);
    if (!machine) throw new Error(`the sandbox runs no ${workflow} state machine`);
    return `${machine.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}

interface ExecutionRef {
  workflow: string;
  name: string;
}

/** Execution names are the subject's id and version: `EX-2026-00042-r1`, `PA-2026-00003-r1`, `CT-2026-00007-r2`. */
const runOf =
  (workflow: string) =>
  (id: string, version = 1): ExecutionRef => ({
    workflow,
    name: `${id}-r${version}`,
  });
const claimRun = runOf('expense-approval');
const applicationRun = runOf('expense-application');
const contractRun = runOf('contract-review');

interface PathSpec {
  workflow: string;
  name: string;
  description: string;
  happy: boolean;
  /** What the path starts from, made before measuring (a signed contract for an order): its id goes to `run`. */
  setup?(d: Driver): Promise<string>;
  run(d: Driver, costCenter: string, prepared: string): Promise<ExecutionRef[]>;
}

/** A contract draft as sales would submit it; the amount decides whether the sales director reviews too. */
function contractDraft(d: Driver, yuan: number, customer: number) {
  const deliveryDate = new Date(Date.parse(d.today()) + 60 * 86_400_000).toISOString().slice(0, 10);
  return {
    customer: { name: 'East Machinery Co.', email: `buyer${customer}@east-machinery.example` },
    title: 'CNC lathes',
    amount: cny(yuan),
    paymentTerms: [
      { label: 'Advance', percent: 30, trigger: 'signing', dueDays: 10 },
      { label: 'On delivery', percent: 60, trigger: 'delivery', dueDays: 30 },
      { label: 'Retention', percent: 10, trigger: 'acceptance', dueDays: 60 },
    ],
    deliveryDate,
    items: [{ sku: 'CNC-200', description: 'CNC lathe', quantity: 2, qualityStandard: 'GB/T 25659' }],
    documentUrl: 'https://docs.example.com/contracts/draft.pdf',
  };
}

async function submitContract(d: Driver, yuan: number, customer: number): Promise<string> {
  const reply = await d.client.request('POST', '/contracts', {
    token: d.token(people.rep),
    json: contractDraft(d, yuan, customer),
  });
  if (reply.status !== 201) throw new Error(`submit contract: ${reply.status} ${reply.text}`);
  return reply.json<{ id: string }>().id;
}

/** A ¥300,000 contract approved by legal and signed: its order's workflow is running. Returns the order id. */
/** A ¥300,000 contract approved by legal and signed; returns its id. */
async function signedContract(d: Driver, customer: number): Promise<string> {
  const id = await submitContract(d, 300_000, customer);
  await d.decide(id, 'approve');
  await d.decide(id, 'sign', people.salesManager, '', signing(d));
  return id;
}

async function signedContractOrder(d: Driver, customer: number): Promise<string> {
  const id = await signedContract(d, customer);
  return waitFor(async () => {
    const reply = await d.client.request('GET', `/orders?contractId=${id}`, { token: d.token(people.rep) });
    return reply.json<{ orders?: { id: string }[] }>().orders?.[0]?.id;
  }, `the order of ${id}`);
}

/** The first installment of a signed contract (30% on signing, due in 10 days), once its collection runs. */
async function dueInstallment(d: Driver, customer: number): Promise<string> {
  const contractId = await signedContract(d, customer);
  const id = `${contractId}-I1`;
  await waitFor(
    async () =>
      await d.sandbox.stepFunctions
        .describeExecution({ executionArn: d.executionArn(collectionRun(id)) })
        .catch(() => undefined),
    `${id}'s collection to start`,
  );
  return id;
}

/** Moves virtual time to 10:00 company time `days` after the installment's due date (10 days after signing). */
async function toDueDay(d: Driver, signedOn: string, days: number): Promise<void> {
  const target = Date.parse(`${addDays(signedOn, 10 + days)}T10:00:00+08:00`);
  await d.advance(Math.ceil((target - d.sandbox.clock.now().getTime()) / 1000));
}

async function payInFull(d: Driver, installmentId: string, reference: string): Promise<void> {
  const contractId = installmentId.replace(/-I\d+$/, '');
  const reply = await d.client.request('POST', '/payments', {
    token: d.token(people.finance),
    json: { contractId, amount: cny(90_000), reference },
  });
  if (reply.status !== 201) throw new Error(`payment: ${reply.status} ${reply.text}`);
}

const collectionRun = (id: string): ExecutionRef => ({ workflow: 'payment-collection', name: id });
const followUp = (id: string, level: number): ExecutionRef => ({
  workflow: 'collection-follow-up',
  name: `${id}-L${level}`,
});

const inDays = (d: Driver, days: number) =>
  new Date(Date.parse(d.today()) + days * 86_400_000).toISOString().slice(0, 10);

const signing = (d: Driver) => ({
  signedDate: d.today(),
  signerName: '孙丽',
  signedCopy: 'https://docs.example.com/signed/1.pdf',
});

const day = 86_400;

export const pathSpecs: readonly PathSpec[] = [
  {
    workflow: 'expense-approval',
    name: 'claim, 2 levels, approved',
    description: '¥1,500 claim: supervisor approves, finance approves',
    happy: true,
    async run(d, costCenter) {
      const id = await d.file(costCenter, [1200, 300]);
      await d.decide(id, 'approve', people.supervisor);
      await d.decide(id, 'approve', people.finance);
      return [claimRun(id)];
    },
  },
  {
    workflow: 'expense-approval',
    name: 'claim, 3 levels, approved',
    description: '¥6,000 claim: supervisor, sales manager, finance approve',
    happy: true,
    async run(d, costCenter) {
      const id = await d.file(costCenter, [6000]);
      await d.decide(id, 'approve', people.supervisor);
      await d.decide(id, 'approve', people.salesManager);
      await d.decide(id, 'approve', people.finance);
      return [claimRun(id)];
    },
  },
  {
    workflow: 'expense-approval',
    name: 'claim rejected at level 1',
    description: '¥1,500 claim: the supervisor rejects with a reason',
    happy: false,
    async run(d, costCenter) {
      const id = await d.file(costCenter, [1500]);
      await d.decide(id, 'reject', people.supervisor, 'Not within the travel policy');
      return [claimRun(id)];
    },
  },
  {
    workflow: 'expense-approval',
    name: 'claim returned, revised, approved',
    description:
      '¥1,000 claim: the supervisor returns it, the rep revises it (PUT), supervisor and finance approve v2',
    happy: false,
    async run(d, costCenter) {
      const id = await d.file(costCenter, [1000]);
      await d.decide(id, 'return', people.supervisor, 'Receipt R-1 is unreadable');
      await d.sandbox.stepFunctions.whenClosed(d.executionArn(claimRun(id, 1)));
      const revised = await d.client.request('PUT', `/expenses/${id}`, {
        token: d.token(people.rep),
        json: { title: 'Customer visit', costCenter, items: d.items([900]) },
      });
      if (revised.status !== 200) throw new Error(`revise: ${revised.status} ${revised.text}`);
      await d.decide(id, 'approve', people.supervisor);
      await d.decide(id, 'approve', people.finance);
      return [claimRun(id, 1), claimRun(id, 2)];
    },
  },
  {
    workflow: 'expense-application',
    name: 'advance application, approved',
    description: '¥600 advance application: sales manager, then sales director approve',
    happy: true,
    async run(d, costCenter) {
      const reply = await d.client.request('POST', '/expense-applications', {
        token: d.token(people.rep),
        json: { costCenter, amount: cny(600), reason: 'Trade fair in Shenzhen next month' },
      });
      if (reply.status !== 201) throw new Error(`application: ${reply.status} ${reply.text}`);
      const id = reply.json<{ id: string }>().id;
      await d.decide(id, 'approve', people.salesManager);
      await d.decide(id, 'approve', people.director);
      return [applicationRun(id)];
    },
  },
  {
    workflow: 'contract-review',
    name: 'contract under ¥1,000,000, signed',
    description:
      '¥300,000 contract: legal approves, the signatory signs (the follow-up workflows are not counted)',
    happy: true,
    async run(d) {
      const id = await submitContract(d, 300_000, 1);
      await d.decide(id, 'approve');
      await d.decide(id, 'sign', people.salesManager, '', signing(d));
      return [contractRun(id)];
    },
  },
  {
    workflow: 'contract-review',
    name: 'contract of ¥1,000,000, signed',
    description: '¥1,000,000 contract: legal approves, the sales director approves, the signatory signs',
    happy: true,
    async run(d) {
      const id = await submitContract(d, 1_000_000, 2);
      await d.decide(id, 'approve');
      await d.decide(id, 'approve', people.director);
      await d.decide(id, 'sign', people.salesManager, '', signing(d));
      return [contractRun(id)];
    },
  },
  {
    workflow: 'order-handoff',
    name: 'order on time, accepted',
    description:
      'the order of a signed contract (signing not counted): production confirms a date that meets the promise and ' +
      'reports it done, logistics ships and confirms delivery, sales records the acceptance',
    happy: true,
    setup: (d) => signedContractOrder(d, 3),
    async run(d, _, orderId) {
      await d.decide(orderId, 'confirm', people.production, '', { plannedDate: inDays(d, 40) });
      await d.decide(orderId, 'done', people.production);
      await d.decide(orderId, 'shipped', people.logistics, '', {
        carrier: 'SF Express',
        trackingNumber: 'SF1234567890',
        expectedDelivery: inDays(d, 45),
      });
      await d.decide(orderId, 'delivered', people.logistics, '', {
        deliveredOn: d.today(),
        receiver: 'Wang Gong',
      });
      await d.decide(orderId, 'accept', people.rep, '', { acceptedOn: d.today() });
      return [{ workflow: 'order-handoff', name: orderId }];
    },
  },
  {
    workflow: 'payment-collection',
    name: 'installment paid on time',
    description:
      '¥90,000 installment (a signed contract, not counted): reminded 3 days before its due date, paid in full ' +
      'before it, and the ladder ends at the due date',
    happy: true,
    setup: (d) => dueInstallment(d, 4),
    async run(d, _, id) {
      const signedOn = d.today();
      await toDueDay(d, signedOn, -3);
      await payInFull(d, id, `BENCH-${id}`);
      await toDueDay(d, signedOn, 1);
      return [collectionRun(id)];
    },
  },
  {
    workflow: 'payment-collection',
    name: 'installment reaching level 2, then paid',
    description:
      '¥90,000 installment: the overdue notice and the owner’s follow-up (contacted), level 2 for the sales ' +
      'manager (contacted), then paid in full; the ladder and its two follow-ups are counted',
    happy: false,
    setup: (d) => dueInstallment(d, 5),
    async run(d, _, id) {
      const signedOn = d.today();
      await toDueDay(d, signedOn, 1);
      await d.decide(id, 'contacted', people.rep, 'Called their finance');
      await toDueDay(d, signedOn, 15);
      await d.signIn();
      await d.decide(id, 'contacted', people.salesManager, 'Spoke to their CFO');
      await payInFull(d, id, `BENCH-${id}`);
      await toDueDay(d, signedOn, 30);
      return [collectionRun(id), followUp(id, 1), followUp(id, 2)];
    },
  },
  {
    workflow: 'payment-collection',
    name: 'installment reaching level 4, legal pursues',
    description:
      '¥90,000 installment never paid: levels 1 to 4 (the follow-ups left unanswered close), legal pursues; ' +
      'the ladder and its three follow-ups are counted',
    happy: false,
    setup: (d) => dueInstallment(d, 6),
    async run(d, _, id) {
      const signedOn = d.today();
      for (const day of [1, 15, 30, 60]) await toDueDay(d, signedOn, day);
      await d.signIn();
      await d.decide(id, 'pursue');
      return [collectionRun(id), followUp(id, 1), followUp(id, 2), followUp(id, 4)];
    },
  },
  {
    workflow: 'expense-approval',
    name: 'claim escalated, approved',
    description:
      '¥1,500 claim: nobody decides; 6 days later (past the 3-business-day escalation) the sweep reassigns it; ' +
      'the new assignee and finance approve',
    happy: false,
    async run(d, costCenter) {
      const id = await d.file(costCenter, [1500]);
      const first = await d.taskMail(id, people.supervisor);
      await d.advance(6 * day);
      await d.signIn();
      const escalated = await d.taskMail(id);
      if (escalated.id === first.id || escalated.to.some((to) => to.includes(people.supervisor))) {
        throw new Error(`${id} was not escalated away from the supervisor`);
      }
      await d.decide(id, 'approve');
      await d.decide(id, 'approve', people.finance);
      return [claimRun(id)];
    },
  },
  {
    workflow: 'expense-approval',
    name: 'claim expired',
    description: '¥1,500 claim: nobody decides; 15 days later the review times out (deadline 14 days)',
    happy: false,
    async run(d, costCenter) {
      const id = await d.file(costCenter, [1500]);
      await d.taskMail(id, people.supervisor);
      await d.advance(15 * day);
      return [claimRun(id)];
    },
  },
];

interface LambdaCall {
  fn: string;
  ms: number;
}

/**
 * One Lambda invocation per TaskScheduled on a Lambda resource (a retry schedules again), including the callback
 * invoke of open-task; its duration runs to the task's next event (submitted for a callback task, else its end).
 * Timestamps are the sandbox's virtual clock, which moves with real time between clock advances.
 */
export function lambdaCalls(events: readonly HistoryEvent[]): LambdaCall[] {
  const ends = new Set([
    'TaskSubmitted',
    'TaskSucceeded',
    'TaskFailed',
    'TaskTimedOut',
    'LambdaFunctionSucceeded',
    'LambdaFunctionFailed',
    'LambdaFunctionTimedOut',
  ]);
  const calls: LambdaCall[] = [];
  let open: { fn: string; at: number } | undefined;
  for (const event of events) {
    const at = event.timestamp?.getTime() ?? 0;
    if (event.type === 'TaskScheduled' && event.taskScheduledEventDetails?.resourceType === 'lambda') {
      open = { fn: functionOf(event.taskScheduledEventDetails.parameters), at };
    } else if (event.type === 'LambdaFunctionScheduled') {
      open = { fn: event.lambdaFunctionScheduledEventDetails?.resource ?? 'lambda', at };
    } else if (open && event.type && ends.has(event.type)) {
      calls.push({ fn: open.fn, ms: at - open.at });
      open = undefined;
    }
  }
  if (open) calls.push({ fn: open.fn, ms: 0 });
  return calls;
}

function functionOf(parameters: string | undefined): string {
  try {
    const name = (JSON.parse(parameters ?? '{}') as { FunctionName?: unknown }).FunctionName;
    return typeof name === 'string' ? (name.split(':function:')[1] ?? name).replace(/^local-/, '') : 'lambda';
  } catch {
    return 'lambda';
  }
}

/** The states an execution entered, in order: every `*StateEntered` event's state name. */
export const statesEntered = (events: readonly HistoryEvent[]): string[] =>
  events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name ?? '?');

/** Step Functions Standard bills one transition per state entered. */
export const countTransitions = (events: readonly HistoryEvent[]) => statesEntered(events).length;

function operationsDelta(before: ReadonlyMap<string, number>, after: ReadonlyMap<string, number>) {
  const delta: Record<string, number> = {};
  for (const [operation, count] of after) {
    const diff = count - (before.get(operation) ?? 0);
    if (diff > 0) delta[operation] = diff;
  }
  return delta;
}

const sum = (record: Record<string, number>, keys: readonly string[]) =>
  keys.reduce((total, key) => total + (record[key] ?? 0), 0);

async function measurePath(d: Driver, spec: PathSpec): Promise<PathResult> {
  await d.signIn();
  const costCenter = await d.budget(20_000);
  const prepared = (await spec.setup?.(d)) ?? '';
  const opsBefore = new Map(d.sandbox.dynamo.operations);
  const mailsBefore = (await d.sandbox.mail.list()).length;
  d.client.requests.length = 0;
  d.client.recording = true;
  const started = performance.now();
  const executions = await spec.run(d, costCenter, prepared);
  const closed = [];
  for (const execution of executions) {
    const arn = d.executionArn(execution);
    await waitFor(
      async () =>
        await d.sandbox.stepFunctions.describeExecution({ executionArn: arn }).catch(() => undefined),
      `${arn} to start`,
    );
    closed.push({ arn, description: await d.sandbox.stepFunctions.whenClosed(arn) });
  }
  const wallMs = performance.now() - started;
  d.client.recording = false;
  const opsDelta = operationsDelta(opsBefore, d.sandbox.dynamo.operations);
  const mails = (await d.sandbox.mail.list()).length - mailsBefore;

  const perExecution = [];
  const calls: LambdaCall[] = [];
  let transitions = 0;
  for (const { arn, description } of closed) {
    const { events = [] } = await d.sandbox.stepFunctions.getExecutionHistory({
      executionArn: arn,
      maxResults: 1000,
    });
    const states = statesEntered(events);
    const count = countTransitions(events);
    transitions += count;
    calls.push(...lambdaCalls(events));
    perExecution.push({
      name: description.name ?? arn,
      status: description.status ?? 'UNKNOWN',
      ending: states.at(-1) ?? '',
      transitions: count,
      states,
    });
  }
  const byFunction: Record<string, number> = {};
  for (const call of calls) byFunction[call.fn] = (byFunction[call.fn] ?? 0) + 1;
  const apiDurations = d.client.requests.map((r) => r.ms);
  const writes = sum(opsDelta, writeOperations);
  return {
    workflow: spec.workflow,
    name: spec.name,
    description: spec.description,
    happy: spec.happy,
    executions: perExecution,
    transitions,
    workflowLambda: { invocations: calls.length, durationsMs: calls.map((c) => c.ms), byFunction },
    api: {
      requests: d.client.requests.map((r) => r.label),
      durationsMs: apiDurations.map((ms) => round(ms)),
    },
    dynamo: { writes, reads: sum(opsDelta, readOperations), byOperation: opsDelta },
    mails,
    cost: costPer1000Runs({
      transitions,
      lambdaDurationsMs: [...calls.map((c) => c.ms), ...apiDurations],
      dynamoWrites: writes,
    }),
    wallMs: round(wallMs),
  };
}

export interface PathsOutcome {
  paths: PathResult[];
  /** Paths that could not be run to their end, with why: the others still are. */
  failures: { name: string; error: string }[];
  /** Every workflow the sandbox runs, so that one without a measured path shows. */
  workflows: string[];
  /** Every operation the sandbox's DynamoDB received over its life, setup included. */
  operations: Record<string, number>;
}

export async function measurePaths(dir: string, progress: (line: string) => void): Promise<PathsOutcome> {
  const sandbox = await startSandbox({ port: 0, dir });
  try {
    const d = new Driver(sandbox, new TimedClient(sandbox.url));
    const paths: PathResult[] = [];
    const failures: PathsOutcome['failures'] = [];
    for (const spec of pathSpecs) {
      let result: PathResult;
      try {
        if (!sandbox.stateMachines.has(spec.workflow))
          throw new Error(`the sandbox runs no ${spec.workflow}`);
        result = await measurePath(d, spec);
        const failed = result.executions.filter((e) => e.status !== 'SUCCEEDED');
        if (failed.length > 0) throw new Error(failed.map((e) => `${e.name} ended ${e.status}`).join(', '));
      } catch (error) {
        d.client.recording = false;
        failures.push({ name: spec.name, error: (error as Error).message });
        progress(`path "${spec.name}" FAILED: ${(error as Error).message}`);
        continue;
      }
      paths.push(result);
      progress(
        `path "${spec.name}": ${result.transitions} transitions, ${result.workflowLambda.invocations} workflow ` +
          `Lambda invocations, ${result.api.requests.length} API requests, ${result.dynamo.writes} DynamoDB writes, ` +
          `ends ${result.executions.map((e) => e.ending).join(' + ')}`,
      );
    }
    return {
      paths,
      failures,
      workflows: [...sandbox.stateMachines.keys()],
      operations: Object.fromEntries(sandbox.dynamo.operations),
    };
  } finally {
    await sandbox.close();
  }
}
