// The sandbox's DynamoDB: dynalite with its data on disk, the table made from the shared schema, calls counted.
import { mkdirSync } from 'node:fs';
import { CreateTableCommand, DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { tableSchema } from '#shared/table-schema.ts';
import { makeDynaliteWritesAtomic } from './dynalite-atomic-writes.ts';
import { type Listening, listen } from './listen.ts';

export interface LocalDynamo extends Listening {
  /** Requests received per DynamoDB operation (`Query`, `Scan` …): the bench asserts no Scan ever happens. */
  readonly operations: ReadonlyMap<string, number>;
}

export async function startLocalDynamo(dataDir: string, port = 0): Promise<LocalDynamo> {
  mkdirSync(dataDir, { recursive: true });
  makeDynaliteWritesAtomic();
  const server = dynalite({ path: dataDir, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const operations = new Map<string, number>();
  server.on('request', (request) => {
    const operation = String(request.headers['x-amz-target'] ?? '').split('.')[1] ?? 'unknown';
    operations.set(operation, (operations.get(operation) ?? 0) + 1);
  });
  const listening = await listen(server, port);
  return { ...listening, operations };
}

/** Creates the business table unless it exists (a restart keeps the data). */
export async function ensureTable(
  client: DynamoDBClient,
  tableName: string,
): Promise<'created' | 'existing'> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return 'existing';
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  }
  const keyAttributes = [
    tableSchema.partitionKey,
    tableSchema.sortKey,
    ...tableSchema.globalIndexes.flatMap((index) => [index.partitionKey, index.sortKey]),
  ];
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: keyAttributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
      KeySchema: [
        { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
        { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: tableSchema.globalIndexes.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  );
  // dynalite flips a new table to ACTIVE on a timer; requests before that fail with ResourceNotFoundException.
  for (let i = 0; i < 100; i++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (
      Table?.TableStatus === 'ACTIVE' &&
      Table.GlobalSecondaryIndexes?.every((i) => i.IndexStatus === 'ACTIVE')
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  // No TTL here: dynalite never expires items, so readers check expiresAt themselves (DESIGN §4).
  return 'created';
}
