// The sandbox's DynamoDB killed in the middle of writes: no index entry is left pointing at an item that was never written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, expect, it } from 'vitest';
import { startLocalDynamo } from '#infra/local/dynamodb.ts';
import { queryAll } from '#shared/query-all.ts';
import { runTsx } from '../support/run-tsx.ts';

const dir = mkdtempSync(join(tmpdir(), 'sales-ops-dynalite-crash-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('writes each item and its index entries together, so a SIGKILL leaves them consistent', async () => {
  for (let round = 0; round < 3; round++) {
    const writer = runTsx('test/support/dynalite-writer.ts', { DYNAMO_DIR: dir });
    for (let i = 0; i < 400 && !writer.output().includes('writing'); i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(writer.output()).toContain('writing');
    await new Promise((resolve) => setTimeout(resolve, 300 + round * 150));
    writer.child.kill('SIGKILL');
    await writer.exited;
  }

  const dynamo = await startLocalDynamo(dir);
  try {
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint: dynamo.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      }),
    );
    const indexed = await queryAll(db, {
      TableName: 'crash',
      IndexName: 'gsi3',
      KeyConditionExpression: 'gsi3pk = :all',
      ExpressionAttributeValues: { ':all': 'ALL' },
    });
    expect(indexed.length).toBeGreaterThan(50);
    const missing: string[] = [];
    const stale: string[] = [];
    for (const entry of indexed) {
      const { Item } = await db.send(
        new GetCommand({ TableName: 'crash', Key: { pk: entry.pk, sk: 'ITEM' } }),
      );
      if (!Item) missing.push(String(entry.pk));
      else if (Item.gsi1sk !== entry.gsi1sk) stale.push(String(entry.pk));
    }
    expect(missing).toEqual([]);
    expect(stale).toEqual([]);
    // And the other index agrees: one entry per item, under its current key.
    const owned = await queryAll(db, {
      TableName: 'crash',
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :owner',
      ExpressionAttributeValues: { ':owner': 'OWNER' },
    });
    expect(owned.length).toBe(indexed.length);
  } finally {
    await dynamo.close();
  }
}, 120_000);
