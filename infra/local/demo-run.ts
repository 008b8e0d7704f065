// The demo's run: each workflow end to end through a sandbox's HTTP API, as people would, saying each step.

import type { Change } from '#contract-review/changes.ts';
import { describeChange } from '#contract-review/words.ts';
import { addDays, localDate } from '#shared/clock.ts';
import { formatMoney } from '#shared/money.ts';
import { eventually, type SandboxClient } from './sandbox-client.ts';
import { demoCast } from './seed.ts';

/**
 * Drives expense approval, an advance application, contract review, the order handoff and payment collection against
 * the sandbox `sandbox` talks to, calling `say` once per step; throws at the first step that does not go as planned.
 * In-process too, so a test can watch everything the run sends and logs.
 */
export async function runDemo(sandbox: SandboxClient, say: (line: string) => void): Promise<void> {
  const people = demoCast;

  /** Amounts in the demo's own lines, in the one format English readers see everywhere. */
  const yuan = (value: number) => formatMoney({ amount: value * 100, currency: 'CNY' }, 'en');

  async function expectStatus(reply: { status: number; text: string }, status: number, what: string) {
    if (reply.status !== status)
      throw new Error(`${what}: expected HTTP ${status}, got ${reply.status} ${reply.text}`);
  }

  async function claimStatus(token: string, id: string, status: string) {
    return eventually(async () => {
      const path = id.startsWith('PA-') ? `/expense-applications/${id}` : `/expenses/${id}`;
      const claim = (await sandbox.request('GET', path, { token })).json<{ status: string }>();
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
    say(`finance set the ${costCenter} budget for ${month}: ${yuan(8_000)}`);

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
    say(
      `${people.rep} filed ${claim} for ${yuan(5_700)} (over ${yuan(5_000)}: supervisor, sales manager, finance)`,
    );

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
    say(
      `a ${yuan(4_200)} claim over the remaining budget was refused: ${over.json<{ message: string }>().message}`,
    );

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
    say(`${people.rep} filed advance application ${application} for ${yuan(2_000)}`);
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

  async function contractStatus(token: string, id: string, status: string) {
    return eventually(async () => {
      const contract = (await sandbox.request('GET', `/contracts/${id}`, { token })).json<{
        status: string;
      }>();
      return contract.status === status ? contract : undefined;
    }, `${id} to be ${status}`);
  }

  /** Who of `candidates` has the open task about `id` (role tasks go to the least loaded member). */
  async function holderOf(candidates: string[], id: string): Promise<string> {
    return eventually(async () => {
      for (const person of candidates) {
        const token = await sandbox.login(person);
        const { tasks } = (await sandbox.request('GET', '/tasks', { token })).json<{
          tasks: { subject: { id: string } }[];
        }>();
        if (tasks.some((task) => task.subject.id === id)) return person;
      }
      return undefined;
    }, `an open task about ${id}`);
  }

  async function contractReview(): Promise<string> {
    const now = (await sandbox.request('GET', '/_local/clock')).json<{ now: string }>().now;
    const inDays = (days: number) => new Date(Date.parse(now) + days * 86_400_000).toISOString().slice(0, 10);
    const token = await sandbox.login(people.rep);
    // Legal will ask for a bigger advance and shorter credit; version 2 gives both.
    const draft = (advance: number, retentionDays: number) => ({
      customer: { name: 'East Machinery Co.', email: 'purchasing@east-machinery.example' },
      title: 'CNC lathes 2027',
      amount: { amount: 120_000_000, currency: 'CNY' },
      paymentTerms: [
        { label: 'Advance', percent: advance, trigger: 'signing', dueDays: 10 },
        { label: 'On delivery', percent: 90 - advance, trigger: 'delivery', dueDays: 30 },
        { label: 'Retention', percent: 10, trigger: 'acceptance', dueDays: retentionDays },
      ],
      deliveryDate: inDays(60),
      items: [{ sku: 'CNC-200', description: 'CNC lathe', quantity: 4, qualityStandard: 'GB/T 25659' }],
    });
    const submitted = await sandbox.request('POST', '/contracts', { token, json: draft(20, 120) });
    await expectStatus(submitted, 201, 'submit contract');
    const { id, findings } = submitted.json<{ id: string; findings: { rule: string }[] }>();
    say(
      `${people.rep} submitted contract ${id} for ${yuan(1_200_000)}; findings: ${findings.map((f) => f.rule).join(', ')}`,
    );

    const legal = [people.legal, people.legal2];
    let reviewer = await holderOf(legal, id);
    await expectStatus(
      (
        await sandbox.decideFromMail(reviewer, id, 'request-changes', {
          comment: 'Raise the advance to 30% and shorten the retention credit',
        })
      ).reply,
      200,
      'legal',
    );
    await contractStatus(token, id, 'CHANGES_REQUESTED');
    say(
      `${reviewer} (legal) saw the findings on the task page and requested changes; ${people.rep} was told`,
    );

    const revised = await sandbox.request('POST', `/contracts/${id}/revisions`, {
      token,
      json: draft(30, 60),
    });
    await expectStatus(revised, 201, 'revise contract');
    const changes = revised
      .json<{ changes: Change[] }>()
      .changes.map((change) => describeChange(change, 'en'));
    say(`${people.rep} sent version 2: ${changes.join('; ')}`);

    reviewer = await holderOf(legal, id);
    await expectStatus((await sandbox.decideFromMail(reviewer, id, 'approve')).reply, 200, 'legal approval');
    say(`${reviewer} (legal) approved version 2`);
    await expectStatus((await sandbox.decideFromMail(people.director, id, 'approve')).reply, 200, 'director');
    say(`${people.director} (sales director) approved: the contract is over ${yuan(1_000_000)}`);
    const signed = await sandbox.decideFromMail(people.salesManager, id, 'sign', {
      signedDate: now.slice(0, 10),
      signerName: '孙丽',
      signedCopy: 'https://docs.example.com/contracts/signed.pdf',
    });
    await expectStatus(signed.reply, 200, 'signing');
    await contractStatus(token, id, 'SIGNED');
    say(`${people.salesManager} (signatory) recorded the signing: ${id} is SIGNED`);
    return id;
  }

  async function orderHandoff(contractId: string): Promise<void> {
    const now = (await sandbox.request('GET', '/_local/clock')).json<{ now: string }>().now;
    const today = localDate(new Date(now));
    const token = await sandbox.login(people.rep);
    const orderId = await eventually(async () => {
      const reply = await sandbox.request('GET', `/orders?contractId=${contractId}`, { token });
      return reply.json<{ orders?: { id: string }[] }>().orders?.[0]?.id;
    }, `the order of ${contractId}`);
    const plan = await eventually(
      async () => (await sandbox.mails(people.logistics)).find((mail) => mail.subject.includes(orderId)),
      'the delivery plan',
    );
    say(
      `${contractId} became order ${orderId}; ${people.logistics} (logistics) got the delivery plan: ${plan.subject}`,
    );
    const decide = async (who: string, outcome: string, form: Record<string, string>, what: string) => {
      await expectStatus((await sandbox.decideFromMail(who, orderId, outcome, form)).reply, 200, what);
      say(what);
    };
    await decide(
      people.production,
      'confirm',
      { plannedDate: addDays(today, 50) },
      `${people.production} (production) confirmed completion by ${addDays(today, 50)}`,
    );
    await decide(
      people.production,
      'done',
      { qcNote: 'All units passed QC' },
      `${people.production} reported it done, QC passed`,
    );
    await decide(
      people.logistics,
      'shipped',
      { carrier: 'SF Express', trackingNumber: 'SF1234567890', expectedDelivery: addDays(today, 55) },
      `${people.logistics} shipped it with SF Express, tracking SF1234567890; the customer and sales were mailed`,
    );
    await decide(
      people.logistics,
      'delivered',
      { deliveredOn: today, receiver: 'Wang Gong' },
      `${people.logistics} confirmed delivery, signed for by Wang Gong`,
    );
    await decide(
      people.rep,
      'accept',
      { acceptedOn: today },
      `${people.rep} (sales) recorded the customer's acceptance`,
    );
    await eventually(async () => {
      const order = (await sandbox.request('GET', `/orders/${orderId}`, { token })).json<{
        status: string;
      }>();
      return order.status === 'ACCEPTED' ? order : undefined;
    }, `${orderId} to be ACCEPTED`);
    say(`${orderId} is ACCEPTED`);
  }

  interface InstallmentLine {
    id: string;
    label: string;
    status: string;
    dueDate?: string;
    outstanding: { amount: number; currency: 'CNY' };
  }

  async function installmentsOf(contractId: string): Promise<InstallmentLine[]> {
    const reply = await sandbox.request('GET', `/contracts/${contractId}/installments`, {
      token: await sandbox.login(people.rep),
    });
    await expectStatus(reply, 200, 'installments');
    return reply.json<{ installments: InstallmentLine[] }>().installments;
  }

  /** Moves the sandbox's clock to 10:00 on `date` (company time): the ladder runs on virtual time. */
  async function advanceTo(date: string): Promise<void> {
    const now = Date.parse((await sandbox.request('GET', '/_local/clock')).json<{ now: string }>().now);
    const target = Date.parse(`${date}T10:00:00+08:00`);
    if (target <= now) return;
    const reply = await sandbox.request('POST', '/_local/clock', {
      json: { advanceSeconds: Math.ceil((target - now) / 1000) },
    });
    await expectStatus(reply, 200, 'advance the clock');
  }

  async function paymentCollection(contractId: string): Promise<void> {
    const all = await installmentsOf(contractId);
    say(
      `${contractId}'s payment terms are installments: ${all
        .map((i) => `${i.label} ${formatMoney(i.outstanding, 'en')} due ${i.dueDate ?? '(on its trigger)'}`)
        .join('; ')}`,
    );
    const [first] = all;
    if (!first?.dueDate) throw new Error(`${contractId} has no installment due`);
    await advanceTo(addDays(first.dueDate, -3));
    const reminder = await eventually(
      async () =>
        (await sandbox.mails('purchasing@east-machinery.example')).find((m) => m.subject.includes(first.id)),
      'the payment reminder',
    );
    say(`3 days before ${first.dueDate} (virtual time) the customer got: ${reminder.subject}`);
    await advanceTo(addDays(first.dueDate, 1));
    await expectStatus(
      (
        await sandbox.decideFromMail(people.rep, first.id, 'promised', {
          promisedDate: addDays(first.dueDate, 5),
          comment: 'Their finance pays on Friday',
        })
      ).reply,
      200,
      'promise',
    );
    say(
      `a day overdue: the customer got an overdue notice; ${people.rep} recorded their promise to pay by ${addDays(first.dueDate, 5)}`,
    );
    const owed = (await installmentsOf(contractId)).reduce((sum, i) => sum + i.outstanding.amount, 0);
    const payment = {
      contractId,
      amount: { amount: owed, currency: 'CNY' },
      reference: `DEMO-${contractId}`,
    };
    const token = await sandbox.login(people.finance);
    const paid = await sandbox.request('POST', '/payments', { token, json: payment });
    await expectStatus(paid, 201, 'payment');
    const again = await sandbox.request('POST', '/payments', { token, json: payment });
    if (again.text !== paid.text) throw new Error('the same payment reference was applied twice');
    say(
      `${people.finance} (finance) recorded ${yuan(owed / 100)} (reference ${payment.reference}; sent twice, applied once)`,
    );
    const after = await installmentsOf(contractId);
    say(`installments now: ${after.map((i) => `${i.id} ${i.status}`).join(', ')}`);
  }

  await expenseApproval();
  const contractId = await contractReview();
  await orderHandoff(contractId);
  await paymentCollection(contractId);
}
