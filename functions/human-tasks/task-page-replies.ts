// Turns a task's state or a decision's result into the page a link holder sees, with a fitting HTTP status.
import type { FieldProblem } from '#shared/errors.ts';
import type { ApiReply } from '#shared/http.ts';
import { logger } from '#shared/logger.ts';
import type { Locale } from '#shared/people.ts';
import { isTransient } from '#shared/transient.ts';
import { pageNonce } from './links.ts';
import type { Progress } from './page-words.ts';
import type { OutcomeId } from './task-model.ts';
import { renderTaskForm, renderTaskNotice, type TaskNoticeKind } from './task-page-html.ts';
import type { StoredTask } from './task-repository.ts';
import type { DecisionResult, TaskDeps } from './task-service.ts';

type PageDeps = Pick<TaskDeps, 'clock' | 'subjects' | 'people'>;

const noticeStatus: Record<TaskNoticeKind, number> = {
  decided: 200,
  'recorded-pending-delivery': 202,
  'already-decided': 409,
  expired: 410,
  'too-late': 410,
  'no-longer-running': 410,
  'link-replaced': 410,
  'invalid-link': 404,
  busy: 503,
};

/** A person's name for a notice; their email only if the directory does not know them. */
async function nameOf(
  deps: Pick<TaskDeps, 'people'>,
  email: string | undefined,
): Promise<string | undefined> {
  if (email === undefined) return undefined;
  return (await deps.people.get(email))?.name ?? email;
}

export async function noticeReply(
  deps: Pick<PageDeps, 'subjects' | 'people'>,
  kind: TaskNoticeKind,
  locale: Locale,
  task?: StoredTask,
  extra: { to?: string; at?: string; progress?: Progress } = {},
): Promise<ApiReply> {
  const decided = kind === 'already-decided' ? task?.decision : undefined;
  const detail = {
    by: await nameOf(deps, decided?.decidedBy),
    at: extra.at ?? decided?.decidedAt,
    to: await nameOf(deps, extra.to),
  };
  const html = renderTaskNotice({
    kind,
    locale,
    ...(task ? { task, names: deps.subjects.names(task, locale) } : {}),
    detail,
    ...(extra.progress ? { progress: extra.progress } : {}),
  });
  return { status: noticeStatus[kind], html };
}

export async function formReply(
  deps: PageDeps,
  task: StoredTask,
  secret: string,
  locale: Locale,
  extra: {
    status?: number;
    preselected?: OutcomeId;
    errors?: FieldProblem[];
    values?: { comment?: string; fields?: Record<string, string> };
  } = {},
): Promise<ApiReply> {
  const nonce = pageNonce(task.id, task.linkHash, deps.clock.now());
  const { status = 200, ...rest } = extra;
  const summary = await deps.subjects.summary(task, locale);
  const names = deps.subjects.names(task, locale);
  return { status, html: renderTaskForm({ task, names, summary, secret, nonce, locale, ...rest }) };
}

/**
 * How long the page waits for the workflow to move on after a decision, to say who acts next. `DECISION_REPLY_WAIT_MS`
 * overrides it (0: the reply says only that the decision is in), for a test that runs each step twice.
 */
const progressWaitMs = Number(process.env.DECISION_REPLY_WAIT_MS ?? 3000);
const progressPollMs = 100;

/**
 * Where the workflow went after this decision: the next person and step, or how it ended. The workflow moves on
 * within moments; if it has not within a few seconds, the page says it goes on.
 */
async function progressAfter(deps: PageDeps, task: StoredTask, locale: Locale): Promise<Progress> {
  const deadline = Date.now() + progressWaitMs;
  for (;;) {
    const progress = await deps.subjects.progress(task, locale);
    if (progress.kind === 'waiting') {
      return { step: progress.step, person: (await nameOf(deps, progress.assignee)) ?? progress.assignee };
    }
    if (progress.kind === 'ended') return { ended: progress.outcome };
    if (Date.now() > deadline) return { going: true };
    await new Promise((resolve) => setTimeout(resolve, progressPollMs));
  }
}

/** The page for a decision result that is not a form to show again. */
export async function resultReply(
  deps: PageDeps,
  result: Exclude<DecisionResult, { kind: 'invalid-input' | 'stale-page' }>,
  locale: Locale,
): Promise<ApiReply> {
  switch (result.kind) {
    case 'invalid-link':
      return noticeReply(deps, 'invalid-link', locale);
    case 'link-replaced':
      return noticeReply(deps, 'link-replaced', locale, result.task, {
        to: result.retired.to,
        at: result.retired.at,
      });
    case 'not-assignee':
      // Only the API can ask as someone; a link holder is the assignee by holding the current link.
      return noticeReply(deps, 'invalid-link', locale);
    case 'decided':
      return noticeReply(deps, 'decided', locale, result.task, {
        progress: await progressAfter(deps, result.task, locale),
      });
    default:
      return noticeReply(deps, result.kind, locale, result.task);
  }
}

/** The assignee's locale for pages about their task; the browser's for pages about no task at all. */
export async function pageLocale(
  deps: Pick<TaskDeps, 'people'>,
  task: StoredTask | undefined,
  acceptLanguage: string | undefined,
): Promise<Locale> {
  if (task) return (await deps.people.get(task.assignee))?.locale ?? 'zh-CN';
  return /^en\b/i.test(acceptLanguage ?? '') ? 'en' : 'zh-CN';
}

/**
 * Runs a task page's work; a passing fault (a throttle or a service's 5xx that outlived the SDK's retries) becomes a
 * page asking the person to try again shortly, in the browser's language, rather than an error in English.
 */
export async function unlessBusy(
  acceptLanguage: string | undefined,
  run: () => Promise<ApiReply>,
): Promise<ApiReply> {
  try {
    return await run();
  } catch (error) {
    if (!isTransient(error)) throw error;
    logger.warn('A passing fault reached a task page', error as Error);
    const locale: Locale = /^en\b/i.test(acceptLanguage ?? '') ? 'en' : 'zh-CN';
    return {
      status: noticeStatus.busy,
      html: renderTaskNotice({ kind: 'busy', locale }),
      headers: { 'retry-after': '1' },
    };
  }
}
