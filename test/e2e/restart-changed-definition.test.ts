// A sandbox restarted on a changed workflow definition: what can go on goes on; a claim standing in a state that is gone goes to NEEDS_ATTENTION with the reason, its budget given back.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { localDate } from '#shared/clock.ts';
import { workflowsDir } from '#workflows/definitions.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'sales-ops-changed-'));
const definitions = join(dir, 'workflows');
let sandbox: TestSandbox;

beforeAll(() => {
  cpSync(workflowsDir, definitions, { recursive: true, filter: (f) => !f.endsWith('.ts') });
});

afterAll(async () => {
  await sandbox?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('fails a claim whose state was renamed, through its Needs attention path, and says why', async () => {
  const port = (url: string) => Number(new URL(url).port);
  sandbox = await startTestSandbox({ dir: join(dir, 'data'), definitionsDir: definitions });
  const finance = await sandbox.login('qian.yu@example.com');
  const rep = await sandbox.login('li.lei@example.com');
  const admin = await sandbox.login('admin@example.com');
  const today = localDate(sandbox.clock.now());
  const period = today.slice(0, 7);
  await sandbox.request('PUT', `/budgets/CHANGE/${period}`, {
    token: finance,
    json: { limit: { amount: 1_000_000, currency: 'CNY' } },
  });
  const item = { category: 'travel', date: today, description: 'Train', receipt: 'R-1' };
  const file = async (amount: number) =>
    (
      await sandbox.request('POST', '/expenses', {
        token: rep,
        json: {
          title: 'Visit',
          costCenter: 'CHANGE',
          items: [{ ...item, amount: { amount, currency: 'CNY' } }],
        },
      })
    ).json<{ id: string }>().id;
  const atSupervisor = await file(100_000);
  const atFinance = await file(50_000);
  await sandbox.client.decideFromMail('zhao.min@example.com', atFinance, 'approve');
  await eventually(
    async () =>
      (await sandbox.mails('qian.yu@example.com')).some((m) => m.text.includes(atFinance)) ? true : undefined,
    'the finance task',
  );

  // A developer renames the supervisor's step while the sandbox is stopped.
  const definitionFile = join(definitions, 'expense-approval.asl.json');
  writeFileSync(
    definitionFile,
    readFileSync(definitionFile, 'utf8').replaceAll('"Supervisor review"', '"Line manager review"'),
  );
  const { urls } = sandbox;
  await sandbox.close();
  sandbox = await startTestSandbox({
    dir: join(dir, 'data'),
    definitionsDir: definitions,
    port: port(urls.api),
    dynamoPort: port(urls.dynamodb),
    sesPort: port(urls.ses),
    stepFunctionsPort: port(urls.stepFunctions),
  });
  expect(sandbox.restored.failed.map((f) => f.reason)).toEqual([
    "state 'Supervisor review' no longer exists",
  ]);
  expect(sandbox.restored.resumed).toHaveLength(1);

  const claimOf = async (id: string) =>
    (await sandbox.request('GET', `/expenses/${id}`, { token: admin })).json<{
      status: string;
      attention?: { error: string; cause: string };
    }>();
  const stuck = await eventually(async () => {
    const claim = await claimOf(atSupervisor);
    return claim.status === 'NEEDS_ATTENTION' ? claim : undefined;
  }, `${atSupervisor} NEEDS_ATTENTION`);
  expect(stuck.attention?.error).toBe('Sandbox.DefinitionChanged');
  expect(stuck.attention?.cause).toContain("state 'Supervisor review' no longer exists");
  // The one standing at finance goes on: finance decides from the link mailed before the restart.
  await sandbox.client.decideFromMail('qian.yu@example.com', atFinance, 'approve');
  await eventually(
    async () => ((await claimOf(atFinance)).status === 'APPROVED_FOR_PAYMENT' ? true : undefined),
    'approved',
  );
  const budget = (await sandbox.request('GET', `/budgets/CHANGE/${period}`, { token: finance })).json<{
    committed: { amount: number };
    consumed: { amount: number };
  }>();
  expect(budget).toMatchObject({ committed: { amount: 0 }, consumed: { amount: 50_000 } });
});
