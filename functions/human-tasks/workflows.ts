// The workflows whose steps are human tasks, by subject kind: how a task's step is declared and its subject summarised.
import { contractReview } from '#contract-review/workflow.ts';
import { expenseApplication } from '#expense-application/workflow.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import type { Locale } from '#shared/people.ts';
import { tableFromEnv } from '#shared/table.ts';
import { type KitDeps, prepareTask, summarizeForTask } from '#shared/workflow-kit/steps.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';
import type { TableAccess, Workflow } from '#shared/workflow-kit/workflow.ts';
import type { OpenTaskInput, OpenTaskRequest, Task, TaskSummary } from './task-model.ts';
import type { TaskSubjects } from './task-subjects.ts';

/** A workflow as the task core uses it, its subject and dependency types closed over. */
interface RegisteredWorkflow {
  slug: string;
  prepare(
    request: OpenTaskRequest,
    table: TableAccess,
    kit: Pick<KitDeps, 'reviews'>,
  ): Promise<OpenTaskInput>;
  summary(
    task: Task,
    locale: Locale,
    table: TableAccess,
    kit: Pick<KitDeps, 'reviews' | 'people'>,
  ): Promise<TaskSummary>;
}

const byKind = new Map<string, RegisteredWorkflow>();

/** Adds a workflow; its subject kind must be new. Tests register their fixture workflows the same way. */
export function registerWorkflow<S extends Subject, D>(workflow: Workflow<S, D>): void {
  if (byKind.has(workflow.kind)) throw new Error(`A workflow for ${workflow.kind} is registered already`);
  const depsByTable = new WeakMap<TableAccess, D>();
  const depsFor = (table: TableAccess): D => {
    let deps = depsByTable.get(table);
    if (!deps) {
      deps = workflow.deps(table);
      depsByTable.set(table, deps);
    }
    return deps;
  };
  byKind.set(workflow.kind, {
    slug: workflow.slug,
    prepare: (request, table, kit) => prepareTask(workflow, depsFor(table), kit, request),
    summary: (task, locale, table, kit) => summarizeForTask(workflow, depsFor(table), kit, task, locale),
  });
}

registerWorkflow(expenseApproval);
registerWorkflow(expenseApplication);
registerWorkflow(contractReview);

/** The slugs of every registered workflow: the gauges report each, zero included, so its alarms always have data. */
export const registeredWorkflowSlugs = (): string[] => [...byKind.values()].map((workflow) => workflow.slug);

export class UnknownSubjectKind extends Error {
  override name = 'UnknownSubjectKind';
}

function registered(kind: string): RegisteredWorkflow {
  const workflow = byKind.get(kind);
  if (!workflow) throw new UnknownSubjectKind(`No workflow handles subjects of kind ${kind}`);
  return workflow;
}

/** What open-task opens for a human-task state's request: the step's declaration applied to the subject. */
export const prepareTaskFor = (
  request: OpenTaskRequest,
  kit: Pick<KitDeps, 'reviews'>,
  table: TableAccess = tableFromEnv(),
) => registered(request.subject.kind).prepare(request, table, kit);

/** Task subjects as the workflows describe them, read from `table`. */
export function workflowSubjects(
  kit: Pick<KitDeps, 'reviews' | 'people'>,
  table: TableAccess = tableFromEnv(),
): TaskSubjects {
  return { summary: (task, locale) => registered(task.subject.kind).summary(task, locale, table, kit) };
}
