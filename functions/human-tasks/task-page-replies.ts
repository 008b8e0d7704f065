// Turns a task's state or a decision's result into the page a link holder sees, with a fitting HTTP status.

import type { FieldProblem } from '#shared/errors.ts';
import type { ApiReply } from '#shared/http.ts';
import type { Locale } from '#shared/people.ts';
import { pageNonce } from './links.ts';
import type { OutcomeId } from './task-model.ts';
import { renderTaskForm, renderTaskNotice, type TaskNoticeKind } from './task-page-html.ts';
import type { StoredTask } from './task-repository.ts';
import type { DecisionResult, TaskDeps } from './task-service.ts';

const noticeStatus: Record<TaskNoticeKind, number> = {
  decided: 200,
  'recorded-pending-delivery': 202,
  'already-decided': 409,
  expired: 410,
  'too-late': 410,
  'no-longer-running': 410,
  'link-replaced': 410,
  'invalid-link': 404,
};

/** Notices name people by email: the task holds emails only, and that is what the reader recognises in mail. */
export function noticeReply(
  kind: TaskNoticeKind,
  locale: Locale,
  task?: StoredTask,
  to?: string,
  at?: string,
): ApiReply {
  const detail = kind === 'link-replaced' ? { to, at } : undefined;
  return { status: noticeStatus[kind], html: renderTaskNotice({ kind, locale, task, detail }) };
}

export async function formReply(
  deps: Pick<TaskDeps, 'clock' | 'subjects'>,
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
  return { status, html: renderTaskForm({ task, summary, secret, nonce, locale, ...rest }) };
}

/** The page for a decision result that is not a form to show again. */
export function resultReply(
  result: Exclude<DecisionResult, { kind: 'invalid-input' | 'stale-page' }>,
  locale: Locale,
) {
  switch (result.kind) {
    case 'invalid-link':
      return noticeReply('invalid-link', locale);
    case 'link-replaced':
      return noticeReply('link-replaced', locale, result.task, result.retired.to, result.retired.at);
    case 'not-assignee':
      // Only the API can ask as someone; a link holder is the assignee by holding the current link.
      return noticeReply('invalid-link', locale);
    default:
      return noticeReply(result.kind, locale, result.task);
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
