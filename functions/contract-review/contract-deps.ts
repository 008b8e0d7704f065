// The contract handlers' dependencies, built once per Lambda container from the environment (read once, failing fast).
import * as z from 'zod';
import { AuditTrail } from '#shared/audit.ts';
import { nextBusinessId } from '#shared/business-ids.ts';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { ses } from '#shared/clients/ses.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { sesMailer } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { stepFunctionsStarter } from '#shared/workflow-starter.ts';
import { ContractRepository } from './contract-repository.ts';
import type { ContractDeps } from './contract-service.ts';
import { readContractPolicy } from './policy.ts';

const env = readEnv({
  ...envVars.table,
  ...envVars.mail,
  ...envVars.workflows,
  CONTRACT_POLICY: z.string().optional(),
});
const policy = readContractPolicy(env.CONTRACT_POLICY);

let deps: ContractDeps | undefined;

export function contractDeps(): ContractDeps {
  const db = dynamo();
  deps ??= {
    contracts: new ContractRepository(db, env.TABLE_NAME),
    people: new PeopleRepository(db, env.TABLE_NAME),
    audit: new AuditTrail(db, env.TABLE_NAME),
    mailer: sesMailer(ses(), env.SENDER_EMAIL, env.MAIL_CONFIGURATION_SET),
    workflows: stepFunctionsStarter(stepFunctions(), env.WORKFLOW_ARN_PREFIX),
    deployedWorkflows: env.DEPLOYED_WORKFLOWS,
    clock: processClock,
    policy,
    nextId: (prefix, year) => nextBusinessId(db, env.TABLE_NAME, prefix, year),
  };
  return deps;
}
