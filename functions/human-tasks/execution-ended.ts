// Step Functions execution status change (EventBridge): an execution stopped, failed or timed out leaves no open task.
import * as z from 'zod/mini';
import { processClock } from '#shared/clock.ts';
import { lazy } from '#shared/lazy.ts';
import { auditFromEnv, tableFromEnv } from '#shared/table.ts';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { cancelOpenTasks } from './task-closing.ts';
import { TaskRepository } from './task-repository.ts';

/** The part of EventBridge's "Step Functions Execution Status Change" event this needs. */
const statusChange = z.object({
  detail: z.object({
    executionArn: z.string().check(z.minLength(1)),
    status: z.string(),
    input: z.nullish(z.string()),
  }),
});

const endedWithoutSuccess = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

const deps = lazy(() => ({
  tasks: new TaskRepository(tableFromEnv().db, tableFromEnv().tableName),
  audit: auditFromEnv(),
  clock: processClock,
}));

function subjectIdOf(input: string | null | undefined): string | undefined {
  try {
    const id = (JSON.parse(input ?? '{}') as { subject?: { id?: unknown } }).subject?.id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

export const handler = stepHandler(statusChange, async ({ detail }) => {
  const subjectId = subjectIdOf(detail.input);
  if (!endedWithoutSuccess.has(detail.status) || !subjectId) return { cancelled: false };
  const reason = `the workflow ended: ${detail.status.toLowerCase().replace('_', ' ')}`;
  await cancelOpenTasks(deps(), subjectId, detail.executionArn, reason);
  return { cancelled: true };
});
