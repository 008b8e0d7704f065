// The audit trail: one item per thing that happened to a business object (who, what, when, from where).
import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query-all.ts';

export interface AuditEntry {
  /** The business object's id (`EX-2026-00012`, `CT-2026-00042` …); the trail is read with it. */
  subjectId: string;
  at: string;
  /** Email of the person, or `system` for the workflow and the SLA sweeper. */
  actor: string;
  action: string;
  detail?: Record<string, unknown>;
  ip?: string;
  userAgent?: string;
}

export class AuditTrail {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async record(entry: AuditEntry): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.#table,
        // The random suffix keeps two entries in the same millisecond apart; the condition makes a retry harmless.
        Item: {
          pk: `AUDIT#${entry.subjectId}`,
          sk: `${entry.at}#${randomBytes(4).toString('hex')}`,
          ...entry,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /** The whole trail of one subject, oldest first. */
  async of(subjectId: string): Promise<AuditEntry[]> {
    const items = await queryAll(this.#db, {
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `AUDIT#${subjectId}` },
    });
    return items.map(({ pk: _pk, sk: _sk, ...entry }) => entry as unknown as AuditEntry);
  }
}
