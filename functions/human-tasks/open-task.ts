// Workflow step (lambda:invoke.waitForTaskToken): stores a human task and mails its assignee; the decision comes later.
import { logger } from '#shared/logger.ts';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { taskDeps } from './task-deps.ts';
import { openTaskInputSchema } from './task-model.ts';
import { openTask } from './task-service.ts';

export const handler = async (event: unknown): Promise<{ taskId: string; assignee: string }> => {
  // A malformed request is a bug in the workflow definition: fail loudly so the execution shows it.
  const input = openTaskInputSchema.parse(event);
  const task = await openTask(taskDeps(mailFromEnv()), input);
  logger.info('Task opened', { taskId: task.id, type: task.type, subject: task.subject.id });
  return { taskId: task.id, assignee: task.assignee };
};
