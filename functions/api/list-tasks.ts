// GET /tasks?assignee=me&status=open: the caller's open tasks, oldest first.
import * as z from 'zod/mini';
import { taskReadDeps } from '#human-tasks/task-deps.ts';
import { taskView } from '#human-tasks/task-view.ts';
import { apiHandler } from '#shared/http.ts';

const querySchema = z.object({
  assignee: z._default(z.literal('me', { error: 'only assignee=me is supported' }), 'me'),
  status: z._default(z.literal('open', { error: 'only status=open is supported' }), 'open'),
});

export const handler = apiHandler({ access: 'signed-in', query: querySchema }, async ({ caller }) => {
  const tasks = await taskReadDeps().tasks.openFor(caller?.email ?? '');
  return { body: { tasks: tasks.map(taskView) } };
});
