// Scheduled every few minutes (virtual clock in the sandbox): reminders, escalations, mail resends and redelivery.
import type { Context } from 'aws-lambda';
import { logger } from '#shared/logger.ts';
import { MailOutbox } from '#shared/mail-outbox.ts';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { tableFromEnv } from '#shared/table.ts';
import { taskDeps } from './task-deps.ts';
import { type SweepReport, sweepTasks } from './task-sweep.ts';

/** The share of the run left to the batch under way when the sweep stops taking new ones. */
const reserveShare = 0.25;

export const handler = async (_event: unknown, context?: Context): Promise<SweepReport> => {
  const { db, tableName } = tableFromEnv();
  // Remaining time at the start is the function's timeout, whatever the stack (or the sandbox) set it to.
  const budgetMs = context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
  const report = await sweepTasks(
    { ...taskDeps(mailFromEnv()), outbox: new MailOutbox(db, tableName) },
    {
      timeLeftMs: () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
      reserveMs: Number.isFinite(budgetMs) ? budgetMs * reserveShare : 0,
      pageSize: 25,
      concurrency: 5,
    },
  );
  const { backlog, ...counts } = report;
  if (backlog || Object.values(counts).some((count) => count > 0)) logger.info('SLA sweep', { ...report });
  return report;
};
