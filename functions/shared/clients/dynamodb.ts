// The DynamoDB document client, made once per process; its own module so a handler bundles only the SDKs it uses.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// The sandbox points it at dynalite with AWS_ENDPOINT_URL_DYNAMODB; the code is unchanged.
let client: DynamoDBDocumentClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return client;
}
