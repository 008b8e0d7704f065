// Workflow step (lambda:invoke.waitForTaskToken): opens the human step its state names and mails the assignee.
import { envVars, readEnv } from '#shared/env.ts';
import { lazy } from '#shared/lazy.ts';
import { logger } from '#shared/logger.ts';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { tableFromEnv } from '#shared/table.ts';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import { taskOpeningDeps } from './task-deps.ts';
import { openTaskRequestSchema } from './task-model.ts';
import { openTask } from './task-service.ts';
import { prepareTaskFor } from './workflows.ts';

const reviews = lazy(() => new ReviewStore(tableFromEnv().db, tableFromEnv().tableName));
const linkKey = lazy(() => readEnv(envVars.taskLinks).TASK_LINK_KEY);

export const handler = stepHandler(openTaskRequestSchema, async (request) => {
  const task = await openTask(
    { ...taskOpeningDeps(mailFromEnv()), linkKey: linkKey() },
    await prepareTaskFor(request, { reviews: reviews() }),
  );
  logger.info('Task opened', { taskId: task.id, type: task.type, subject: task.subject.id });
  return { taskId: task.id, assignee: task.assignee };
});
