// Test helpers for driving a sandbox over HTTP as people would: sign in, read mail, follow links, post forms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand, type DescribeExecutionOutput, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type Sandbox, type SandboxOptions, startSandbox } from '#infra/local/sandbox.ts';
import { eventually, SandboxClient } from '#infra/local/sandbox-client.ts';

export { eventually, hiddenInputs, taskLinkIn } from '#infra/local/sandbox-client.ts';

export interface TestSandbox extends Sandbox {
  sfn: SFNClient;
  /** The sandbox's table, read (or written, as another writer would) from outside the handlers. */
  db: DynamoDBDocumentClient;
  client: SandboxClient;
  request: SandboxClient['request'];
  login: SandboxClient['login'];
  mails: SandboxClient['mails'];
  /** Polls until the execution has ended (bounded), and returns how it ended. */
  finished(executionArn: string): Promise<DescribeExecutionOutput>;
  stop(): Promise<void>;
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sales-ops-sandbox-'));
  const sandbox = await startSandbox({ port: 0, ...options, dir });
  const sfn = new SFNClient({
    endpoint: sandbox.urls.stepFunctions,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const client = new SandboxClient(sandbox.url);
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: sandbox.urls.dynamodb,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
  return {
    ...sandbox,
    sfn,
    db,
    client,
    request: (method, path, opts) => client.request(method, path, opts),
    login: (email) => client.login(email),
    mails: (to) => client.mails(to),
    async finished(executionArn) {
      return eventually(async () => {
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        return execution.status === 'RUNNING' ? undefined : execution;
      }, `${executionArn} to end`);
    },
    async stop() {
      await sandbox.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
