// The largest claim and contract the API accepts go through their workflows: no item over 400 KB, no payload over 256 KB.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractLimits } from '#contract-review/model.ts';
import { claimLimits } from '#expense-approval/model.ts';
import { localDate } from '#shared/clock.ts';
import { eventually, startTestSandbox, type TestSandbox } from './harness.ts';

const rep = 'li.lei@example.com';
/** A Chinese text of exactly `length` characters: 3 bytes each in UTF-8, the heaviest the limits allow. */
const chinese = (length: number, seed = '账') => seed.repeat(length);

let sandbox: TestSandbox;
let tokens: Record<string, string>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  tokens = {};
  for (const email of [rep, 'qian.yu@example.com']) tokens[email] = await sandbox.login(email);
});

afterAll(async () => {
  await sandbox?.stop();
});

async function statusOf(path: string, status: string) {
  return eventually(async () => {
    const subject = (await sandbox.request('GET', path, { token: tokens[rep] })).json<{ status: string }>();
    return subject.status === status ? subject : undefined;
  }, `${path} to be ${status}`);
}

describe('the largest subjects', () => {
  it('a claim of 100 items with the longest Chinese texts is reviewed at three levels and approved', async () => {
    const today = localDate(sandbox.clock.now());
    await sandbox.request('PUT', `/budgets/BIG-CLAIMS/${today.slice(0, 7)}`, {
      token: tokens['qian.yu@example.com'],
      json: { limit: { amount: 100_000_000, currency: 'CNY' } },
    });
    const items = Array.from({ length: claimLimits.items }, () => ({
      category: 'travel',
      amount: { amount: 50_000, currency: 'CNY' },
      date: today,
      description: chinese(claimLimits.description),
      receipt: chinese(claimLimits.receipt, '票'),
    }));
    const filed = await sandbox.request('POST', '/expenses', {
      token: tokens[rep],
      json: { title: chinese(claimLimits.title, '差'), costCenter: 'BIG-CLAIMS', items },
    });
    expect(filed.status).toBe(201);
    const { id } = filed.json<{ id: string }>();
    for (const reviewer of ['zhao.min@example.com', 'sun.li@example.com', 'qian.yu@example.com']) {
      const { page, reply } = await sandbox.client.decideFromMail(reviewer, id, 'approve');
      expect(page.text).toContain(chinese(claimLimits.description));
      expect(reply.status).toBe(200);
    }
    await statusOf(`/expenses/${id}`, 'APPROVED_FOR_PAYMENT');
  });

  it('a contract of 100 items and 20 terms with the longest texts is reviewed, revised, approved and signed', async () => {
    const today = localDate(sandbox.clock.now());
    const content = (seed: string) => ({
      customer: { name: chinese(200, '客'), email: 'buyer@big.example' },
      title: chinese(200, '合'),
      amount: { amount: 2_000_000_00, currency: 'CNY' },
      paymentTerms: Array.from({ length: contractLimits.terms }, (_, i) => ({
        label: `${i}${chinese(98, '款')}`,
        percent: 5,
        trigger: 'delivery',
        dueDays: 30,
      })),
      deliveryDate: `${Number(today.slice(0, 4)) + 1}-06-30`,
      items: Array.from({ length: contractLimits.items }, (_, i) => ({
        sku: `SKU-${i}`,
        description: chinese(contractLimits.description, seed),
        quantity: 1000,
        qualityStandard: chinese(contractLimits.qualityStandard, '标'),
      })),
      documentUrl: `https://docs.example.com/${'d'.repeat(1900)}`,
    });
    const submitted = await sandbox.request('POST', '/contracts', {
      token: tokens[rep],
      json: content('管'),
    });
    expect(submitted.status).toBe(201);
    const { id } = submitted.json<{ id: string }>();
    const legal = async (outcome: string, form: Record<string, string> = {}) => {
      const asked = await eventually(async () => {
        for (const lawyer of ['wu.fang@example.com', 'zheng.hao@example.com']) {
          const mails = await sandbox.mails(lawyer);
          if (mails.some((m) => m.text.includes(id))) return lawyer;
        }
        return undefined;
      }, 'a legal task');
      return (await sandbox.client.decideFromMail(asked, id, outcome, form)).reply;
    };
    expect((await legal('request-changes', { comment: '请修改全部明细' })).status).toBe(200);
    await statusOf(`/contracts/${id}`, 'CHANGES_REQUESTED');

    // Every item changed: the list of changes is capped so the version item stays small.
    const revised = await sandbox.request('POST', `/contracts/${id}/revisions`, {
      token: tokens[rep],
      json: content('钢'),
    });
    expect(revised.status).toBe(201);
    expect(revised.json<{ changes: string[] }>().changes).toHaveLength(contractLimits.changes + 1);

    expect((await legal('approve')).status).toBe(200);
    expect((await sandbox.client.decideFromMail('zhou.qiang@example.com', id, 'approve')).reply.status).toBe(
      200,
    );
    const signed = await sandbox.client.decideFromMail('sun.li@example.com', id, 'sign', {
      signedDate: today,
      signerName: '孙丽',
      signedCopy: 'https://docs.example.com/signed.pdf',
    });
    expect(signed.reply.status).toBe(200);
    const contract = await statusOf(`/contracts/${id}`, 'SIGNED');
    expect((contract as unknown as { versions: unknown[] }).versions).toHaveLength(2);
  });
});
