// The contract handlers' dependencies, built once per Lambda container from the environment (read once, failing fast).
import * as z from 'zod';
import { AuditTrail } from '#shared/audit.ts';
import { nextBusinessId } from '#shared/business-ids.ts';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { type MailAccess, mailNotGranted } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { stepFunctionsStarter } from '#shared/workflow-starter.ts';
import { ContractRepository } from './contract-repository.ts';
import type { ContractDeps } from './contract-service.ts';
import { readContractPolicy } from './policy.ts';

const env = readEnv({
  ...envVars.table,
  ...envVars.workflows,
  CONTRACT_POLICY: z.string().optional(),
});
const policy = readContractPolicy(env.CONTRACT_POLICY);

// Made once; the mail part is added per call, since in the sandbox every handler shares this module.
let deps: Omit<ContractDeps, 'mailer'> | undefined;

/** Handlers that send mail pass `mailFromEnv()`; the others leave SES out of their bundle and their grants. */
export function contractDeps(mail: MailAccess = mailNotGranted): ContractDeps {
  const db = dynamo();
  deps ??= {
    contracts: new ContractRepository(db, env.TABLE_NAME),
    people: new PeopleRepository(db, env.TABLE_NAME),
    audit: new AuditTrail(db, env.TABLE_NAME),
    workflows: stepFunctionsStarter(stepFunctions(), env.WORKFLOW_ARN_PREFIX),
    deployedWorkflows: env.DEPLOYED_WORKFLOWS,
    clock: processClock,
    policy,
    nextId: (prefix, year) => nextBusinessId(db, env.TABLE_NAME, prefix, year),
  };
  return { ...deps, mailer: mail.mailer };
}
