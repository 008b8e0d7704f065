// Starting a subject's review: the execution is named by the subject's version, and a failed start undoes the write.
import type { AuditEntry, AuditTrail } from '../audit.ts';
import type { IdPrefix } from '../business-ids.ts';
import type { Clock } from '../clock.ts';
import { failureReason, type Ops } from '../ops-signals.ts';
import type { WorkflowStarter } from '../workflow-starter.ts';
import { executionName, type SubjectRef } from './subject.ts';

/** What filing any subject needs besides its workflow's own repositories (filing-deps.ts builds it from the env). */
export interface FilingBasics {
  audit: Pick<AuditTrail, 'record'>;
  starter: WorkflowStarter;
  clock: Clock;
  nextId(prefix: IdPrefix, year: number): Promise<string>;
  /** A start that could not be undone and a trail entry that could not be written reach ops through it. */
  ops: Ops;
}

/**
 * Starts `slug` for the subject. If the start fails, `undo` puts back what the request wrote (the subject, a budget
 * hold) so the caller can simply retry, and the error goes on; nothing is left claiming to be in review.
 */
export async function startReview(
  deps: Pick<FilingBasics, 'starter' | 'ops'>,
  slug: string,
  subject: SubjectRef,
  undo: () => Promise<void>,
): Promise<string> {
  try {
    return await deps.starter.start(slug, executionName(subject), { subject });
  } catch (error) {
    try {
      await undo();
    } catch (undoError) {
      // The subject now claims a review no execution runs: ops put it right by hand (runbook).
      deps.ops.tell({
        event: 'start-not-undone',
        workflow: slug,
        subjectId: subject.id,
        reason: failureReason(undoError),
      });
    }
    throw error;
  }
}

/**
 * The trail's entry for a review that has started. By now the subject is in review, so the request has done its work
 * whatever becomes of this write: failing the request would have the client send it again and file a second one. A
 * write that fails (a throttle that outlived the SDK's retries) goes to ops instead, with the entry it should have made.
 */
export async function recordStart(
  deps: Pick<FilingBasics, 'audit' | 'ops'>,
  entry: AuditEntry,
): Promise<void> {
  try {
    await deps.audit.record(entry);
  } catch (error) {
    deps.ops.tell({ event: 'trail-entry-lost', entry, reason: failureReason(error) });
  }
}
