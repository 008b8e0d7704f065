// Runs a handler file in-process the way Lambda would: loaded once, called with an event and a Lambda context.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { repositoryRoot } from '#infra/repository-root.ts';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<string, Promise<LambdaHandler>>();

/** The `handler` export of a file under the repository root; like a warm Lambda, it is imported once. */
export function handlerOf(entry: string): Promise<LambdaHandler> {
  let handler = loaded.get(entry);
  if (!handler) {
    handler = import(pathToFileURL(join(repositoryRoot, entry)).href).then(
      (module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function')
          throw new Error(`${entry} does not export a handler function`);
        return module.handler as LambdaHandler;
      },
    );
    loaded.set(entry, handler);
  }
  return handler;
}

export function lambdaContext(functionName: string, timeoutSeconds = 15): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  const awsRequestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${awsRequestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export async function invokeEntry(entry: string, functionName: string, event: unknown): Promise<unknown> {
  const handler = await handlerOf(entry);
  return handler(event, lambdaContext(functionName));
}
