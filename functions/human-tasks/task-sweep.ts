// What both SLA sweeps share: a run's time budget, batches of due tasks, and failures counted for ops.
import type { Context } from 'aws-lambda';
import type { AuditTrail } from '#shared/audit.ts';
import { failureReason, type Ops } from '#shared/ops-signals.ts';
import { closePending } from './task-closing.ts';
import { type StoredTask, TaskConflict, type TaskRepository } from './task-repository.ts';

/** How much a sweep may do: the Lambda's remaining time, and the batch sizes that keep each step well inside it. */
export interface SweepLimits {
  timeLeftMs(): number;
  /** Stop taking new batches with less than this left: a batch's slowest task must still finish. */
  reserveMs: number;
  pageSize: number;
  /** Items handled at once within a batch: each waits mostly on DynamoDB, SES and Step Functions. */
  concurrency: number;
}

export const unlimited: SweepLimits = {
  timeLeftMs: () => Number.POSITIVE_INFINITY,
  reserveMs: 0,
  pageSize: 25,
  concurrency: 4,
};

/** The share of the run left to the batch under way when a sweep stops taking new ones. */
const reserveShare = 0.25;

/** The limits of a sweep running in a Lambda: the time it has left, whatever its timeout was set to. */
export function limitsOf(context: Context | undefined): SweepLimits {
  const timeLeftMs = () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
  const budgetMs = timeLeftMs();
  return {
    timeLeftMs,
    reserveMs: Number.isFinite(budgetMs) ? budgetMs * reserveShare : 0,
    pageSize: 25,
    concurrency: 5,
  };
}

/** How a run went, besides its own counts. */
export interface SweepOutcome {
  failed: number;
  /** It stopped at its time budget with work still due; the next run goes on. */
  backlog: boolean;
}

/** What is due about an item, for ops when handling it fails. */
interface Handled {
  workflow: string;
  taskId: string;
}

/** One run of a sweep: it takes batches while its time allows, and one item's failure is that item's alone. */
export class SweepRun {
  readonly #ops: Ops;
  readonly #limits: SweepLimits;
  #failed = 0;
  #backlog = false;
  #handled = 0;

  constructor(ops: Ops, limits: SweepLimits) {
    this.#ops = ops;
    this.#limits = limits;
  }

  /** Whether another batch may start; once it may not, the run has a backlog. */
  mayGoOn(): boolean {
    if (!this.#backlog && this.#limits.timeLeftMs() < this.#limits.reserveMs) this.#backlog = true;
    return !this.#backlog;
  }

  get pageSize(): number {
    return this.#limits.pageSize;
  }

  /**
   * Handles `items` a few at a time. One that throws is counted and told to ops, and the others go on; a task that
   * changed meanwhile (decided, closed) has nothing left to do.
   */
  async inBatches<T>(
    items: readonly T[],
    about: (item: T) => Handled,
    handle: (item: T) => Promise<void>,
  ): Promise<void> {
    const size = this.#limits.concurrency;
    for (let i = 0; i < items.length; i += size) {
      await Promise.all(
        items.slice(i, i + size).map(async (item) => {
          try {
            await handle(item);
          } catch (error) {
            if (error instanceof TaskConflict) return;
            this.#failed++;
            this.#ops.tell({ event: 'sweep-task-failed', ...about(item), reason: failureReason(error) });
          }
        }),
      );
    }
    this.#handled += items.length;
  }

  /** Every task the due index lists at `now`, page by page, while time allows. */
  async dueTasks(
    tasks: Pick<TaskRepository, 'duePage'>,
    now: Date,
    handle: (task: StoredTask) => Promise<void>,
  ): Promise<void> {
    let after: Record<string, unknown> | undefined;
    do {
      if (!this.mayGoOn()) return;
      const page = await tasks.duePage(now, this.#limits.pageSize, after);
      await this.inBatches(page.tasks, (task) => ({ workflow: task.workflow.slug, taskId: task.id }), handle);
      after = page.next;
    } while (after);
  }

  /** Ends the run; a backlog is told to ops, whose alarm watches for one that lasts. */
  end(): SweepOutcome {
    if (this.#backlog) this.#ops.tell({ event: 'sweep-backlog', handled: this.#handled });
    return { failed: this.#failed, backlog: this.#backlog };
  }
}

/** Closes a task nobody can decide any more, and says why in its subject's trail. */
export async function closeUndecidable(
  deps: { tasks: Pick<TaskRepository, 'ofSubject' | 'get' | 'replace'>; audit: Pick<AuditTrail, 'record'> },
  task: StoredTask,
  now: Date,
  status: 'CANCELLED' | 'EXPIRED',
  reason: string,
): Promise<void> {
  if (!(await closePending(deps, task, { status, closedReason: reason }, now))) return;
  await deps.audit.record({
    subjectId: task.subject.id,
    at: now.toISOString(),
    actor: 'system',
    action: status === 'CANCELLED' ? 'task-cancelled' : 'task-expired',
    detail: { taskId: task.id, reason },
  });
}
