// The Idempotency-Key store the creating POST handlers share, made once per Lambda container.
import { dynamo } from '#shared/clients/dynamodb.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { IdempotencyStore } from '#shared/idempotency.ts';

const env = readEnv(envVars.table);
let store: IdempotencyStore | undefined;

export function idempotencyStore(): IdempotencyStore {
  store ??= new IdempotencyStore(dynamo(), env.TABLE_NAME, processClock);
  return store;
}
