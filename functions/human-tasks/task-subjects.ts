// What the task core asks the workflows about a task's subject: its names, the summary a decider reads, how it goes on.
import type { Locale } from '#shared/people.ts';
import type { Task, TaskSummary } from './task-model.ts';

/** What a subject and the step are called, in the reader's words: `费用报销`, `主管审批`. */
export interface SubjectNames {
  kind: string;
  step: string;
}

/** How the workflow stands after a decision: who has it now (by email), or how its review ended. */
export type WorkflowProgress =
  | { kind: 'waiting'; step: string; assignee: string }
  | { kind: 'ended'; outcome: string }
  | { kind: 'going' };

export interface TaskSubjects {
  names(task: Pick<Task, 'subject' | 'workflow'>, locale: Locale): SubjectNames;
  /** What the decider sees about the subject, read from the table now (never copied into the task or execution). */
  summary(task: Task, locale: Locale): Promise<TaskSummary>;
  /** Where the subject's workflow is now: a task open at another step, or an ending. */
  progress(task: Task, locale: Locale): Promise<WorkflowProgress>;
}
