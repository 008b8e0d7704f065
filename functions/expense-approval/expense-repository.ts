// Stores expense claims and advance applications, each one item written whole with an optimistic revision check.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '#shared/errors.ts';
import type { Application, Claim } from './model.ts';

const claimKey = (id: string) => ({ pk: `EXPENSE#${id}`, sk: 'CLAIM' });
const applicationKey = (id: string) => ({ pk: `APPLICATION#${id}`, sk: 'APPLICATION' });

function strip<T>(item: Record<string, unknown> | undefined): T | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, entity: _entity, gsi1pk: _a, gsi1sk: _b, ...rest } = item;
  return rest as T;
}

export class ExpenseRepository {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async getClaim(id: string): Promise<Claim | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: claimKey(id), ConsistentRead: true }),
    );
    return strip<Claim>(Item);
  }

  async getApplication(id: string): Promise<Application | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: applicationKey(id), ConsistentRead: true }),
    );
    return strip<Application>(Item);
  }

  /** Writes the claim if its stored revision is still `expected` (undefined: it must not exist yet). */
  saveClaim(claim: Claim, expected: number | undefined): Promise<Claim> {
    return this.#save(claim, expected, {
      ...claimKey(claim.id),
      entity: 'expense-claim',
      gsi1pk: `SUBMITTER#${claim.submitter}`,
      gsi1sk: `EXPENSE#${claim.submittedAt}#${claim.id}`,
    });
  }

  saveApplication(application: Application, expected: number | undefined): Promise<Application> {
    return this.#save(application, expected, {
      ...applicationKey(application.id),
      entity: 'expense-application',
      gsi1pk: `SUBMITTER#${application.applicant}`,
      gsi1sk: `APPLICATION#${application.submittedAt}#${application.id}`,
    });
  }

  /** Removes a claim that never got going (its workflow could not start); nothing else refers to it yet. */
  async deleteClaim(id: string): Promise<void> {
    await this.#db.send(new DeleteCommand({ TableName: this.#table, Key: claimKey(id) }));
  }

  /** Marks an approved application as used by a claim, once; the same claim asking again is fine. */
  useApplication(id: string, claimId: string): Promise<boolean> {
    return this.#moveApplication(
      id,
      claimId,
      '#status = :used, usedBy = :claim',
      '#status = :approved OR (#status = :used AND usedBy = :claim)',
    );
  }

  /** Gives an application back when the claim that used it did not go ahead (refused, returned, rejected). */
  async releaseApplication(id: string, claimId: string): Promise<void> {
    // Already given back (a retried step) is fine: the condition just fails.
    await this.#moveApplication(
      id,
      claimId,
      '#status = :approved',
      '#status = :used AND usedBy = :claim',
      'usedBy',
    );
  }

  /** One conditional update between APPROVED and USED; false when the condition did not hold. */
  async #moveApplication(id: string, claimId: string, set: string, condition: string, remove?: string) {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: applicationKey(id),
          UpdateExpression: `SET ${set}, revision = revision + :one${remove ? ` REMOVE ${remove}` : ''}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':used': 'USED',
            ':approved': 'APPROVED',
            ':claim': claimId,
            ':one': 1,
          },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  async #save<T extends { id: string; revision: number }>(
    record: T,
    expected: number | undefined,
    keys: Record<string, string>,
  ): Promise<T> {
    const next = { ...record, revision: (expected ?? 0) + 1 };
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...keys, ...next },
          ConditionExpression: expected === undefined ? 'attribute_not_exists(pk)' : 'revision = :expected',
          ExpressionAttributeValues: expected === undefined ? undefined : { ':expected': expected },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw conflict(`${record.id} was changed at the same time; read it again and retry`);
      }
      throw error;
    }
    return next;
  }
}
