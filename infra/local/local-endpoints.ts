// Sandbox-only endpoints under /_local/: sign in as a person, read or advance the clock, captured mail, the console.
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as z from 'zod';
import type { TaskRepository } from '#human-tasks/task-repository.ts';
import { emailSchema } from '#shared/people.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import type { BearerTokens } from './bearer-tokens.ts';
import { type ConsoleExecution, renderExecution, renderOverview } from './console.ts';
import { sendJson } from './gateway.ts';
import type { LocalMail } from './mail.ts';
import { renderMailViewer } from './mail-viewer.ts';
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
}

const loginSchema = z.object({ email: emailSchema }).strict();
/** Ten years is plenty for any SLA or Wait, and keeps a typo from throwing the sandbox into the next century. */
const advanceSchema = z
  .object({
    advanceSeconds: z
      .number()
      .min(0)
      .max(10 * 365 * 24 * 3600),
  })
  .strict();

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return undefined;
  }
}

/** Answers 400 naming the bad fields; returns true (handled) so callers can `return badRequest(…)`. */
function badRequest(response: ServerResponse, error: z.ZodError | undefined): true {
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
        const parsed = loginSchema.safeParse(json);
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
        const parsed = advanceSchema.safeParse(json);
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
      case 'GET /_local/mail/': {
        const to = url.searchParams.get('to') || undefined;
        sendHtml(response, 200, renderMailViewer(await deps.mail.list(to), to));
        return true;
      }
      case 'GET /_local/console':
        sendHtml(response, 200, await overview(deps));
        return true;
    }
    const executionPrefix = '/_local/console/executions/';
    if (request.method === 'GET' && url.pathname.startsWith(executionPrefix)) {
      const executionArn = decodeURIComponent(url.pathname.slice(executionPrefix.length));
      const page = await executionPage(deps, executionArn);
      if (page) sendHtml(response, 200, page);
      else sendHtml(response, 404, '<!doctype html><title>Not found</title><p>No such execution.</p>');
      return true;
    }
    return false;
  };
}

async function overview(deps: LocalEndpointDeps): Promise<string> {
  const sfn = deps.stepFunctions;
  const { stateMachines = [] } = await sfn.listStateMachines({});
  const executions: ConsoleExecution[] = [];
  const workflows = [];
  for (const machine of stateMachines) {
    const { executions: list = [] } = await sfn.listExecutions({
      stateMachineArn: machine.stateMachineArn,
      maxResults: 1000,
    });
    const counts: Record<string, number> = {};
    for (const e of list) {
      counts[e.status ?? 'UNKNOWN'] = (counts[e.status ?? 'UNKNOWN'] ?? 0) + 1;
      executions.push({
        executionArn: e.executionArn ?? '',
        name: e.name ?? '',
        workflow: machine.name ?? '',
        status: e.status ?? '',
        startDate: e.startDate,
        stopDate: e.stopDate,
      });
    }
    workflows.push({ name: machine.name ?? '', counts });
  }
  executions.sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0));

  // A waiting callback state and the task item it opened, matched by execution and state name.
  const openTasks = [];
  for (const waiting of sfn.openTasks()) {
    const { input } = await sfn.describeExecution({ executionArn: waiting.executionArn });
    const subjectId = (JSON.parse(input ?? '{}') as { subject?: { id?: unknown } }).subject?.id;
    const tasks = typeof subjectId === 'string' ? await deps.tasks.ofSubject(subjectId) : [];
    for (const task of tasks) {
      const waitsHere =
        task.workflow.executionArn === waiting.executionArn && task.workflow.stateName === waiting.stateName;
      if (task.status !== 'PENDING' || !waitsHere) continue;
      openTasks.push({
        taskId: task.id,
        type: task.type,
        subjectId: task.subject.id,
        assignee: task.assignee,
        stateName: task.workflow.stateName,
        executionArn: task.workflow.executionArn,
        openedAt: task.openedAt,
      });
    }
  }
  return renderOverview({
    now: deps.clock.now(),
    workflows,
    executions,
    openTasks,
    mailViewerUrl: deps.mail.url,
  });
}

async function executionPage(deps: LocalEndpointDeps, executionArn: string): Promise<string | undefined> {
  try {
    const execution = await deps.stepFunctions.describeExecution({ executionArn });
    const { events = [] } = await deps.stepFunctions.getExecutionHistory({ executionArn, maxResults: 1000 });
    const workflow = execution.stateMachineArn?.split(':').pop() ?? '';
    return renderExecution(
      {
        executionArn,
        name: execution.name ?? '',
        workflow,
        status: execution.status ?? '',
        startDate: execution.startDate,
        stopDate: execution.stopDate,
      },
      events,
    );
  } catch {
    return undefined;
  }
}
