// One record per payment reference: taken with a conditional write, so a reference is applied once, whoever asks.
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';

/** How a payment was applied: to which installments, and what was kept as credit. */
export interface PaymentResult {
  reference: string;
  contractId: string;
  amount: number;
  receivedOn: string;
  applied: { installmentId: string; amount: number; paidInFull: boolean }[];
  /** Fen kept as credit on the contract, for the next installment that becomes due. */
  credit: number;
}

export interface PaymentRecord {
  reference: string;
  /** What the request asked for: the same reference with another request is refused. */
  fingerprint: string;
  state: 'applying' | 'applied';
  /** Until when the request applying it holds it; after that, another request with the same reference resumes it. */
  leaseUntil: string;
  by: string;
  at: string;
  result?: PaymentResult;
}

const keyOf = (reference: string) => ({ pk: `PAYMENT#${reference}`, sk: 'PAYMENT' });

export class PaymentRecords {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    this.#table = table;
  }

  /** Takes the reference for this request; returns the record someone else took it with instead, if any. */
  async claim(record: PaymentRecord): Promise<PaymentRecord | undefined> {
    try {
      await this.#table.db.send(
        new PutCommand({
          TableName: this.#table.tableName,
          Item: { ...keyOf(record.reference), entity: 'payment', ...record },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return undefined;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const existing = await this.get(record.reference);
      if (!existing) throw error;
      return existing;
    }
  }

  async get(reference: string): Promise<PaymentRecord | undefined> {
    const { Item } = await this.#table.db.send(
      new GetCommand({ TableName: this.#table.tableName, Key: keyOf(reference), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...record } = Item;
    return record as PaymentRecord;
  }

  /** Takes over an application whose lease ran out (its request died); false when another request did first. */
  async takeOver(record: PaymentRecord, leaseUntil: string): Promise<boolean> {
    try {
      await this.#table.db.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: keyOf(record.reference),
          UpdateExpression: 'SET leaseUntil = :lease',
          ConditionExpression: '#state = :applying AND leaseUntil = :held',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':lease': leaseUntil,
            ':applying': 'applying',
            ':held': record.leaseUntil,
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return false;
    }
  }

  async finish(reference: string, result: PaymentResult): Promise<void> {
    await this.#table.db.send(
      new UpdateCommand({
        TableName: this.#table.tableName,
        Key: keyOf(reference),
        UpdateExpression: 'SET #state = :applied, #result = :result',
        ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
        ExpressionAttributeValues: { ':applied': 'applied', ':result': result },
      }),
    );
  }
}
