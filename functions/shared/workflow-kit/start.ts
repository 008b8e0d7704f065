// Starting a subject's review: the execution is named by the subject's version, and a failed start undoes the write.
import type { AuditEntry, AuditTrail } from '../audit.ts';
import { logger } from '../logger.ts';
import type { WorkflowStarter } from '../workflow-starter.ts';
import { executionName, type SubjectRef } from './subject.ts';

/**
 * Starts `slug` for the subject. If the start fails, `undo` puts back what the request wrote (the subject, a budget
 * hold) so the caller can simply retry, and the error goes on; nothing is left claiming to be in review.
 */
export async function startReview(
  starter: WorkflowStarter,
  slug: string,
  subject: SubjectRef,
  undo: () => Promise<void>,
): Promise<string> {
  try {
    return await starter.start(slug, executionName(subject), { subject });
  } catch (error) {
    try {
      await undo();
    } catch (undoError) {
      logger.error('Could not undo a subject whose workflow did not start', {
        subject: subject.id,
        error: undoError as Error,
      });
    }
    throw error;
  }
}

/**
 * The trail's entry for a review that has started. By now the subject is in review, so the request has done its work
 * whatever becomes of this write: failing the request would have the client send it again and file a second one. A
 * write that fails (a throttle that outlived the SDK's retries) is logged for ops instead.
 */
export async function recordStart(audit: Pick<AuditTrail, 'record'>, entry: AuditEntry): Promise<void> {
  try {
    await audit.record(entry);
  } catch (error) {
    logger.error('Could not add the start of a review to its trail', {
      subject: entry.subjectId,
      action: entry.action,
      at: entry.at,
      error: error as Error,
    });
  }
}
