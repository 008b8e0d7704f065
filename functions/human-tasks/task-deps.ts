// The task handlers' dependencies, built once per Lambda container from the environment (read once, failing fast).
import { AuditTrail } from '#shared/audit.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { processClock } from '#shared/clock.ts';
import { type MailAccess, mailNotGranted } from '#shared/mailer.ts';
import { emfOps } from '#shared/ops-signals.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { tableFromEnv } from '#shared/table.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import { TaskRepository } from './task-repository.ts';
import type { OpeningDeps, TaskDeps } from './task-service.ts';
import { stepFunctionsGateway, type WorkflowGateway } from './workflow-gateway.ts';
import { workflowSubjects } from './workflows.ts';

/** What reading tasks and their pages needs: the table, no workflow actions. */
export type TaskReadDeps = Pick<TaskDeps, 'tasks' | 'people' | 'clock' | 'subjects'>;

let reading: TaskReadDeps | undefined;

export function taskReadDeps(): TaskReadDeps {
  if (!reading) {
    const table = tableFromEnv();
    const people = new PeopleRepository(table.db, table.tableName);
    const tasks = new TaskRepository(table.db, table.tableName);
    reading = {
      tasks,
      people,
      clock: processClock,
      subjects: workflowSubjects(
        { reviews: new ReviewStore(table.db, table.tableName), people, tasks },
        table,
      ),
    };
  }
  return reading;
}

// Made once; the mail part is added per call, since in the sandbox every handler shares this module.
let opening: Omit<OpeningDeps, 'mailer' | 'baseUrl'> | undefined;

/**
 * For handlers that open tasks or move them and mail about it, but never answer a workflow (open-task, mail-feedback):
 * no Step Functions client, so their bundles and grants hold none.
 */
export function taskOpeningDeps(mail: MailAccess): OpeningDeps {
  opening ??= {
    ...taskReadDeps(),
    audit: new AuditTrail(tableFromEnv().db, tableFromEnv().tableName),
    ops: emfOps,
  };
  return { ...opening, mailer: mail.mailer, baseUrl: mail.baseUrl };
}

let workflow: WorkflowGateway | undefined;

/**
 * For handlers that decide tasks or hand decisions to the workflow: they also answer it. Handlers that send mail pass
 * `mailFromEnv()`; the others leave SES out of their bundle and their grants.
 */
export function taskDeps(mail: MailAccess = mailNotGranted): TaskDeps {
  workflow ??= stepFunctionsGateway(stepFunctions());
  return { ...taskOpeningDeps(mail), workflow };
}
