// Telling ops: each event is an EMF metric an alarm watches and one structured log line with the details.
import type { AuditEntry } from './audit.ts';
import { logger } from './logger.ts';
import { countOne } from './metrics.ts';
import { type OpsMetric, opsMetrics } from './ops-metrics.ts';

/** What ops hear about; the log line carries every field (the dashboard's "Ops events" query reads `opsEvent`). */
export type OpsEvent =
  | { event: 'needs-attention'; workflow: string; subjectId: string; error: string }
  | {
      event: 'mail-not-sent';
      workflow: string;
      subjectId: string;
      to: string;
      /** True when SES refused it (sandbox, unverified sender, paused account…), false for a passing fault. */
      refused: boolean;
      reason: string;
      taskId?: string;
    }
  | { event: 'sweep-task-failed'; workflow: string; taskId: string; reason: string }
  /** The trail could not take an entry after the work it records was done: the entry is here, to add by hand. */
  | { event: 'trail-entry-lost'; entry: AuditEntry; reason: string }
  /** A subject's workflow did not start and putting the subject back failed: it claims a review nobody runs. */
  | { event: 'start-not-undone'; workflow: string; subjectId: string; reason: string }
  | { event: 'sweep-backlog'; handled: number }
  | { event: 'address-bounced'; email: string; reassigned: number; notReassigned: number; known: boolean }
  | { event: 'mail-complaint'; email: string; feedbackType: string };

/** An error as ops read it: its name and message, cut to what a log line and an alarm need. */
export const failureReason = (error: unknown): string =>
  `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);

export interface Ops {
  tell(event: OpsEvent): void;
}

const metricOf: Record<OpsEvent['event'], OpsMetric> = {
  'needs-attention': opsMetrics.needsAttention,
  'mail-not-sent': opsMetrics.mailNotSent,
  'sweep-task-failed': opsMetrics.sweepTaskFailed,
  'trail-entry-lost': opsMetrics.trailEntryLost,
  'start-not-undone': opsMetrics.startNotUndone,
  'sweep-backlog': opsMetrics.sweepBacklog,
  'address-bounced': opsMetrics.addressBounced,
  'mail-complaint': opsMetrics.mailComplaint,
};

/** Events per workflow carry the workflow dimension, so the dashboard's workflow rows and alarms can tell them apart. */
const perWorkflow = new Set<OpsEvent['event']>(['needs-attention', 'mail-not-sent']);

export const emfOps: Ops = {
  tell(event) {
    const { event: name, ...details } = event;
    logger.warn(`Ops: ${name}`, { opsEvent: name, ...details });
    countOne(
      metricOf[name],
      perWorkflow.has(name) && 'workflow' in event ? { workflow: event.workflow } : {},
    );
  },
};
