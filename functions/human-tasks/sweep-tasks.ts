// Scheduled every few minutes (virtual clock in the sandbox): reminders, escalations and decision redelivery.
import { logger } from '#shared/logger.ts';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { taskDeps } from './task-deps.ts';
import { type SweepReport, sweepTasks } from './task-service.ts';

export const handler = async (): Promise<SweepReport> => {
  const report = await sweepTasks(taskDeps(mailFromEnv()));
  if (Object.values(report).some((count) => count > 0)) logger.info('SLA sweep', { ...report });
  return report;
};
