// A throwaway local DynamoDB with the business table, for tests of repositories and cores without a whole sandbox.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalDynamo } from '#infra/local/dynamodb.ts';

export interface LocalTable {
  db: DynamoDBDocumentClient;
  tableName: string;
  /** Requests received per DynamoDB operation (`Query`, `Scan` …). */
  operations: ReadonlyMap<string, number>;
  close(): Promise<void>;
}

export async function startLocalTable(tableName = 'test-business'): Promise<LocalTable> {
  const dir = mkdtempSync(join(tmpdir(), 'sales-ops-table-'));
  const dynamo = await startLocalDynamo(join(dir, 'db'));
  const client = new DynamoDBClient({
    endpoint: dynamo.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await ensureTable(client, tableName);
  return {
    db: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
    operations: dynamo.operations,
    async close() {
      await dynamo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
