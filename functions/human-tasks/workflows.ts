// The workflows whose steps are human tasks, by subject kind: how a task's step is declared and its subject summarised.
import { contractReview } from '#contract-review/workflow.ts';
import { expenseApplication } from '#expense-application/workflow.ts';
import { expenseApprovalTasks } from '#expense-approval/tasks.ts';
import { orderHandoffTasks } from '#order-handoff/tasks.ts';
import { paymentCollectionTasks } from '#payment-collection/tasks.ts';
import type { Locale } from '#shared/people.ts';
import { tableFromEnv } from '#shared/table.ts';
import { subjectNames } from '#shared/workflow-kit/kit-mail.ts';
import { type KitDeps, prepareTask, summarizeForTask } from '#shared/workflow-kit/steps.ts';
import type { Subject } from '#shared/workflow-kit/subject.ts';
import type { TableAccess, WorkflowTasks } from '#shared/workflow-kit/workflow.ts';
import type { OpenTaskInput, OpenTaskRequest, Task, TaskSummary } from './task-model.ts';
import type { TaskRepository } from './task-repository.ts';
import type { SubjectNames, TaskSubjects, WorkflowProgress } from './task-subjects.ts';

/** What the registry reads besides the workflows' own subjects. */
export interface RegistryDeps {
  reviews: Pick<KitDeps['reviews'], 'of'>;
  people: KitDeps['people'];
  tasks: Pick<TaskRepository, 'ofSubject'>;
}

/** A workflow as the task core uses it, its subject and dependency types closed over. */
interface RegisteredWorkflow {
  slug: string;
  prepare(
    request: OpenTaskRequest,
    table: TableAccess,
    kit: Pick<KitDeps, 'reviews'>,
  ): Promise<OpenTaskInput>;
  names(step: string, locale: Locale): SubjectNames;
  summary(task: Task, locale: Locale, table: TableAccess, kit: RegistryDeps): Promise<TaskSummary>;
  progress(task: Task, locale: Locale, table: TableAccess, kit: RegistryDeps): Promise<WorkflowProgress>;
}

const byKind = new Map<string, RegisteredWorkflow>();

/** Adds a workflow; its subject kind must be new. Tests register their fixture workflows the same way. */
export function registerWorkflow<S extends Subject, D>(workflow: WorkflowTasks<S, D>): void {
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
    names: (step, locale) => subjectNames(workflow, step, locale),
    summary: (task, locale, table, kit) => summarizeForTask(workflow, depsFor(table), kit, task, locale),
    async progress(task, locale, table, kit) {
      const open = (await kit.tasks.ofSubject(task.subject.id))
        .filter((other) => other.status === 'PENDING' && other.id !== task.id)
        .at(-1);
      if (open) {
        const step = subjectNames(workflow, open.workflow.stateName, locale).step;
        return { kind: 'waiting', step, assignee: open.assignee };
      }
      const subject = await workflow.subjects(depsFor(table)).get(task.subject.id);
      const ending = Object.values(workflow.endings).find(
        (candidate) => candidate.status === subject?.status,
      );
      return ending && subject?.version === task.subject.version
        ? { kind: 'ended', outcome: ending.outcome[locale] }
        : { kind: 'going' };
    },
  });
}

// A workflow whose hooks need more than its human steps do (a ledger, budgets, routing rules) registers its task side,
// tasks.ts, so the handlers here leave the hooks out of their bundles; the others register the workflow itself.
registerWorkflow(expenseApprovalTasks);
registerWorkflow(expenseApplication);
registerWorkflow(contractReview);
registerWorkflow(orderHandoffTasks);
registerWorkflow(paymentCollectionTasks);

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
export function workflowSubjects(kit: RegistryDeps, table: TableAccess = tableFromEnv()): TaskSubjects {
  return {
    names: (task, locale) => registered(task.subject.kind).names(task.workflow.stateName, locale),
    summary: (task, locale) => registered(task.subject.kind).summary(task, locale, table, kit),
    progress: (task, locale) => registered(task.subject.kind).progress(task, locale, table, kit),
  };
}
