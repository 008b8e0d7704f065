// A whole run of every workflow, watched: no task token in any mail, API reply or log line, no link secret in a log
// line, and the table keeps no link secret and each task token only on its own task, where DESIGN.md §5 puts it.
import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { GetExecutionHistoryCommand, ListExecutionsCommand } from '@aws-sdk/client-sfn';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openingLinkSecret } from '#human-tasks/links.ts';
import { runDemo } from '#infra/local/demo-run.ts';
import type { CapturedMail } from '#infra/local/mail.ts';
import { logger } from '#shared/logger.ts';
import { scanTable, settledTable, tableClient } from '../support/table-snapshot.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

vi.hoisted(() => {
  // Every line the handlers could write, not only warnings: a secret in a debug line leaks as surely.
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
  process.env.DECISION_REPLY_WAIT_MS = '0';
});

const logLines: string[] = [];
const replies: { request: string; status: number; body: string }[] = [];
const said: string[] = [];
let sandbox: TestSandbox;
let db: DynamoDBDocumentClient;
let mails: CapturedMail[];
let items: Record<string, unknown>[];
/** Every task token the local Step Functions service handed to a waiting state, from the executions' histories. */
let tokens: Set<string>;
/** Every link secret mailed, and each task's first-link secret (derived from its token). */
let secrets: Set<string>;
const restore: (() => void)[] = [];

/** Keeps everything written to stdout, stderr and the console (Powertools' logger writes to stdout). */
function captureOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = ((chunk: string | Uint8Array) => {
      logLines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = write;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      logLines.push(
        args.map((arg) => (typeof arg === 'string' ? arg : inspect(arg, { depth: 10 }))).join(' '),
      );
    };
    restore.push(() => {
      console[method] = original;
    });
  }
}

/** Keeps every reply the sandbox gives the run's HTTP client (the demo's and this test's), bodies whole. */
function captureReplies(): void {
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await realFetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    replies.push({
      request: `${init?.method ?? 'GET'} ${url}`,
      status: response.status,
      body: await response.clone().text(),
    });
    return response;
  };
  restore.push(() => {
    globalThis.fetch = realFetch;
  });
}

async function tokensFromExecutions(): Promise<Set<string>> {
  const found = new Set<string>();
  for (const stateMachineArn of sandbox.stateMachines.values()) {
    const { executions = [] } = await sandbox.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    for (const { executionArn } of executions) {
      const { events = [] } = await sandbox.sfn.send(
        new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }),
      );
      const history = JSON.stringify(events);
      for (const match of history.matchAll(/taskToken\\*"\s*:\s*\\*"([A-Za-z0-9_-]{43})\\*"/g)) {
        found.add(match[1] as string);
      }
    }
  }
  return found;
}

const containing = (texts: readonly string[], needles: ReadonlySet<string>) =>
  texts.filter((text) => [...needles].some((needle) => text.includes(needle)));

/** Every string in `value`, with where it sits (`retiredLinks.0.hash`). */
function* strings(value: unknown, path = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [path, value];
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) yield* strings(inner, path ? `${path}.${key}` : key);
  }
}

beforeAll(async () => {
  logger.setLogLevel('DEBUG');
  captureOutput();
  captureReplies();
  sandbox = await startTestSandbox({ log: (line) => logLines.push(line) });
  db = tableClient(sandbox.urls.dynamodb);
  await runDemo(sandbox.client, (line) => said.push(line));

  // The demo decides from mailed links only, before any reminder: one more, reminded, decided through the API.
  const rep = await sandbox.login('li.lei@example.com');
  const month = new Date(sandbox.clock.now()).toISOString().slice(0, 7);
  await sandbox.request('PUT', `/budgets/SECRETS/${month}`, {
    token: await sandbox.login('qian.yu@example.com'),
    json: { limit: { amount: 100_000, currency: 'CNY' } },
  });
  const claim = await sandbox.request('POST', '/expenses', {
    token: rep,
    json: {
      title: 'Taxi',
      costCenter: 'SECRETS',
      items: [
        {
          category: 'travel',
          amount: { amount: 5_000, currency: 'CNY' },
          date: new Date(sandbox.clock.now()).toISOString().slice(0, 10),
          description: 'Taxi',
          receipt: 'T-1',
        },
      ],
    },
  });
  expect(claim.status).toBe(201);
  const claimId = claim.json<{ id: string }>().id;
  const task = await eventually(async () => {
    const { tasks } = (
      await sandbox.request('GET', '/tasks', { token: await sandbox.login('zhao.min@example.com') })
    ).json<{
      tasks: { id: string; subject: { id: string } }[];
    }>();
    return tasks.find((t) => t.subject.id === claimId);
  }, `the review of ${claimId}`);
  // Left a few days, the task is reminded or escalated: a fresh random link that exists only in its mail.
  const stored = async () =>
    (await scanTable(db)).find((item) => item.pk === `TASK#${task.id}`) as
      | { assignee: string; linkVersion: number }
      | undefined;
  for (let day = 0; day < 7 && ((await stored())?.linkVersion ?? 1) < 2; day++) {
    await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 86_400 } });
  }
  const holder = await stored();
  expect(holder?.linkVersion).toBeGreaterThan(1);
  const decided = await sandbox.request('POST', `/tasks/${task.id}/decision`, {
    token: await sandbox.login(holder?.assignee ?? ''),
    json: { outcome: 'approve' },
  });
  expect(decided.status).toBe(200);

  // The steps that follow the last decision have run: every token handed out is on its task by now.
  await settledTable(db, 1000);
  mails = await sandbox.mail.list();
  items = await scanTable(db);
  tokens = await tokensFromExecutions();
  const tasks = items.filter((item) => item.sk === 'TASK') as { id: string; token: string }[];
  // The sandbox's key, from its data folder (on AWS, Secrets Manager): the table alone cannot rebuild these.
  const linkKey = process.env.TASK_LINK_KEY ?? '';
  secrets = new Set(tasks.map((t) => openingLinkSecret(linkKey, t.token, t.id).secret));
  for (const mail of mails) {
    for (const match of mail.text.matchAll(/\/t\/[A-Za-z0-9_-]+\?k=([A-Za-z0-9_-]+)/g))
      secrets.add(match[1] as string);
  }
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
  for (const undo of restore.reverse()) undo();
});

describe('a whole run of every workflow', () => {
  it('ran every workflow to its end, and saw tokens, link secrets, mails, replies and log lines', () => {
    expect(said.join('\n')).toMatch(
      /APPROVED_FOR_PAYMENT[\s\S]*SIGNED[\s\S]*ACCEPTED[\s\S]*installments now/,
    );
    const workflows = new Set(
      (items.filter((item) => item.sk === 'TASK') as { workflow: { slug: string } }[]).map(
        (task) => task.workflow.slug,
      ),
    );
    expect([...workflows].sort()).toEqual([
      'contract-review',
      'expense-application',
      'expense-approval',
      'order-handoff',
      'payment-collection',
    ]);
    // Each token the service issued is one task's, and each task is one token's: nothing was missed on either side.
    const stored = new Set(
      (items.filter((item) => item.sk === 'TASK') as { token: string }[]).map((t) => t.token),
    );
    expect(tokens.size).toBeGreaterThan(15);
    expect([...tokens].sort()).toEqual([...stored].sort());
    expect(secrets.size).toBeGreaterThan(tokens.size);
    expect(mails.length).toBeGreaterThan(20);
    expect(replies.length).toBeGreaterThan(100);
    // The logger was heard: its lines are in what was captured.
    expect(logLines.some((line) => line.includes('"message":"Task opened"'))).toBe(true);
  });

  it('puts no task token in any mail', () => {
    const leaked = mails.filter((mail) => containing([JSON.stringify(mail)], tokens).length > 0);
    expect(leaked.map((mail) => `${mail.to.join()} ${mail.subject}`)).toEqual([]);
  });

  it('puts no task token in any API reply or task page', () => {
    const leaked = replies.filter((reply) => containing([reply.body], tokens).length > 0);
    expect(leaked.map((reply) => `${reply.request} → ${reply.status}`)).toEqual([]);
  });

  it('writes no task token and no link secret in any log line', () => {
    expect(containing(logLines, tokens)).toEqual([]);
    expect(containing(logLines, secrets)).toEqual([]);
  });

  it('writes no sign-in (bearer) token in any log line, and stores none', () => {
    const bearer = new Set(
      replies
        .filter((reply) => reply.request.endsWith('/_local/login') && reply.status === 200)
        .map((reply) => (JSON.parse(reply.body) as { token: string }).token),
    );
    expect(bearer.size).toBeGreaterThan(5);
    expect(containing(logLines, bearer)).toEqual([]);
    expect(
      containing(
        items.map((item) => JSON.stringify(item)),
        bearer,
      ),
    ).toEqual([]);
  });

  it('stores no link secret, only its hash; and each task token only on its own task, to hand the decision back', () => {
    const misplaced: string[] = [];
    for (const item of items) {
      for (const [path, value] of strings(item)) {
        for (const secret of secrets) {
          if (value.includes(secret)) misplaced.push(`${item.pk} ${item.sk} ${path}: a link secret`);
        }
        for (const token of tokens) {
          if (!value.includes(token)) continue;
          const ownToken = item.sk === 'TASK' && path === 'token' && value === token;
          if (!ownToken) misplaced.push(`${item.pk} ${item.sk} ${path}: a task token`);
        }
      }
    }
    expect(misplaced).toEqual([]);
    for (const task of items.filter((item) => item.sk === 'TASK') as {
      linkHash: string;
      retiredLinks: { hash: string }[];
    }[]) {
      for (const hash of [task.linkHash, ...task.retiredLinks.map((link) => link.hash)]) {
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
      }
    }
  });

  it('keeps the key of first links out of the table, the mails and the logs: the table alone cannot rebuild a link', () => {
    const linkKey = process.env.TASK_LINK_KEY ?? '';
    expect(linkKey.length).toBeGreaterThanOrEqual(32);
    const keys = new Set([linkKey]);
    expect(
      containing(
        items.map((item) => JSON.stringify(item)),
        keys,
      ),
    ).toEqual([]);
    expect(
      containing(
        mails.map((mail) => JSON.stringify(mail)),
        keys,
      ),
    ).toEqual([]);
    expect(
      containing(
        replies.map((reply) => reply.body),
        keys,
      ),
    ).toEqual([]);
    expect(containing(logLines, keys)).toEqual([]);
    // What the table holds of a task (its id and token) derives none of the links mailed.
    const tasks = items.filter((item) => item.sk === 'TASK') as { id: string; token: string }[];
    const withoutKey = tasks.map((t) =>
      createHmac('sha256', t.token).update(`opening-link|${t.id}`).digest('base64url'),
    );
    const mailed = mails.flatMap((mail) => [...mail.text.matchAll(/\?k=([A-Za-z0-9_-]+)/g)].map((m) => m[1]));
    expect(mailed.length).toBeGreaterThan(0);
    expect(withoutKey.filter((secret) => mailed.includes(secret))).toEqual([]);
  });
});
