// After signing, the follow-up workflows start once each, named by the contract id; undeployed ones are recorded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContractRepository } from '#contract-review/contract-repository.ts';
import { type ContractDeps, finishContract } from '#contract-review/contract-service.ts';
import type { Contract } from '#contract-review/model.ts';
import { readContractPolicy } from '#contract-review/policy.ts';
import { VirtualClock } from '#infra/local/virtual-clock.ts';
import { AuditTrail } from '#shared/audit.ts';
import type { OutgoingMail } from '#shared/mailer.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { type LocalTable, startLocalTable } from '../support/local-table.ts';

let local: LocalTable;
let n = 0;
const clock = new VirtualClock();

beforeAll(async () => {
  local = await startLocalTable();
});

afterAll(async () => {
  clock.dispose();
  await local?.close();
});

async function setUp(deployed: string[]) {
  const started: { slug: string; name: string; input: unknown }[] = [];
  const sent: OutgoingMail[] = [];
  const contracts = new ContractRepository(local.db, local.tableName);
  const deps: ContractDeps = {
    contracts,
    people: new PeopleRepository(local.db, local.tableName),
    audit: new AuditTrail(local.db, local.tableName),
    mailer: { send: async (mail) => void sent.push(mail) },
    workflows: {
      start: async (slug, name, input) => {
        started.push({ slug, name, input });
        return `arn:aws:states:us-east-1:000000000000:execution:test-${slug}:${name}`;
      },
    },
    deployedWorkflows: deployed,
    clock,
    policy: readContractPolicy(undefined),
    nextId: async () => `CT-2026-${String(++n).padStart(5, '0')}`,
  };
  const id = `CT-2026-9${String(++n).padStart(4, '0')}`;
  const contract: Contract = {
    id,
    submitter: 'li.lei@example.com',
    status: 'AWAITING_SIGNATURE',
    version: 1,
    versions: [
      {
        version: 1,
        content: {
          customer: { name: 'East', email: 'buyer@east.example' },
          title: 'Lathes',
          amount: { amount: 100_000, currency: 'CNY' },
          paymentTerms: [{ label: 'All', percent: 100, trigger: 'signing', dueDays: 10 }],
          deliveryDate: '2027-01-01',
          items: [{ sku: 'L-1', description: 'Lathe', quantity: 1, qualityStandard: 'GB' }],
        },
        contentHash: 'x',
        submittedAt: clock.now().toISOString(),
        findings: [],
        changes: [],
      },
    ],
    reviews: [],
    revision: 0,
  };
  await contracts.save(contract, undefined);
  return { deps, id, started, sent };
}

describe('finishing a signed contract', () => {
  it('starts order handoff and payment collection, each once, named by the contract id', async () => {
    const { deps, id, started, sent } = await setUp([
      'contract-review',
      'order-handoff',
      'payment-collection',
    ]);
    await finishContract(deps, { id, version: 1, ending: 'signed' });
    await finishContract(deps, { id, version: 1, ending: 'signed' }); // a retried step
    expect(started).toEqual([
      { slug: 'order-handoff', name: id, input: { contractId: id } },
      { slug: 'payment-collection', name: id, input: { contractId: id } },
    ]);
    expect((await deps.contracts.get(id))?.followUps?.map((f) => f.state)).toEqual(['started', 'started']);
    expect(sent).toHaveLength(1);
  });

  it('records, in the contract and its trail, a follow-up workflow that is not deployed yet', async () => {
    const { deps, id, started } = await setUp(['contract-review', 'order-handoff']);
    await finishContract(deps, { id, version: 1, ending: 'signed' });
    expect(started.map((s) => s.slug)).toEqual(['order-handoff']);
    const contract = await deps.contracts.get(id);
    expect(contract?.followUps?.find((f) => f.workflow === 'payment-collection')?.state).toBe('not-deployed');
    const signed = (await deps.audit.of(id)).find((e) => e.action === 'contract-signed');
    expect(JSON.stringify(signed?.detail)).toContain('not-deployed');
  });
});
