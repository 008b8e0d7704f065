import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { addDays, localDate } from '#shared/clock.ts';
import { startTestSandbox } from './test/e2e/harness.ts';

const sb = await startTestSandbox({});
const arnOf = (slug: string, name: string) =>
  `${sb.stateMachines.get(slug)!.replace(':stateMachine:', ':execution:')}:${name}`;
const names = async (slug: string, name: string) => {
  const h = await sb.sfn.send(
    new GetExecutionHistoryCommand({ executionArn: arnOf(slug, name), maxResults: 1000 }),
  );
  return (h.events ?? []).flatMap((e) =>
    e.stateEnteredEventDetails?.name
      ? [e.stateEnteredEventDetails.name]
      : e.type?.startsWith('Execution')
        ? [e.type]
        : e.taskFailedEventDetails
          ? [JSON.stringify(e.taskFailedEventDetails).slice(0, 400)]
          : e.executionFailedEventDetails
            ? [JSON.stringify(e.executionFailedEventDetails).slice(0, 600)]
            : [],
  );
};
try {
  const rep = await sb.login('li.lei@example.com');
  const today = localDate(sb.clock.now());
  const ct = await sb.request('POST', '/contracts', {
    token: rep,
    json: {
      customer: { name: '东方机械', email: 'buyer1@east.example' },
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
    },
  });
  const cid = ct.json<{ id: string }>().id;
  for (const lawyer of ['wu.fang@example.com', 'zheng.hao@example.com']) {
    try {
      await sb.client.decideFromMail(lawyer, cid, 'approve');
      break;
    } catch {}
  }
  await sb.client.decideFromMail('sun.li@example.com', cid, 'sign', {
    signedDate: today,
    signerName: '孙丽',
    signedCopy: 'https://docs.example.com/s.pdf',
  });
  await new Promise((r) => setTimeout(r, 1000));
  console.log('ladder', (await names('payment-collection', `${cid}-I1`)).join(' > '));
  const target = Date.parse(`${addDays(today, 7)}T00:00:00+08:00`) + 10 * 3600000;
  console.log('now', sb.clock.now().toISOString(), 'target', new Date(target).toISOString());
  await sb.request('POST', '/_local/clock', {
    json: { advanceSeconds: Math.ceil((target - sb.clock.now().getTime()) / 1000) },
  });
  await new Promise((r) => setTimeout(r, 1500));
  console.log('now', sb.clock.now().toISOString());
  console.log('ladder', (await names('payment-collection', `${cid}-I1`)).join(' > '));
  console.log((await sb.mails('buyer1@east.example')).map((m) => m.subject));
} finally {
  await sb.stop();
}
