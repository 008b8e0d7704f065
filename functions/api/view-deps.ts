// What the GET handlers of subjects read besides the subject: reviews, tasks and the trail (read-only).
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { lazy } from '#shared/lazy.ts';
import { auditFromEnv, tableFromEnv } from '#shared/table.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import type { ViewDeps } from '#shared/workflow-kit/subject-view.ts';

export const viewDepsFromEnv = lazy((): ViewDeps => {
  const { db, tableName } = tableFromEnv();
  return {
    reviews: new ReviewStore(db, tableName),
    tasks: new TaskRepository(db, tableName),
    audit: auditFromEnv(),
  };
});
