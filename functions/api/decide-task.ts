// POST /tasks/{id}/decision: the assignee decides through the API instead of the mailed link.
import * as z from 'zod/mini';
import { sentFieldsSchema } from '#human-tasks/decision-input.ts';
import { taskDeps } from '#human-tasks/task-deps.ts';
import { decideTask } from '#human-tasks/task-service.ts';
import { taskView } from '#human-tasks/task-view.ts';
import { DomainError, forbidden, InvalidInput, notFound } from '#shared/errors.ts';
import { apiHandler } from '#shared/http.ts';

const bodySchema = z.strictObject({
  outcome: z.string().check(z.minLength(1)),
  fields: z._default(sentFieldsSchema, {}),
  comment: z._default(z.string().check(z.maxLength(4000)), ''),
});

export const handler = apiHandler(
  {
    access: 'signed-in',
    path: z.object({ id: z.string().check(z.minLength(1), z.maxLength(64)) }),
    body: bodySchema,
  },
  async ({ path, body, caller, sourceIp, userAgent }) => {
    const result = await decideTask(taskDeps(), {
      via: 'api',
      taskId: path.id,
      caller: caller?.email ?? '',
      ...body,
      ip: sourceIp,
      userAgent,
    });
    switch (result.kind) {
      case 'decided':
        return { body: { status: 'decided', decision: result.decision, task: taskView(result.task) } };
      case 'recorded-pending-delivery':
        return {
          status: 202,
          body: { status: 'recorded', message: 'Recorded; it reaches the workflow shortly' },
        };
      case 'invalid-input':
        throw new InvalidInput(result.errors);
      case 'invalid-link':
        throw notFound(`Task ${path.id}`);
      case 'not-assignee':
        throw forbidden(`Only the assignee (${result.task.assignee}) can decide this task`);
      case 'already-decided':
        throw new DomainError(409, 'already-decided', 'This task was already decided', {
          decision: result.task.decision,
        });
      case 'expired':
      case 'too-late':
        throw new DomainError(410, result.kind, 'This task closed at its deadline; nothing was changed');
      case 'no-longer-running':
        throw new DomainError(410, result.kind, 'Its workflow is no longer running; nothing was changed');
      case 'link-replaced':
      case 'stale-page':
        // Link-only outcomes: the API path never carries a secret or a page nonce.
        throw new Error(`unexpected result ${result.kind} for an API decision`);
    }
  },
);
