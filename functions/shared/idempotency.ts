// Idempotency-Key for creating POSTs: a retried request replays the first reply instead of creating twice (DESIGN §4).
import { createHash, randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from './clock.ts';
import { DomainError, InvalidInput } from './errors.ts';
import type { ApiReply } from './http.ts';
import { logger } from './logger.ts';

/** The header as clients send it; `ApiRequest.headers` holds it lower-cased. */
export const idempotencyKeyHeader = 'Idempotency-Key';

const keyFormat = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * How long a claim by a running request blocks others. Longer than any Lambda can run (15 minutes), so a live first
 * request is never overtaken, yet a request whose Lambda died mid-work does not lock its key for the whole TTL.
 */
const inProgressLeaseMs = 15 * 60 * 1000;

/** Bounds the claim loop: each turn means a record vanished or expired between our write and our read. */
const maxClaimAttempts = 5;

export type Claim = { outcome: 'claimed'; attempt: string } | { outcome: 'replay'; reply: ApiReply };

interface StoredRecord {
  status: 'IN_PROGRESS' | 'COMPLETED';
  fingerprint: string;
  attempt: string;
  expiresAt: string;
  reply?: string;
}

const recordKey = (caller: string, key: string) => ({
  pk: `IDEMPOTENCY#${caller}#${key}`,
  sk: 'IDEMPOTENCY',
});

const isConditionFailure = (error: unknown) =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

export const keyReused = () =>
  new DomainError(422, 'idempotency-key-reused', 'this Idempotency-Key was used for a different request');
export const requestInProgress = () =>
  new DomainError(
    409,
    'request-in-progress',
    'the first request with this key is still running; retry shortly',
  );

export interface IdempotencyOptions {
  /** How long a stored reply is replayed. */
  ttlHours?: number;
  /**
   * How long a repeat waits, in real time, for a first request that is still at work, to answer as it does; after
   * that, 409 request-in-progress. Well inside the API's timeout.
   */
  waitForFirstMs?: number;
}

/** How often a waiting repeat looks at the first request's record. */
const lookEveryMs = 50;

export class IdempotencyStore {
  readonly #db: DynamoDBDocumentClient;
  readonly #table: string;
  readonly #clock: Clock;
  readonly #ttlMs: number;
  readonly #waitForFirstMs: number;

  constructor(db: DynamoDBDocumentClient, tableName: string, clock: Clock, options: IdempotencyOptions = {}) {
    this.#db = db;
    this.#table = tableName;
    this.#clock = clock;
    this.#ttlMs = (options.ttlHours ?? 24) * 60 * 60 * 1000;
    this.#waitForFirstMs = options.waitForFirstMs ?? 0;
  }

  /**
   * Claims (caller, key) for one attempt, or says why not: the stored reply to replay, or a 409/422 DomainError.
   * The put may overwrite an expired record because the sandbox's DynamoDB never deletes them.
   */
  async claim(caller: string, key: string, fingerprint: string): Promise<Claim> {
    const giveUpAt = Date.now() + this.#waitForFirstMs;
    for (let i = 0; i < maxClaimAttempts; ) {
      const now = this.#clock.now();
      const attempt = randomUUID();
      try {
        await this.#db.send(
          new PutCommand({
            TableName: this.#table,
            Item: {
              ...recordKey(caller, key),
              entity: 'idempotency',
              status: 'IN_PROGRESS',
              fingerprint,
              attempt,
              createdAt: now.toISOString(),
              ...expiry(now, inProgressLeaseMs),
            },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': now.toISOString() },
          }),
        );
        return { outcome: 'claimed', attempt };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const existing = await this.#read(caller, key);
      if (!existing) {
        i++;
        continue;
      }
      if (existing.fingerprint !== fingerprint) throw keyReused();
      if (existing.status === 'COMPLETED') {
        return { outcome: 'replay', reply: JSON.parse(existing.reply ?? '{}') as ApiReply };
      }
      // The first request is still at work: its reply (or its failure, which frees the key) is usually moments away.
      if (Date.now() >= giveUpAt) throw requestInProgress();
      await new Promise((resolve) => setTimeout(resolve, lookEveryMs));
    }
    throw requestInProgress();
  }

  /** Stores the reply of a successful attempt; unless another attempt has taken the key over since. */
  async complete(caller: string, key: string, attempt: string, reply: ApiReply): Promise<void> {
    const now = this.#clock.now();
    const { expiresAt, ttl } = expiry(now, this.#ttlMs);
    try {
      await this.#db.send(
        new UpdateCommand({
          TableName: this.#table,
          Key: recordKey(caller, key),
          UpdateExpression:
            'SET #status = :completed, #reply = :reply, completedAt = :now, expiresAt = :expiresAt, #ttl = :ttl',
          ConditionExpression: '#attempt = :attempt',
          ExpressionAttributeNames: {
            '#status': 'status',
            '#reply': 'reply',
            '#ttl': 'ttl',
            '#attempt': 'attempt',
          },
          ExpressionAttributeValues: {
            ':completed': 'COMPLETED',
            // Stored as the JSON the client saw, so a replay is the same bytes whatever types the body held.
            ':reply': JSON.stringify({
              status: reply.status,
              body: reply.body,
              html: reply.html,
              headers: reply.headers,
            }),
            ':now': now.toISOString(),
            ':expiresAt': expiresAt,
            ':ttl': ttl,
            ':attempt': attempt,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** Frees the key after a failed attempt so the client can retry; leaves a newer attempt's claim alone. */
  async release(caller: string, key: string, attempt: string): Promise<void> {
    try {
      await this.#db.send(
        new DeleteCommand({
          TableName: this.#table,
          Key: recordKey(caller, key),
          ConditionExpression: '#attempt = :attempt',
          ExpressionAttributeNames: { '#attempt': 'attempt' },
          ExpressionAttributeValues: { ':attempt': attempt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async #read(caller: string, key: string): Promise<StoredRecord | undefined> {
    const { Item } = await this.#db.send(
      new GetCommand({ TableName: this.#table, Key: recordKey(caller, key), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const record = Item as unknown as StoredRecord;
    return record.expiresAt < this.#clock.now().toISOString() ? undefined : record;
  }
}

function expiry(now: Date, lifetimeMs: number) {
  const expiresAt = new Date(now.getTime() + lifetimeMs);
  return { expiresAt: expiresAt.toISOString(), ttl: Math.ceil(expiresAt.getTime() / 1000) };
}

/** The key from a request's (lower-cased) headers; undefined when the client sent none. */
export function idempotencyKeyOf(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  return headers[idempotencyKeyHeader.toLowerCase()];
}

/** Runs `work` once per (caller, key); replays the stored reply for a repeat; no header → just runs work. */
export async function once(
  store: IdempotencyStore,
  request: { caller: string; key: string | undefined; fingerprint: string },
  work: () => Promise<ApiReply>,
): Promise<ApiReply> {
  const { caller, key, fingerprint } = request;
  if (key === undefined) return work();
  if (!keyFormat.test(key)) {
    throw new InvalidInput([
      { field: idempotencyKeyHeader, message: 'Must be 1 to 100 characters of letters, digits, _ and -' },
    ]);
  }
  const claim = await store.claim(caller, key, fingerprint);
  if (claim.outcome === 'replay') {
    return { ...claim.reply, headers: { ...claim.reply.headers, 'idempotent-replay': 'true' } };
  }
  let reply: ApiReply;
  try {
    reply = await work();
  } catch (error) {
    await releaseQuietly(store, caller, key, claim.attempt);
    throw error;
  }
  const status = reply.status ?? 200;
  if (status >= 200 && status < 300) {
    try {
      await store.complete(caller, key, claim.attempt, reply);
    } catch (error) {
      // The work is done: the client gets its reply; a retry meets 409 until the lease ends.
      logger.warn('Could not store the idempotent reply', { idempotencyKey: key, error: error as Error });
    }
  } else {
    await releaseQuietly(store, caller, key, claim.attempt);
  }
  return reply;
}

/** A failed release must not hide the reason the work failed; the claim's lease frees the key later anyway. */
async function releaseQuietly(store: IdempotencyStore, caller: string, key: string, attempt: string) {
  try {
    await store.release(caller, key, attempt);
  } catch (error) {
    logger.warn('Could not release an idempotency key', { idempotencyKey: key, error: error as Error });
  }
}

/** SHA-256 of a JSON with sorted object keys, so the same request hashes the same whatever its key order. */
export function requestFingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(stableJson(parts)).digest('hex');
}

function stableJson(value: unknown): string {
  if (
    value !== null &&
    typeof value === 'object' &&
    'toJSON' in value &&
    typeof value.toJSON === 'function'
  ) {
    return stableJson(value.toJSON());
  }
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined && typeof item !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, item]) => `${JSON.stringify(name)}:${stableJson(item)}`);
    return `{${entries.join(',')}}`;
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  return JSON.stringify(value) ?? 'null';
}
