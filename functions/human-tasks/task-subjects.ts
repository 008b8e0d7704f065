// What the task core asks the workflows about a task's subject: the summary a decider reads, in their locale.
import type { Locale } from '#shared/people.ts';
import type { Task, TaskSummary } from './task-model.ts';

export interface TaskSubjects {
  /** What the decider sees about the subject, read from the table now (never copied into the task or execution). */
  summary(task: Task, locale: Locale): Promise<TaskSummary>;
}
