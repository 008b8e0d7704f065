import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageWords } from '#human-tasks/page-words.ts';
import type { TaskView } from '#human-tasks/task-view.ts';
import type { Reply, RequestOptions } from '#infra/local/sandbox-client.ts';
import { type RouteSpec, routes } from '#infra/routes.ts';
import { addDays, localDate } from '#shared/clock.ts';
import { escapeHtml } from '#shared/html.ts';
import { forbiddenControlCharacter } from '#shared/text.ts';
import { eventually, hiddenInputs, startTestSandbox, type TestSandbox } from './harness.ts';
import { signedContract } from './signed-contract.ts';

const rep = 'li.lei@example.com';
const supervisor = 'zhao.min@example.com';
const salesManager = 'sun.li@example.com';
const finance = 'qian.yu@example.com';
const admin = 'admin@example.com';
const production = 'feng.lin@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];

// ---------------------------------------------------------------------------------------------------------------
// What a reply must never show, and what generated text must therefore never contain (pages echo what was typed).

/** Stack frames, source positions and error class names: internals that tell an attacker how the server is built. */
const internals =
  /\bat (?:async )?[\w.$<>]+ \(|\bat \/|\.[jt]s:\d+|node_modules|\b\w*Error: |\b(?:Type|Reference|Range|Syntax|Zod)Error\b|ConditionalCheckFailed|ValidationException|Unhandled/;

const clean = (text: string) => !internals.test(text);

// ---------------------------------------------------------------------------------------------------------------
// Hostile values.

const clipped = (_key: string, value: unknown) =>
  typeof value === 'string' && value.length > 200
    ? `${value.slice(0, 200)}…(${value.length} characters)`
    : value;

/** A counterexample as fast-check prints it, long strings cut: a 100,000-character body would fill the screen. */
function shortly<T extends object>(value: T): T {
  Object.defineProperty(value, fc.toStringMethod, { value: () => JSON.stringify(value, clipped) });
  return value;
}

const controlCharacters = [
  '\u0000',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
];

/** Names no field of any body or task has, the prototype's own first. */
const hostileNames = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'isAdmin',
  'status',
  'decidedBy',
  'approved',
  '名字',
  'a.b',
];

const hostileText: fc.Arbitrary<string> = fc
  .oneof(
    fc.string(),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom(...controlCharacters, 'a', '名'), minLength: 1, maxLength: 12 }),
    fc.constantFrom(
      '__proto__',
      'constructor',
      '../../etc/passwd',
      '<script>alert(1)</script>',
      "' OR 1=1 --",
      '${jndi:ldap://x}',
      '{{7*7}}',
      '\u202eevil',
      '😀'.repeat(50),
      'CT-2026-00001\u0000',
      'null',
      '-1',
      '1e999',
    ),
    fc.integer({ min: 5_000, max: 120_000 }).map((length) => 'x'.repeat(length)),
  )
  .filter(clean);

/** Any JSON value, with keys that may be hostile but never `__proto__` unless a test puts it there on purpose. */
const anyJson: fc.Arbitrary<unknown> = fc
  .jsonValue({ maxDepth: 3 })
  .filter((value) => clean(JSON.stringify(value)) && !JSON.stringify(value).includes('"__proto__"'));

// ---------------------------------------------------------------------------------------------------------------
// The table, whole: a refused request must leave it exactly as it was. Nothing is left out of the comparison: every
// refusal here is of a request no handler should act on (a bad body, path, query or token, an unknown subject), and
// those are refused before anything is written, an Idempotency-Key claimed or an id numbered (a valid claim refused
// over budget does leave a gap in the EX numbers, by design, but this suite never sends a valid body).

interface TableSnapshot {
  items: Map<string, string>;
}

function keyOf(item: Record<string, unknown>): string {
  return `${String(item.pk)} | ${String(item.sk)}`;
}

async function snapshotOf(db: DynamoDBDocumentClient): Promise<TableSnapshot> {
  const items = new Map<string, string>();
  for await (const page of paginateScan({ client: db }, { TableName: process.env.TABLE_NAME })) {
    for (const item of page.Items ?? []) items.set(keyOf(item), JSON.stringify(item));
  }
  return { items };
}

/** What changed between two snapshots, item by item; empty when nothing did. */
function changesBetween(before: TableSnapshot, after: TableSnapshot): string[] {
  const changes: string[] = [];
  for (const [key, item] of after.items) {
    const was = before.items.get(key);
    if (was === undefined) changes.push(`added ${key}: ${item.slice(0, 300)}`);
    else if (was !== item) changes.push(`changed ${key}: ${was.slice(0, 300)} → ${item.slice(0, 300)}`);
  }
  for (const key of before.items.keys()) if (!after.items.has(key)) changes.push(`removed ${key}`);
  return changes;
}

// ---------------------------------------------------------------------------------------------------------------
// The world the fuzzing runs in: one sandbox with an open task of every workflow that has human steps.

interface OpenTask {
  workflow: string;
  assignee: string;
  token: string;
  task: TaskView;
  /** The link's secret and a page nonce, as the form carries them. */
  k: string;
  nonce: string;
}

interface World {
  sandbox: TestSandbox;
  db: DynamoDBDocumentClient;
  tokens: Record<string, string>;
  tasks: OpenTask[];
  ids: { claim: string; application: string; contract: string; signedContract: string; order: string };
}

const companyTime = (date: string, hours: number) => Date.parse(`${date}T00:00:00+08:00`) + hours * 3_600_000;

async function openTask(world: Omit<World, 'tasks'>, workflow: string, assignee: string, subjectId: string) {
  const { link, page } = await world.sandbox.client.openTaskFromMail(assignee, subjectId);
  const taskId = decodeURIComponent(link.pathname.split('/')[2] ?? '');
  const token = await world.sandbox.login(assignee);
  const listed = await world.sandbox.request('GET', '/tasks?assignee=me&status=open', { token });
  const task = listed.json<{ tasks: TaskView[] }>().tasks.find((t) => t.id === taskId);
  if (!task) throw new Error(`task ${taskId} about ${subjectId} is not open for ${assignee}`);
  return {
    workflow,
    assignee,
    token,
    task,
    k: link.searchParams.get('k') ?? '',
    nonce: hiddenInputs(page.text).nonce,
  };
}

async function buildWorld(): Promise<World> {
  const sandbox = await startTestSandbox();
  const db = sandbox.db;
  // Payment collection's follow-up needs an overdue installment: all of it due at signing, then a day passes. The
  // same contract's order waits for production. Everything else is filed after that day, so no SLA moves it.
  const signed = await signedContract(sandbox, 'buyer@fuzz.example', {
    paymentTerms: [{ label: '全款', percent: 100, trigger: 'signing', dueDays: 0 }],
  });
  const seconds = Math.ceil(
    (companyTime(addDays(signed.signedOn, 1), 10) - sandbox.clock.now().getTime()) / 1000,
  );
  expect((await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: seconds } })).status).toBe(
    200,
  );

  const tokens: Record<string, string> = {};
  for (const email of [rep, supervisor, salesManager, finance, admin, production, ...legal])
    tokens[email] = await sandbox.login(email);
  const orders = await sandbox.request('GET', `/orders?contractId=${signed.contractId}`, {
    token: tokens[rep],
  });
  const order = orders.json<{ orders: { id: string }[] }>().orders[0]?.id ?? '';

  const today = localDate(sandbox.clock.now());
  const costCenter = 'FUZZ-1';
  const budget = await sandbox.request('PUT', `/budgets/${costCenter}/${today.slice(0, 7)}`, {
    token: tokens[finance],
    json: { limit: { amount: 1_000_000_00, currency: 'CNY' } },
  });
  expect(budget.status).toBe(201);
  const claim = await sandbox.request('POST', '/expenses', {
    token: tokens[rep],
    json: claimBody(costCenter, today),
  });
  expect(claim.status).toBe(201);
  const application = await sandbox.request('POST', '/expense-applications', {
    token: tokens[rep],
    json: applicationBody(costCenter),
  });
  expect(application.status).toBe(201);
  const contract = await sandbox.request('POST', '/contracts', {
    token: tokens[rep],
    json: contractBody(addDays(today, 60)),
  });
  expect(contract.status).toBe(201);
  const ids = {
    claim: claim.json<{ id: string }>().id,
    application: application.json<{ id: string }>().id,
    contract: contract.json<{ id: string }>().id,
    signedContract: signed.contractId,
    order,
  };
  const partial = { sandbox, db, tokens, ids };
  // Legal review goes to whichever lawyer has the least open work.
  const lawyer = await eventually(async () => {
    for (const person of legal)
      if ((await sandbox.mails(person)).some((mail) => mail.text.includes(ids.contract))) return person;
    return undefined;
  }, 'the legal review task');
  const tasks = [
    await openTask(partial, 'expense-approval', supervisor, ids.claim),
    await openTask(partial, 'expense-application', salesManager, ids.application),
    await openTask(partial, 'contract-review', lawyer, ids.contract),
    await openTask(partial, 'order-handoff', production, ids.order),
    await openTask(partial, 'payment-collection', rep, `${signed.contractId}-I1`),
  ];
  return { ...partial, tasks };
}

// ---------------------------------------------------------------------------------------------------------------
// Valid bodies, holding only what is required (so dropping any key is an error), per route.

function claimBody(costCenter: string, today: string) {
  return {
    title: 'Customer visit',
    costCenter,
    items: [
      {
        category: 'travel',
        amount: { amount: 120_00, currency: 'CNY' },
        date: addDays(today, -2),
        description: 'Taxi',
      },
    ],
  };
}

function applicationBody(costCenter: string) {
  return {
    costCenter,
    amount: { amount: 500_00, currency: 'CNY' },
    reason: 'Trade fair in Shenzhen next month',
  };
}

function contractBody(deliveryDate: string) {
  return {
    customer: { name: '东方机械', email: 'buyer@fuzz.example' },
    title: '数控车床',
    amount: { amount: 200_000_00, currency: 'CNY' },
    paymentTerms: [{ label: '预付款', percent: 100, trigger: 'signing', dueDays: 10 }],
    deliveryDate,
    items: [{ sku: 'CNC-200', description: '数控车床', quantity: 2, qualityStandard: 'GB/T 25659' }],
  };
}

interface BodySpec {
  body: unknown;
  /** Keys the route takes as optional or defaults: dropping them is no error. */
  optional?: readonly string[];
  /** Where a poison is found only after the schema, by the domain (a decision's fields, its outcome's value). */
  domainStage?: (path: string) => 'outcome' | 'fields' | undefined;
  /** Who sends it: the poisons must be reported whoever it is, but a domain-stage one only to the assignee. */
  as: string;
}

/** The body each writing route takes; a route missing here is fuzzed with `{}` as its base. */
function bodySpecs(world: World): Record<string, BodySpec> {
  const today = localDate(world.sandbox.clock.now());
  const claimTask = world.tasks[0] as OpenTask;
  return {
    'PUT /people/{email}': { body: { name: '测试', roles: ['sales'] }, as: admin },
    'PUT /budgets/{costCenter}/{period}': {
      body: { limit: { amount: 100_00, currency: 'CNY' } },
      as: finance,
    },
    'POST /expenses': { body: claimBody('FUZZ-1', today), as: rep },
    'PUT /expenses/{id}': { body: claimBody('FUZZ-1', today), as: rep },
    'POST /expense-applications': { body: applicationBody('FUZZ-1'), as: rep },
    'POST /contracts': { body: contractBody(addDays(today, 60)), as: rep },
    'POST /contracts/{id}/revisions': { body: contractBody(addDays(today, 60)), as: rep },
    'POST /payments': {
      body: {
        contractId: world.ids.signedContract,
        amount: { amount: 100_00, currency: 'CNY' },
        reference: 'FZ-1',
      },
      as: finance,
    },
    'POST /tasks/{id}/decision': {
      body: { outcome: 'approve', fields: {} },
      optional: ['fields'],
      domainStage: (path) =>
        path === 'outcome' ? 'outcome' : path.startsWith('fields.') ? 'fields' : undefined,
      as: claimTask.assignee,
    },
  };
}

/** Routes whose body is the task page's form, fuzzed with the tasks' real links instead. */
const formRoutes = new Set(['POST /t/{taskId}']);

const routeKey = (route: RouteSpec) => `${route.method} ${route.path}`;
const takesBody = (route: RouteSpec) => route.method === 'POST' || route.method === 'PUT';

// ---------------------------------------------------------------------------------------------------------------
// Path parameters: the real ones, ones that look right but name nothing, and hostile ones (some not even
// percent-encoded right).

function validParam(world: World, route: RouteSpec, name: string): string {
  const first = route.path.split('/')[1];
  const byName: Record<string, string> = {
    email: rep,
    costCenter: 'FUZZ-1',
    period: localDate(world.sandbox.clock.now()).slice(0, 7),
    taskId: world.tasks[0]?.task.id ?? '',
  };
  const idByCollection: Record<string, string> = {
    expenses: world.ids.claim,
    'expense-applications': world.ids.application,
    contracts: world.ids.contract,
    orders: world.ids.order,
    tasks: world.tasks[0]?.task.id ?? '',
  };
  const value = name === 'id' ? idByCollection[first ?? ''] : byName[name];
  if (value === undefined)
    throw new Error(`add a real value for {${name}} of ${routeKey(route)} to api-fuzz.ts`);
  return value;
}

const lookalikes = [
  'EX-2026-99999',
  'CT-2026-99999',
  'OR-2026-99999',
  'PA-2026-99999',
  'EX-1999-00001',
  'nobody@example.com',
  'SALES-NOWHERE',
  '2026-13',
  '0000',
  'tsk_0000000000000000000000',
];

/** Raw path segments: malformed percent-encoding, encoded slashes and dots, overlong UTF-8. */
const rawSegments = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%ff',
  '%00',
  '..%2F..%2Fetc',
  '%252e%252e',
  '%2F',
  '%u0041',
  '.',
  '..',
];

/** A path parameter as it goes into the URL: encoded, unless it is one of the raw segments. */
function paramArb(world: World, route: RouteSpec, name: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(encodeURIComponent(validParam(world, route, name))),
    fc.constantFrom(...lookalikes).map(encodeURIComponent),
    hostileText.filter((text) => text.length > 0 && text.length < 3000).map(encodeURIComponent),
    fc.constantFrom(...rawSegments),
  );
}

function pathOf(route: RouteSpec, params: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\}/g, (_whole, name: string) => params[name] ?? '');
}

const queryNames = ['assignee', 'status', 'contractId', 'asOf', 'k', 'o', ...hostileNames];

const queryArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom(...queryNames), fc.string({ maxLength: 10 })),
        // Beyond about 16 KB of URL, Node's server answers 431 itself and the handler never sees the query.
        hostileText.filter((text) => text.length < 2_000),
      ),
      {
        maxLength: 4,
      },
    )
    .map((pairs) => new URLSearchParams(pairs).toString()),
  fc.constantFrom('a=%zz', '%=1', 'k=%E0%A4%A', 'asOf=%00', 'contractId=CT-2026-00001&contractId=x', '&&&=&'),
);

// ---------------------------------------------------------------------------------------------------------------
// Poisoned bodies: a valid body with one to three things wrong, each of which must be named in the 400.

/**
 * Where a wrong thing is found. Each stage reports all it finds and stops the request, so a later stage's finds
 * go unreported: the edge (a `__proto__` key, first one only), the schema, then a decision's outcome, then the rest
 * of a decision (its fields and comment).
 */
type Stage = 'edge' | 'schema' | 'outcome' | 'fields';
const stages: readonly Stage[] = ['edge', 'schema', 'outcome', 'fields'];

interface Poison {
  /** The field the reply must name, as the API names fields (`items.0.amount.rate`). */
  field: string;
  stage: Stage;
  kind: string;
}

interface Node {
  path: (string | number)[];
  value: unknown;
}

function nodesOf(value: unknown, path: (string | number)[] = []): Node[] {
  const here: Node = { path, value };
  if (Array.isArray(value)) return [here, ...value.flatMap((inner, i) => nodesOf(inner, [...path, i]))];
  if (typeof value === 'object' && value !== null)
    return [here, ...Object.entries(value).flatMap(([key, inner]) => nodesOf(inner, [...path, key]))];
  return [here];
}

const dotted = (path: readonly (string | number)[]) => path.map(String).join('.');

const depth = fc.integer({ min: 100, max: 20_000 });

/**
 * A value of another JSON type than `value`'s, deeply nested ones included (as raw JSON text: JSON.stringify
 * itself would overflow its stack on them).
 */
function wrongTypeArb(value: unknown): fc.Arbitrary<unknown> {
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const kinds: fc.Arbitrary<unknown>[] = [];
  if (typeof value !== 'string') kinds.push(hostileText.filter((t) => t.length < 200));
  if (typeof value !== 'number') kinds.push(fc.constantFrom(0, 1, -1, 3.5));
  if (typeof value !== 'boolean') kinds.push(fc.boolean());
  if (!Array.isArray(value)) {
    kinds.push(fc.array(anyJson, { maxLength: 3 }));
    kinds.push(depth.map((d) => `RAW:${'['.repeat(d)}${']'.repeat(d)}`));
  }
  if (!isObject) {
    kinds.push(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), anyJson, { maxKeys: 3 }));
    kinds.push(depth.map((d) => `RAW:${'{"a":'.repeat(d)}0${'}'.repeat(d)}`));
  }
  kinds.push(fc.constant(null));
  return fc.oneof(...kinds);
}

/** Numbers no field of any body takes: below zero, beyond every limit and beyond safe integers, and infinity. */
const outOfRange = [-1, -1e20, 1e20, 2 ** 53 + 2, 'RAW:1e999', 'RAW:-1e999'] as const;

/** Splices a control character into the middle of `text`, where trimming cannot take it away. */
const withControl = (text: string, control: string, at: number) => {
  const cut = 1 + (at % Math.max(1, text.length - 1));
  return `${text.slice(0, cut)}${control}${text.slice(cut)}`;
};

interface Poisoning {
  path: (string | number)[];
  kind: 'drop' | 'wrong-type' | 'extra' | 'huge' | 'control' | 'out-of-range';
  value?: unknown;
  name?: string;
}

function poisoningArb(spec: BodySpec): fc.Arbitrary<Poisoning> {
  const nodes = nodesOf(spec.body);
  const options: fc.Arbitrary<Poisoning>[] = [];
  for (const node of nodes) {
    const { path, value } = node;
    const parent =
      path.length > 0 ? nodes.find((n) => dotted(n.path) === dotted(path.slice(0, -1))) : undefined;
    const inObject = parent !== undefined && !Array.isArray(parent.value);
    if (inObject && !(spec.optional ?? []).includes(dotted(path)))
      options.push(fc.constant({ path, kind: 'drop' }));
    if (path.length > 0)
      options.push(wrongTypeArb(value).map((wrong) => ({ path, kind: 'wrong-type', value: wrong })));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const taken = new Set([...Object.keys(value), ...(spec.optional ?? []), ...knownOptionalKeys]);
      const name = fc.oneof(fc.constantFrom(...hostileNames), fc.string({ minLength: 1, maxLength: 12 }));
      options.push(
        fc
          .tuple(
            name.filter((n) => !taken.has(n) && clean(n)),
            anyJson,
          )
          .map(([extra, inner]) => ({ path, kind: 'extra', name: extra, value: inner })),
      );
    }
    if (typeof value === 'string') {
      options.push(
        fc.integer({ min: 2_100, max: 200_000 }).map((n) => ({ path, kind: 'huge', value: 'x'.repeat(n) })),
      );
      options.push(
        fc
          .tuple(fc.constantFrom(...controlCharacters), fc.nat())
          .map(([control, at]) => ({ path, kind: 'control', value: withControl(value, control, at) })),
      );
    }
    if (typeof value === 'number')
      options.push(
        fc.constantFrom(...outOfRange).map((number) => ({ path, kind: 'out-of-range', value: number })),
      );
  }
  return fc.oneof(...options);
}

/** Optional keys of some body: an "extra" key must be unknown to every schema, or it would be taken. */
const knownOptionalKeys = [
  'receipt',
  'applicationId',
  'deliveryAddress',
  'documentUrl',
  'manager',
  'locale',
  'delegate',
  'receivedOn',
  'fields',
  'comment',
];

const touched = (p: Poisoning) => (p.kind === 'extra' ? [...p.path, p.name ?? ''] : p.path);

/** Neither touches what the other does nor anything inside it. */
function apart(a: Poisoning, b: Poisoning): boolean {
  const [x, y] = [dotted(touched(a)), dotted(touched(b))];
  return x !== y && !x.startsWith(`${y}.`) && !y.startsWith(`${x}.`) && !(x === '' || y === '');
}

interface PoisonedBody {
  text: string;
  poisons: Poison[];
}

function applyPoisons(spec: BodySpec, poisonings: Poisoning[]): PoisonedBody {
  const body = structuredClone(spec.body) as Record<string | number, unknown>;
  const at = (path: (string | number)[]) => {
    let node = body;
    for (const key of path) node = node[key] as Record<string | number, unknown>;
    return node;
  };
  const raws: string[] = [];
  const poisons: Poison[] = [];
  for (const poisoning of poisonings) {
    const { path, kind } = poisoning;
    const field = dotted(touched(poisoning));
    if (kind === 'extra') {
      // defineProperty: plain assignment of `__proto__` would set the prototype instead of adding the key.
      Object.defineProperty(at(path), poisoning.name ?? '', {
        value: poisoning.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      const parent = at(path.slice(0, -1));
      const key = path[path.length - 1] as string | number;
      if (kind === 'drop') delete parent[key];
      else if (typeof poisoning.value === 'string' && poisoning.value.startsWith('RAW:')) {
        raws.push(poisoning.value.slice(4));
        parent[key] = `\u0001RAW${raws.length - 1}\u0001`;
      } else parent[key] = poisoning.value;
    }
    // A missing key or a wrong type the schema sees; a bad value of a string it passes on may be the domain's.
    const domain = kind === 'drop' || kind === 'wrong-type' ? undefined : spec.domainStage?.(field);
    const stage: Stage = kind === 'extra' && poisoning.name === '__proto__' ? 'edge' : (domain ?? 'schema');
    poisons.push({ field, stage, kind });
  }
  let text = JSON.stringify(body);
  raws.forEach((raw, i) => {
    text = text.replace(`"\\u0001RAW${i}\\u0001"`, raw);
  });
  return { text, poisons };
}

function poisonedBodyArb(spec: BodySpec): fc.Arbitrary<PoisonedBody> {
  return fc
    .uniqueArray(poisoningArb(spec), { minLength: 1, maxLength: 3, comparator: (a, b) => !apart(a, b) })
    .map((poisonings) => shortly(applyPoisons(spec, poisonings)));
}

/** The fields a 400 must name: every poison of the first stage that finds any (one of them at the edge). */
function expectedNames(poisons: readonly { field: string; stage: Stage }[]): {
  anyOf?: string[];
  allOf?: string[];
} {
  for (const stage of stages) {
    const found = poisons.filter((p) => p.stage === stage).map((p) => p.field);
    // The edge stops at the first `__proto__` it meets; which one that is depends on key order.
    if (found.length > 0) return stage === 'edge' ? { anyOf: found } : { allOf: found };
  }
  return {};
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies no client should send.

const contentTypes = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=zz',
  'application/octet-stream',
  'application/xml',
  'text/html; charset=utf-16',
];

const garbageBodyArb: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(''),
  anyJson.map((value) => JSON.stringify(value)),
  hostileText,
  fc.uint8Array({ minLength: 1, maxLength: 200 }),
  fc.integer({ min: 1_000, max: 100_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 1_000, max: 100_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  fc.integer({ min: 100_000, max: 2_000_000 }).map((length) => JSON.stringify('x'.repeat(length))),
  fc.constantFrom(
    '{',
    '{"title":',
    'null',
    '1e999',
    '[1,2',
    '{"__proto__":{"isAdmin":true}}',
    '__proto__=x&k=1',
  ),
);

// ---------------------------------------------------------------------------------------------------------------
// Checks every reply meets.

function expectNoInternals(reply: Reply, what: string) {
  expect(reply.status, `${what}: ${reply.text.slice(0, 500)}`).toBeLessThan(500);
  const leak = internals.exec(reply.text);
  expect(leak?.[0], `${what} shows internals: ${reply.text.slice(0, 500)}`).toBeUndefined();
}

/** The fields a JSON 400 names. */
function namedFields(reply: Reply): string[] {
  try {
    return (reply.json<{ fields?: { field: string }[] }>().fields ?? []).map((problem) => problem.field);
  } catch {
    return [];
  }
}

function expectNamed(reply: Reply, poisons: readonly { field: string; stage: Stage }[], what: string) {
  const named = namedFields(reply);
  const { anyOf, allOf } = expectedNames(poisons);
  const shown = `${what}: named ${JSON.stringify(named)} for ${JSON.stringify(poisons)}`;
  if (anyOf)
    expect(
      anyOf.some((field) => named.includes(field)),
      shown,
    ).toBe(true);
  for (const field of allOf ?? []) expect(named, shown).toContain(field);
}

// ---------------------------------------------------------------------------------------------------------------
// Decisions: poisoned ones, for one task, through the form and through the API.

interface DecisionPoison {
  /** `outcome`, `comment`, `fields.<name>`, or a top-level key of the API body. */
  field: string;
  stage: Stage;
}

interface PoisonedDecision {
  outcome: unknown;
  fields: [string, unknown][];
  comment: unknown;
  /** API only: keys beside outcome, fields and comment. */
  extraTop: [string, unknown][];
  poisons: DecisionPoison[];
}

const reserved = new Set(['k', 'nonce', 'outcome', 'comment']);

/** The parts of an API decision that can be sent as a wrong type. */
type ApiPart = 'outcome' | 'fields' | 'comment';

/** A value that is wrong for `field` whatever else is sent. */
function badFieldValue(field: TaskView['fields'][number]): fc.Arbitrary<string> {
  switch (field.type) {
    case 'text':
      return fc.oneof(
        fc.constantFrom(...controlCharacters).map((control) => `SF${control}Express`),
        fc.constant('x'.repeat(field.maxLength + 1)),
      );
    case 'date':
      return fc.constantFrom('2026-13-45', 'tomorrow', '2026/12/01', '0000-00-00', '2026-12-01T00:00:00Z');
    case 'url':
      return fc.constantFrom('not a link', 'http//x', '://', 'www');
    case 'money':
      return fc.constantFrom('abc', '-5', '1e3', '12.345', '１２３', 'NaN');
    case 'choice':
      return fc.constant('not-an-option');
  }
}

function decisionArb(open: OpenTask, via: 'form' | 'api'): fc.Arbitrary<PoisonedDecision> {
  const { task } = open;
  const names = new Set(task.fields.map((f) => f.name));
  const textValue = via === 'form' ? hostileText : fc.oneof(hostileText, anyJson);
  const unknownName = fc
    .oneof(fc.constantFrom(...hostileNames), fc.string({ minLength: 1, maxLength: 12 }))
    .filter((name) => !names.has(name) && !reserved.has(name) && name !== '' && clean(name));
  const badOutcome = fc
    .oneof(
      fc.constantFrom('', 'APPROVE', 'approve ', 'delete', 'sign', 'write-off', '__proto__', 'constructor'),
      fc.string(),
    )
    .filter((outcome) => !(task.outcomes as string[]).includes(outcome) && clean(outcome));

  return fc
    .record({
      outcome: fc.constantFrom(...task.outcomes),
      comment: fc.oneof(
        fc.constant(''),
        fc
          .string({ maxLength: 200 })
          .filter((c) => clean(c) && forbiddenControlCharacter(c, true) === undefined),
      ),
      filled: fc.subarray(task.fields),
      values: fc.array(textValue, { minLength: task.fields.length, maxLength: task.fields.length }),
      unknown: fc.uniqueArray(fc.tuple(unknownName, textValue), { maxLength: 2, selector: ([name]) => name }),
      outcomeWrong: fc.option(badOutcome, { nil: undefined }),
      commentWrong: fc.option(
        fc.oneof(
          fc.integer({ min: 4_001, max: 8_000 }).map((n) => 'r'.repeat(n)),
          fc.constantFrom(...controlCharacters).map((control) => `reason ${control} here`),
        ),
        { nil: undefined },
      ),
      fieldWrong: fc.option(fc.constantFrom(...(task.fields.length > 0 ? task.fields : [undefined])), {
        nil: undefined,
      }),
      badValueSeed: fc.nat(),
      apiWrongTypes:
        via === 'api' ? fc.subarray<ApiPart>(['outcome', 'fields', 'comment']) : fc.constant<ApiPart[]>([]),
      extraTop:
        via === 'api'
          ? fc.uniqueArray(
              fc.tuple(
                unknownName.filter((n) => n !== 'fields'),
                anyJson,
              ),
              { maxLength: 2, selector: ([n]) => n },
            )
          : fc.constant<[string, unknown][]>([]),
    })
    .chain((draft) => {
      const fieldWrong = draft.fieldWrong;
      const applies =
        fieldWrong !== undefined &&
        (!fieldWrong.forOutcomes || fieldWrong.forOutcomes.includes(draft.outcome)) &&
        draft.outcomeWrong === undefined;
      return (applies && fieldWrong ? badFieldValue(fieldWrong) : fc.constant(undefined)).map((badValue) => ({
        ...draft,
        fieldWrong: applies ? fieldWrong : undefined,
        badValue,
      }));
    })
    .filter(
      (d) =>
        d.unknown.length > 0 ||
        d.outcomeWrong !== undefined ||
        d.commentWrong !== undefined ||
        d.fieldWrong !== undefined ||
        d.apiWrongTypes.length > 0 ||
        d.extraTop.length > 0,
    )
    .map((d) => {
      const poisons: DecisionPoison[] = [];
      const fields: [string, unknown][] = d.filled
        .filter((f) => f.name !== d.fieldWrong?.name)
        .map((f, i) => [f.name, d.values[i] ?? '']);
      if (d.fieldWrong && d.badValue !== undefined) {
        fields.push([d.fieldWrong.name, d.badValue]);
        poisons.push({ field: `fields.${d.fieldWrong.name}`, stage: 'fields' });
      }
      for (const [name, value] of d.unknown) {
        fields.push([name, value]);
        poisons.push({
          field: `fields.${name}`,
          stage: via === 'api' && name === '__proto__' ? 'edge' : 'fields',
        });
      }
      let outcome: unknown = d.outcomeWrong ?? d.outcome;
      if (d.outcomeWrong !== undefined)
        poisons.push({
          field: 'outcome',
          stage: via === 'api' && d.outcomeWrong === '' ? 'schema' : 'outcome',
        });
      let comment: unknown = d.commentWrong ?? d.comment;
      if (d.commentWrong !== undefined)
        poisons.push({
          field: 'comment',
          stage: via === 'api' && d.commentWrong.length > 4000 ? 'schema' : 'fields',
        });
      let fieldsSent: unknown = fields;
      // Fields sent as a wrong type replace the fields: what was wrong inside them is no longer sent.
      if (d.apiWrongTypes.includes('fields'))
        poisons.splice(0, poisons.length, ...poisons.filter((p) => !p.field.startsWith('fields.')));
      for (const part of d.apiWrongTypes) {
        poisons.push({ field: part, stage: 'schema' });
        if (part === 'outcome') outcome = 42;
        if (part === 'comment') comment = { text: 'x' };
        if (part === 'fields') fieldsSent = 'x';
      }
      for (const [name] of d.extraTop)
        poisons.push({ field: name, stage: name === '__proto__' ? 'edge' : 'schema' });
      return shortly({
        outcome,
        fields: fieldsSent === fields ? fields : [['\u0000wrong-type', fieldsSent]],
        comment,
        extraTop: d.extraTop,
        poisons,
      });
    });
}

/** JSON text for the API, keeping own `__proto__` keys as keys. */
function decisionJson(decision: PoisonedDecision): string {
  const object = (entries: [string, unknown][]) => {
    const made: Record<string, unknown> = {};
    for (const [key, value] of entries)
      Object.defineProperty(made, key, { value, enumerable: true, writable: true, configurable: true });
    return made;
  };
  const wrongFields = decision.fields[0]?.[0] === '\u0000wrong-type';
  return JSON.stringify(
    object([
      ['outcome', decision.outcome],
      ['fields', wrongFields ? decision.fields[0]?.[1] : object(decision.fields)],
      ['comment', decision.comment],
      ...decision.extraTop,
    ]),
  );
}

/** Where the task page shows that `field` was refused. */
function shownOnPage(page: string, field: string, task: TaskView): boolean {
  if (field === 'comment') return page.includes('id="error-comment"');
  if (field === 'outcome') {
    return (['zh-CN', 'en'] as const).some((locale) =>
      page.includes(escapeHtml(pageWords(locale).page.problem({ kind: 'choose-outcome' }))),
    );
  }
  const name = field.replace(/^fields\./, '');
  if (task.fields.some((f) => f.name === name)) return page.includes(`id="error-${escapeHtml(name)}"`);
  return new RegExp(`<li>${escapeHtml(name).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(：|: )`).test(page);
}

// ---------------------------------------------------------------------------------------------------------------
// The suite.

export interface FuzzSize {
  /** Cases per route for hostile requests of every kind. */
  perRoute: number;
  /** Poisoned bodies per writing route. */
  bodiesPerRoute: number;
  /** Poisoned decisions per task, through the form and through the API each. */
  decisionsPerTask: number;
  seed?: number;
}

export function describeApiFuzz(size: FuzzSize) {
  let world: World;
  let table: TableSnapshot;

  beforeAll(async () => {
    world = await buildWorld();
    table = await snapshotOf(world.db);
  }, 120_000);

  afterAll(async () => {
    await world?.sandbox.stop();
  });

  const settings = (runs: number) => ({
    numRuns: runs,
    ...(size.seed === undefined ? {} : { seed: size.seed }),
    endOnFailure: true,
  });

  /** Sends one request; a refused one must leave the table as it was, an accepted one moves the baseline on. */
  async function send(method: string, path: string, options: RequestOptions, what: string): Promise<Reply> {
    const reply = await world.sandbox.request(method, path, options);
    expectNoInternals(reply, what);
    const after = await snapshotOf(world.db);
    if (reply.status >= 400)
      expect(changesBetween(table, after).join('\n'), `${what} → ${reply.status} wrote`).toBe('');
    table = after;
    return reply;
  }

  describe('every route of infra/routes.ts', () => {
    for (const route of routes) {
      it(`${routeKey(route)}: hostile paths, queries, tokens and bodies get no 5xx and no internals; a refusal writes nothing`, async () => {
        const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] as string);
        const tokenArb = fc.constantFrom(
          undefined,
          'Bearer garbage',
          'Basic YWRtaW46YWRtaW4=',
          ...Object.values(world.tokens).map((t) => `Bearer ${t}`),
        );
        const bodyArb = (
          takesBody(route) && !formRoutes.has(routeKey(route))
            ? fc.oneof(
                garbageBodyArb,
                poisonedBodyArb(bodySpecs(world)[routeKey(route)] ?? { body: {}, as: admin }).map(
                  (p) => p.text,
                ),
              )
            : garbageBodyArb
        ).map((body) => shortly({ body }));
        await fc.assert(
          fc.asyncProperty(
            fc.tuple(...params.map((name) => paramArb(world, route, name))),
            queryArb,
            tokenArb,
            bodyArb,
            fc.constantFrom(...contentTypes),
            async (values, query, authorization, { body }, contentType) => {
              const path = pathOf(
                route,
                Object.fromEntries(params.map((name, i) => [name, values[i] ?? ''])),
              );
              const headers: Record<string, string> = {};
              if (authorization) headers.authorization = authorization;
              if (contentType) headers['content-type'] = contentType;
              const url = query ? `${path}?${query}` : path;
              const sendsBody = route.method !== 'GET' && route.method !== 'HEAD';
              await send(
                route.method,
                url,
                { headers, ...(sendsBody && body !== undefined ? { body } : {}) },
                `${route.method} ${url.slice(0, 200)}`,
              );
            },
          ),
          settings(size.perRoute),
        );
      });
    }
  });

  describe('a poisoned body on every writing route', () => {
    for (const route of routes.filter((r) => takesBody(r) && !formRoutes.has(routeKey(r)))) {
      it(`${routeKey(route)}: each thing wrong is named in a 400 and nothing is written`, async () => {
        const spec = bodySpecs(world)[routeKey(route)] ?? { body: {}, as: admin };
        const params = Object.fromEntries(
          [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [
            m[1] as string,
            encodeURIComponent(validParam(world, route, m[1] as string)),
          ]),
        );
        const token = world.tokens[spec.as] ?? (await world.sandbox.login(spec.as));
        await fc.assert(
          fc.asyncProperty(
            poisonedBodyArb(spec),
            fc.constantFrom(...contentTypes),
            async (poisoned, contentType) => {
              const headers: Record<string, string> = { authorization: `Bearer ${token}` };
              if (contentType) headers['content-type'] = contentType;
              const reply = await send(
                route.method,
                pathOf(route, params),
                { headers, body: poisoned.text },
                routeKey(route),
              );
              expect(reply.status, reply.text.slice(0, 300)).toBe(400);
              expectNamed(reply, poisoned.poisons, routeKey(route));
            },
          ),
          settings(size.bodiesPerRoute),
        );
      });
    }
  });

  describe('a poisoned decision on the open task of every workflow with people in it', () => {
    const workflows = [
      'expense-approval',
      'expense-application',
      'contract-review',
      'order-handoff',
      'payment-collection',
    ];
    const taskOf = (workflow: string) => {
      const open = world.tasks.find((t) => t.workflow === workflow);
      if (!open) throw new Error(`no open task of ${workflow}`);
      return open;
    };

    for (const workflow of workflows) {
      it(`${workflow}: the task form refuses it, naming what is wrong, and decides nothing`, async () => {
        const open = taskOf(workflow);
        await fc.assert(
          fc.asyncProperty(
            decisionArb(open, 'form'),
            fc.constantFrom(...contentTypes),
            async (decision, type) => {
              const form = new URLSearchParams([
                ['k', open.k],
                ['nonce', open.nonce],
                ['outcome', String(decision.outcome)],
                ['comment', String(decision.comment)],
                ...decision.fields.map(([name, value]) => [name, String(value)] as [string, string]),
              ]);
              const reply = await send(
                'POST',
                `/t/${open.task.id}`,
                // A form post read as a form whatever type it claims, as API Gateway hands the body on.
                { headers: type ? { 'content-type': type } : {}, body: form.toString() },
                `${workflow} form`,
              );
              expect(reply.status, reply.text.slice(0, 300)).toBe(400);
              const { allOf = [] } = expectedNames(decision.poisons);
              for (const field of allOf)
                expect(shownOnPage(reply.text, field, open.task), `${field} not shown as refused`).toBe(true);
            },
          ),
          settings(size.decisionsPerTask),
        );
      });

      it(`${workflow}: POST /tasks/{id}/decision refuses it, naming each field, and decides nothing`, async () => {
        const open = taskOf(workflow);
        await fc.assert(
          fc.asyncProperty(
            decisionArb(open, 'api'),
            fc.constantFrom(...contentTypes),
            async (decision, contentType) => {
              const headers: Record<string, string> = { authorization: `Bearer ${open.token}` };
              if (contentType) headers['content-type'] = contentType;
              const reply = await send(
                'POST',
                `/tasks/${open.task.id}/decision`,
                { headers, body: decisionJson(decision) },
                `${workflow} API decision`,
              );
              expect(reply.status, reply.text.slice(0, 300)).toBe(400);
              expectNamed(reply, decision.poisons, `${workflow} API decision`);
            },
          ),
          settings(size.decisionsPerTask),
        );
      });
    }

    it('leaves every task open after all of it', async () => {
      for (const open of world.tasks) {
        const listed = await world.sandbox.request('GET', '/tasks?assignee=me&status=open', {
          token: open.token,
        });
        expect(listed.json<{ tasks: TaskView[] }>().tasks.map((t) => t.id)).toContain(open.task.id);
      }
    });
  });

  describe('the two findings of issue 16', () => {
    it('a __proto__ field in a decision is a 400 naming it, through the API and the task form, and decides nothing', async () => {
      const open = world.tasks[0] as OpenTask;
      const api = await send(
        'POST',
        `/tasks/${open.task.id}/decision`,
        {
          headers: { authorization: `Bearer ${open.token}`, 'content-type': 'application/json' },
          body: '{"outcome":"approve","fields":{"__proto__":{"approvedAmount":"1"}}}',
        },
        'API decision with __proto__',
      );
      expect(api.status).toBe(400);
      expect(namedFields(api)).toEqual(['fields.__proto__']);
      for (const name of ['__proto__', 'constructor']) {
        const page = await send(
          'POST',
          `/t/${open.task.id}`,
          {
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `k=${open.k}&nonce=${open.nonce}&outcome=approve&${name}=x`,
          },
          `task form with ${name}`,
        );
        expect(page.status).toBe(400);
        expect(shownOnPage(page.text, `fields.${name}`, open.task)).toBe(true);
      }
    });

    it('NUL, ESC, BEL or a vertical tab in a claim or contract title is a 400 naming the title, and nothing is written', async () => {
      const today = localDate(world.sandbox.clock.now());
      for (const control of ['\u0000', '\u001b', '\u0007', '\u000b']) {
        for (const [path, body] of [
          ['/expenses', { ...claimBody('FUZZ-1', today), title: `Visit${control}Shanghai` }],
          ['/contracts', { ...contractBody(addDays(today, 60)), title: `Lathes${control}2026` }],
        ] as const) {
          const reply = await send(
            'POST',
            path,
            { token: world.tokens[rep], json: body },
            `${path} with a control character`,
          );
          expect(reply.status).toBe(400);
          expect(namedFields(reply)).toEqual(['title']);
        }
      }
    });
  });
}
