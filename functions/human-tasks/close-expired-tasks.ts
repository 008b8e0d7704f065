// Workflow step for a human task's States.Timeout path: closes the execution's open tasks and tells each requester.
import * as z from 'zod';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { taskDeps } from './task-deps.ts';
import { closeExpiredTasks } from './task-service.ts';

const inputSchema = z.object({ executionArn: z.string().min(1) });

export const handler = async (event: unknown): Promise<{ closed: number }> => {
  const { executionArn } = inputSchema.parse(event);
  return { closed: await closeExpiredTasks(taskDeps(mailFromEnv()), executionArn) };
};
