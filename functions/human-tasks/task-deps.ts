// The task handlers' dependencies, built once per Lambda container from the environment (read once, failing fast).
import { AuditTrail } from '#shared/audit.ts';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { type MailAccess, mailNotGranted } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { TaskRepository } from './task-repository.ts';
import type { TaskDeps } from './task-service.ts';
import { stepFunctionsGateway } from './workflow-gateway.ts';

const env = readEnv(envVars.table);

// Made once; the mail part is added per call, since in the sandbox every handler shares this module.
let deps: Omit<TaskDeps, 'mailer' | 'baseUrl'> | undefined;

/** Handlers that send mail pass `mailFromEnv()`; the others leave SES out of their bundle and their grants. */
export function taskDeps(mail: MailAccess = mailNotGranted): TaskDeps {
  deps ??= {
    tasks: new TaskRepository(dynamo(), env.TABLE_NAME),
    people: new PeopleRepository(dynamo(), env.TABLE_NAME),
    audit: new AuditTrail(dynamo(), env.TABLE_NAME),
    workflow: stepFunctionsGateway(stepFunctions()),
    clock: processClock,
  };
  return { ...deps, mailer: mail.mailer, baseUrl: mail.baseUrl };
}
