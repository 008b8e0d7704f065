// After signing, the follow-up workflows start once each, named by the contract id; undeployed ones are recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Contract } from '#contract-review/model.ts';
import { type ContractDeps, contractReview } from '#contract-review/workflow.ts';
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { AuditTrail } from '#shared/audit.ts';
import type { Clock } from '#shared/clock.ts';
import type { OutgoingMail } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { ReviewStore } from '#shared/workflow-kit/reviews.ts';
import { finishReview, type KitEndingDeps } from '#shared/workflow-kit/steps.ts';
import type { WorkflowStarter } from '#shared/workflow-starter.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
let n = 0;
const clock: Clock = { now: () => new Date('2026-11-22T02:00:00.000Z') };

beforeAll(async () => {
  local = await startLocalTable();
});

afterAll(async () => {
  await local?.close();
});

interface Started {
  slug: string;
  name: string;
  input: unknown;
}

/** A starter that may start the `deployed` workflows, as WORKFLOW_ARNS grants them; `failing` ones throw. */
function fakeStarter(
  deployed: string[],
  started: Started[],
  failing: Set<string> = new Set(),
): WorkflowStarter {
  return {
    canStart: (slug) => deployed.includes(slug),
    async start(slug, name, input) {
      if (!deployed.includes(slug)) throw new Error(`${slug} is not deployed`);
      if (failing.has(slug)) throw new Error(`${slug} did not answer`);
      started.push({ slug, name, input });
      return `arn:aws:states:us-east-1:000000000000:execution:test-${slug}:${name}`;
    },
  };
}

/** A contract awaiting signature in the local table, with the workflow's and the kit's dependencies on it. */
async function setUp(deployed: string[], failing: Set<string> = new Set()) {
  const started: Started[] = [];
  const sent: OutgoingMail[] = [];
  const table = { db: local.db, tableName: local.tableName };
  const deps: ContractDeps = {
    ...contractReview.deps(table),
    followOns: () => fakeStarter(deployed, started, failing),
  };
  const audit = new AuditTrail(local.db, local.tableName);
  const kit: KitEndingDeps = {
    reviews: new ReviewStore(local.db, local.tableName),
    tasks: new TaskRepository(local.db, local.tableName),
    audit,
    people: new PeopleRepository(local.db, local.tableName),
    clock,
    mailer: { send: async (mail) => void sent.push(mail) },
    closing: {
      closeExpired: async () => {},
      cancelOpen: async () => {},
    },
    ops: { tell: () => {} },
  };
  const id = `CT-2026-9${String(++n).padStart(4, '0')}`;
  const contract: Contract = {
    id,
    version: 1,
    revision: 0,
    submitter: 'li.lei@example.com',
    status: 'AWAITING_SIGNATURE',
    customer: { name: 'East', email: 'buyer@east.example' },
    title: 'Lathes',
    amount: { amount: 100_000, currency: 'CNY' },
    submittedAt: clock.now().toISOString(),
  };
  await deps.contracts.save(contract);
  const finish = (ending: string) =>
    finishReview(contractReview, deps, kit, { subject: { kind: 'contract', id, version: 1 }, ending });
  return { deps, audit, id, started, sent, finish };
}

describe('finishing a signed contract', () => {
  it('starts payment collection once, named by the contract id (the order is the state machine’s own step)', async () => {
    const { deps, id, started, sent, finish } = await setUp(['contract-review', 'payment-collection']);
    await finish('signed');
    await finish('signed'); // a retried step
    expect(started).toEqual([{ slug: 'payment-collection', name: id, input: { contractId: id } }]);
    const contract = await deps.contracts.get(id);
    expect(contract?.status).toBe('SIGNED');
    expect(contract?.followUps).toEqual([
      { workflow: 'payment-collection', state: 'started', executionName: id },
    ]);
    expect(sent).toHaveLength(1);
  });

  it('records, in the contract and its trail, a follow-up workflow that is not deployed yet', async () => {
    const { deps, audit, id, started, finish } = await setUp(['contract-review']);
    await finish('signed');
    expect(started).toEqual([]);
    const contract = await deps.contracts.get(id);
    expect(contract?.followUps?.find((f) => f.workflow === 'payment-collection')?.state).toBe('not-deployed');
    const signed = (await audit.of(id)).filter((e) => e.action === 'signed');
    expect(signed).toHaveLength(1);
    expect(JSON.stringify(signed[0]?.detail)).toContain('not-deployed');
  });

  it('leaves the contract unsigned when a follow-up cannot start, and the retry starts it under the same name', async () => {
    const failing = new Set(['payment-collection']);
    const { deps, audit, id, started, sent, finish } = await setUp(
      ['contract-review', 'payment-collection'],
      failing,
    );
    await expect(finish('signed')).rejects.toThrow(/payment-collection did not answer/);
    expect((await deps.contracts.get(id))?.status).toBe('AWAITING_SIGNATURE');
    expect(sent).toHaveLength(0);
    failing.clear();
    await finish('signed');
    expect((await deps.contracts.get(id))?.status).toBe('SIGNED');
    expect(started.map((s) => `${s.slug}:${s.name}`)).toEqual([`payment-collection:${id}`]);
    expect((await audit.of(id)).filter((e) => e.action === 'signed')).toHaveLength(1);
  });

  it('starts nothing when the review ends any other way', async () => {
    const { deps, id, started, finish } = await setUp(['contract-review', 'payment-collection']);
    await finish('rejected');
    expect(started).toEqual([]);
    const contract = await deps.contracts.get(id);
    expect(contract?.status).toBe('REJECTED');
    expect(contract?.followUps).toBeUndefined();
  });
});
