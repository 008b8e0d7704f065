// The whole business table of a sandbox as comparable text per item: to prove a request wrote nothing, or what it wrote.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';

/** The sandbox's table (infra/local/sandbox.ts names it after the local stage). */
export const sandboxTableName = 'local-business';

export type TableState = ReadonlyMap<string, string>;

/** A document client on a sandbox's local DynamoDB. */
export function tableClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
}

/** Every item of the table, raw: a test's Scan, never the product's (its request paths have none). */
export async function scanTable(
  db: DynamoDBDocumentClient,
  tableName = sandboxTableName,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let after: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: after }));
    items.push(...(page.Items ?? []));
    after = page.LastEvaluatedKey;
  } while (after);
  return items;
}

/** Each item by its key, as JSON with sorted keys. */
export async function tableState(
  db: DynamoDBDocumentClient,
  tableName = sandboxTableName,
): Promise<TableState> {
  const state = new Map<string, string>();
  for (const item of await scanTable(db, tableName)) state.set(`${item.pk} ${item.sk}`, stable(item));
  return state;
}

/** JSON with keys sorted: DynamoDB returns a map's keys in no particular order. */
export function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stable(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The keys of the items that differ, were added or were removed between two states. */
export function differences(before: TableState, after: TableState): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((key) => before.get(key) !== after.get(key));
}

/**
 * Waits (bounded) until the table stops changing for `quietMs`: the workflows a test started have reached their
 * human steps or Wait states, so what changes afterwards is the test's own doing.
 */
export async function settledTable(db: DynamoDBDocumentClient, quietMs = 400): Promise<TableState> {
  let last = await tableState(db);
  for (let i = 0; i < 60; i++) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = await tableState(db);
    if (differences(last, now).length === 0) return now;
    last = now;
  }
  throw new Error('the table kept changing: some workflow never came to rest');
}
