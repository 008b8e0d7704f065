// Stores orders: one item each, found by id or by contract; a contract gets exactly one order, however often asked.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from '#shared/query-all.ts';
import { SubjectItems } from '#shared/workflow-kit/subject-items.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import type { Order } from './model.ts';

const orderKey = (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' });
/** Beside the contract: which order it became. */
const pointerKey = (contractId: string) => ({ pk: `CONTRACT#${contractId}`, sk: 'ORDER' });

export class OrderRepository extends SubjectItems<Order> {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    super(table, {
      entity: 'order',
      key: orderKey,
      indexKeys: (order) => ({
        gsi1pk: `SALES#${order.salesOwner}`,
        gsi1sk: `ORDER#${order.createdAt}#${order.id}`,
        gsi3pk: `CONTRACT#${order.contractId}`,
        gsi3sk: `ORDER#${order.id}`,
      }),
    });
    this.#table = table;
  }

  /** The order of a contract, if it has one. */
  async ofContract(contractId: string): Promise<Order[]> {
    const found = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :contract AND begins_with(gsi3sk, :order)',
      ExpressionAttributeValues: { ':contract': `CONTRACT#${contractId}`, ':order': 'ORDER#' },
    });
    const orders = await Promise.all(found.map((item) => this.get(String(item.id))));
    return orders.filter((order): order is Order => order !== undefined);
  }

  /**
   * The id of the contract's order: the one claimed before, or `newId` claimed now with one conditional write, so a
   * retried step never makes a second order. `newId` is only called when nothing was claimed yet.
   */
  async claimFor(
    contractId: string,
    newId: () => Promise<string>,
  ): Promise<{ id: string; claimed: boolean }> {
    const existing = await this.#pointer(contractId);
    if (existing) return { id: existing, claimed: false };
    const id = await newId();
    try {
      await this.#table.db.send(
        new PutCommand({
          TableName: this.#table.tableName,
          Item: { ...pointerKey(contractId), entity: 'contract-order', orderId: id },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { id, claimed: true };
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      return { id: (await this.#pointer(contractId)) as string, claimed: false };
    }
  }

  async #pointer(contractId: string): Promise<string | undefined> {
    const { Item } = await this.#table.db.send(
      new GetCommand({ TableName: this.#table.tableName, Key: pointerKey(contractId), ConsistentRead: true }),
    );
    return typeof Item?.orderId === 'string' ? Item.orderId : undefined;
  }
}
