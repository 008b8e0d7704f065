// Stores advance applications, and moves an approved one to USED by exactly one claim (and back if that claim fails).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SubjectItems } from '#shared/workflow-kit/subject-items.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import type { Application } from './model.ts';

const key = (id: string) => ({ pk: `APPLICATION#${id}`, sk: 'APPLICATION' });

export class ApplicationRepository extends SubjectItems<Application> {
  readonly #table: TableAccess;

  constructor(table: TableAccess) {
    super(table, {
      entity: 'expense-application',
      key,
      indexKeys: (application) => ({
        gsi1pk: `SUBMITTER#${application.applicant}`,
        gsi1sk: `APPLICATION#${application.submittedAt}#${application.id}`,
      }),
    });
    this.#table = table;
  }

  /** Marks an approved application as used by a claim, once; the same claim asking again is fine. */
  use(id: string, claimId: string): Promise<boolean> {
    return this.#move(
      id,
      claimId,
      '#status = :used, usedBy = :claim',
      '#status = :approved OR (#status = :used AND usedBy = :claim)',
    );
  }

  /** Gives an application back when the claim that used it did not go ahead; a repeat changes nothing. */
  async release(id: string, claimId: string): Promise<void> {
    await this.#move(id, claimId, '#status = :approved', '#status = :used AND usedBy = :claim', 'usedBy');
  }

  /** One conditional update between APPROVED and USED; false when the condition did not hold. */
  async #move(id: string, claimId: string, set: string, condition: string, remove?: string) {
    try {
      await this.#table.db.send(
        new UpdateCommand({
          TableName: this.#table.tableName,
          Key: key(id),
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
}
