// What of a task may leave the server (API replies, pages): never its token, link hashes or delivery internals.
import type { Task } from './task-model.ts';
import type { StoredTask } from './task-repository.ts';

export type TaskView = Omit<Task, 'linkHash' | 'retiredLinks' | 'linkVersion' | 'version'>;

export function taskView(task: StoredTask): TaskView {
  const {
    token: _token,
    linkHash: _linkHash,
    retiredLinks: _retiredLinks,
    linkVersion: _linkVersion,
    version: _version,
    deliveryRetryAt: _retryAt,
    deliveryAttempts: _attempts,
    ...view
  } = task;
  return view;
}
