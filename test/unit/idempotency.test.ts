// Idempotency-Key against the sandbox's DynamoDB: a retry replays, never redoes; failures and expiry free the key.
import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError, InvalidInput } from '#shared/errors.ts';
import { type ApiReply, errorReply } from '#shared/http.ts';
import { IdempotencyStore, idempotencyKeyOf, once, requestFingerprint } from '#shared/idempotency.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

const table = 'idempotency-test';
const start = Date.parse('2026-03-02T09:00:00.000Z');
let nowMs = start;
const clock = { now: () => new Date(nowMs) };
let local: LocalTable;
let db: DynamoDBDocumentClient;
let store: IdempotencyStore;
let n = 0;

beforeAll(async () => {
  local = await startLocalTable(table);
  db = local.db;
  store = new IdempotencyStore(db, table, clock);
});

afterAll(async () => {
  await local?.close();
});

beforeEach(() => {
  nowMs = start;
});

/** A fresh key per test, so tests never see each other's records. */
const freshKey = () => `key-${++n}`;
const alice = 'alice@example.com';
const bob = 'bob@example.com';
const hours = (h: number) => h * 60 * 60 * 1000;

/** Work that counts its runs and answers `reply`. */
function counted(reply: ApiReply = { status: 201, body: { id: 'EX-2026-00001' } }) {
  const work = async () => {
    work.runs++;
    return reply;
  };
  work.runs = 0;
  return work;
}

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

async function record(caller: string, key: string) {
  const { Item } = await db.send(
    new GetCommand({ TableName: table, Key: { pk: `IDEMPOTENCY#${caller}#${key}`, sk: 'IDEMPOTENCY' } }),
  );
  return Item;
}

const fingerprint = (body: unknown) => requestFingerprint('POST', '/expense-claims', body);

describe('once', () => {
  it('runs the work once on the first call and stores its reply for 24 hours', async () => {
    const key = freshKey();
    const work = counted({
      status: 201,
      body: { id: 'EX-1', total: 1250 },
      headers: { location: '/x/EX-1' },
    });
    const reply = await once(store, { caller: alice, key, fingerprint: fingerprint({ a: 1 }) }, work);

    expect(work.runs).toBe(1);
    expect(reply).toEqual({
      status: 201,
      body: { id: 'EX-1', total: 1250 },
      headers: { location: '/x/EX-1' },
    });
    const item = await record(alice, key);
    expect(item).toMatchObject({
      status: 'COMPLETED',
      fingerprint: fingerprint({ a: 1 }),
      expiresAt: new Date(start + hours(24)).toISOString(),
      ttl: (start + hours(24)) / 1000,
    });
  });

  it('replays the stored reply with the replay header on a repeat, without running the work again', async () => {
    const key = freshKey();
    const first = counted({
      status: 201,
      body: { id: 'EX-2', lines: [{ n: 1 }] },
      headers: { location: '/x' },
    });
    const original = await once(
      store,
      { caller: alice, key, fingerprint: fingerprint({ a: 1, b: 2 }) },
      first,
    );
    nowMs += hours(1);
    const again = counted({ status: 201, body: { id: 'SHOULD-NOT-RUN' } });
    // Same request, keys in another order: the fingerprint does not depend on it.
    const body = JSON.parse('{"b":2,"a":1}');
    const replay = await once(store, { caller: alice, key, fingerprint: fingerprint(body) }, again);

    expect(again.runs).toBe(0);
    expect(replay.status).toBe(original.status);
    expect(replay.body).toEqual(original.body);
    expect(replay.headers).toEqual({ location: '/x', 'idempotent-replay': 'true' });
  });

  it('refuses the same key for a different request with 422 idempotency-key-reused', async () => {
    const key = freshKey();
    await once(store, { caller: alice, key, fingerprint: fingerprint({ amount: 10 }) }, counted());
    const other = counted();
    const error = await once(
      store,
      { caller: alice, key, fingerprint: fingerprint({ amount: 11 }) },
      other,
    ).catch((e: unknown) => e);

    expect(other.runs).toBe(0);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 422, code: 'idempotency-key-reused' });
    expect((error as Error).message).toMatch(/different request/);
  });

  it('runs the work exactly once for 10 concurrent calls with one key; the others replay or get 409', async () => {
    const key = freshKey();
    const release = deferred<void>();
    let runs = 0;
    const work = async (): Promise<ApiReply> => {
      runs++;
      await release.promise;
      return { status: 201, body: { id: 'EX-C' } };
    };
    const request = { caller: alice, key, fingerprint: fingerprint({ c: 1 }) };
    const calls = Array.from({ length: 10 }, () => once(store, request, work));
    setTimeout(() => release.resolve(), 50);
    const results = await Promise.allSettled(calls);

    expect(runs).toBe(1);
    const fulfilled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const rejected = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(fulfilled.filter((r) => r.headers?.['idempotent-replay'] === undefined)).toHaveLength(1);
    for (const reply of fulfilled) expect(reply).toMatchObject({ status: 201, body: { id: 'EX-C' } });
    for (const reason of rejected) expect(reason).toMatchObject({ status: 409, code: 'request-in-progress' });
    expect(fulfilled.length + rejected.length).toBe(10);

    // Once the first has finished, every further repeat replays.
    const late = await Promise.all(Array.from({ length: 5 }, () => once(store, request, work)));
    expect(runs).toBe(1);
    for (const reply of late) expect(reply.headers).toEqual({ 'idempotent-replay': 'true' });
  });

  it('answers 409 request-in-progress while the first request still runs', async () => {
    const key = freshKey();
    const release = deferred<void>();
    const request = { caller: alice, key, fingerprint: fingerprint({ p: 1 }) };
    const first = once(store, request, async () => {
      await release.promise;
      return { status: 201, body: { id: 'EX-P' } };
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = counted();
    const error = await once(store, request, second).catch((e: unknown) => e);

    expect(second.runs).toBe(0);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ status: 409, code: 'request-in-progress' });
    release.resolve();
    await first;
  });

  it('lets a repeat wait for the first request still at work, and answer with its reply', async () => {
    const waiting = new IdempotencyStore(db, table, clock, { waitForFirstMs: 5_000 });
    const key = freshKey();
    const release = deferred<void>();
    const request = { caller: alice, key, fingerprint: fingerprint({ w: 1 }) };
    const first = once(waiting, request, async () => {
      await release.promise;
      return { status: 201, body: { id: 'EX-W' } };
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = counted();
    const repeat = once(waiting, request, second);
    setTimeout(() => release.resolve(), 100);
    expect(await repeat).toEqual({
      status: 201,
      body: { id: 'EX-W' },
      headers: { 'idempotent-replay': 'true' },
    });
    expect(second.runs).toBe(0);
    await first;
  });

  it('lets a waiting repeat run the work itself when the first request fails, and gives up after its wait', async () => {
    const waiting = new IdempotencyStore(db, table, clock, { waitForFirstMs: 300 });
    const key = freshKey();
    const request = { caller: alice, key, fingerprint: fingerprint({ w: 2 }) };
    const failing = deferred<void>();
    const first = once(waiting, request, async () => {
      await failing.promise;
      throw new DomainError(409, 'budget-exceeded', 'no budget left');
    }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = counted({ status: 201, body: { id: 'EX-SECOND' } });
    const repeat = once(waiting, request, second);
    setTimeout(() => failing.resolve(), 50);
    expect(await repeat).toEqual({ status: 201, body: { id: 'EX-SECOND' } });
    expect(second.runs).toBe(1);
    expect(await first).toMatchObject({ code: 'budget-exceeded' });

    const stuck = deferred<ApiReply>();
    const other = { ...request, key: freshKey() };
    const running = once(waiting, other, () => stuck.promise);
    await new Promise((resolve) => setTimeout(resolve, 30));
    const began = Date.now();
    await expect(once(waiting, other, counted())).rejects.toMatchObject({ status: 409 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(250);
    stuck.resolve({ status: 201 });
    await running;
  });

  it('removes the record when the work throws, passes the DomainError on unchanged, and lets a retry run', async () => {
    const key = freshKey();
    const request = { caller: alice, key, fingerprint: fingerprint({ f: 1 }) };
    const failure = new DomainError(409, 'budget-exceeded', 'the cost center has no budget left');
    const error = await once(store, request, async () => {
      throw failure;
    }).catch((e: unknown) => e);

    expect(error).toBe(failure);
    expect(await record(alice, key)).toBeUndefined();
    const retry = counted();
    const reply = await once(store, request, retry);
    expect(retry.runs).toBe(1);
    expect(reply.headers?.['idempotent-replay']).toBeUndefined();
  });

  it('removes the record when the work answers 4xx, returns that reply, and lets a retry run', async () => {
    const key = freshKey();
    const request = { caller: alice, key, fingerprint: fingerprint({ f: 2 }) };
    const refused = counted({ status: 422, body: { error: 'no-budget' } });
    const reply = await once(store, request, refused);

    expect(reply).toEqual({ status: 422, body: { error: 'no-budget' } });
    expect(await record(alice, key)).toBeUndefined();
    const retry = counted();
    await once(store, request, retry);
    expect(retry.runs).toBe(1);
  });

  it('treats an expired record as absent: the work runs again and is stored anew', async () => {
    const key = freshKey();
    const request = { caller: alice, key, fingerprint: fingerprint({ e: 1 }) };
    await once(store, request, counted());
    nowMs += hours(24) + 1000;
    // The sandbox never deletes expired items, so the stale record is still in the table here.
    expect(await record(alice, key)).toBeDefined();
    const later = counted({ status: 201, body: { id: 'EX-LATER' } });
    const reply = await once(store, request, later);

    expect(later.runs).toBe(1);
    expect(reply.headers?.['idempotent-replay']).toBeUndefined();
    expect(await record(alice, key)).toMatchObject({
      expiresAt: new Date(nowMs + hours(24)).toISOString(),
    });
    // An expired record also does not block a different request with that key.
    nowMs += hours(25);
    const different = counted();
    await once(store, { caller: alice, key, fingerprint: fingerprint({ e: 2 }) }, different);
    expect(different.runs).toBe(1);
  });

  it('lets a retry take over a key whose first request died mid-work, once its 15-minute claim lapses', async () => {
    const key = freshKey();
    const request = { caller: alice, key, fingerprint: fingerprint({ d: 1 }) };
    const stuck = deferred<ApiReply>();
    const first = once(store, request, () => stuck.promise);
    await new Promise((resolve) => setTimeout(resolve, 30));
    nowMs += 14 * 60 * 1000;
    await expect(once(store, request, counted())).rejects.toMatchObject({ status: 409 });
    nowMs += 2 * 60 * 1000;
    const retry = counted({ status: 201, body: { id: 'EX-RETRY' } });
    await once(store, request, retry);
    expect(retry.runs).toBe(1);

    // The first attempt finishing late neither overwrites nor deletes the retry's stored reply.
    stuck.resolve({ status: 201, body: { id: 'EX-LATE' } });
    await first;
    const replay = await once(store, request, counted());
    expect(replay.body).toEqual({ id: 'EX-RETRY' });
  });

  it("keeps a retry's claim when the first request, given up for dead, fails late", async () => {
    const key = freshKey();
    const request = { caller: alice, key, fingerprint: fingerprint({ d: 2 }) };
    const stuck = deferred<void>();
    const failure = new DomainError(409, 'conflict', 'late failure');
    const first = once(store, request, async () => {
      await stuck.promise;
      throw failure;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    nowMs += 16 * 60 * 1000;
    await once(store, request, counted({ status: 201, body: { id: 'EX-RETRY' } }));

    stuck.resolve();
    await expect(first).rejects.toBe(failure);
    const again = counted();
    const replay = await once(store, request, again);
    expect(again.runs).toBe(0);
    expect(replay.body).toEqual({ id: 'EX-RETRY' });
  });

  it('treats a record that expires between the failed write and the read as absent', async () => {
    const key = freshKey();
    const request = { caller: alice, key, fingerprint: fingerprint({ r: 1 }) };
    await once(store, request, counted());
    // The conditional put still sees the record alive; every later reading of the clock is past its expiry.
    let readings = 0;
    const edge = { now: () => new Date(start + (readings++ === 0 ? hours(24) - 1 : hours(24) + 1)) };
    const later = counted({ status: 201, body: { id: 'EX-EDGE' } });
    const reply = await once(new IdempotencyStore(db, table, edge), request, later);

    expect(later.runs).toBe(1);
    expect(reply.body).toEqual({ id: 'EX-EDGE' });
  });

  it('scopes keys per caller: two people may use the same key', async () => {
    const key = freshKey();
    const forAlice = counted({ status: 201, body: { id: 'A' } });
    const forBob = counted({ status: 201, body: { id: 'B' } });
    await once(store, { caller: alice, key, fingerprint: fingerprint({ s: 1 }) }, forAlice);
    const bobs = await once(store, { caller: bob, key, fingerprint: fingerprint({ s: 2 }) }, forBob);

    expect(forAlice.runs).toBe(1);
    expect(forBob.runs).toBe(1);
    expect(bobs).toEqual({ status: 201, body: { id: 'B' } });
  });

  it('just runs the work, every time, when no key is sent', async () => {
    const work = counted();
    const request = { caller: alice, key: undefined, fingerprint: fingerprint({ n: 1 }) };
    await once(store, request, work);
    const second = await once(store, request, work);

    expect(work.runs).toBe(2);
    expect(second.headers).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(101)],
    ['a space', 'has space'],
    ['a #', 'a#b'],
    ['non-ASCII', 'clé'],
  ])('refuses a key with %s as 400 naming the Idempotency-Key header', async (_, key) => {
    const work = counted();
    const error = await once(store, { caller: alice, key, fingerprint: fingerprint({}) }, work).catch(
      (e: unknown) => e,
    );

    expect(work.runs).toBe(0);
    expect(error).toBeInstanceOf(InvalidInput);
    expect((error as InvalidInput).fields).toEqual([
      { field: 'Idempotency-Key', message: expect.any(String) },
    ]);
    const result = errorReply(error);
    expect(result.statusCode).toBe(400);
    expect(result.body).toContain('Idempotency-Key');
  });

  it('accepts a key of exactly 100 letters, digits, _ and -', async () => {
    const key = `${'Ab9_-'.repeat(19)}${String(++n).padStart(5, 'x')}`;
    expect(key).toHaveLength(100);
    const work = counted();
    await once(store, { caller: alice, key, fingerprint: fingerprint({ k: 1 }) }, work);
    expect(work.runs).toBe(1);
  });
});

describe('requestFingerprint', () => {
  it('ignores object key order and undefined fields but not values, paths or methods', () => {
    const a = requestFingerprint('POST', '/x', { b: 1, a: { d: [1, 2], c: 'x' }, u: undefined });
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(requestFingerprint('POST', '/x', { a: { c: 'x', d: [1, 2] }, b: 1 })).toBe(a);
    expect(requestFingerprint('POST', '/x', { a: { c: 'x', d: [2, 1] }, b: 1 })).not.toBe(a);
    expect(requestFingerprint('POST', '/y', { a: { c: 'x', d: [1, 2] }, b: 1 })).not.toBe(a);
    expect(requestFingerprint('PUT', '/x', { a: { c: 'x', d: [1, 2] }, b: 1 })).not.toBe(a);
  });
});

describe('idempotencyKeyOf', () => {
  it('reads the header from the lower-cased request headers', () => {
    expect(idempotencyKeyOf({ 'idempotency-key': 'abc' })).toBe('abc');
    expect(idempotencyKeyOf({})).toBeUndefined();
  });
});
