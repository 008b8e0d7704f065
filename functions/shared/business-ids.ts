// Ids people read, numbered per year: CT-2026-00042, OR-…, EX-…, PA-…; one atomic counter item per prefix and year.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';

export type IdPrefix = 'CT' | 'OR' | 'EX' | 'PA';

/** The next id for `prefix` in `year`; numbers are never reused, gaps (a failed request) are accepted. */
export async function nextBusinessId(
  db: DynamoDBDocumentClient,
  tableName: string,
  prefix: IdPrefix,
  year: number,
): Promise<string> {
  const { Attributes } = await db.send(
    new UpdateCommand({
      TableName: tableName,
      Key: { pk: `COUNTER#${prefix}#${year}`, sk: 'COUNTER' },
      UpdateExpression: 'ADD #n :one',
      ExpressionAttributeNames: { '#n': 'last' },
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return `${prefix}-${year}-${String(Number(Attributes?.last)).padStart(5, '0')}`;
}
