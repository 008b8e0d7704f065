// Month-end snapshots of the receivables state as items: written in parts under their stamp, read back whole.
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { queryAll } from '#shared/query-all.ts';
import { parseOrThrow } from '#shared/schema-parse.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import { type FoldState, foldStateSchema, ownerStateSchema } from './receivables-fold.ts';
import { monthIndexPartition, snapshotPartition, snapshotPartPrefix } from './receivables-keys.ts';
import type { ValidSnapshot } from './receivables-months.ts';

/** One part per salesperson and one for the company, each far below DynamoDB's 400 KB per item. */
const companyPartSchema = z.omit(foldStateSchema, { owners: true });
const ownerPartSchema = z.object({ email: z.string(), state: ownerStateSchema });

const ownerPart = 'OWNER#';
const companyPart = 'COMPANY';

export class SnapshotStore {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    this.#table = table;
  }

  /** The state a snapshot holds, or undefined when its parts are not all there (a newer build pruned them). */
  async read(snapshot: ValidSnapshot): Promise<FoldState | undefined> {
    const prefix = snapshotPartPrefix(snapshot.stamp);
    const items = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: 'pk = :snapshot AND begins_with(sk, :stamp)',
      ExpressionAttributeValues: { ':snapshot': snapshotPartition(snapshot.month), ':stamp': prefix },
      ConsistentRead: true,
    });
    if (items.length !== snapshot.parts) return undefined;
    const company = items.find((item) => item.sk === `${prefix}${companyPart}`);
    if (!company) return undefined;
    const owners = items
      .filter((item) => item !== company)
      .map((item) => parseOrThrow(ownerPartSchema, item.part))
      .map(({ email, state }) => [email, state] as const);
    return { ...parseOrThrow(companyPartSchema, company.part), owners: Object.fromEntries(owners) };
  }

  /**
   * Claims the building of `month`'s snapshot for `leaseMs`: false while someone else holds it, so the builds at
   * the start of a month (every line written then asks for one) do not all read the month at once.
   */
  async claim(month: string, now: Date, leaseMs: number): Promise<boolean> {
    try {
      await this.#table.db.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: { pk: monthIndexPartition, sk: month },
          UpdateExpression: 'SET entity = :entity, buildLeaseUntil = :until',
          ConditionExpression: 'attribute_not_exists(buildLeaseUntil) OR buildLeaseUntil < :now',
          ExpressionAttributeValues: {
            ':entity': 'ledger-month',
            ':until': new Date(now.getTime() + leaseMs).toISOString(),
            ':now': now.toISOString(),
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
   * Stores `state` as `month`'s snapshot under `stamp`: the parts first, then the stamp and part count on the
   * month's index item, which is what makes readers use it; a stamp never goes back (an older build that finishes
   * late changes nothing). Parts of older stamps are deleted after.
   */
  async save(month: string, stamp: number, state: FoldState): Promise<'saved' | 'superseded'> {
    const prefix = snapshotPartPrefix(stamp);
    const { owners, ...company } = state;
    const parts = [
      { sk: `${prefix}${companyPart}`, part: company },
      ...Object.entries(owners).map(([email, owner]) => ({
        sk: `${prefix}${ownerPart}${email}`,
        part: { email, state: owner },
      })),
    ];
    await Promise.all(
      parts.map((part) =>
        this.#table.db.send(
          new PutCommand({
            TableName: this.#table.tableName,
            Item: { pk: snapshotPartition(month), entity: 'receivables-snapshot-part', ...part },
          }),
        ),
      ),
    );
    try {
      await this.#table.db.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: { pk: monthIndexPartition, sk: month },
          UpdateExpression:
            'SET entity = :entity, snapshotStamp = :stamp, snapshotParts = :parts REMOVE buildLeaseUntil',
          ConditionExpression: 'attribute_not_exists(snapshotStamp) OR snapshotStamp <= :stamp',
          ExpressionAttributeValues: { ':entity': 'ledger-month', ':stamp': stamp, ':parts': parts.length },
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      await this.#deleteParts(month, 'begins_with(sk, :prefix)', prefix);
      return 'superseded';
    }
    await this.#deleteParts(month, 'sk < :prefix', prefix);
    return 'saved';
  }

  /** Deletes the parts of `month` whose sort key meets `condition` on `:prefix`. */
  async #deleteParts(month: string, condition: string, prefix: string): Promise<void> {
    const keys = await queryAll(this.#table.db, {
      TableName: this.#table.tableName,
      KeyConditionExpression: `pk = :snapshot AND ${condition}`,
      ExpressionAttributeValues: { ':snapshot': snapshotPartition(month), ':prefix': prefix },
      ProjectionExpression: 'pk, sk',
    });
    await Promise.all(
      keys.map((key) =>
        this.#table.db.send(
          new DeleteCommand({ TableName: this.#table.tableName, Key: { pk: key.pk, sk: key.sk } }),
        ),
      ),
    );
  }
}
