// GET/HEAD /t/{taskId}?k=…: shows the task and its decision form. Only reads: mail scanners fetch links too.
import * as z from 'zod/mini';
import { apiHandler } from '#shared/http.ts';
import { taskReadDeps } from './task-deps.ts';
import { outcomeIds } from './task-model.ts';
import { formReply, pageLocale, resultReply, unlessBusy } from './task-page-replies.ts';
import { checkLink, closedState } from './task-service.ts';

export const handler = apiHandler(
  {
    access: 'public',
    path: z.object({ taskId: z.string() }),
    query: z.object({ k: z._default(z.string(), ''), o: z.optional(z.string()) }),
  },
  async ({ path, query, headers }) =>
    unlessBusy(headers['accept-language'], async () => {
      const deps = taskReadDeps();
      const task = /^[A-Za-z0-9_-]{16,64}$/.test(path.taskId) ? await deps.tasks.get(path.taskId) : undefined;
      const locale = await pageLocale(deps, task, headers['accept-language']);
      const linkProblem = checkLink(task, query.k);
      if (linkProblem || !task) return resultReply(deps, linkProblem ?? { kind: 'invalid-link' }, locale);
      // A task whose execution was stopped is closed by the sweeper; the POST finds out at once if it comes first.
      const closed = closedState(task, deps.clock.now());
      if (closed) return resultReply(deps, closed, locale);
      const preselected = outcomeIds.find((id) => id === query.o && task.outcomes.includes(id));
      return formReply(deps, task, query.k, locale, { preselected });
    }),
);
