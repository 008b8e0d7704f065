// Mail about a subject that SES did not take: audited, counted for ops, and kept for the SLA sweep to send again.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditTrail } from './audit.ts';
import type { Clock } from './clock.ts';
import { type Mailer, type OutgoingMail, trySend } from './mailer.ts';
import type { Ops } from './ops-signals.ts';
import { queryAll } from './query-all.ts';

/** Which subject a mail is about, for its trail and its workflow's metrics. */
export interface MailAbout {
  subjectId: string;
  workflow: string;
}

/** Outcome and notice mails: they carry no secret, so the very mail can wait in the table to be sent again. */
export interface SubjectMailer {
  send(mail: OutgoingMail, about: MailAbout): Promise<void>;
}

export interface KeptMail extends MailAbout {
  id: string;
  mail: OutgoingMail;
  attempts: number;
  retryAt: string;
  firstFailedAt: string;
  reason: string;
}

/** Wait before the n-th retry: five minutes, doubling, at most four hours. */
export function mailRetryDelayMs(attempts: number): number {
  return Math.min(5 * 60_000 * 2 ** Math.max(0, attempts - 1), 4 * 60 * 60_000);
}

/** After this long a kept mail is given up (audited): whatever it said is stale by then. */
const keepForMs = 7 * 24 * 60 * 60_000;

const dueKey = 'DUE#MAIL';
const keyOf = (id: string) => ({ pk: `MAIL#${id}`, sk: 'MAIL' });

export class MailOutbox {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(db: DynamoDBDocumentClient, tableName: string) {
    this.#db = db;
    this.#table = tableName;
  }

  async keep(kept: KeptMail): Promise<void> {
    await this.#db.send(
      new PutCommand({
        TableName: this.#table,
        Item: {
          ...keyOf(kept.id),
          entity: 'kept-mail',
          gsi2pk: dueKey,
          gsi2sk: `${kept.retryAt}#${kept.id}`,
          ...kept,
        },
      }),
    );
  }

  /** Kept mails due at `now`, oldest first, at most `limit`. */
  async due(now: Date, limit: number): Promise<KeptMail[]> {
    const page = await this.#db.send(
      new QueryCommand({
        TableName: this.#table,
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :due AND gsi2sk <= :now',
        ExpressionAttributeValues: { ':due': dueKey, ':now': `${now.toISOString()}#~` },
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(
      ({ pk: _pk, sk: _sk, entity: _e, gsi2pk: _a, gsi2sk: _b, ...kept }) => kept as unknown as KeptMail,
    );
  }

  /** Every kept mail, due or not: what the gauges count. */
  async all(): Promise<KeptMail[]> {
    const items = await queryAll(this.#db, {
      TableName: this.#table,
      IndexName: 'gsi2',
      KeyConditionExpression: 'gsi2pk = :due',
      ExpressionAttributeValues: { ':due': dueKey },
    });
    return items.map(
      ({ pk: _pk, sk: _sk, entity: _e, gsi2pk: _a, gsi2sk: _b, ...kept }) => kept as unknown as KeptMail,
    );
  }

  async remove(kept: KeptMail): Promise<void> {
    await this.#db.send(new DeleteCommand({ TableName: this.#table, Key: keyOf(kept.id) }));
  }
}

export interface OutboxDeps {
  mailer: Mailer;
  outbox: Pick<MailOutbox, 'keep'>;
  audit: Pick<AuditTrail, 'record'>;
  ops: Ops;
  clock: Clock;
}

/**
 * A mailer that never fails its caller over SES: a mail not taken is audited on its subject, told to ops (an alarm
 * watches it) and kept for the sweep, so a step that tells the requester something ends normally in the SES sandbox.
 */
export function subjectMailer(deps: OutboxDeps): SubjectMailer {
  return {
    async send(mail, about) {
      const outcome = await trySend(deps.mailer, mail);
      if (outcome.sent) return;
      const now = deps.clock.now();
      const kept: KeptMail = {
        ...about,
        id: randomUUID(),
        mail,
        attempts: 1,
        retryAt: new Date(now.getTime() + mailRetryDelayMs(1)).toISOString(),
        firstFailedAt: now.toISOString(),
        reason: outcome.reason,
      };
      await deps.outbox.keep(kept);
      await deps.audit.record({
        subjectId: about.subjectId,
        at: now.toISOString(),
        actor: 'system',
        action: outcome.refused ? 'mail-refused' : 'mail-failed',
        detail: { to: mail.to, subject: mail.subject, reason: outcome.reason, retryAt: kept.retryAt },
      });
      deps.ops.tell({
        event: 'mail-not-sent',
        ...about,
        to: mail.to,
        refused: outcome.refused,
        reason: outcome.reason,
      });
    },
  };
}

/** The sweep's turn at one kept mail: sent (removed), tried again later, or given up after a week (audited). */
export async function resendKept(
  deps: OutboxDeps & { outbox: Pick<MailOutbox, 'keep' | 'remove'> },
  kept: KeptMail,
): Promise<'sent' | 'kept' | 'given-up'> {
  const outcome = await trySend(deps.mailer, kept.mail);
  const now = deps.clock.now();
  if (outcome.sent) {
    await deps.outbox.remove(kept);
    await deps.audit.record({
      subjectId: kept.subjectId,
      at: now.toISOString(),
      actor: 'system',
      action: 'mail-resent',
      detail: { to: kept.mail.to, subject: kept.mail.subject, attempts: kept.attempts + 1 },
    });
    return 'sent';
  }
  deps.ops.tell({
    event: 'mail-not-sent',
    workflow: kept.workflow,
    subjectId: kept.subjectId,
    to: kept.mail.to,
    refused: outcome.refused,
    reason: outcome.reason,
  });
  if (now.getTime() - Date.parse(kept.firstFailedAt) >= keepForMs) {
    await deps.outbox.remove(kept);
    await deps.audit.record({
      subjectId: kept.subjectId,
      at: now.toISOString(),
      actor: 'system',
      action: 'mail-given-up',
      detail: {
        to: kept.mail.to,
        subject: kept.mail.subject,
        attempts: kept.attempts + 1,
        reason: outcome.reason,
      },
    });
    return 'given-up';
  }
  const attempts = kept.attempts + 1;
  // The same item, due later: a put under its key replaces it.
  await deps.outbox.keep({
    ...kept,
    attempts,
    reason: outcome.reason,
    retryAt: new Date(now.getTime() + mailRetryDelayMs(attempts)).toISOString(),
  });
  return 'kept';
}
