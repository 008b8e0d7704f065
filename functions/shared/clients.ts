// AWS SDK clients, made once per process and reused across invocations; endpoints come from the environment.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

// The sandbox points these at local services with AWS_ENDPOINT_URL_DYNAMODB / _SESV2 / _SFN; code is unchanged.
let documentClient: DynamoDBDocumentClient | undefined;
let mailClient: SESv2Client | undefined;
let workflowClient: SFNClient | undefined;

export function dynamo(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return documentClient;
}

export function ses(): SESv2Client {
  mailClient ??= new SESv2Client({});
  return mailClient;
}

export function stepFunctions(): SFNClient {
  workflowClient ??= new SFNClient({});
  return workflowClient;
}
