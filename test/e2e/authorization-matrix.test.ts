// Every route of infra/routes.ts against every caller who may not use it: refused (401/403), and the table unchanged.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BearerTokens } from '#infra/local/bearer-tokens.ts';
import type { RequestOptions } from '#infra/local/sandbox-client.ts';
import { demoPeople, seedAdmin } from '#infra/local/seed.ts';
import { routes } from '#infra/routes.ts';
import { localDate } from '#shared/clock.ts';
import { roles as allRoles, type Person, type Role } from '#shared/people.ts';
import { differences, settledTable, tableClient, tableState } from '../support/table-snapshot.ts';
import { eventually, hiddenInputs, startTestSandbox, type TestSandbox, taskLinkIn } from './harness.ts';
import { contractDraft, signedContract } from './signed-contract.ts';

const rep = 'li.lei@example.com';
const supervisor = 'zhao.min@example.com';
const salesManager = 'sun.li@example.com';
const finance = 'qian.yu@example.com';
const customer = 'buyer@authz.example';
const costCenter = 'AUTHZ';

/** What the matrix works on: someone's claim, application, contract, order and open tasks. */
interface Fixtures {
  today: string;
  claimId: string;
  applicationId: string;
  contractId: string;
  orderId: string;
  /** The supervisor's open review of the claim. */
  claimTask: { id: string; assignee: string; secret: string };
  /** The sales manager's open review of the application. */
  applicationTask: { id: string; assignee: string; secret: string };
}

/** Who may use a route, as a rule over a person in the directory and the fixtures. */
type May = (person: Person, f: Fixtures) => boolean;
const anyone: May = () => true;
const roles =
  (...allowed: Role[]): May =>
  (person) =>
    person.roles.some((role) => allowed.includes(role));
const only =
  (pick: (f: Fixtures) => string[]): May =>
  (person, f) =>
    pick(f).includes(person.email);
const either =
  (...rules: May[]): May =>
  (person, f) =>
    rules.some((rule) => rule(person, f));

interface Access {
  /** A request that passes validation, so only who asks decides the answer. */
  request(f: Fixtures): { path: string } & Pick<RequestOptions, 'json' | 'headers'>;
  may: May;
  /**
   * A signed-in person missing from the directory is refused everywhere, except where the answer is only about
   * themselves: a delegate an admin named from outside the directory gets tasks and must be able to list them.
   */
  strangers?: 'answered';
}

const cny = (yuan: number) => ({ amount: yuan * 100, currency: 'CNY' });
const claimBody = (f: Fixtures) => ({
  title: 'Customer visit',
  costCenter,
  items: [{ category: 'travel', amount: cny(300), date: f.today, description: 'Taxi', receipt: 'R-1' }],
});
/** Creating requests carry a key: a refused one must not even leave an idempotency record behind. */
const once = { 'idempotency-key': 'authz-matrix-1' };

/** The access policy, one line per signed-in route (DESIGN.md §7 and the handlers); a new route needs its line. */
const policy: Record<string, Access> = {
  'POST /tasks/{id}/decision': {
    request: (f) => ({ path: `/tasks/${f.claimTask.id}/decision`, json: { outcome: 'approve' } }),
    may: only((f) => [f.claimTask.assignee]),
  },
  'GET /tasks': { request: () => ({ path: '/tasks' }), may: anyone, strangers: 'answered' },
  'GET /people/{email}': { request: () => ({ path: `/people/${rep}` }), may: anyone },
  'PUT /people/{email}': {
    request: () => ({ path: '/people/new.hire@example.com', json: { name: '新人', roles: ['sales'] } }),
    may: roles('admin'),
  },
  'PUT /budgets/{costCenter}/{period}': {
    request: (f) => ({ path: `/budgets/${costCenter}/${f.today.slice(0, 7)}`, json: { limit: cny(1) } }),
    may: roles('finance', 'admin'),
  },
  'GET /budgets/{costCenter}/{period}': {
    request: (f) => ({ path: `/budgets/${costCenter}/${f.today.slice(0, 7)}` }),
    may: anyone,
  },
  'POST /expenses': {
    request: (f) => ({ path: '/expenses', json: claimBody(f), headers: once }),
    may: anyone,
  },
  'GET /expenses/{id}': {
    request: (f) => ({ path: `/expenses/${f.claimId}` }),
    may: either(
      only((f) => [rep, f.claimTask.assignee]),
      roles('finance', 'admin'),
    ),
  },
  'PUT /expenses/{id}': {
    request: (f) => ({ path: `/expenses/${f.claimId}`, json: claimBody(f) }),
    may: only(() => [rep]),
  },
  'POST /expense-applications': {
    request: () => ({
      path: '/expense-applications',
      json: { costCenter, amount: cny(2_000), reason: 'Booth at the trade fair' },
      headers: once,
    }),
    may: anyone,
  },
  'GET /expense-applications/{id}': {
    request: (f) => ({ path: `/expense-applications/${f.applicationId}` }),
    may: either(
      only((f) => [rep, f.applicationTask.assignee]),
      roles('finance', 'admin'),
    ),
  },
  'POST /contracts': {
    request: (f) => ({ path: '/contracts', json: contractDraft(customer, f.today), headers: once }),
    may: roles('sales'),
  },
  'GET /contracts/{id}': {
    request: (f) => ({ path: `/contracts/${f.contractId}` }),
    may: roles('sales', 'legal', 'legal-head', 'sales-manager', 'sales-director', 'signatory', 'admin'),
  },
  'POST /contracts/{id}/revisions': {
    request: (f) => ({
      path: `/contracts/${f.contractId}/revisions`,
      json: contractDraft(customer, f.today),
    }),
    may: only(() => [rep]),
  },
  'GET /orders/{id}': {
    request: (f) => ({ path: `/orders/${f.orderId}` }),
    may: roles('production', 'logistics', 'sales', 'supervisor', 'sales-manager', 'sales-director', 'admin'),
  },
  'GET /orders': {
    request: (f) => ({ path: `/orders?contractId=${f.contractId}` }),
    may: roles('production', 'logistics', 'sales', 'supervisor', 'sales-manager', 'sales-director', 'admin'),
  },
  'GET /contracts/{id}/installments': {
    request: (f) => ({ path: `/contracts/${f.contractId}/installments` }),
    may: either(
      only(() => [rep]),
      roles('finance', 'sales-manager', 'sales-director', 'legal', 'legal-head', 'admin'),
    ),
  },
  'POST /payments': {
    request: (f) => ({
      path: '/payments',
      json: { contractId: f.contractId, amount: cny(1), reference: 'AUTHZ-1' },
      headers: once,
    }),
    may: roles('finance'),
  },
  'GET /receivables': {
    request: () => ({ path: '/receivables' }),
    may: roles('finance', 'sales-manager', 'sales-director', 'admin'),
  },
};

/** Public routes carry no bearer token: the task pages are checked for their link secret instead. */
const publicRoutes = ['GET /health', 'GET /t/{taskId}', 'HEAD /t/{taskId}', 'POST /t/{taskId}'];

const keyOf = (route: { method: string; path: string }) => `${route.method} ${route.path}`;

let sandbox: TestSandbox;
let dir: string;
let db: DynamoDBDocumentClient;
let f: Fixtures;
/** A token for each seeded person, and for a signed-in person the directory does not know. */
const tokens = new Map<string, string>();
const stranger = 'stranger@example.com';
/** The seeded people, and one person per role with that role alone. */
const everyone: Person[] = [...demoPeople];
/** Bearer headers that name nobody: each must be refused before any handler runs. */
let unusable: Record<string, string | undefined>;

async function openTask(assignee: string, subjectId: string) {
  const mail = await eventually(
    async () => (await sandbox.mails(assignee)).find((m) => m.text.includes(subjectId)),
    `${assignee}'s task mail about ${subjectId}`,
  );
  const link = taskLinkIn(mail);
  const id = link.pathname.split('/').at(-1) as string;
  return { id, assignee, secret: link.searchParams.get('k') as string };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sales-ops-authz-'));
  sandbox = await startTestSandbox({ dir });
  db = tableClient(sandbox.urls.dynamodb);
  for (const person of demoPeople) tokens.set(person.email, await sandbox.login(person.email));
  // Signed by the sandbox's own key, as Cognito would sign for someone no admin has put in the directory.
  tokens.set(stranger, await BearerTokens.inFolder(dir).issue(stranger));
  const today = localDate(sandbox.clock.now());

  const budget = await sandbox.request('PUT', `/budgets/${costCenter}/${today.slice(0, 7)}`, {
    token: tokens.get(finance),
    json: { limit: cny(100_000) },
  });
  expect(budget.status).toBe(201);
  const claim = await sandbox.request('POST', '/expenses', {
    token: tokens.get(rep),
    json: claimBody({ today } as Fixtures),
  });
  expect(claim.status).toBe(201);
  const claimId = claim.json<{ id: string }>().id;
  const application = await sandbox.request('POST', '/expense-applications', {
    token: tokens.get(rep),
    json: { costCenter, amount: cny(2_000), reason: 'Booth at the trade fair' },
  });
  expect(application.status).toBe(201);
  const applicationId = application.json<{ id: string }>().id;
  const { contractId } = await signedContract(sandbox, customer);
  const orderId = await eventually(async () => {
    const reply = await sandbox.request('GET', `/orders?contractId=${contractId}`, {
      token: tokens.get(rep),
    });
    return reply.json<{ orders?: { id: string }[] }>().orders?.[0]?.id;
  }, `the order of ${contractId}`);
  f = {
    today,
    claimId,
    applicationId,
    contractId,
    orderId,
    claimTask: await openTask(supervisor, claimId),
    applicationTask: await openTask(salesManager, applicationId),
  };
  // Everything started has reached a person or a date: the order's schedule waits for production, the first
  // installment for its due date. From here on, only the matrix's requests could write.
  await openTask('feng.lin@example.com', orderId);
  await eventually(async () => {
    const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
      token: tokens.get(rep),
    });
    return reply.json<{ installments?: { status: string }[] }>().installments?.[0]?.status === 'SCHEDULED'
      ? true
      : undefined;
  }, `the installments of ${contractId}`);
  await settledTable(db, 1000);
  // One person per role with that role alone, so every role is tried by itself (the seeded people combine some).
  // Added after the fixtures: role tasks go to the least loaded member, and these would have taken them.
  for (const role of allRoles) {
    const person: Person = {
      email: `only.${role}@example.com`,
      name: `Only ${role}`,
      roles: [role],
      locale: 'en',
    };
    const { email, ...body } = person;
    const put = await sandbox.request('PUT', `/people/${email}`, {
      token: tokens.get(seedAdmin),
      json: body,
    });
    expect(put.status).toBe(201);
    tokens.set(email, await sandbox.login(email));
    everyone.push(person);
  }

  const keys = BearerTokens.inFolder(dir);
  const valid = await keys.issue(seedAdmin);
  const [header] = valid.split('.');
  const claims = (email: string) =>
    Buffer.from(
      JSON.stringify({
        email,
        sub: email,
        iss: 'sales-ops-sandbox',
        aud: 'sales-ops-api',
        exp: 4_102_444_800,
      }),
    ).toString('base64url');
  const repToken = tokens.get(rep) as string;
  const [repHeader, , repSignature] = repToken.split('.');
  unusable = {
    'no token': undefined,
    'a malformed token': 'Bearer not-a-token',
    'another scheme': `Basic ${Buffer.from(`${seedAdmin}:x`).toString('base64')}`,
    'an expired token': `Bearer ${await BearerTokens.inFolder(dir, () => Date.now() - 13 * 3600_000).issue(seedAdmin)}`,
    'a token signed with another key': `Bearer ${await new BearerTokens(new Uint8Array(32).fill(7)).issue(seedAdmin)}`,
    "someone's token with the admin's email put in": `Bearer ${repHeader}.${claims(seedAdmin)}.${repSignature}`,
    'an unsigned token (alg none)': `Bearer ${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${claims(seedAdmin)}.`,
    'a signature cut off': `Bearer ${header}.${claims(seedAdmin)}`,
  };
});

afterAll(async () => {
  await sandbox?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('every signed-in route in infra/routes.ts', () => {
  const signedIn = routes.filter((route) => route.access === 'signed-in');

  it('has its line in the access policy, and the policy names no route that is gone', () => {
    expect(signedIn.map(keyOf).filter((key) => !policy[key])).toEqual([]);
    expect(Object.keys(policy).filter((key) => !signedIn.some((route) => keyOf(route) === key))).toEqual([]);
    expect(routes.filter((route) => route.access === 'public').map(keyOf)).toEqual(publicRoutes);
  });

  for (const route of signedIn) {
    it(`${keyOf(route)}: refuses a missing or bad token (401), a stranger and everyone the policy does not allow (403), and nothing changes`, async () => {
      const access = policy[keyOf(route)];
      expect(access, `add "${keyOf(route)}" to the access policy in this file`).toBeDefined();
      if (!access) return;
      const { path, json, headers } = access.request(f);
      const ask = (extra: RequestOptions) => sandbox.request(route.method, path, { json, ...extra });
      const refusedPeople = everyone.filter((person) => !access.may(person, f));
      const before = await tableState(db);

      const [tokenReplies, strangerReply, peopleReplies] = await Promise.all([
        Promise.all(
          Object.entries(unusable).map(async ([what, authorization]) => {
            const reply = await ask({ headers: { ...headers, ...(authorization ? { authorization } : {}) } });
            return `${what}: ${reply.status}${sayingOnlyWhy(reply.text)}`;
          }),
        ),
        ask({ headers, token: tokens.get(stranger) }),
        Promise.all(
          refusedPeople.map(async (person) => {
            const reply = await ask({ headers, token: tokens.get(person.email) });
            return `${person.email} (${person.roles.join(', ')}): ${reply.status}${sayingOnlyWhy(reply.text)}`;
          }),
        ),
      ]);

      expect(tokenReplies).toEqual(Object.keys(unusable).map((what) => `${what}: 401`));
      expect(peopleReplies).toEqual(
        refusedPeople.map((person) => `${person.email} (${person.roles.join(', ')}): 403`),
      );
      if (access.strangers === 'answered') {
        expect(strangerReply.status).toBe(200);
        expect(strangerReply.json()).toEqual({ tasks: [] });
      } else {
        expect(strangerReply.status).toBe(403);
        expect(sayingOnlyWhy(strangerReply.text)).toBe('');
      }
      expect(differences(before, await tableState(db))).toEqual([]);

      // Reads: everyone the policy allows is answered, so the refusals above are about who asks, not the request.
      if (route.method === 'GET') {
        const allowed = everyone.filter((person) => access.may(person, f));
        const answers = await Promise.all(
          allowed.map(
            async (person) => `${person.email}: ${(await ask({ token: tokens.get(person.email) })).status}`,
          ),
        );
        expect(answers).toEqual(allowed.map((person) => `${person.email}: 200`));
      }
    });
  }
});

describe('the public routes', () => {
  it('GET /health answers anyone and changes nothing', async () => {
    const before = await tableState(db);
    const reply = await sandbox.request('GET', '/health');
    expect(reply.status).toBe(200);
    expect(differences(before, await tableState(db))).toEqual([]);
  });

  it('a task page (GET and HEAD) is refused without its own link secret: none, a wrong one, another task’s; nothing changes', async () => {
    const { claimTask, applicationTask } = f;
    const before = await tableState(db);
    const attempts = {
      'no secret': `/t/${claimTask.id}`,
      'an empty secret': `/t/${claimTask.id}?k=`,
      'a made-up secret': `/t/${claimTask.id}?k=${'A'.repeat(43)}`,
      'the secret with a character changed': `/t/${claimTask.id}?k=${flip(claimTask.secret)}`,
      "another task's secret": `/t/${claimTask.id}?k=${applicationTask.secret}`,
      'the secret on another task': `/t/${applicationTask.id}?k=${claimTask.secret}`,
      'no such task': `/t/${'B'.repeat(22)}?k=${claimTask.secret}`,
    };
    for (const method of ['GET', 'HEAD']) {
      const replies = await Promise.all(
        Object.entries(attempts).map(async ([what, path]) => {
          const reply = await sandbox.request(method, path);
          expect(reply.text).not.toContain('name="nonce"');
          return `${what}: ${reply.status}`;
        }),
      );
      expect(replies).toEqual(Object.keys(attempts).map((what) => `${what}: 404`));
    }
    // The secrets themselves are right: with its own, each page opens.
    expect((await sandbox.request('GET', `/t/${claimTask.id}?k=${claimTask.secret}`)).status).toBe(200);
    expect(
      (await sandbox.request('GET', `/t/${applicationTask.id}?k=${applicationTask.secret}`)).status,
    ).toBe(200);
    expect(differences(before, await tableState(db))).toEqual([]);
  });

  it('a decision posted to a task page without its own secret and page is refused, and nothing changes', async () => {
    const { claimTask, applicationTask } = f;
    const ownPage = hiddenInputs(
      (await sandbox.request('GET', `/t/${claimTask.id}?k=${claimTask.secret}`)).text,
    );
    const otherPage = hiddenInputs(
      (await sandbox.request('GET', `/t/${applicationTask.id}?k=${applicationTask.secret}`)).text,
    );
    const before = await tableState(db);
    const attempts: Record<string, Record<string, string>> = {
      'no secret, no nonce': {},
      'no secret, its page nonce': { nonce: ownPage.nonce },
      'a wrong secret with its page nonce': { k: flip(claimTask.secret), nonce: ownPage.nonce },
      "another task's secret and page": otherPage,
      "its secret with another task's page nonce": { k: claimTask.secret, nonce: otherPage.nonce },
      'its secret with a made-up nonce': { k: claimTask.secret, nonce: `${Date.now().toString(36)}.forged` },
    };
    const replies = await Promise.all(
      Object.entries(attempts).map(async ([what, form]) => {
        const reply = await sandbox.request('POST', `/t/${claimTask.id}`, {
          form: { ...form, outcome: 'approve' },
        });
        return `${what}: ${reply.status}`;
      }),
    );
    expect(replies).toEqual(Object.keys(attempts).map((what) => `${what}: 404`));
    expect(differences(before, await tableState(db))).toEqual([]);
  });
});

/**
 * Nothing when a refusal's body only says why (`error`, `message`, `detail`), else what more it carries: a refusal
 * must not hand over what it refuses.
 */
function sayingOnlyWhy(body: string): string {
  let keys: string[];
  try {
    keys = Object.keys(JSON.parse(body) as object);
  } catch {
    return ` (not JSON: ${body.slice(0, 80)})`;
  }
  const more = keys.filter((key) => !['error', 'message', 'detail'].includes(key));
  return more.length > 0 ? ` (also ${more.join(', ')})` : '';
}

/** The secret with its first character changed to another of the base64url alphabet. */
function flip(secret: string): string {
  return `${secret[0] === 'A' ? 'B' : 'A'}${secret.slice(1)}`;
}
