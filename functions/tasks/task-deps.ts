// The task handlers' dependencies, built once per Lambda container from the environment (read once, failing fast).
import { AuditTrail } from '#shared/audit.ts';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { ses } from '#shared/clients/ses.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { sesMailer } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { TaskRepository } from './task-repository.ts';
import type { TaskDeps } from './task-service.ts';
import { stepFunctionsGateway } from './workflow-gateway.ts';

const env = readEnv({ ...envVars.table, ...envVars.mail });

let deps: TaskDeps | undefined;

export function taskDeps(): TaskDeps {
  deps ??= {
    tasks: new TaskRepository(dynamo(), env.TABLE_NAME),
    people: new PeopleRepository(dynamo(), env.TABLE_NAME),
    audit: new AuditTrail(dynamo(), env.TABLE_NAME),
    mailer: sesMailer(ses(), env.SENDER_EMAIL, env.MAIL_CONFIGURATION_SET),
    workflow: stepFunctionsGateway(stepFunctions()),
    clock: processClock,
    baseUrl: env.APP_BASE_URL,
  };
  return deps;
}
