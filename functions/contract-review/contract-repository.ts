// Stores contracts (one item each, all versions inside) and reads a customer's overdue installments.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '#shared/errors.ts';
import type { Money } from '#shared/money.ts';
import { queryAll } from '#shared/query-all.ts';
import type { Contract } from './model.ts';

const key = (id: string) => ({ pk: `CONTRACT#${id}`, sk: 'CONTRACT' });

export class ContractRepository {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async get(id: string): Promise<Contract | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: key(id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const {
      pk: _pk,
      sk: _sk,
      entity: _entity,
      gsi1pk: _a,
      gsi1sk: _b,
      gsi3pk: _c,
      gsi3sk: _d,
      ...contract
    } = Item;
    return contract as Contract;
  }

  /** Writes the contract if its stored revision is still `expected` (undefined: it must not exist yet). */
  async save(contract: Contract, expected: number | undefined): Promise<Contract> {
    const next = { ...contract, revision: (expected ?? 0) + 1 };
    const customer = contract.versions.at(-1)?.content.customer.email ?? '';
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: {
            ...key(contract.id),
            entity: 'contract',
            gsi1pk: `SUBMITTER#${contract.submitter}`,
            gsi1sk: `CONTRACT#${contract.versions[0]?.submittedAt ?? ''}#${contract.id}`,
            gsi3pk: `CUSTOMER#${customer}`,
            gsi3sk: `CONTRACT#${contract.id}`,
            ...next,
          },
          ConditionExpression: expected === undefined ? 'attribute_not_exists(pk)' : 'revision = :expected',
          ExpressionAttributeValues: expected === undefined ? undefined : { ':expected': expected },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw conflict(`${contract.id} was changed at the same time; read it again and retry`);
      }
      throw error;
    }
    return next;
  }

  /**
   * The customer's installments past due and not fully paid. Payment collection keeps each installment under
   * `gsi3pk = CUSTOMER#<email>`, `gsi3sk = INSTALLMENT#<due date>#<id>`, with `outstanding` in fen.
   */
  async overdueInstallments(customerEmail: string, today: string): Promise<{ count: number; amount: Money }> {
    const installments = await queryAll(this.#db, {
      TableName: this.#table,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :customer AND gsi3sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':customer': `CUSTOMER#${customerEmail}`,
        ':from': 'INSTALLMENT#',
        // Due strictly before today: `#` sorts before any id, so today's installments are excluded.
        ':to': `INSTALLMENT#${today}`,
      },
    });
    const outstanding = installments.map((item) => Number(item.outstanding ?? 0)).filter((fen) => fen > 0);
    const count = outstanding.length;
    const amount = outstanding.reduce((sum, fen) => sum + fen, 0);
    return { count, amount: { amount, currency: 'CNY' } };
  }
}
