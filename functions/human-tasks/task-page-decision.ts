// POST /t/{taskId}: the decision from the task page's form; every refusal is a page saying what happened.
import * as z from 'zod/mini';
import { apiHandler } from '#shared/http.ts';
import { formInputsSchema } from './decision-input.ts';
import { pageWords } from './page-words.ts';
import { taskDeps } from './task-deps.ts';
import { formReply, pageLocale, resultReply, unlessBusy } from './task-page-replies.ts';
import { decideTask } from './task-service.ts';

export const handler = apiHandler(
  {
    access: 'public',
    bodyFormat: 'form',
    path: z.object({ taskId: z.string().check(z.maxLength(64)) }),
    body: formInputsSchema,
  },
  async ({ path, body, sourceIp, userAgent, headers }) =>
    unlessBusy(headers['accept-language'], async () => {
      const deps = taskDeps();
      const { k = '', nonce = '', outcome = '', comment = '', ...fields } = body;
      const result = await decideTask(deps, {
        via: 'link',
        taskId: path.taskId,
        secret: k,
        nonce,
        outcome,
        comment,
        fields,
        ip: sourceIp,
        userAgent,
      });
      const locale = await pageLocale(
        deps,
        'task' in result ? result.task : undefined,
        headers['accept-language'],
      );
      if (result.kind === 'invalid-input') {
        return formReply(deps, result.task, k, locale, {
          status: 400,
          errors: result.errors,
          values: { comment, fields },
        });
      }
      if (result.kind === 'stale-page') {
        const errors = [{ field: 'nonce', message: pageWords(locale).page.staleForm }];
        return formReply(deps, result.task, k, locale, { status: 409, errors, values: { comment, fields } });
      }
      return resultReply(deps, result, locale);
    }),
);
