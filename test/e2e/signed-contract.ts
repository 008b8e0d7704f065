// A contract filed by sales, approved by whichever lawyer has it and signed: where orders and installments begin.
import { expect } from 'vitest';
import { addDays, localDate } from '#shared/clock.ts';
import { eventually, type TestSandbox } from './harness.ts';

const sales = 'li.lei@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];
const signatory = 'sun.li@example.com';

/**
 * The body of `POST /contracts` for a 500,000 CNY contract for two lathes, delivered 60 days after `today`: 30% due
 * 10 days after signing, 60% 30 days after delivery, 10% 30 days after acceptance; `draft` overrides any field.
 */
export function contractDraft(
  customerEmail: string,
  today: string,
  draft: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    customer: { name: '东方机械', email: customerEmail },
    title: '数控车床',
    amount: { amount: 500_000_00, currency: 'CNY' },
    paymentTerms: [
      { label: '预付款', percent: 30, trigger: 'signing', dueDays: 10 },
      { label: '到货款', percent: 60, trigger: 'delivery', dueDays: 30 },
      { label: '验收款', percent: 10, trigger: 'acceptance', dueDays: 30 },
    ],
    deliveryDate: addDays(today, 60),
    items: [{ sku: 'CNC-200', description: '数控车床', quantity: 2, qualityStandard: 'GB/T 25659' }],
    documentUrl: 'https://docs.example.com/c.pdf',
    ...draft,
  };
}

/**
 * A 500,000 CNY contract for two lathes, delivered in 60 days, signed today (virtual time); `draft` overrides any
 * field (the payment terms, the address). Returns its id and the signing date.
 */
export async function signedContract(
  sandbox: TestSandbox,
  customerEmail: string,
  draft: Record<string, unknown> = {},
): Promise<{ contractId: string; signedOn: string }> {
  const token = await sandbox.login(sales);
  const signedOn = localDate(sandbox.clock.now());
  const created = await sandbox.request('POST', '/contracts', {
    token,
    json: contractDraft(customerEmail, signedOn, draft),
  });
  expect(created.status).toBe(201);
  const contractId = created.json<{ id: string }>().id;
  const lawyer = await eventually(async () => {
    for (const person of legal)
      if ((await sandbox.mails(person)).some((m) => m.text.includes(contractId))) return person;
    return undefined;
  }, 'the legal review task');
  expect((await sandbox.client.decideFromMail(lawyer, contractId, 'approve')).reply.status).toBe(200);
  const signing = await sandbox.client.decideFromMail(signatory, contractId, 'sign', {
    signedDate: signedOn,
    signerName: '孙丽',
    signedCopy: 'https://docs.example.com/s.pdf',
  });
  expect(signing.reply.status).toBe(200);
  return { contractId, signedOn };
}
