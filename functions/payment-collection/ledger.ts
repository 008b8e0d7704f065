// The receivables ledger: one line per thing that moves money owed or a collector's record, kept for the KPIs.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { type Clock, processClock } from '#shared/clock.ts';
import { logger } from '#shared/logger.ts';
import { queryAll } from '#shared/query-all.ts';
import { parseOrThrow } from '#shared/schema-parse.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import { keepSnapshots } from './receivables-keeper.ts';
import { linesPartition, monthIndexPartition } from './receivables-keys.ts';
import { type MonthEntry, monthOf } from './receivables-months.ts';
import { SnapshotStore } from './receivables-snapshots.ts';

/** What every line says: which installment, whose (the salesperson who owns it), and the day it counts on. */
interface LineBase {
  /** Unique per event and the same on a retry (`billed#CT-2026-00001-I1`), always with the same `on`: written once. */
  id: string;
  installmentId: string;
  contractId: string;
  /** The salesperson who owns the installment. */
  owner: string;
  /** The business day it happened, in the company's time zone (`2027-03-01`). */
  on: string;
}

/**
 * A ledger line. Amounts are in fen (contracts are in CNY). `billed` is when an installment's due date became known
 * (at signing, delivery or acceptance): from then on it is a receivable.
 */
export type LedgerLine =
  | (LineBase & { kind: 'billed'; amount: number; dueDate: string })
  | (LineBase & {
      kind: 'paid';
      amount: number;
      dueDate: string;
      /** The payment's reference, or `credit#…` for credit the contract held. */
      reference: string;
      /** This payment left nothing outstanding: the installment was paid in full on `on`. */
      closes: boolean;
      /** The installment's whole amount, when `closes`: the weight of its days late. */
      installmentAmount?: number;
    })
  | (LineBase & { kind: 'written-off'; amount: number; dueDate: string })
  | (LineBase & { kind: 'promised'; promisedDate: string; amount?: number })
  | (LineBase & { kind: 'promise-broken'; promisedDate: string })
  | (LineBase & { kind: 'level'; level: 1 | 2 | 3 | 4 });

export type LedgerKind = LedgerLine['kind'];

const date = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });
const fen = z.int().check(z.nonnegative());
const positiveFen = z.int().check(z.positive());
const base = {
  id: z.string().check(z.minLength(1)),
  installmentId: z.string().check(z.minLength(1)),
  contractId: z.string().check(z.minLength(1)),
  owner: z.string().check(z.minLength(1)),
  on: date,
};

/**
 * A line as the figures can rely on it, checked when written and when read: whole fen, real dates, and the
 * installment's whole amount on the payment that closes it.
 */
export const ledgerLineSchema = z.discriminatedUnion('kind', [
  z.object({ ...base, kind: z.literal('billed'), amount: fen, dueDate: date }),
  z
    .object({
      ...base,
      kind: z.literal('paid'),
      amount: positiveFen,
      dueDate: date,
      reference: z.string().check(z.minLength(1)),
      closes: z.boolean(),
      installmentAmount: z.optional(positiveFen),
    })
    .check(
      z.refine((line) => !line.closes || line.installmentAmount !== undefined, {
        path: ['installmentAmount'],
        message: 'a payment that closes the installment carries its whole amount',
      }),
    ),
  z.object({ ...base, kind: z.literal('written-off'), amount: positiveFen, dueDate: date }),
  z.object({ ...base, kind: z.literal('promised'), promisedDate: date, amount: z.optional(positiveFen) }),
  z.object({ ...base, kind: z.literal('promise-broken'), promisedDate: date }),
  z.object({ ...base, kind: z.literal('level'), level: z.literal([1, 2, 3, 4]) }),
]);

// The schema and the type the collection steps write must stay the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<z.infer<typeof ledgerLineSchema>, LedgerLine>;

/** What the collection steps need of the ledger. */
export interface Ledger {
  /** Writes the line unless a line with its id exists (a retried step writes nothing twice). */
  record(line: LedgerLine): Promise<void>;
}

const monthEntrySchema = z.object({
  sk: z.string(),
  version: z.optional(z.int().check(z.nonnegative())),
  snapshotStamp: z.optional(z.int().check(z.nonnegative())),
  snapshotParts: z.optional(z.int().check(z.positive())),
});

export class LedgerStore implements Ledger {
  readonly #table: TableAccess;
  readonly #clock: Clock;
  readonly #snapshots: SnapshotStore;

  /** `clock` says which months are closed, for the snapshots kept after each line: the sandbox's clock by default. */
  constructor(table: TableAccess, options: { clock?: Clock } = {}) {
    this.#table = table;
    this.#clock = options.clock ?? processClock;
    this.#snapshots = new SnapshotStore(table);
  }

  /**
   * Writes the line once, then brings the snapshots of closed months up to date. The month's version is bumped
   * before and after the line is put, also when the line was already there (a retry): a snapshot built before the
   * line landed carries an older version sum and is never taken for current (see `receivables-months.ts`).
   */
  async record(line: LedgerLine): Promise<void> {
    const checked = parseOrThrow(ledgerLineSchema, line);
    const month = monthOf(checked.on);
    const key = { pk: linesPartition(month), sk: `${checked.on}#${checked.id}` };
    const { Item: found } = await this.#table.db.send(
      new GetCommand({ TableName: this.#table.tableName, Key: key, ConsistentRead: true }),
    );
    // Written and its month bumped after it: a retried step changes nothing at all.
    if (found?.settled === true) return;
    if (!found) {
      await this.#bump(month);
      try {
        await this.#table.db.send(
          new PutCommand({
            TableName: this.#table.tableName,
            Item: { ...key, entity: 'ledger-line', ...checked },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
    // After the put (also when an earlier run stopped right after it): a snapshot built meanwhile goes stale.
    await this.#bump(month);
    await this.#table.db.send(
      new UpdateCommand({
        TableName: this.#table.tableName,
        Key: key,
        UpdateExpression: 'SET settled = :yes',
        ExpressionAttributeValues: { ':yes': true },
      }),
    );
    try {
      await keepSnapshots({ index: this, lines: this, snapshots: this.#snapshots, clock: this.#clock });
    } catch (error) {
      // Snapshots only save the report work: the line is in, and the report folds what no snapshot covers.
      logger.warn('Could not bring the receivables snapshots up to date', { error: error as Error });
    }
  }

  async #bump(month: string): Promise<void> {
    await this.#table.db.send(
      new UpdateCommand({
        TableName: this.#table.tableName,
        Key: { pk: monthIndexPartition, sk: month },
        UpdateExpression: 'SET entity = :entity ADD version :one',
        ExpressionAttributeValues: { ':entity': 'ledger-month', ':one': 1 },
      }),
    );
  }

  /** Every line of a month (`2027-03`), in day order. */
  async linesOf(month: string): Promise<LedgerLine[]> {
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :month',
      ExpressionAttributeValues: { ':month': linesPartition(month) },
      ConsistentRead: true,
    });
    return items.map((item) => parseOrThrow(ledgerLineSchema, item));
  }

  /** The month index up to `upTo` (a month), in month order: each month's version and snapshot. */
  async months(upTo: string): Promise<MonthEntry[]> {
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :index AND sk <= :upTo',
      ExpressionAttributeValues: { ':index': monthIndexPartition, ':upTo': upTo },
      ConsistentRead: true,
    });
    return items.map((item) => {
      const entry = parseOrThrow(monthEntrySchema, item);
      return {
        month: entry.sk,
        version: entry.version ?? 0,
        ...(entry.snapshotStamp !== undefined && entry.snapshotParts !== undefined
          ? { snapshot: { stamp: entry.snapshotStamp, parts: entry.snapshotParts } }
          : {}),
      };
    });
  }
}
