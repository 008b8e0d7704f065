// What the ops console shows, gathered from the local Step Functions service and the task table: executions with their business id, where each waits, for whom, how overdue.
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { slaSchedule } from '#human-tasks/sla.ts';
import type { StoredTask, TaskRepository } from '#human-tasks/task-repository.ts';
import type { PeopleRepository } from '#shared/people-repository.ts';
import type { LocalStepFunctions } from '../step-functions/service.ts';

export const consoleStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED'] as const;

export interface ConsoleFilter {
  workflow?: string;
  status?: string;
  /** Part of the business id (`EX-2026-00012`) or of the execution name. */
  businessId?: string;
}

/** A person a task waits for, by name and email. */
export interface Waiter {
  email: string;
  name: string;
}

/** Where a running execution stands in one of its states. */
export interface Standing {
  state: string;
  /** A human task: who, since when, when its SLA was due, its hard deadline. */
  task?: {
    id: string;
    type: string;
    assignee: Waiter;
    openedAt: Date;
    slaDue: Date;
    deadline: Date;
  };
  /** A Wait state: when it fires (virtual time). */
  waitUntil?: Date;
}

export interface ConsoleExecution {
  executionArn: string;
  name: string;
  /** The workflow's slug (`expense-approval`). */
  workflow: string;
  status: string;
  businessId: string | undefined;
  startDate?: Date;
  stopDate?: Date;
  redriveCount: number;
  standing: Standing[];
}

export interface ConsoleOverview {
  now: Date;
  filter: ConsoleFilter;
  workflows: { slug: string; counts: Record<string, number> }[];
  executions: ConsoleExecution[];
  /** How many matched before the list was cut to `executions`. */
  matched: number;
}

export interface ExecutionDetail extends ConsoleExecution {
  now: Date;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  redrivable: boolean;
  redriveNote?: string;
  definition: string;
  visited: Set<string>;
  current: Set<string>;
  failed: Set<string>;
  events: HistoryEvent[];
}

export interface ConsoleDeps {
  stepFunctions: LocalStepFunctions;
  tasks: TaskRepository;
  people: PeopleRepository;
  now(): Date;
}

const MAX_ROWS = 200;

const slugOf = (machineName: string) => machineName.replace(/^[^-]+-/, '');

function businessIdOf(input: string | undefined): string | undefined {
  try {
    const id = (JSON.parse(input ?? '{}') as { subject?: { id?: unknown } }).subject?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The open human tasks of one execution, by state, with the assignee's name. */
async function openTasksOf(
  deps: ConsoleDeps,
  executionArn: string,
  businessId: string | undefined,
  names: Map<string, string>,
): Promise<Map<string, NonNullable<Standing['task']>>> {
  const found = new Map<string, NonNullable<Standing['task']>>();
  if (!businessId) return found;
  const tasks: StoredTask[] = await deps.tasks.ofSubject(businessId);
  for (const task of tasks) {
    if (task.status !== 'PENDING' || task.workflow.executionArn !== executionArn) continue;
    if (!names.has(task.assignee))
      names.set(task.assignee, (await deps.people.get(task.assignee))?.name ?? '');
    const openedAt = new Date(task.openedAt);
    found.set(task.workflow.stateName, {
      id: task.id,
      type: task.type,
      assignee: { email: task.assignee, name: names.get(task.assignee) || task.assignee },
      openedAt,
      slaDue: slaSchedule(openedAt, task.sla).remindAt,
      deadline: new Date(task.deadlineAt),
    });
  }
  return found;
}

async function standingOf(
  deps: ConsoleDeps,
  executionArn: string,
  businessId: string | undefined,
  names: Map<string, string>,
): Promise<Standing[]> {
  const view = deps.stepFunctions.executionView(executionArn);
  if (view.current.length === 0) return [];
  const tasks = await openTasksOf(deps, executionArn, businessId, names);
  return view.current.map((state) => ({
    state,
    task: tasks.get(state),
    waitUntil: view.waits.get(state),
  }));
}

export async function gatherOverview(deps: ConsoleDeps, filter: ConsoleFilter): Promise<ConsoleOverview> {
  const sfn = deps.stepFunctions;
  const { stateMachines = [] } = await sfn.listStateMachines({ maxResults: 1000 });
  const workflows: ConsoleOverview['workflows'] = [];
  const matching: (ConsoleExecution & { input?: string })[] = [];
  const wanted = filter.businessId?.trim().toLowerCase();
  for (const machine of stateMachines) {
    const slug = slugOf(machine.name ?? '');
    const counts: Record<string, number> = {};
    let nextToken: string | undefined;
    do {
      const page = await sfn.listExecutions({
        stateMachineArn: machine.stateMachineArn,
        maxResults: 1000,
        nextToken,
      });
      nextToken = page.nextToken;
      for (const e of page.executions ?? []) {
        const status = e.status ?? 'UNKNOWN';
        counts[status] = (counts[status] ?? 0) + 1;
        if (filter.workflow && filter.workflow !== slug) continue;
        if (filter.status && filter.status !== status) continue;
        const { input } = await sfn.describeExecution({ executionArn: e.executionArn ?? '' });
        const businessId = businessIdOf(input);
        if (wanted && !`${businessId ?? ''} ${e.name ?? ''}`.toLowerCase().includes(wanted)) continue;
        matching.push({
          executionArn: e.executionArn ?? '',
          name: e.name ?? '',
          workflow: slug,
          status,
          businessId,
          startDate: e.startDate,
          stopDate: e.stopDate,
          redriveCount: e.redriveCount ?? 0,
          standing: [],
        });
      }
    } while (nextToken);
    workflows.push({ slug, counts });
  }
  matching.sort((a, b) => (b.startDate?.getTime() ?? 0) - (a.startDate?.getTime() ?? 0));
  const executions = matching.slice(0, MAX_ROWS);
  const names = new Map<string, string>();
  for (const execution of executions) {
    if (execution.status === 'RUNNING')
      execution.standing = await standingOf(deps, execution.executionArn, execution.businessId, names);
  }
  return { now: deps.now(), filter, workflows, executions, matched: matching.length };
}

export async function gatherExecution(deps: ConsoleDeps, executionArn: string): Promise<ExecutionDetail> {
  const sfn = deps.stepFunctions;
  const described = await sfn.describeExecution({ executionArn });
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.getExecutionHistory({ executionArn, maxResults: 1000, nextToken });
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  const view = sfn.executionView(executionArn);
  const businessId = businessIdOf(described.input);
  const status = described.status ?? '';
  const failedAtFail = view.failed.some((state) => view.failStates.has(state));
  return {
    executionArn,
    name: described.name ?? '',
    workflow: slugOf(described.stateMachineArn?.split(':').pop() ?? ''),
    status,
    businessId,
    startDate: described.startDate,
    stopDate: described.stopDate,
    redriveCount: described.redriveCount ?? 0,
    standing: status === 'RUNNING' ? await standingOf(deps, executionArn, businessId, new Map()) : [],
    now: deps.now(),
    input: described.input ?? '',
    output: described.output,
    error: described.error,
    cause: described.cause,
    redrivable: described.redriveStatus === 'REDRIVABLE',
    redriveNote: failedAtFail
      ? 'It ended at a Fail state: a redrive runs that state again, and it fails again.'
      : described.redriveStatusReason,
    definition: view.definition,
    visited: new Set(view.visited),
    current: new Set(view.current),
    failed: new Set(view.failed),
    events,
  };
}
