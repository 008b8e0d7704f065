// Runs when the delivery sweep ends, whatever its result: reminders, escalations, due alerts and mail resends.
import type { Context } from 'aws-lambda';
import { lazy } from '#shared/lazy.ts';
import { logger } from '#shared/logger.ts';
import { MailOutbox } from '#shared/mail-outbox.ts';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { tableFromEnv } from '#shared/table.ts';
import { type MailSweepReport, sweepMail } from './mail-sweep.ts';
import { taskOpeningDeps } from './task-deps.ts';
import { limitsOf } from './task-sweep.ts';

const outbox = lazy(() => new MailOutbox(tableFromEnv().db, tableFromEnv().tableName));

// The event is the delivery sweep's outcome (a Lambda destination's record): nothing in it changes what is due.
export const handler = async (_event: unknown, context?: Context): Promise<MailSweepReport> => {
  const report = await sweepMail({ ...taskOpeningDeps(mailFromEnv()), outbox: outbox() }, limitsOf(context));
  const { backlog, ...counts } = report;
  if (backlog || Object.values(counts).some((count) => count > 0)) logger.info('Mail sweep', { ...report });
  return report;
};
