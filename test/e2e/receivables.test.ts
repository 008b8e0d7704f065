// GET /receivables over HTTP in the sandbox: the example ledger's figures, with names, for the right roles only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedAdmin } from '#infra/local/seed.ts';
import { LedgerStore } from '#payment-collection/ledger.ts';
import type { ReceivablesReport } from '#payment-collection/receivables.ts';
import { figuresOf } from '#payment-collection/receivables-figures.ts';
import { fold } from '#payment-collection/receivables-fold.ts';
import { addDays, localDate, startOfLocalDate } from '#shared/clock.ts';
import { tableFromEnv } from '#shared/table.ts';
import {
  anna,
  exampleAsOf,
  exampleLines,
  han,
  li,
  linesAfterExample,
  wang,
} from '../fixtures/receivables-ledger.ts';
import { startTestSandbox, type TestSandbox } from './harness.ts';

const finance = 'qian.yu@example.com';
const salesManager = 'sun.li@example.com';
const salesDirector = 'zhou.qiang@example.com';
const supervisor = 'zhao.min@example.com';

let sandbox: TestSandbox;
let today: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  // The example is dated up to 2027-04-01: the virtual clock moves there unless real time is already later.
  const target = startOfLocalDate('2027-04-02').getTime() + 10 * 3_600_000;
  const seconds = Math.ceil((target - sandbox.clock.now().getTime()) / 1000);
  if (seconds > 0) await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: seconds } });
  today = localDate(sandbox.clock.now());
  // Payment collection is not on this branch: its lines go into the table as its steps would write them.
  const ledger = new LedgerStore(tableFromEnv(), { clock: sandbox.clock });
  for (const line of [...exampleLines, ...linesAfterExample]) await ledger.record(line);
});

afterAll(async () => {
  await sandbox?.stop();
});

const get = async (who: string | undefined, query = '') =>
  sandbox.request('GET', `/receivables${query}`, who ? { token: await sandbox.login(who) } : {});

describe('GET /receivables', () => {
  it('gives the figures of the lines up to asOf, each salesperson with their name from the directory', async () => {
    const reply = await get(finance, `?asOf=${exampleAsOf}`);
    expect(reply.status).toBe(200);
    const report = reply.json<ReceivablesReport>();
    const names: Record<string, string | null> = {
      [li]: '李雷',
      [han]: '韩梅梅',
      [anna]: 'Anna Smith',
      [wang]: null,
    };
    const figures = figuresOf(fold(exampleLines), exampleAsOf);
    expect(report).toEqual({
      ...figures,
      salespeople: figures.salespeople.map((person) => ({ ...person, name: names[person.email] })),
    });
    // The hand-computed headline figures (test/unit/receivables-figures.test.ts works them out).
    expect(report.aging.total).toEqual({ amount: 222_000_00, currency: 'CNY' });
    expect(report.company.dso).toEqual({ days: 73.4 });
    expect(report.company.cei).toEqual({ percent: 52.2 });
  });

  it('reports on today when asOf is left out', async () => {
    const reply = await get(salesManager);
    expect(reply.status).toBe(200);
    const report = reply.json<ReceivablesReport>();
    expect(report.asOf).toBe(today);
    expect(report).toMatchObject(
      figuresOf(fold([...exampleLines, ...linesAfterExample].filter((line) => line.on <= today)), today),
    );
  });

  it('is for finance, the sales manager, the sales director and admins only', async () => {
    for (const who of [finance, salesManager, salesDirector, seedAdmin]) {
      expect((await get(who, `?asOf=${exampleAsOf}`)).status, who).toBe(200);
    }
    for (const who of [li, supervisor]) {
      const reply = await get(who, `?asOf=${exampleAsOf}`);
      expect(reply.status, who).toBe(403);
      expect(reply.json()).toMatchObject({ error: 'forbidden' });
    }
    expect((await get(undefined, `?asOf=${exampleAsOf}`)).status).toBe(401);
  });

  it('answers bad input with a 400 naming the field', async () => {
    for (const asOf of ['2027-13-01', '2027-02-30', '31.03.2027', '']) {
      const reply = await get(finance, `?asOf=${encodeURIComponent(asOf)}`);
      expect(reply.status, asOf).toBe(400);
      expect(reply.json(), asOf).toMatchObject({
        error: 'invalid-request',
        fields: [{ field: 'query.asOf' }],
      });
    }
    const tomorrow = await get(finance, `?asOf=${addDays(today, 1)}`);
    expect(tomorrow.status).toBe(400);
    expect(tomorrow.json()).toMatchObject({
      fields: [{ field: 'query.asOf', message: `asOf must not be after today (${today})` }],
    });
    const unknown = await get(finance, `?asOf=${exampleAsOf}&owner=${li}`);
    expect(unknown.status).toBe(400);
    expect(unknown.json()).toMatchObject({
      fields: [{ field: 'query.owner', message: 'not a field of this request' }],
    });
  });

  it('reads with Query and GetItem only: no Scan, ever', async () => {
    const before = new Map(sandbox.dynamo.operations);
    expect((await get(finance, `?asOf=${exampleAsOf}`)).status).toBe(200);
    const used = [...sandbox.dynamo.operations].flatMap(([op, n]) => (n > (before.get(op) ?? 0) ? [op] : []));
    expect(
      used.every((op) => ['Query', 'GetItem', 'BatchGetItem'].includes(op)),
      used.join(),
    ).toBe(true);
    expect(sandbox.dynamo.operations.get('Scan') ?? 0).toBe(0);
  });
});
