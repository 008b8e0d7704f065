// The EMF metrics ops watch, by name: the handlers emit them and the stack's dashboard and alarms read them.

export const metricsNamespace = 'SalesOps';

/** Powertools' `service` dimension, on every metric (POWERTOOLS_SERVICE_NAME on every function). */
export const metricsService = 'sales-ops';

/**
 * Every metric also carries `service` and `stage` (so two stages in one account keep apart); those marked per
 * workflow carry `workflow` (the slug) as well.
 */
export const opsMetrics = {
  /** Count: a subject went to NEEDS_ATTENTION (the Catch-all path). Per workflow. */
  needsAttention: 'NeedsAttention',
  /** Gauge: subjects in NEEDS_ATTENTION now. Per workflow. */
  subjectsNeedingAttention: 'SubjectsNeedingAttention',
  /** Gauge: open human tasks now. Per workflow. */
  openTasks: 'OpenTasks',
  /** Gauge: age of the oldest open human task, in seconds. Per workflow. */
  oldestOpenTaskAge: 'OldestOpenTaskAgeSeconds',
  /** Gauge: open tasks past their escalation point that nobody took over. Per workflow. */
  tasksPastEscalation: 'TasksPastEscalation',
  /** Count: a mail SES refused or could not take; the task stays open and the sweeper sends it again. Per workflow. */
  mailNotSent: 'MailNotSent',
  /** Gauge: mails waiting for the sweeper to send them again (task links and outcome mails). Per workflow. */
  mailsAwaitingResend: 'MailsAwaitingResend',
  /** Count: one task the SLA sweep could not handle. */
  sweepTaskFailed: 'SweepTaskFailed',
  /** Count: a sweep stopped at its time budget with tasks still due. */
  sweepBacklog: 'SweepBacklog',
  /** Count: a trail entry that could not be written after the work it records was done (the ops event holds it). */
  trailEntryLost: 'TrailEntryLost',
  /** Count: a workflow that did not start, whose subject could not be put back: it claims a review nobody runs. */
  startNotUndone: 'StartNotUndone',
  /** Count: a person's address hard-bounced; it is marked undeliverable and their tasks reassigned. */
  addressBounced: 'AddressBounced',
  /** Count: a recipient marked a mail as spam. */
  mailComplaint: 'MailComplaint',
} as const;

export type OpsMetric = (typeof opsMetrics)[keyof typeof opsMetrics];
