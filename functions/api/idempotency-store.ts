// Idempotency-Key for the creating and revising handlers: one store per Lambda container, and a request run once.
import { dynamo } from '#shared/clients/dynamodb.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import type { ApiReply } from '#shared/http.ts';
import { IdempotencyStore, idempotencyKeyOf, once, requestFingerprint } from '#shared/idempotency.ts';

const env = readEnv(envVars.table);
let store: IdempotencyStore | undefined;

export function idempotencyStore(): IdempotencyStore {
  // A duplicate sent while the first is at work (a double click, a client's quick retry) answers as the first does.
  store ??= new IdempotencyStore(dynamo(), env.TABLE_NAME, processClock, { waitForFirstMs: 5_000 });
  return store;
}

/**
 * Runs `work` once per caller and Idempotency-Key (without a key it just runs). `request` names what is asked: the
 * route and what identifies it (path ids, the body), so another request sent under the same key is a 422.
 */
export function oncePerKey(
  caller: string,
  headers: Readonly<Record<string, string | undefined>>,
  request: readonly unknown[],
  work: () => Promise<ApiReply>,
): Promise<ApiReply> {
  const fingerprint = requestFingerprint(...request);
  return once(idempotencyStore(), { caller, key: idempotencyKeyOf(headers), fingerprint }, work);
}
