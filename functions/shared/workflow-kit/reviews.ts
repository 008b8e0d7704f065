// Every decision taken on a subject, one item each (idempotent by task), kept apart so a subject item never outgrows 400 KB.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OutcomeId } from '#human-tasks/task-model.ts';
import { queryAll } from '../query-all.ts';

export interface Review {
  subjectId: string;
  /** The subject version decided on. */
  version: number;
  /** The step (state) name, e.g. `Supervisor review`. */
  step: string;
  /** The task decided; `<task>:skip<n>:<step>` for the n-th level that task's decision let the policy skip. */
  taskId: string;
  outcome: OutcomeId;
  by: string;
  /** Who the decider stood in for, when a delegate decided. */
  onBehalfOf?: string;
  comment: string;
  fields: Record<string, unknown>;
  at: string;
  /** What the workflow made of it, when not the outcome's plain meaning (`skipped`, `content-changed`). */
  effect?: string;
  /** What the decision was bound to (the contract content's SHA-256 an approver saw). */
  evidence?: Record<string, string>;
}

const keyOf = (review: Pick<Review, 'subjectId' | 'at' | 'taskId'>) => ({
  pk: `REVIEW#${review.subjectId}`,
  sk: `${review.at}#${review.taskId}`,
});

export class ReviewStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  /** Adds the review once: a retried step finds it there and changes nothing. Returns false when it already was. */
  async add(review: Review): Promise<boolean> {
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.#table,
          Item: { ...keyOf(review), entity: 'review', ...review },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  /** Every review of the subject, oldest first. */
  async of(subjectId: string): Promise<Review[]> {
    const items = await queryAll(this.#db, {
      TableName: this.#table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `REVIEW#${subjectId}` },
      ConsistentRead: true,
    });
    return items.map(({ pk: _pk, sk: _sk, entity: _entity, ...review }) => review as unknown as Review);
  }
}

/** The reviews of one version, oldest first. */
export const reviewsOf = (reviews: readonly Review[], version: number): Review[] =>
  reviews.filter((review) => review.version === version);

/** Who approved this version, skipped levels aside: each of them approves once (DESIGN §5). */
export const approversOf = (reviews: readonly Review[], version: number): string[] =>
  reviewsOf(reviews, version)
    .filter((review) => review.outcome === 'approve' && review.effect !== 'skipped')
    .map((review) => review.by);
