// A child process for the crash test: writes items with index keys as fast as it can until it is killed.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable, startLocalDynamo } from '#infra/local/dynamodb.ts';

const dir = process.env.DYNAMO_DIR;
if (!dir) throw new Error('DYNAMO_DIR is required');
const dynamo = await startLocalDynamo(dir);
const client = new DynamoDBClient({
  endpoint: dynamo.url,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});
await ensureTable(client, 'crash');
const db = DynamoDBDocumentClient.from(client);
console.log('writing');
let n = 0;
// Each worker creates an item found by two indexes, then moves it to another index key: writes that touch indexes.
const worker = async () => {
  for (;;) {
    const id = `item-${n++}`;
    const item = { pk: id, sk: 'ITEM', gsi1pk: 'OWNER', gsi1sk: `OPEN#${id}`, gsi3pk: 'ALL', gsi3sk: id };
    await db.send(new PutCommand({ TableName: 'crash', Item: item }));
    await db.send(
      new UpdateCommand({
        TableName: 'crash',
        Key: { pk: id, sk: 'ITEM' },
        UpdateExpression: 'SET gsi1sk = :closed',
        ExpressionAttributeValues: { ':closed': `CLOSED#${id}` },
      }),
    );
  }
};
await Promise.all(Array.from({ length: 16 }, worker));
