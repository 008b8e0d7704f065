// Ids people read, numbered per year: CT-2026-00042, OR-…, EX-…, PA-…; one atomic counter item per prefix and year.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';

/** Contract, order, expense claim, advance application (事前申请). */
export const idPrefixes = ['CT', 'OR', 'EX', 'PA'] as const;
export type IdPrefix = (typeof idPrefixes)[number];

const examples: Record<IdPrefix, string> = {
  CT: 'CT-2026-00042',
  OR: 'OR-2026-00042',
  EX: 'EX-2026-00042',
  PA: 'PA-2026-00042',
};

/** `CT-2026-00042`: the prefix, a four-digit year and a five-digit number. */
export const businessIdPattern = (...prefixes: readonly IdPrefix[]): RegExp =>
  new RegExp(`^(${prefixes.join('|')})-\\d{4}-\\d{5}$`);

/** What a workflow execution is about: a business id, or a part of one (`CT-2026-00042-I2`, its second installment). */
export const subjectIdPattern = new RegExp(`^(${idPrefixes.join('|')})-\\d{4}-\\d{5}(-[A-Z]\\d{1,3})?$`);

/** A path or body field holding one of these ids; the message shows what one looks like. */
export function businessIdSchema(...prefixes: [IdPrefix, ...IdPrefix[]]) {
  const shown = prefixes.map((prefix) => examples[prefix]).join(' or ');
  return z.string().check(z.regex(businessIdPattern(...prefixes), `an id looks like ${shown}`));
}

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
