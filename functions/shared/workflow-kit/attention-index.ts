// Subjects in NEEDS_ATTENTION, by workflow, through the due-time index: what the gauge counts and ops list.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Subject } from './subject.ts';
import type { TableAccess } from './workflow.ts';

const partition = (workflow: string) => `ATTENTION#${workflow}`;

/**
 * The index keys a subject item carries while it needs attention. Saving it in any other status drops them (the
 * item is written whole), so the index holds exactly the subjects that still need someone.
 */
export function attentionKeys(subject: Subject): Record<string, string> {
  if (subject.status !== 'NEEDS_ATTENTION' || !subject.attention) return {};
  return { gsi2pk: partition(subject.attention.workflow), gsi2sk: `${subject.attention.at}#${subject.id}` };
}

/** How many of the workflow's subjects need attention now. */
export async function countNeedingAttention(table: TableAccess, workflow: string): Promise<number> {
  let count = 0;
  let after: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :attention',
        ExpressionAttributeValues: { ':attention': partition(workflow) },
        Select: 'COUNT',
        ExclusiveStartKey: after,
      }),
    );
    count += page.Count ?? 0;
    after = page.LastEvaluatedKey;
  } while (after);
  return count;
}
