// Scheduled every few minutes (virtual clock in the sandbox): decisions redelivered, tasks of stopped workflows closed.
import type { Context } from 'aws-lambda';
import { AuditTrail } from '#shared/audit.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { logger } from '#shared/logger.ts';
import { emfOps } from '#shared/ops-signals.ts';
import { tableFromEnv } from '#shared/table.ts';
import { type DeliverySweepDeps, type DeliverySweepReport, sweepDeliveries } from './delivery-sweep.ts';
import { TaskRepository } from './task-repository.ts';
import { limitsOf } from './task-sweep.ts';
import { stepFunctionsGateway } from './workflow-gateway.ts';

// Only what delivering needs: no mail, no workflow's words, so this bundle holds neither.
const deps = lazy((): DeliverySweepDeps => {
  const { db, tableName } = tableFromEnv();
  return {
    tasks: new TaskRepository(db, tableName),
    workflow: stepFunctionsGateway(stepFunctions()),
    audit: new AuditTrail(db, tableName),
    clock: processClock,
    ops: emfOps,
  };
});

export const handler = async (_event: unknown, context?: Context): Promise<DeliverySweepReport> => {
  const report = await sweepDeliveries(deps(), limitsOf(context));
  if (report.backlog || report.failed + report.redelivered + report.cancelled > 0)
    logger.info('Delivery sweep', { ...report });
  return report;
};
