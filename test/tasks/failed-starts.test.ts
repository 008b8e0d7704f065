// A review that cannot start leaves nothing behind: the claim, its budget hold and application, the contract, undone.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { submitContract } from '#contract-review/contract-filing.ts';
import { contractReview } from '#contract-review/workflow.ts';
import { ApplicationRepository } from '#expense-application/application-repository.ts';
import { fileClaim, reviseClaim } from '#expense-approval/claim-filing.ts';
import { expenseApproval } from '#expense-approval/workflow.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { AuditTrail } from '#shared/audit.ts';
import { nextBusinessId } from '#shared/business-ids.ts';
import { localDate } from '#shared/clock.ts';
import type { OpsEvent } from '#shared/ops-signals.ts';
import type { WorkflowStarter } from '#shared/workflow-starter.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
let clock: VirtualClock;
let starts: { fail: boolean; names: string[] };

const starter: WorkflowStarter = {
  canStart: () => true,
  async start(_slug, name) {
    if (starts.fail) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    starts.names.push(name);
    return `arn:aws:states:us-east-1:000000000000:execution:test:${name}`;
  },
};

const common = () => ({
  audit: new AuditTrail(local.db, local.tableName),
  starter,
  clock,
  nextId: (prefix: 'CT' | 'OR' | 'EX' | 'PA', year: number) =>
    nextBusinessId(local.db, local.tableName, prefix, year),
  ops: { tell: (event: OpsEvent) => void told.push(event) },
});
/** What ops heard: nothing, as long as every failed start is undone. */
let told: OpsEvent[] = [];
const claims = () => ({ ...expenseApproval.deps(local), ...common() });
const contracts = () => ({ ...contractReview.deps(local), ...common() });

beforeAll(async () => {
  local = await startLocalTable();
  clock = new VirtualClock();
});
afterAll(async () => {
  clock?.dispose();
  await local?.close();
});
beforeEach(() => {
  starts = { fail: false, names: [] };
  told = [];
});
afterEach(() => {
  expect(told).toEqual([]);
});

const today = () => localDate(clock.now());
const claimOf = (yuan: number, applicationId?: string) => ({
  title: 'Trade fair',
  costCenter: 'UNDO',
  items: [
    {
      category: 'marketing' as const,
      amount: { amount: yuan * 100, currency: 'CNY' as const },
      date: today(),
      description: 'Booth',
      receipt: 'R-9',
    },
  ],
  ...(applicationId ? { applicationId } : {}),
});

describe('a claim whose review cannot start', () => {
  beforeAll(async () => {
    await claims().budgets.setLimit(
      'UNDO',
      today().slice(0, 7),
      { amount: 100_000, currency: 'CNY' },
      'qian.yu@example.com',
      clock.now(),
    );
  });

  it('is removed, its budget hold and advance application given back; filing again works', async () => {
    const deps = claims();
    await new ApplicationRepository(local).save({
      id: 'PA-2026-00077',
      version: 1,
      revision: 0,
      applicant: 'li.lei@example.com',
      costCenter: 'UNDO',
      amount: { amount: 100_000, currency: 'CNY' },
      reason: 'Booth over budget',
      status: 'APPROVED',
      submittedAt: clock.now().toISOString(),
    });
    starts.fail = true;
    await expect(fileClaim(deps, 'li.lei@example.com', claimOf(1500, 'PA-2026-00077'))).rejects.toThrow(
      'Rate exceeded',
    );
    expect(await deps.budgets.get('UNDO', today().slice(0, 7))).toMatchObject({
      committed: { amount: 0 },
      available: { amount: 100_000 },
    });
    expect((await deps.applications.get('PA-2026-00077'))?.status).toBe('APPROVED');

    starts.fail = false;
    const filed = await fileClaim(deps, 'li.lei@example.com', claimOf(1500, 'PA-2026-00077'));
    expect(await deps.claims.get(filed.id)).toMatchObject({ status: 'IN_REVIEW', version: 1 });
    expect(starts.names).toEqual([`${filed.id}-r1`]);
    // The id the failed request took stays unused: gaps are allowed, reuse is not.
    expect(await deps.claims.get(`EX-${today().slice(0, 4)}-00001`)).toBeUndefined();
    await expenseApproval.onFinish?.({ subject: filed, ending: 'rejected', reviews: [], deps });
  });

  it('revised, is put back as it was, and the new version’s hold is given back', async () => {
    const deps = claims();
    const filed = await fileClaim(deps, 'li.lei@example.com', claimOf(100));
    const returned = await deps.claims.save({ ...filed, status: 'RETURNED' });
    await expenseApproval.onFinish?.({ subject: returned, ending: 'returned', reviews: [], deps });
    starts.fail = true;
    await expect(reviseClaim(deps, 'li.lei@example.com', filed.id, claimOf(200))).rejects.toThrow(
      'Rate exceeded',
    );
    expect(await deps.claims.get(filed.id)).toMatchObject({
      status: 'RETURNED',
      version: 1,
      total: { amount: 10_000 },
    });
    expect((await deps.budgets.get('UNDO', today().slice(0, 7)))?.committed.amount).toBe(0);
  });
});

describe('a contract whose review cannot start', () => {
  it('is removed with its version; submitting again works', async () => {
    const deps = contracts();
    const draft = {
      customer: { name: 'Acme', email: 'buyer@acme.example' },
      title: 'Pipes',
      amount: { amount: 100_000_00, currency: 'CNY' as const },
      paymentTerms: [{ label: 'All', percent: 100, trigger: 'delivery' as const, dueDays: 30 }],
      deliveryDate: `${Number(today().slice(0, 4)) + 1}-01-31`,
      items: [{ sku: 'P-1', description: 'Pipe', quantity: 10, qualityStandard: 'GB/T 3091' }],
    };
    starts.fail = true;
    await expect(submitContract(deps, 'li.lei@example.com', draft)).rejects.toThrow('Rate exceeded');
    const taken = `CT-${today().slice(0, 4)}-00001`;
    expect(await deps.contracts.get(taken)).toBeUndefined();
    expect(await deps.contracts.versions(taken)).toEqual([]);
    starts.fail = false;
    const { contract } = await submitContract(deps, 'li.lei@example.com', draft);
    expect(await deps.contracts.versions(contract.id)).toHaveLength(1);
  });
});
