// Budgets per cost center and period: limit, committed (claims in review), consumed (approved), and what is left.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '#shared/errors.ts';
import type { Money } from '#shared/money.ts';

export interface Budget {
  costCenter: string;
  /** `2026-11` (a month) or `2026` (a year). */
  period: string;
  limit: Money;
  committed: Money;
  consumed: Money;
  /** limit − committed − consumed; may go below zero only by an approved advance application. */
  available: Money;
  updatedAt: string;
  updatedBy: string;
  version: number;
}

const key = (costCenter: string, period: string) => ({ pk: `BUDGET#${costCenter}`, sk: `PERIOD#${period}` });
const cny = (amount: number): Money => ({ amount, currency: 'CNY' });
// Some of these are DynamoDB reserved words (`consumed`); naming them all keeps the expressions uniform.
const names = { '#committed': 'committed', '#consumed': 'consumed', '#available': 'available' };

/**
 * Every change is one conditional update of the budget item. Each claim version's hold is recorded on the item
 * (`holds.<claim>`), so commit, release and consume are each applied once even when a step is retried.
 */
export class BudgetRepository {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async get(costCenter: string, period: string): Promise<Budget | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: key(costCenter, period), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return {
      costCenter,
      period,
      limit: cny(Number(Item.limit)),
      committed: cny(Number(Item.committed)),
      consumed: cny(Number(Item.consumed)),
      available: cny(Number(Item.available)),
      updatedAt: String(Item.updatedAt),
      updatedBy: String(Item.updatedBy),
      version: Number(Item.version),
    };
  }

  /** Sets the limit; what is committed and consumed stays, so `available` follows the new limit. */
  async setLimit(costCenter: string, period: string, limit: Money, by: string, now: Date): Promise<Budget> {
    const current = await this.get(costCenter, period);
    try {
      if (current) {
        await this.#db.send(
          new UpdateCommand({
            TableName: this.#table,
            Key: key(costCenter, period),
            UpdateExpression:
              'SET #limit = :limit, #available = #available + :delta, updatedAt = :now, updatedBy = :by, version = version + :one',
            ConditionExpression: 'version = :version',
            ExpressionAttributeNames: { '#limit': 'limit', '#available': 'available' },
            ExpressionAttributeValues: {
              ':limit': limit.amount,
              ':delta': limit.amount - current.limit.amount,
              ':now': now.toISOString(),
              ':by': by,
              ':one': 1,
              ':version': current.version,
            },
          }),
        );
      } else {
        await this.#db.send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              ...key(costCenter, period),
              entity: 'budget',
              costCenter,
              period,
              limit: limit.amount,
              committed: 0,
              consumed: 0,
              available: limit.amount,
              holds: {},
              updatedAt: now.toISOString(),
              updatedBy: by,
              version: 1,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      }
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw conflict(
          `The budget ${costCenter} ${period} changed at the same time; read it again and retry`,
        );
      }
      throw error;
    }
    return (await this.get(costCenter, period)) as Budget;
  }

  /**
   * Holds `amount` for a claim if at least `needed` is available (`needed` < `amount` when an advance application
   * covers the rest). One conditional update: two claims racing for the last of a budget cannot both fit. A claim
   * its application covers whole needs nothing from the budget, so it is held even where earlier covered claims took
   * `available` below zero.
   */
  async commit(
    budget: { costCenter: string; period: string },
    holdId: string,
    amount: number,
    needed = amount,
  ): Promise<'held' | 'insufficient'> {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: key(budget.costCenter, budget.period),
          UpdateExpression: 'SET committed = committed + :a, available = available - :a, holds.#hold = :a',
          ConditionExpression:
            needed > 0
              ? 'attribute_exists(pk) AND available >= :needed AND attribute_not_exists(holds.#hold)'
              : 'attribute_exists(pk) AND attribute_not_exists(holds.#hold)',
          ExpressionAttributeNames: { '#hold': holdId },
          ExpressionAttributeValues: { ':a': amount, ...(needed > 0 ? { ':needed': needed } : {}) },
        }),
      );
      return 'held';
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      // Already held by an earlier attempt of the same request counts as held.
      return (await this.#holdOf(budget, holdId)) === amount ? 'held' : 'insufficient';
    }
  }

  /** Gives a claim's hold back (rejected, returned, expired). Applying it twice changes nothing. */
  release(budget: { costCenter: string; period: string }, holdId: string, amount: number): Promise<void> {
    return this.#settle(budget, holdId, amount, 0);
  }

  /** Turns a hold into spending: the approved part is consumed, the rest returns to the budget. */
  consume(budget: { costCenter: string; period: string }, holdId: string, held: number, approved: number) {
    return this.#settle(budget, holdId, held, approved);
  }

  async #settle(budget: { costCenter: string; period: string }, holdId: string, held: number, spent: number) {
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: key(budget.costCenter, budget.period),
          UpdateExpression:
            'SET #committed = #committed - :held, #consumed = #consumed + :spent, #available = #available + :back REMOVE holds.#hold',
          ConditionExpression: 'attribute_exists(holds.#hold)',
          ExpressionAttributeNames: { '#hold': holdId, ...names },
          ExpressionAttributeValues: { ':held': held, ':spent': spent, ':back': held - spent },
        }),
      );
    } catch (error) {
      // No hold: settled by an earlier attempt of the same step.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }

  async #holdOf(budget: { costCenter: string; period: string }, holdId: string): Promise<number | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({
        TableName: this.#table,
        Key: key(budget.costCenter, budget.period),
        ConsistentRead: true,
      }),
    );
    const held = (Item?.holds as Record<string, unknown> | undefined)?.[holdId];
    return typeof held === 'number' ? held : undefined;
  }
}
