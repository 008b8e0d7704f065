// Stores installments beside their contract, the contract's credit, and finds a customer's overdue installments.
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#shared/query-all.ts';
import { SubjectItems } from '#shared/workflow-kit/subject-items.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import { type Installment, isOwed, outstandingOf } from './model.ts';

const installmentIdPattern = /^(.+)-I(\d{1,3})$/;

/** `CT-2026-00012-I2` → beside contract CT-2026-00012, as its second installment. */
function installmentKey(id: string) {
  const match = installmentIdPattern.exec(id);
  if (!match) throw new Error(`${id} is not an installment id`);
  return { pk: `CONTRACT#${match[1]}`, sk: `INSTALLMENT#${(match[2] as string).padStart(3, '0')}` };
}

/** Credit a contract holds from an overpayment, one entry per payment that left some over. */
export interface CreditEntry {
  reference: string;
  /** Fen still to apply. */
  remaining: number;
  on: string;
  /** Fen set aside for installments that do not have them yet, by installment id. */
  pending: Record<string, number>;
}

export class InstallmentRepository extends SubjectItems<Installment> {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    super(table, {
      entity: 'installment',
      key: installmentKey,
      // Indexed by customer only while money is owed on it: the overdue finding reads exactly those.
      indexKeys: (installment): Record<string, string> =>
        isOwed(installment) && installment.dueDate
          ? {
              gsi3pk: `CUSTOMER#${installment.customer.email.toLowerCase()}`,
              gsi3sk: `INSTALLMENT#${installment.dueDate}#${installment.id}`,
            }
          : {},
    });
    this.#table = table;
  }

  /** A contract's installments, by number. */
  async ofContract(contractId: string): Promise<Installment[]> {
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :contract AND begins_with(sk, :installment)',
      ExpressionAttributeValues: { ':contract': `CONTRACT#${contractId}`, ':installment': 'INSTALLMENT#' },
      ConsistentRead: true,
    });
    const ids = items.map((item) => String(item.id));
    const installments = await Promise.all(ids.map((id) => this.get(id)));
    return installments.filter((installment): installment is Installment => installment !== undefined);
  }

  /** A customer's installments due before `today` and not paid in full: what legal sees on their next contract. */
  async overdueOf(customerEmail: string, today: string): Promise<{ count: number; outstanding: number }> {
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :customer AND gsi3sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':customer': `CUSTOMER#${customerEmail.toLowerCase()}`,
        ':from': 'INSTALLMENT#',
        // Due strictly before today: `#` sorts before any id, so today's installments are left out.
        ':to': `INSTALLMENT#${today}`,
      },
    });
    const owed = items.map((item) => outstandingOf(item as unknown as Installment)).filter((fen) => fen > 0);
    return { count: owed.length, outstanding: owed.reduce((sum, fen) => sum + fen, 0) };
  }

  /** Keeps what a payment left over as credit on the contract; the same reference twice keeps it once. */
  async addCredit(contractId: string, entry: Omit<CreditEntry, 'pending'>): Promise<void> {
    try {
      await this.#table.db.send(
        new PutCommand({
          TableName: this.#table.tableName,
          Item: {
            pk: `CONTRACT#${contractId}`,
            sk: `CREDIT#${entry.reference}`,
            entity: 'credit',
            ...entry,
            pending: {},
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  /** The contract's credit entries with something left or being applied, oldest first. */
  async creditsOf(contractId: string): Promise<CreditEntry[]> {
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :contract AND begins_with(sk, :credit)',
      ExpressionAttributeValues: { ':contract': `CONTRACT#${contractId}`, ':credit': 'CREDIT#' },
      ConsistentRead: true,
    });
    return items
      .map(({ reference, remaining, on, pending }) => ({
        reference: String(reference),
        remaining: Number(remaining),
        on: String(on),
        pending: (pending ?? {}) as Record<string, number>,
      }))
      .filter((entry) => entry.remaining > 0 || Object.keys(entry.pending).length > 0)
      .sort((a, b) => a.on.localeCompare(b.on) || a.reference.localeCompare(b.reference));
  }

  /**
   * Sets `amount` fen of a credit entry aside for an installment, if the entry still holds what was read; false when
   * someone took from it meanwhile. The amount stays `pending` until the installment has it (`settleCredit`), so a
   * crash in between loses nothing: the next run finds it pending and applies it.
   */
  async takeCredit(
    contractId: string,
    entry: CreditEntry,
    installmentId: string,
    amount: number,
  ): Promise<boolean> {
    try {
      await this.#table.db.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: { pk: `CONTRACT#${contractId}`, sk: `CREDIT#${entry.reference}` },
          UpdateExpression: 'SET remaining = :left, pending.#for = :amount',
          ConditionExpression: 'remaining = :expected',
          ExpressionAttributeNames: { '#for': installmentId },
          ExpressionAttributeValues: {
            ':left': entry.remaining - amount,
            ':expected': entry.remaining,
            ':amount': amount,
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return false;
    }
  }

  /**
   * The installment has the credit set aside for it: it is no longer pending, and `unused` fen (what it did not take)
   * go back to the entry. Only once per pending amount: a repeat finds nothing pending and changes nothing.
   */
  async settleCredit(
    contractId: string,
    reference: string,
    installmentId: string,
    unused: number,
  ): Promise<void> {
    try {
      await this.#table.db.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: { pk: `CONTRACT#${contractId}`, sk: `CREDIT#${reference}` },
          UpdateExpression: 'REMOVE pending.#for ADD remaining :unused',
          ConditionExpression: 'attribute_exists(pending.#for)',
          ExpressionAttributeNames: { '#for': installmentId },
          ExpressionAttributeValues: { ':unused': unused },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}
