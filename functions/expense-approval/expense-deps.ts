// The expense handlers' dependencies, built once per Lambda container from the environment (read once, failing fast).

import * as z from 'zod';
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { AuditTrail } from '#shared/audit.ts';
import { nextBusinessId } from '#shared/business-ids.ts';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { processClock } from '#shared/clock.ts';
import { envVars, readEnv } from '#shared/env.ts';
import { type MailAccess, mailNotGranted } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { stepFunctionsStarter } from '#shared/workflow-starter.ts';
import { BudgetRepository } from './budgets.ts';
import { ExpenseRepository } from './expense-repository.ts';
import type { ExpenseDeps } from './expense-service.ts';
import { readExpensePolicy } from './policy.ts';

const env = readEnv({
  ...envVars.table,
  ...envVars.workflows,
  EXPENSE_POLICY: z.string().optional(),
});
const policy = readExpensePolicy(env.EXPENSE_POLICY);

// Made once; the mail part is added per call, since in the sandbox every handler shares this module.
let deps: Omit<ExpenseDeps, 'mailer'> | undefined;

/** Handlers that send mail pass `mailFromEnv()`; the others leave SES out of their bundle and their grants. */
export function expenseDeps(mail: MailAccess = mailNotGranted): ExpenseDeps {
  const db = dynamo();
  deps ??= {
    expenses: new ExpenseRepository(db, env.TABLE_NAME),
    budgets: new BudgetRepository(db, env.TABLE_NAME),
    people: new PeopleRepository(db, env.TABLE_NAME),
    tasks: new TaskRepository(db, env.TABLE_NAME),
    audit: new AuditTrail(db, env.TABLE_NAME),
    workflows: stepFunctionsStarter(stepFunctions(), env.WORKFLOW_ARN_PREFIX),
    clock: processClock,
    policy,
    nextId: (prefix, year) => nextBusinessId(db, env.TABLE_NAME, prefix, year),
  };
  return { ...deps, mailer: mail.mailer };
}
