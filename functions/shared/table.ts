// The business table as a handler reaches it, and what every handler builds on it, once per container.
import { AuditTrail } from './audit.ts';
import { type IdPrefix, nextBusinessId } from './business-ids.ts';
import { dynamo } from './clients/dynamodb.ts';
import { envVars, readEnv } from './env.ts';
import { lazy } from './lazy.ts';
import { PeopleRepository } from './people-repository.ts';
import type { TableAccess } from './workflow-kit/workflow.ts';

/** The document client and TABLE_NAME; a missing TABLE_NAME stops the cold start. */
export const tableFromEnv = lazy(
  (): TableAccess => ({ db: dynamo(), tableName: readEnv(envVars.table).TABLE_NAME }),
);

export const peopleFromEnv = lazy(() => new PeopleRepository(tableFromEnv().db, tableFromEnv().tableName));

export const auditFromEnv = lazy(() => new AuditTrail(tableFromEnv().db, tableFromEnv().tableName));

/** The next business id (`EX-2026-00012`) from the table's counters. */
export const nextIdFromEnv = lazy(
  () => (prefix: IdPrefix, year: number) =>
    nextBusinessId(tableFromEnv().db, tableFromEnv().tableName, prefix, year),
);
