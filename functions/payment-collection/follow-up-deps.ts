// Follow-ups from the environment: started by a level, closed by the next level or a payment (Step Functions), once.
import { closeTasksNoLongerNeeded } from '#human-tasks/task-closing.ts';
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { stepFunctionsGateway } from '#human-tasks/workflow-gateway.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { lazy } from '#shared/lazy.ts';
import { tableFromEnv } from '#shared/table.ts';
import { starterFromEnv } from '#shared/workflow-starter.ts';
import { collectionDeps } from './collection-deps.ts';
import type { LadderDeps } from './ladder-steps.ts';
import type { Installment } from './model.ts';
import { paymentCollection } from './workflow.ts';

/** The error an ended follow-up's waiting step fails with; its Catch goes to `No longer needed`. */
export const followUpClosed = 'FollowUpClosed';

/** Closes the installment's open follow-ups and ends their executions' waits. */
export const closeFollowUps = lazy(() => {
  const { db, tableName } = tableFromEnv();
  const deps = {
    tasks: new TaskRepository(db, tableName),
    audit: collectionDeps().audit,
    clock: collectionDeps().clock,
    workflow: stepFunctionsGateway(stepFunctions()),
  };
  return async (installment: Installment, reason: string) => {
    await closeTasksNoLongerNeeded(deps, installment.id, reason, followUpClosed);
  };
});

export const followUps = lazy((): LadderDeps['followUps'] => ({
  start: async (installment, level) => {
    const subject = { kind: paymentCollection.kind, id: installment.id, version: installment.version };
    await starterFromEnv().start('collection-follow-up', `${installment.id}-L${level}`, { subject, level });
  },
  closeOpen: (installment, reason) => closeFollowUps()(installment, reason),
}));
