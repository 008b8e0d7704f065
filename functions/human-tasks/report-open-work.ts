// Scheduled: what is open now, per workflow, as EMF gauges (open tasks, the oldest, past escalation, needs attention).
import { processClock } from '#shared/clock.ts';
import { MailOutbox } from '#shared/mail-outbox.ts';
import { gauge } from '#shared/metrics.ts';
import { opsMetrics } from '#shared/ops-metrics.ts';
import { tableFromEnv } from '#shared/table.ts';
import { countNeedingAttention } from '#shared/workflow-kit/attention-index.ts';
import type { TableAccess } from '#shared/workflow-kit/workflow.ts';
import { type StoredTask, TaskRepository } from './task-repository.ts';
import { registeredWorkflowSlugs } from './workflows.ts';

/** Three sweeps: a task this long past its escalation point was not escalated by a sweep that ran on time. */
export const escalationGraceMs = 15 * 60_000;

export interface OpenWork {
  workflow: string;
  openTasks: number;
  /** Seconds since the oldest open task opened; 0 with none open. */
  oldestOpenTaskAgeSeconds: number;
  /** Open tasks whose escalation failed (nobody to take them) or did not happen in time. */
  tasksPastEscalation: number;
  /** Task links and outcome mails SES did not take, waiting for the sweeper to send them again. */
  mailsAwaitingResend: number;
  subjectsNeedingAttention: number;
}

/** The task gauges of each workflow from the open tasks, every workflow listed (zero when nothing is open). */
export function tasksOpenPerWorkflow(
  tasks: readonly StoredTask[],
  workflows: readonly string[],
  now: Date,
): Omit<OpenWork, 'subjectsNeedingAttention' | 'mailsAwaitingResend'>[] {
  const pending = tasks.filter((task) => task.status === 'PENDING');
  return workflows.map((workflow) => {
    const open = pending.filter((task) => task.workflow.slug === workflow);
    const oldest = Math.min(...open.map((task) => Date.parse(task.openedAt)));
    const pastEscalation = open.filter(
      (task) =>
        task.escalationFailed !== undefined ||
        (task.escalateAt !== undefined && now.getTime() - Date.parse(task.escalateAt) > escalationGraceMs),
    );
    return {
      workflow,
      openTasks: open.length,
      oldestOpenTaskAgeSeconds:
        open.length > 0 ? Math.max(0, Math.round((now.getTime() - oldest) / 1000)) : 0,
      tasksPastEscalation: pastEscalation.length,
    };
  });
}

export async function reportOpenWork(
  table: TableAccess,
  workflows: readonly string[],
  now: Date,
): Promise<OpenWork[]> {
  const tasks = await new TaskRepository(table.db, table.tableName).allWithNextAction();
  const kept = await new MailOutbox(table.db, table.tableName).all();
  const report: OpenWork[] = [];
  for (const open of tasksOpenPerWorkflow(tasks, workflows, now)) {
    // A link SES did not take, and one whose run died before SES answered (past its grace), both wait for the sweep.
    const stranded = (task: StoredTask) =>
      task.unconfirmedMail !== undefined && Date.parse(task.unconfirmedMail.checkAt) <= now.getTime();
    const waitingLinks = tasks.filter(
      (task) =>
        task.status === 'PENDING' &&
        (task.mailRetry || stranded(task)) &&
        task.workflow.slug === open.workflow,
    ).length;
    report.push({
      ...open,
      mailsAwaitingResend: waitingLinks + kept.filter((mail) => mail.workflow === open.workflow).length,
      subjectsNeedingAttention: await countNeedingAttention(table, open.workflow),
    });
  }
  return report;
}

export const handler = async (): Promise<OpenWork[]> => {
  const report = await reportOpenWork(tableFromEnv(), registeredWorkflowSlugs(), processClock.now());
  for (const work of report) {
    const dimensions = { workflow: work.workflow };
    gauge(opsMetrics.openTasks, work.openTasks, 'Count', dimensions);
    gauge(opsMetrics.oldestOpenTaskAge, work.oldestOpenTaskAgeSeconds, 'Seconds', dimensions);
    gauge(opsMetrics.tasksPastEscalation, work.tasksPastEscalation, 'Count', dimensions);
    gauge(opsMetrics.mailsAwaitingResend, work.mailsAwaitingResend, 'Count', dimensions);
    gauge(opsMetrics.subjectsNeedingAttention, work.subjectsNeedingAttention, 'Count', dimensions);
  }
  return report;
};
