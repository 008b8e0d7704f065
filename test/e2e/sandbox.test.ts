// The sandbox as a newcomer meets it: the API and /_local endpoints over HTTP, and a restart on the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPeople, seedAdmin } from '#infra/local/seed.ts';
import { startTestSandbox, type TestSandbox } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'sales-ops-sandbox-'));
let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox({ dir });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a fresh sandbox', () => {
  it('answers health and seeds the demo organisation', async () => {
    expect((await sandbox.request('GET', '/health')).json()).toEqual({ status: 'ok' });
    expect(sandbox.seeded).toBe(true);
    const token = await sandbox.login(seedAdmin);
    for (const person of demoPeople) {
      const reply = await sandbox.request('GET', `/people/${person.email}`, { token });
      expect(reply.json()).toMatchObject({ email: person.email, roles: person.roles });
    }
  });

  it('refuses API calls without a valid bearer token with a JSON 401 that says how to sign in again', async () => {
    const missing = await sandbox.request('GET', `/people/${seedAdmin}`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect(missing.json()).toMatchObject({ message: 'Unauthorized', error: 'token-missing' });
    expect(missing.json<{ detail: string }>().detail).toContain('/_local/login');
    const forged = await sandbox.request('GET', `/people/${seedAdmin}`, { token: 'forged.token.value' });
    expect(forged.status).toBe(401);
    expect(forged.json()).toMatchObject({ error: 'token-invalid' });
    const login = await sandbox.request('POST', '/_local/login', { json: { email: 'stranger@example.com' } });
    expect(login.status).toBe(404);
  });

  it('keeps people signed in when the virtual clock moves on by weeks (tokens expire on real time)', async () => {
    const token = await sandbox.login(seedAdmin);
    await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 30 * 86400 } });
    expect((await sandbox.request('GET', `/people/${seedAdmin}`, { token })).status).toBe(200);
  });

  it('answers a malformed percent-encoding in a path with a 400, never a 500', async () => {
    for (const path of ['/t/%E0%A4%A', '/people/%zz', '/_local/console/executions/%E0%A4%A']) {
      const reply = await sandbox.request('GET', path);
      expect(reply.status, path).toBe(400);
      expect(reply.json()).toMatchObject({ error: 'malformed-path' });
    }
  });

  it('lets only an admin change the directory, and names each bad field', async () => {
    const admin = await sandbox.login(seedAdmin);
    const rep = await sandbox.login('li.lei@example.com');
    const person = { name: 'New Hire', roles: ['sales'], manager: 'zhao.min@example.com', locale: 'en' };
    expect(
      (await sandbox.request('PUT', '/people/new.hire@example.com', { token: rep, json: person })).status,
    ).toBe(403);
    const created = await sandbox.request('PUT', '/people/New.Hire@example.com', {
      token: admin,
      json: person,
    });
    expect(created.status).toBe(201);
    expect(created.json()).toMatchObject({ email: 'new.hire@example.com', version: 1 });
    const updated = await sandbox.request('PUT', '/people/new.hire@example.com', {
      token: admin,
      json: { ...person, roles: ['sales', 'finance'] },
    });
    expect(updated.json()).toMatchObject({ roles: ['sales', 'finance'], version: 2 });

    const bad = await sandbox.request('PUT', '/people/new.hire@example.com', {
      token: admin,
      json: {
        name: '',
        roles: ['wizard'],
        delegate: { email: 'x@example.com', from: '2026-12-10', until: '2026-12-01' },
      },
    });
    expect(bad.status).toBe(400);
    const fields = bad.json<{ fields: { field: string }[] }>().fields.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['name', 'roles.0', 'delegate.until']));
    expect((await sandbox.request('GET', '/people/nobody@example.com', { token: admin })).status).toBe(404);
  });

  it('reads and advances the virtual clock', async () => {
    const before = Date.parse((await sandbox.request('GET', '/_local/clock')).json<{ now: string }>().now);
    const moved = await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: 3 * 86400 } });
    expect(Date.parse(moved.json<{ now: string }>().now) - before).toBeGreaterThanOrEqual(3 * 86400 * 1000);
    const bad = await sandbox.request('POST', '/_local/clock', { json: { advanceSeconds: -5 } });
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ fields: [{ field: 'advanceSeconds' }] });
  });

  it('serves captured mail as JSON and in a viewer under the API port, and the console as a page', async () => {
    expect((await sandbox.request('GET', '/_local/mail')).json()).toEqual(expect.any(Array));
    const viewer = await sandbox.request('GET', '/_local/mail/');
    expect(viewer.status).toBe(200);
    expect(viewer.headers.get('content-type')).toContain('text/html');
    expect(viewer.text).toContain('Captured mail');
    expect(sandbox.urls.mailViewer).toBe(`${sandbox.url}/_local/mail/`);
    const console = await sandbox.request('GET', '/_local/console');
    expect(console.status).toBe(200);
    expect(console.text).toContain('Sandbox console');
    expect((await sandbox.request('GET', '/no/such/route')).status).toBe(404);
  });
});

describe('a restarted sandbox on the same data', () => {
  it('keeps people, tokens and virtual time, and does not seed again', async () => {
    const token = await sandbox.login(seedAdmin);
    const clockBefore = sandbox.clock.offsetMs;
    const port = (url: string) => Number(new URL(url).port);
    const { urls } = sandbox;
    await sandbox.stop();
    // Same ports: handler modules keep their SDK clients, as a warm Lambda does, so endpoints must not move.
    sandbox = await startTestSandbox({
      dir,
      port: port(urls.api),
      dynamoPort: port(urls.dynamodb),
      sesPort: port(urls.ses),
      stepFunctionsPort: port(urls.stepFunctions),
    });
    expect(sandbox.seeded).toBe(false);
    expect(sandbox.clock.offsetMs).toBe(clockBefore);
    const reply = await sandbox.request('GET', '/people/new.hire@example.com', { token });
    expect(reply.json()).toMatchObject({ roles: ['sales', 'finance'] });
  });
});
