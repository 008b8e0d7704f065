// A workflow's subjects as items of the business table: one item each, every write checked against the revision read.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DomainError } from '../errors.ts';
import { attentionKeys } from './attention-index.ts';
import type { Subject } from './subject.ts';
import type { SubjectStore, TableAccess } from './workflow.ts';

/**
 * Another writer saved the subject between this one's read and its write (a payment on an installment, a revision):
 * a 409 `conflict` at the API; a workflow step that meets it runs again on what is there now.
 */
export class SubjectChanged extends DomainError {
  constructor(id: string) {
    super(409, 'conflict', `${id} was changed at the same time; read it again and retry`);
  }
}

export interface SubjectItemSpec<S extends Subject> {
  /** The item's `entity` attribute, e.g. `expense-claim`. */
  entity: string;
  key(id: string): { pk: string; sk: string };
  /** Index keys derived from the subject (by submitter, by customer…). */
  indexKeys?(subject: S): Record<string, string>;
}

const stripped = new Set(['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk']);

export class SubjectItems<S extends Subject> implements SubjectStore<S> {
  readonly #table: TableAccess;
  readonly #spec: SubjectItemSpec<S>;

  constructor(table: TableAccess, spec: SubjectItemSpec<S>) {
    this.#table = table;
    this.#spec = spec;
  }

  async get(id: string): Promise<S | undefined> {
    const { Item } = await this.#table.db.send(
      new GetCommand({ TableName: this.#table.tableName, Key: this.#spec.key(id), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    return Object.fromEntries(Object.entries(Item).filter(([name]) => !stripped.has(name))) as S;
  }

  /**
   * Writes the subject if the stored revision is still `subject.revision` (0: it must not exist yet), so two writers
   * never overwrite each other; returns it with the next revision.
   */
  async save(subject: S): Promise<S> {
    const expected = subject.revision;
    const next = { ...subject, revision: expected + 1 };
    try {
      await this.#table.db.send(
        new PutCommand({
          TableName: this.#table.tableName,
          Item: {
            ...this.#spec.key(subject.id),
            entity: this.#spec.entity,
            ...this.#spec.indexKeys?.(subject),
            ...attentionKeys(next),
            ...next,
          },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(pk)' : 'revision = :expected',
          ExpressionAttributeValues: expected === 0 ? undefined : { ':expected': expected },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') {
        throw new SubjectChanged(subject.id);
      }
      throw error;
    }
    return next;
  }

  /** Removes a subject that never got going (its workflow could not start), if nobody changed it since. */
  async delete(subject: S): Promise<void> {
    await this.#table.db.send(
      new DeleteCommand({
        TableName: this.#table.tableName,
        Key: this.#spec.key(subject.id),
        ConditionExpression: 'revision = :expected',
        ExpressionAttributeValues: { ':expected': subject.revision },
      }),
    );
  }
}
