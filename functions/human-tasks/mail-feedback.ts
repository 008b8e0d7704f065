// SES configuration-set events through the mail-events topic (SNS): hard bounces and complaints, each handled once.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { lazy } from '#shared/lazy.ts';
import { logger } from '#shared/logger.ts';
import { mailFromEnv } from '#shared/ses-mail.ts';
import { tableFromEnv } from '#shared/table.ts';
import { stepHandler } from '#shared/workflow-kit/handlers.ts';
import { type BounceReport, handleComplaint, handleHardBounce } from './bounced-addresses.ts';
import { taskOpeningDeps } from './task-deps.ts';

const recipients = z
  .array(z.looseObject({ emailAddress: z.string().check(z.minLength(3)) }))
  .check(z.minLength(1));

/** The parts of SES's event-publishing record this reads (other event types pass the topic's filter only in tests). */
export const sesEvent = z.discriminatedUnion('eventType', [
  z.looseObject({
    eventType: z.literal('Bounce'),
    bounce: z.looseObject({
      bounceType: z.string(),
      bounceSubType: z.optional(z.string()),
      feedbackId: z.string().check(z.minLength(1)),
      bouncedRecipients: z.array(
        z.looseObject({
          emailAddress: z.string().check(z.minLength(3)),
          diagnosticCode: z.optional(z.string()),
        }),
      ),
    }),
  }),
  z.looseObject({
    eventType: z.literal('Complaint'),
    complaint: z.looseObject({
      feedbackId: z.string().check(z.minLength(1)),
      complaintFeedbackType: z.optional(z.string()),
      complainedRecipients: recipients,
    }),
  }),
]);
export type SesEvent = z.infer<typeof sesEvent>;

const snsDelivery = z.object({
  Records: z.array(z.looseObject({ Sns: z.looseObject({ Message: z.string() }) })).check(z.minLength(1)),
});

export interface FeedbackReport {
  bounces: BounceReport[];
  complaints: string[];
  /** Soft bounces (a full mailbox, a busy server): SES retried them already; nothing to change. */
  transient: string[];
  /** Events handled before (SNS delivers at least once). */
  repeated: number;
}

/** Remembers handled feedback ids for a month, so a redelivered event changes nothing and tells ops nothing twice. */
const handledOnce = lazy(() => {
  const { db, tableName } = tableFromEnv();
  const keyOf = (id: string) => ({ pk: `MAIL-FEEDBACK#${id}`, sk: 'HANDLED' });
  return {
    async isNew(id: string): Promise<boolean> {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keyOf(id) }));
      return !Item;
    },
    async remember(id: string, now: Date): Promise<void> {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keyOf(id),
            entity: 'mail-feedback',
            at: now.toISOString(),
            ttl: Math.floor(now.getTime() / 1000) + 30 * 24 * 3600,
          },
        }),
      );
    },
  };
});

export async function handleSesEvent(event: SesEvent, report: FeedbackReport): Promise<void> {
  const deps = taskOpeningDeps(mailFromEnv());
  const feedbackId = event.eventType === 'Bounce' ? event.bounce.feedbackId : event.complaint.feedbackId;
  if (!(await handledOnce().isNew(feedbackId))) {
    report.repeated++;
    return;
  }
  if (event.eventType === 'Bounce') {
    for (const recipient of event.bounce.bouncedRecipients) {
      if (event.bounce.bounceType !== 'Permanent') {
        report.transient.push(recipient.emailAddress);
        continue;
      }
      const reason = [event.bounce.bounceSubType, recipient.diagnosticCode].filter(Boolean).join(': ');
      report.bounces.push(await handleHardBounce(deps, recipient.emailAddress, reason || 'permanent bounce'));
    }
  } else {
    for (const recipient of event.complaint.complainedRecipients) {
      handleComplaint(deps, recipient.emailAddress, event.complaint.complaintFeedbackType ?? 'not given');
      report.complaints.push(recipient.emailAddress.toLowerCase());
    }
  }
  // Remembered last: if handling stopped half-way, SNS's redelivery finishes it.
  await handledOnce().remember(feedbackId, deps.clock.now());
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const handler = stepHandler(snsDelivery, async ({ Records }): Promise<FeedbackReport> => {
  const report: FeedbackReport = { bounces: [], complaints: [], transient: [], repeated: 0 };
  for (const record of Records) {
    const parsed = sesEvent.safeParse(parseJson(record.Sns.Message));
    // Deliveries and rejects are filtered out by the subscription; anything else unexpected is logged, not retried.
    if (!parsed.success) {
      logger.warn('Mail event not handled', { issues: parsed.error.issues.length });
      continue;
    }
    await handleSesEvent(parsed.data, report);
  }
  return report;
});
