// What SES would publish to the mail-events topic for a bounce or a complaint, as SNS delivers it to the handler.
import { randomUUID } from 'node:crypto';

export type SimulatedMailEvent = 'bounce' | 'complaint';

/** An SNS delivery of one SES configuration-set event: a hard bounce (mailbox unknown) or an abuse complaint. */
export function simulatedSesEvent(type: SimulatedMailEvent, email: string, now: Date) {
  const at = now.toISOString();
  const mail = {
    timestamp: at,
    source: process.env.SENDER_EMAIL ?? 'workflows@example.com',
    messageId: randomUUID(),
    destination: [email],
    tags: { 'ses:configuration-set': ['local-sales-ops'] },
  };
  const feedbackId = `local-${randomUUID()}`;
  const event =
    type === 'bounce'
      ? {
          eventType: 'Bounce',
          bounce: {
            bounceType: 'Permanent',
            bounceSubType: 'General',
            bouncedRecipients: [
              {
                emailAddress: email,
                action: 'failed',
                status: '5.1.1',
                diagnosticCode: 'smtp; 550 5.1.1 user unknown',
              },
            ],
            timestamp: at,
            feedbackId,
            reportingMTA: 'dsn; sandbox.local',
          },
          mail,
        }
      : {
          eventType: 'Complaint',
          complaint: {
            complainedRecipients: [{ emailAddress: email }],
            timestamp: at,
            feedbackId,
            complaintFeedbackType: 'abuse',
          },
          mail,
        };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        Sns: { Type: 'Notification', MessageId: randomUUID(), Timestamp: at, Message: JSON.stringify(event) },
      },
    ],
  };
}
