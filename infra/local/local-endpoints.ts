// Sandbox-only endpoints under /_local/: sign in as a person, read or advance the clock, captured mail, the ops console and its actions.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod/mini';
import type { TaskRepository } from '#human-tasks/task-repository.ts';
import { emailSchema } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import { inEnglish } from '#shared/schema-parse.ts';
import type { BearerTokens } from './bearer-tokens.ts';
import { type ConsoleDeps, consoleStatuses, gatherExecution, gatherOverview } from './console/data.ts';
import { renderGraph } from './console/graph.ts';
import { executionPath, renderExecution, renderOverview } from './console/pages.ts';
import { sendJson } from './gateway.ts';
import type { LocalMail } from './mail.ts';
import { renderMailViewer } from './mail-viewer.ts';
import { simulatedSesEvent } from './ses-events.ts';
import type { LocalStepFunctions } from './step-functions/service.ts';
import type { VirtualClock } from './virtual-clock.ts';

export interface LocalEndpointDeps {
  clock: VirtualClock;
  /** Moves the clock and lets what became due run (Wait states, timeouts, the SLA sweep). */
  advance: (seconds: number) => Promise<Date>;
  tokens: BearerTokens;
  people: PeopleRepository;
  tasks: TaskRepository;
  mail: LocalMail;
  stepFunctions: LocalStepFunctions;
  /** Hands an SES event to the bounce and complaint handler, as the mail-events topic does on AWS. */
  mailFeedback?: (event: unknown) => Promise<unknown>;
}

const loginSchema = z.strictObject({ email: emailSchema });
const sesEventSchema = z.strictObject({ type: z.enum(['bounce', 'complaint']), email: emailSchema });
/** Ten years is plenty for any SLA or Wait, and keeps a typo from throwing the sandbox into the next century. */
const advanceSchema = z.strictObject({
  advanceSeconds: z.number().check(z.gte(0), z.lte(10 * 365 * 24 * 3600)),
});

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return undefined;
  }
}

/** Answers 400 naming the bad fields; returns true (handled) so callers can `return badRequest(…)`. */
function badRequest(response: ServerResponse, error: z.core.$ZodError | undefined): true {
  const fields = error
    ? error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }))
    : [{ field: '(body)', message: 'The body is not valid JSON' }];
  sendJson(response, 400, { error: 'invalid-request', message: 'Some fields are not valid', fields });
  return true;
}

function sendHtml(response: ServerResponse, status: number, page: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(page);
}

export function localEndpoints(deps: LocalEndpointDeps) {
  return async (
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    body: Buffer,
  ): Promise<boolean> => {
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'POST /_local/login': {
        const json = parseJson(body);
        if (json === undefined) return badRequest(response, undefined);
        const parsed = loginSchema.safeParse(json, inEnglish);
        if (!parsed.success) return badRequest(response, parsed.error);
        const person = await deps.people.get(parsed.data.email);
        if (!person) {
          sendJson(response, 404, {
            error: 'unknown-person',
            message: `${parsed.data.email} is not in the directory`,
          });
          return true;
        }
        sendJson(response, 200, { token: await deps.tokens.issue(person.email) });
        return true;
      }
      case 'GET /_local/clock':
        sendJson(response, 200, { now: deps.clock.now().toISOString() });
        return true;
      case 'POST /_local/clock': {
        const json = parseJson(body);
        if (json === undefined) return badRequest(response, undefined);
        const parsed = advanceSchema.safeParse(json, inEnglish);
        if (!parsed.success) return badRequest(response, parsed.error);
        const now = await deps.advance(parsed.data.advanceSeconds);
        sendJson(response, 200, { now: now.toISOString() });
        return true;
      }
      case 'GET /_local/mail': {
        const to = url.searchParams.get('to') || undefined;
        sendJson(response, 200, await deps.mail.list(to));
        return true;
      }
      case 'POST /_local/ses-event': {
        if (!deps.mailFeedback) return false;
        const json = parseJson(body);
        if (json === undefined) return badRequest(response, undefined);
        const parsed = sesEventSchema.safeParse(json, inEnglish);
        if (!parsed.success) return badRequest(response, parsed.error);
        const event = simulatedSesEvent(parsed.data.type, parsed.data.email, deps.clock.now());
        sendJson(response, 200, await deps.mailFeedback(event));
        return true;
      }
      case 'GET /_local/mail/': {
        const to = url.searchParams.get('to') || undefined;
        sendHtml(response, 200, renderMailViewer(await deps.mail.list(to), to));
        return true;
      }
      case 'GET /_local/console': {
        const parsed = filterSchema.safeParse(Object.fromEntries(url.searchParams), inEnglish);
        if (!parsed.success) return badRequest(response, parsed.error);
        sendHtml(response, 200, renderOverview(await gatherOverview(consoleDeps(deps), parsed.data)));
        return true;
      }
    }
    const executionPrefix = '/_local/console/executions/';
    if (url.pathname.startsWith(executionPrefix)) {
      return executionRoute(deps, request, response, url, body, url.pathname.slice(executionPrefix.length));
    }
    return false;
  };
}

const filterSchema = z.pipe(
  z.object({
    workflow: z.optional(z.string().check(z.maxLength(80))),
    status: z.optional(z.union([z.enum(consoleStatuses), z.literal('')])),
    businessId: z.optional(z.string().check(z.maxLength(80))),
  }),
  z.transform((filter) => ({
    workflow: filter.workflow || undefined,
    status: filter.status || undefined,
    businessId: filter.businessId?.trim() || undefined,
  })),
);

const stopSchema = z.object({ cause: z.optional(z.string().check(z.maxLength(2000))) });
const noticeSchema = z.optional(z.enum(['stopped', 'redriven']));
const notices = {
  stopped: 'Stopped. Its open tasks close; a redrive continues it from where it stood.',
  redriven: 'Redriven: it continues from the states that had not succeeded.',
};

function consoleDeps(deps: LocalEndpointDeps): ConsoleDeps {
  return {
    stepFunctions: deps.stepFunctions,
    tasks: deps.tasks,
    people: deps.people,
    now: () => deps.clock.now(),
  };
}

function notFound(response: ServerResponse): true {
  sendHtml(
    response,
    404,
    '<!doctype html><meta charset="utf-8"><title>Not found</title><p>No such execution. <a href="/_local/console">Back to the console</a></p>',
  );
  return true;
}

/** `GET …/executions/<arn>`, and the actions `POST …/<arn>/stop` (form: cause) and `POST …/<arn>/redrive`. */
async function executionRoute(
  deps: LocalEndpointDeps,
  request: IncomingMessage,
  response: ServerResponse,
  url: URL,
  body: Buffer,
  rest: string,
): Promise<boolean> {
  const action = /^(.+)\/(stop|redrive|graph\.svg)$/.exec(rest);
  const executionArn = decodeURIComponent(action?.[1] ?? rest);
  const exists = await deps.stepFunctions
    .describeExecution({ executionArn })
    .then(() => true)
    .catch(() => false);
  if (!exists) return notFound(response);
  if (request.method === 'GET' && !action) {
    const notice = noticeSchema.safeParse(url.searchParams.get('notice') ?? undefined, inEnglish);
    const error = url.searchParams.get('error');
    const shown = error
      ? { text: error.slice(0, 500), bad: true }
      : notice.success && notice.data
        ? { text: notices[notice.data], bad: false }
        : undefined;
    sendHtml(response, 200, renderExecution(await gatherExecution(consoleDeps(deps), executionArn), shown));
    return true;
  }
  if (request.method === 'GET' && action?.[2] === 'graph.svg') {
    // The graph on its own, for a phone to zoom into.
    const view = deps.stepFunctions.executionView(executionArn);
    const svg = renderGraph(view.definition, {
      visited: new Set(view.visited),
      current: new Set(view.current),
      failed: new Set(view.failed),
    });
    response.writeHead(200, { 'content-type': 'image/svg+xml; charset=utf-8', 'cache-control': 'no-store' });
    response.end(svg.toString());
    return true;
  }
  if (request.method !== 'POST' || !action) {
    sendJson(response, 405, { message: 'Method Not Allowed' });
    return true;
  }
  const page = executionPath(executionArn);
  try {
    if (action[2] === 'stop') {
      const form = stopSchema.safeParse(
        Object.fromEntries(new URLSearchParams(body.toString('utf8'))),
        inEnglish,
      );
      if (!form.success) return badRequest(response, form.error);
      await deps.stepFunctions.stopExecution({
        executionArn,
        error: 'StoppedFromConsole',
        cause: form.data.cause?.trim() || 'Stopped from the sandbox console',
      });
      redirect(response, `${page}?notice=stopped`);
    } else {
      await deps.stepFunctions.redriveExecution({ executionArn });
      redirect(response, `${page}?notice=redriven`);
    }
  } catch (error) {
    // A refused action (not redrivable, already stopped) is shown on the page, not as an error page.
    redirect(response, `${page}?error=${encodeURIComponent((error as Error).message)}`);
  }
  return true;
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(303, { location, 'cache-control': 'no-store' });
  response.end();
}
