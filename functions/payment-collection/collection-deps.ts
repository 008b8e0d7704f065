// Payment collection's dependencies from the environment, made once per container: the table, mail, starts, tasks.
import { closeTasksNoLongerNeeded } from '#human-tasks/task-closing.ts';
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { stepFunctionsGateway } from '#human-tasks/workflow-gateway.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';
import { lazy } from '#shared/lazy.ts';
import { tableFromEnv } from '#shared/table.ts';
import { kitEndingDeps } from '#shared/workflow-kit/kit-deps.ts';
import { starterFromEnv } from '#shared/workflow-starter.ts';
import type { StartDeps } from './collection-start.ts';
import type { LadderDeps } from './ladder-steps.ts';
import type { Installment } from './model.ts';
import { type CollectionDeps, paymentCollection } from './workflow.ts';

export const collectionDeps = lazy((): CollectionDeps => paymentCollection.deps(tableFromEnv()));

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

/** For the steps that start ladder runs: the collection's store and the starter. */
export const startDeps = lazy((): StartDeps & CollectionDeps => ({
  ...collectionDeps(),
  starter: starterFromEnv(),
}));

/** For the ladder's own steps: mail, follow-ups started and closed. */
export const ladderDeps = lazy(
  (): LadderDeps => ({
    ...collectionDeps(),
    mailer: kitEndingDeps().mailer,
    followUps: {
      start: async (installment, level) => {
        const subject = { kind: paymentCollection.kind, id: installment.id, version: installment.version };
        await starterFromEnv().start('collection-follow-up', `${installment.id}-L${level}`, {
          subject,
          level,
        });
      },
      closeOpen: (installment, reason) => closeFollowUps()(installment, reason),
    },
  }),
);
