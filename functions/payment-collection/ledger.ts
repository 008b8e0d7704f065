// The receivables ledger: one line per thing that moves money owed or a collector's record, kept for the KPIs.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#shared/query-all.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';

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

/** What the collection steps need of the ledger. */
export interface Ledger {
  /** Writes the line unless a line with its id exists (a retried step writes nothing twice). */
  record(line: LedgerLine): Promise<void>;
}

const partition = (month: string) => `LEDGER#${month}`;

export class LedgerStore implements Ledger {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    this.#table = table;
  }

  async record(line: LedgerLine): Promise<void> {
    try {
      await this.#table.db.send(
        new PutCommand({
          TableName: this.#table.tableName,
          Item: {
            pk: partition(line.on.slice(0, 7)),
            sk: `${line.on}#${line.id}`,
            entity: 'ledger-line',
            ...line,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** Every line of a month (`2027-03`), in day order. */
  async linesOf(month: string): Promise<LedgerLine[]> {
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :month',
      ExpressionAttributeValues: { ':month': partition(month) },
    });
    return items.map(({ pk: _pk, sk: _sk, entity: _entity, ...line }) => line as unknown as LedgerLine);
  }
}
