// `npm run demo`: drives each workflow end to end against a running sandbox, as people would, one line per step.
import { z } from 'zod';
import { readEnv } from '#shared/env.ts';
import { localDate } from '#tasks/sla.ts';
import { eventually, SandboxClient } from './sandbox-client.ts';

const env = readEnv({ DEMO_URL: z.url().default(`http://127.0.0.1:${process.env.PORT ?? 3000}`) });
const sandbox = new SandboxClient(env.DEMO_URL);

const people = {
  rep: 'li.lei@example.com',
  supervisor: 'zhao.min@example.com',
  salesManager: 'sun.li@example.com',
  director: 'zhou.qiang@example.com',
  finance: 'qian.yu@example.com',
};

let step = 0;
function say(line: string): void {
  console.log(`${String(++step).padStart(2)}. ${line}`);
}

async function expectStatus(reply: { status: number; text: string }, status: number, what: string) {
  if (reply.status !== status)
    throw new Error(`${what}: expected HTTP ${status}, got ${reply.status} ${reply.text}`);
}

async function claimStatus(token: string, id: string, status: string) {
  return eventually(async () => {
    const claim = (await sandbox.request('GET', `/expenses/${id}`, { token })).json<{ status: string }>();
    return claim.status === status ? claim : undefined;
  }, `${id} to be ${status}`);
}

async function expenseApproval(): Promise<void> {
  const health = await sandbox.request('GET', '/health');
  await expectStatus(health, 200, `the sandbox at ${sandbox.baseUrl}`);
  const now = (await sandbox.request('GET', '/_local/clock')).json<{ now: string }>().now;
  const today = localDate(new Date(now));
  const costCenter = `DEMO-${today.replaceAll('-', '')}-${Math.floor(Math.random() * 1e4)}`;
  const token = Object.fromEntries(
    await Promise.all(
      Object.entries(people).map(async ([role, email]) => [role, await sandbox.login(email)]),
    ),
  ) as Record<keyof typeof people, string>;
  say(`signed in as ${Object.values(people).join(', ')}`);

  const month = today.slice(0, 7);
  await expectStatus(
    await sandbox.request('PUT', `/budgets/${costCenter}/${month}`, {
      token: token.finance,
      json: { limit: { amount: 800_000, currency: 'CNY' } },
    }),
    201,
    'set budget',
  );
  say(`finance set the ${costCenter} budget for ${month}: ¥8,000.00`);

  const items = [
    {
      category: 'travel',
      amount: { amount: 420_000, currency: 'CNY' },
      date: today,
      description: 'Flights to Chengdu',
      receipt: 'FL-1',
    },
    {
      category: 'entertainment',
      amount: { amount: 150_000, currency: 'CNY' },
      date: today,
      description: 'Client dinner',
      receipt: 'RC-7',
    },
  ];
  const filed = await sandbox.request('POST', '/expenses', {
    token: token.rep,
    json: { title: 'Chengdu customer visit', costCenter, items },
  });
  await expectStatus(filed, 201, 'file claim');
  const claim = filed.json<{ id: string }>().id;
  say(`${people.rep} filed ${claim} for ¥5,700.00 (over ¥5,000: supervisor, sales manager, finance)`);

  for (const [who, level] of [
    [people.supervisor, 'supervisor'],
    [people.salesManager, 'sales manager'],
    [people.finance, 'finance'],
  ] as const) {
    const { mail, reply } = await sandbox.decideFromMail(who, claim, 'approve');
    await expectStatus(reply, 200, `${level} decision`);
    say(`${who} (${level}) got "${mail.subject}", opened the link and approved`);
  }
  await claimStatus(token.rep, claim, 'APPROVED_FOR_PAYMENT');
  say(`${claim} is APPROVED_FOR_PAYMENT; the budget's hold became spending`);

  const over = await sandbox.request('POST', '/expenses', {
    token: token.rep,
    json: { title: 'Trade fair booth', costCenter, items: [{ ...items[0], description: 'Booth rental' }] },
  });
  await expectStatus(over, 422, 'over-budget claim');
  say(`a ¥4,200.00 claim over the remaining budget was refused: ${over.json<{ message: string }>().message}`);

  const applied = await sandbox.request('POST', '/expense-applications', {
    token: token.rep,
    json: {
      costCenter,
      amount: { amount: 200_000, currency: 'CNY' },
      reason: 'Booth at the Chengdu trade fair',
    },
  });
  await expectStatus(applied, 201, 'advance application');
  const application = applied.json<{ id: string }>().id;
  say(`${people.rep} filed advance application ${application} for ¥2,000.00`);
  for (const [who, level] of [
    [people.salesManager, 'sales manager'],
    [people.director, 'sales director'],
  ] as const) {
    await expectStatus(
      (await sandbox.decideFromMail(who, application, 'approve')).reply,
      200,
      `${level} decision`,
    );
    say(`${who} (${level}) approved ${application} from the mailed link`);
  }
  await claimStatus(token.rep, application, 'APPROVED');

  const covered = await sandbox.request('POST', '/expenses', {
    token: token.rep,
    json: {
      title: 'Trade fair booth',
      costCenter,
      applicationId: application,
      items: [{ ...items[0], description: 'Booth rental' }],
    },
  });
  await expectStatus(covered, 201, 'claim with application');
  const second = covered.json<{ id: string }>().id;
  say(`the same claim with ${application} was accepted as ${second}`);
  await expectStatus(
    (await sandbox.decideFromMail(people.supervisor, second, 'approve')).reply,
    200,
    'supervisor',
  );
  const returned = await sandbox.decideFromMail(people.finance, second, 'return', {
    comment: 'Attach the booth contract',
  });
  await expectStatus(returned.reply, 200, 'finance return');
  await claimStatus(token.rep, second, 'RETURNED');
  say(`finance returned ${second} for changes: "Attach the booth contract"`);
}

try {
  console.log(`Demo against ${sandbox.baseUrl}`);
  await expenseApproval();
  console.log('Demo finished: every step passed.');
} catch (error) {
  console.error(`Demo failed at step ${step + 1}: ${(error as Error).message}`);
  process.exit(1);
}
