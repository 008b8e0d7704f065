// The kit's dependencies from the environment, made once per container: the table, and mail for the ending steps.
import { cancelOpenTasks, closeExpiredTasks } from '#human-tasks/task-closing.ts';
import { TaskRepository } from '#human-tasks/task-repository.ts';

import { processClock } from '../clock.ts';
import { MailOutbox, subjectMailer } from '../mail-outbox.ts';
import { emfOps } from '../ops-signals.ts';
import { mailFromEnv } from '../ses-mail.ts';
import { auditFromEnv, peopleFromEnv, tableFromEnv } from '../table.ts';
import { ReviewStore } from './reviews.ts';
import type { KitDeps, KitEndingDeps } from './steps.ts';

let base: KitDeps | undefined;

export function kitDeps(): KitDeps {
  if (!base) {
    const { db, tableName } = tableFromEnv();
    base = {
      reviews: new ReviewStore(db, tableName),
      tasks: new TaskRepository(db, tableName),
      audit: auditFromEnv(),
      people: peopleFromEnv(),
      clock: processClock,
    };
  }
  return base;
}

let ending: KitEndingDeps | undefined;

/** For the steps that end a review: they mail the requester and close the tasks left open. */
export function kitEndingDeps(): KitEndingDeps {
  if (!ending) {
    const kit = kitDeps();
    const { db, tableName } = tableFromEnv();
    const mailer = subjectMailer({
      mailer: mailFromEnv().mailer,
      outbox: new MailOutbox(db, tableName),
      audit: kit.audit,
      ops: emfOps,
      clock: kit.clock,
    });
    const closing = { ...kit, tasks: new TaskRepository(db, tableName), mailer };
    ending = {
      ...kit,
      mailer,
      closing: {
        closeExpired: async (subjectId, executionArn, names) => {
          await closeExpiredTasks(closing, subjectId, executionArn, names);
        },
        cancelOpen: (subjectId, executionArn, reason) =>
          cancelOpenTasks(closing, subjectId, executionArn, reason),
      },
      ops: emfOps,
    };
  }
  return ending;
}
