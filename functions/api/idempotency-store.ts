// The Idempotency-Key store the creating POST handlers share, made once per Lambda container.
import { dynamo } from '#shared/clients/dynamodb.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { IdempotencyStore } from '#shared/idempotency.ts';

const env = readEnv(envVars.table);
let store: IdempotencyStore | undefined;

export function idempotencyStore(): IdempotencyStore {
  // A duplicate sent while the first is at work (a double click, a client's quick retry) answers as the first does.
  store ??= new IdempotencyStore(dynamo(), env.TABLE_NAME, processClock, { waitForFirstMs: 5_000 });
  return store;
}
