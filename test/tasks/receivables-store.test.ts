// The ledger and its snapshots in a local DynamoDB: lines written once, snapshots kept, stale ones never used, no Scan.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, type LocalDynamo, startLocalDynamo } from '#infra/local/dynamodb.ts';
import { type LedgerLine, LedgerStore } from '#payment-collection/ledger.ts';
import { receivablesSources } from '#payment-collection/receivables.ts';
import { figuresOf } from '#payment-collection/receivables-figures.ts';
import { keepSnapshots } from '#payment-collection/receivables-keeper.ts';
import {
  linesPartition,
  monthIndexPartition,
  snapshotPartition,
} from '#payment-collection/receivables-keys.ts';
import { firstDayOf, monthOf, monthsFrom, validSnapshots } from '#payment-collection/receivables-months.ts';
import { SnapshotStore } from '#payment-collection/receivables-snapshots.ts';
import { stateOn } from '#payment-collection/receivables-state.ts';
import { addDays, daysBetween } from '#shared/clock.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import { firstDay, writtenLedger } from '../fixtures/receivables-arbitrary.ts';
import {
  exampleAsOf,
  exampleLines,
  li,
  linesAfterExample,
  paidLateToClosedMonth,
} from '../fixtures/receivables-ledger.ts';
import { clockOn, figuresFromEveryLine } from '../support/receivables.ts';

let dynamo: LocalDynamo;
let client: DynamoDBClient;
let db: DynamoDBDocumentClient;
let dir: string;
let tables = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'receivables-'));
  dynamo = await startLocalDynamo(join(dir, 'db'));
  client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
});

afterAll(async () => {
  await dynamo?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh, empty business table: the month index is one partition per table. */
async function freshTable(): Promise<TableAccess> {
  const tableName = `receivables-${++tables}`;
  await ensureTable(client, tableName);
  return { db, tableName };
}

async function items(table: TableAccess, pk: string) {
  const { Items } = await db.send(
    new QueryCommand({
      TableName: table.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
    }),
  );
  return Items ?? [];
}

/** Writes the lines in date order, each on its own day, as the collection steps would. */
async function writeAsTheyHappen(table: TableAccess, lines: readonly LedgerLine[]) {
  let today = firstDay;
  const ledger = new LedgerStore(table, { clock: clockOn(() => today) });
  for (const line of [...lines].sort((a, b) => a.on.localeCompare(b.on))) {
    today = line.on;
    await ledger.record(line);
  }
  return ledger;
}

describe('ledger lines', () => {
  it('are written once, however often recorded, and a settled line bumps the month’s version no more', async () => {
    const table = await freshTable();
    const ledger = new LedgerStore(table, { clock: clockOn(() => '2027-03-31') });
    const line = exampleLines[0] as LedgerLine;
    await ledger.record(line);
    await ledger.record(line);
    expect(await ledger.linesOf(monthOf(line.on))).toEqual([line]);
    expect(await items(table, linesPartition(monthOf(line.on)))).toHaveLength(1);
    // Before and after the put, then never again: the retried step has no effect at all.
    expect((await ledger.months(monthOf(line.on)))[0]?.version).toBe(2);
  });

  it('bump the month again when an earlier record stopped right after its put', async () => {
    const table = await freshTable();
    const ledger = new LedgerStore(table, { clock: clockOn(() => '2027-03-31') });
    const line = exampleLines[0] as LedgerLine;
    await ledger.record(line);
    const [written] = await items(table, linesPartition(monthOf(line.on)));
    await db.send(
      new UpdateCommand({
        TableName: table.tableName,
        Key: { pk: written?.pk, sk: written?.sk },
        UpdateExpression: 'REMOVE settled',
      }),
    );
    await ledger.record(line);
    // A snapshot built between that put and the crash must not stay current.
    expect((await ledger.months(monthOf(line.on)))[0]?.version).toBe(3);
    expect(await ledger.linesOf(monthOf(line.on))).toEqual([line]);
  });

  it('refuses a line the figures could not rely on, and writes nothing of it', async () => {
    const table = await freshTable();
    const ledger = new LedgerStore(table, { clock: clockOn(() => '2027-03-31') });
    const closingWithoutWhole = {
      kind: 'paid',
      id: 'paid#x',
      installmentId: 'I',
      contractId: 'C',
      owner: li,
      on: '2027-03-01',
      amount: 100,
      dueDate: '2027-03-01',
      reference: 'R',
      closes: true,
    } satisfies LedgerLine;
    await expect(ledger.record(closingWithoutWhole)).rejects.toThrow(/installmentAmount/);
    await expect(ledger.record({ ...closingWithoutWhole, closes: false, amount: 1.5 })).rejects.toThrow(
      /amount/,
    );
    await expect(ledger.record({ ...closingWithoutWhole, closes: false, on: '2027-02-30' })).rejects.toThrow(
      /on/,
    );
    expect(await items(table, monthIndexPartition)).toEqual([]);
    expect(await items(table, linesPartition('2027-03'))).toEqual([]);
  });
});

describe('snapshots in the table', () => {
  it('are kept as lines are written, so a report reads one snapshot and this month’s lines', async () => {
    const table = await freshTable();
    await writeAsTheyHappen(table, exampleLines);
    const sources = receivablesSources(table);
    const before = new Map(dynamo.operations);
    const report = await stateOn(sources, exampleAsOf);
    expect(report.snapshot).toBe('2027-02');
    expect(report.monthsRead).toEqual(['2027-03']);
    expect(figuresOf(report.state, exampleAsOf)).toEqual(figuresFromEveryLine(exampleLines, exampleAsOf));
    // The index, the snapshot's parts, March's lines: three Queries and nothing else.
    const used = [...dynamo.operations].flatMap(([op, n]) => (n > (before.get(op) ?? 0) ? [op] : []));
    expect(used).toEqual(['Query']);
    expect((dynamo.operations.get('Query') ?? 0) - (before.get('Query') ?? 0)).toBe(3);
  });

  it('leave the lines after asOf out, and a report on an earlier day reads only its own month’s lines', async () => {
    const table = await freshTable();
    const all = [...exampleLines, ...linesAfterExample];
    await writeAsTheyHappen(table, all);
    const sources = receivablesSources(table);
    expect(figuresOf((await stateOn(sources, exampleAsOf)).state, exampleAsOf)).toEqual(
      figuresFromEveryLine(exampleLines, exampleAsOf),
    );
    for (const asOf of ['2026-10-15', '2026-12-01', '2027-01-31', '2027-02-14']) {
      const report = await stateOn(sources, asOf);
      expect(report.monthsRead).toEqual([monthOf(asOf)]);
      expect(figuresOf(report.state, asOf)).toEqual(figuresFromEveryLine(all, asOf));
    }
  });

  it('go stale when a line lands in a closed month, and are rebuilt by the next line written', async () => {
    const table = await freshTable();
    await writeAsTheyHappen(table, exampleLines);
    // Recorded on 2027-03-28, a payment received on 2027-02-20: February's snapshot no longer counts.
    const late = paidLateToClosedMonth;
    let today = '2027-03-28';
    const ledger = new LedgerStore(table, { clock: clockOn(() => today) });
    const februaryStamp = async () =>
      (await ledger.months('2027-02')).find((e) => e.month === '2027-02')?.snapshot?.stamp;
    const stampBefore = await februaryStamp();
    await ledger.record(late);
    // Recording it rebuilt February at once (the keeper runs after every line), under a higher stamp.
    const stampAfter = await februaryStamp();
    expect(stampAfter).toBeGreaterThan(stampBefore ?? Number.POSITIVE_INFINITY);
    const withLate = [...exampleLines, late];
    const report = await stateOn(receivablesSources(table), exampleAsOf);
    expect(report.snapshot).toBe('2027-02');
    expect(figuresOf(report.state, exampleAsOf)).toEqual(figuresFromEveryLine(withLate, exampleAsOf));
    // Only the current build's parts are left.
    const parts = await items(table, snapshotPartition('2027-02'));
    expect(new Set(parts.map((p) => String(p.sk).slice(0, 12)))).toEqual(
      new Set([String(stampAfter).padStart(12, '0')]),
    );

    // In April, a line for January: January to March are stale until the keeper has rebuilt them, two a call.
    today = '2027-04-02';
    const levelInJanuary: LedgerLine = {
      kind: 'level',
      id: 'level#L2#3',
      installmentId: 'CT-2026-00001-L2',
      contractId: 'CT-2026-00001',
      owner: li,
      on: '2027-01-30',
      level: 3,
    };
    const snapshots = new SnapshotStore(table);
    const keeper = { index: ledger, lines: ledger, snapshots, clock: clockOn(() => today) };
    await keepSnapshots(keeper);
    expect(validSnapshots(await ledger.months('2027-03'), '2027-04')[0]?.month).toBe('2027-03');
    // Written by a step whose clock says January: its keeper has nothing to close, so the snapshots stay stale.
    await new LedgerStore(table, { clock: clockOn(() => '2027-01-31') }).record(levelInJanuary);
    const stale = await stateOn(receivablesSources(table), '2027-04-02');
    expect(stale.snapshot).toBe('2026-12');
    expect(stale.monthsRead).toEqual(['2027-01', '2027-02', '2027-03']);
    const withBoth = [...withLate, levelInJanuary];
    expect(figuresOf(stale.state, '2027-04-02')).toEqual(figuresFromEveryLine(withBoth, '2027-04-02'));
    expect(await keepSnapshots(keeper)).toEqual(['2027-01', '2027-02']);
    expect(await keepSnapshots(keeper)).toEqual(['2027-03']);
    expect((await stateOn(receivablesSources(table), '2027-04-02')).snapshot).toBe('2027-03');
  });

  it('are not taken for current when a line lands while one is built', async () => {
    const table = await freshTable();
    const ledger = new LedgerStore(table, { clock: clockOn(() => '2027-03-31') });
    for (const line of exampleLines.filter((l) => monthOf(l.on) === '2027-03')) await ledger.record(line);
    const late: LedgerLine = {
      kind: 'promised',
      id: 'promised#late',
      installmentId: 'I',
      contractId: 'C',
      owner: li,
      on: '2027-03-30',
      promisedDate: '2027-04-15',
    };
    let raced = false;
    const racing = {
      linesOf: async (month: string) => {
        const read = await ledger.linesOf(month);
        if (!raced) await ledger.record(late);
        raced = true;
        return read;
      },
    };
    const keeper = {
      index: ledger,
      lines: racing,
      snapshots: new SnapshotStore(table),
      clock: clockOn(() => '2027-04-01'),
    };
    // One build a call: the one the line raced is saved stale, the next is current.
    expect(await keepSnapshots(keeper, 1)).toEqual(['2027-03']);
    expect(validSnapshots(await ledger.months('2027-03'), '2027-04')).toEqual([]);
    const report = await stateOn(receivablesSources(table), '2027-04-01');
    expect(report.snapshot).toBeNull();
    expect(report.state.owners[li]?.promisesMade).toBe(1);
    expect(await keepSnapshots(keeper, 1)).toEqual(['2027-03']);
    const fresh = await stateOn(receivablesSources(table), '2027-04-01');
    expect(fresh.snapshot).toBe('2027-03');
    expect(fresh.state.owners[li]?.promisesMade).toBe(1);
  });

  it('let one builder at a time claim a month, until its lease runs out', async () => {
    const table = await freshTable();
    const snapshots = new SnapshotStore(table);
    const now = new Date('2027-04-01T04:00:00Z');
    expect(await snapshots.claim('2027-03', now, 60_000)).toBe(true);
    expect(await snapshots.claim('2027-03', new Date(now.getTime() + 59_000), 60_000)).toBe(false);
    expect(await snapshots.claim('2027-03', new Date(now.getTime() + 61_000), 60_000)).toBe(true);
  });

  it('give the figures of a fold over every line, for random ledgers written late and out of order', async () => {
    await fc.assert(
      fc.asyncProperty(
        writtenLedger(40),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (written, pick) => {
          const table = await freshTable();
          let today = firstDay;
          const ledger = new LedgerStore(table, { clock: clockOn(() => today) });
          for (const { line, writtenOn } of written) {
            today = writtenOn;
            await ledger.record(line);
          }
          const lines = written.map((w) => w.line);
          const sources = receivablesSources(table);
          const day = addDays(firstDay, Math.floor(pick * daysBetween(firstDay, today)));
          const firstDays = monthsFrom(monthOf(firstDay), monthOf(today)).map(firstDayOf);
          for (const asOf of [day, today, ...firstDays.slice(-3)]) {
            expect(figuresOf((await stateOn(sources, asOf)).state, asOf)).toEqual(
              figuresFromEveryLine(lines, asOf),
            );
          }
        },
      ),
      { numRuns: 30 },
    );
  });

  it('are made and read without a Scan', () => {
    expect(dynamo.operations.get('Query')).toBeGreaterThan(0);
    expect(dynamo.operations.get('Scan') ?? 0).toBe(0);
  });
});
