// GET /<subjects>/{id} for any workflow's subjects: who may read it, and the kit's view of it, written once.
import * as z from 'zod/mini';
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { requireRole } from '#shared/access.ts';
import { businessIdSchema, type IdPrefix } from '#shared/business-ids.ts';
import { apiHandler } from '#shared/http.ts';
import { lazy } from '#shared/lazy.ts';
import type { Role } from '#shared/people.ts';
import { auditFromEnv, peopleFromEnv, tableFromEnv } from '#shared/table.ts';
import { workflowDepsFromEnv } from '#shared/workflow-kit/handlers.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';
import { type SubjectView, viewSubject } from '#shared/workflow-kit/subject-view.ts';
import type { Workflow } from '#shared/workflow-kit/workflow.ts';

const viewDeps = lazy(() => {
  const { db, tableName } = tableFromEnv();
  return {
    reviews: new ReviewStore(db, tableName),
    tasks: new TaskRepository(db, tableName),
    audit: auditFromEnv(),
  };
});

/**
 * The handler for one kind of subject: readable by those involved and by `readers` (roles); `more` adds what only
 * this workflow shows (a contract's versions, an order's timeline).
 */
export function subjectViewHandler<S extends Subject, D>(
  workflow: Workflow<S, D>,
  spec: {
    prefix: IdPrefix;
    readers: readonly Role[];
    more?: (deps: D, view: SubjectView<S>) => Promise<object> | object;
  },
) {
  const deps = workflowDepsFromEnv(workflow);
  return apiHandler(
    { access: 'signed-in', path: z.object({ id: businessIdSchema(spec.prefix) }) },
    async ({ path, caller }) => {
      const reader = await requireRole(peopleFromEnv(), caller);
      const view = await viewSubject(workflow, deps(), viewDeps(), path.id, reader, spec.readers);
      return { body: { ...view, ...(await spec.more?.(deps(), view)) } };
    },
  );
}
