// Mixed workflows (claims, advance applications, contracts, their orders and installments) worked through by people while the sandbox process is SIGKILLed and started again on the same data.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { addDays, localDate } from '#shared/clock.ts';
import { stepsToAcceptance } from './order-steps.ts';
import { financePerson, PeopleAtWork, type WorkCounts } from './people-at-work.ts';
import { pause, SandboxProcess } from './sandbox-process.ts';
import { contractDraft } from './signed-contract.ts';
import { type Expected, type Reckoning, reckon } from './soak-reckoning.ts';

/**
 * A data folder for a kill run: removed once the run passed, kept when it failed, with the command that starts a
 * sandbox on it to look.
 */
export function dataFolderKeptOnFailure(prefix: string): { dir: string; passed(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let passed = false;
  afterAll(() => {
    if (passed) rmSync(dir, { recursive: true, force: true });
    else console.log(`the sandbox's data is kept in ${dir}: SANDBOX_DIR=${dir} npm start`);
  });
  return {
    dir,
    passed: () => {
      passed = true;
    },
  };
}

const reps = ['li.lei@example.com', 'han.meimei@example.com', 'anna.smith@example.com'];
const supervisor = 'zhao.min@example.com';
const salesManager = 'sun.li@example.com';
const director = 'zhou.qiang@example.com';
const finance = financePerson;
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];
const signatory = 'sun.li@example.com';

export interface KillScenario {
  dir: string;
  /** Claims filed at the start; each approved advance application brings one more, filed once it is approved. */
  claims: number;
  applications: number;
  /** Each becomes an order and three installments once signed. */
  contracts: number;
  /**
   * Kill the sandbox each time this many more decisions and payments have been taken, `kills` times; two more kills
   * land right after the clock is moved (past the advances' due date, then past every due date).
   */
  killEvery: number;
  kills: number;
}

/** What happened, by kind of workflow; kills counts the two that land while the ladders run on a clock advance. */
export interface KillReport extends WorkCounts {
  workflows: number;
  claims: { approved: number; rejected: number; onApplications: number };
  applications: { used: number; rejected: number; releasedByRejectedClaim: number };
  contracts: { signed: number; withSalesDirector: number };
  orders: { accepted: number };
  installments: { paid: number; wentOverdue: number; promised: number };
  reckoning: Omit<Reckoning, 'executionNames'>;
}

/**
 * How each contract's customer pays: `prompt` pays the advance at once (sent twice, applied once) and the rest on
 * acceptance; `partial` pays a third of the advance, which then goes overdue; `promise` pays nothing until overdue,
 * when the salesperson records the customer's promise from the follow-up mail. All settle in the end.
 */
type PaymentHabit = 'promise' | 'prompt' | 'partial';
const habits: readonly PaymentHabit[] = ['promise', 'prompt', 'partial'];

interface InstallmentView {
  id: string;
  status: string;
  dueDate?: string;
  amount: { amount: number };
  paid: number;
  level: number | null;
  outstanding: { amount: number };
  payments: { reference: string; amount: number }[];
}

export async function runKillScenario(scenario: KillScenario): Promise<KillReport> {
  const sandbox = await SandboxProcess.on(scenario.dir);
  await sandbox.start();
  try {
    return await work(sandbox, scenario);
  } finally {
    // Never leave a sandbox process behind, whatever failed.
    await sandbox.stop();
  }
}

async function work(sandbox: SandboxProcess, scenario: KillScenario): Promise<KillReport> {
  const people = new PeopleAtWork(sandbox, { every: scenario.killEvery, times: scenario.kills });
  const report: Omit<KillReport, keyof WorkCounts | 'reckoning' | 'workflows'> = {
    claims: { approved: 0, rejected: 0, onApplications: 0 },
    applications: { used: 0, rejected: 0, releasedByRejectedClaim: 0 },
    contracts: { signed: 0, withSalesDirector: 0 },
    orders: { accepted: 0 },
    installments: { paid: 0, wentOverdue: 0, promised: 0 },
  };
  const virtualNow = async () =>
    Date.parse((await people.request('GET', '/_local/clock')).json<{ now: string }>().now);
  const today = localDate(new Date(await virtualNow()));
  const month = today.slice(0, 7);
  const read = async <T>(who: string, path: string) => {
    const reply = await people.request('GET', path, { token: await people.token(who) });
    expect(reply.status, `${path} ${reply.text}`).toBe(200);
    return reply.json<T>();
  };
  /** Polls `path` until `done` holds (bounded: two minutes), and returns what it read. */
  const when = async <T>(who: string, path: string, done: (view: T) => boolean, what: string) => {
    for (const giveUpAt = Date.now() + 120_000; Date.now() < giveUpAt; ) {
      const view = await read<T>(who, path);
      if (done(view)) return view;
      await pause(300);
    }
    throw new Error(`${path}: ${what} never happened`);
  };

  // Budgets: three roomy ones, and one of 100 CNY that only advance applications get claims through.
  const costCenters = ['KILL-A', 'KILL-B', 'KILL-C'];
  const applicationCostCenter = 'KILL-PA';
  for (const [costCenter, limit] of [
    ...costCenters.map((c) => [c, 100_000_000] as const),
    [applicationCostCenter, 10_000] as const,
  ]) {
    const reply = await people.request('PUT', `/budgets/${costCenter}/${month}`, {
      token: await people.token(finance),
      json: { limit: { amount: limit, currency: 'CNY' } },
    });
    expect(reply.status).toBe(201);
  }

  interface PlannedClaim {
    id: string;
    by: string;
    costCenter: string;
    total: number;
    approve: boolean;
    big: boolean;
    applicationId?: string;
  }
  const claims: PlannedClaim[] = [];
  const fileClaim = async (plan: Omit<PlannedClaim, 'id'>, key: string) => {
    const json = {
      title: `Customer visit ${key}`,
      costCenter: plan.costCenter,
      ...(plan.applicationId ? { applicationId: plan.applicationId } : {}),
      items: [
        {
          category: 'travel',
          amount: { amount: plan.total, currency: 'CNY' },
          date: today,
          description: 'Train and hotel',
          receipt: `R-${key}`,
        },
      ],
    };
    const claim = { ...plan, id: await people.create(plan.by, '/expenses', json, key) };
    claims.push(claim);
    return claim;
  };
  /** Supervisor, the sales manager above 5,000 CNY, then finance approves or rejects. */
  const reviewClaim = async (claim: PlannedClaim) => {
    await people.decide([supervisor], claim.id, 'approve');
    if (claim.big) await people.decide([salesManager], claim.id, 'approve');
    if (claim.approve) await people.decide([finance], claim.id, 'approve');
    else await people.decide([finance], claim.id, 'reject', { comment: 'Not a customer visit' });
  };

  // Claims: small ones (supervisor, finance) and large ones (and the sales manager); finance rejects every fifth.
  const upFront: PlannedClaim[] = [];
  for (let i = 0; i < scenario.claims; i++) {
    const big = i % 2 === 1;
    upFront.push(
      await fileClaim(
        {
          by: reps[i % reps.length] as string,
          costCenter: costCenters[i % costCenters.length] as string,
          total: big ? 600_000 + i * 100 : 80_000 + i * 100,
          approve: i % 5 !== 4,
          big,
        },
        `claim-${i}`,
      ),
    );
  }

  // Advance applications for the 100 CNY budget: the sales manager, then the director; each rejects every eighth.
  const applications: { id: string; by: string; amount: number; index: number }[] = [];
  for (let i = 0; i < scenario.applications; i++) {
    const by = reps[(i + 1) % reps.length] as string;
    const amount = 800_000 + i * 100;
    const json = {
      costCenter: applicationCostCenter,
      amount: { amount, currency: 'CNY' },
      reason: `Trade fair booth ${i}, beyond this month's budget`,
    };
    applications.push({
      id: await people.create(by, '/expense-applications', json, `application-${i}`),
      by,
      amount,
      index: i,
    });
  }

  interface PlannedContract {
    id: string;
    owner: string;
    amount: number;
    large: boolean;
    habit: PaymentHabit;
    customer: string;
    orderId?: string;
  }
  const contracts: PlannedContract[] = [];
  for (let i = 0; i < scenario.contracts; i++) {
    // Every fourth is 1,000,000 CNY or more, so the sales director reviews it; odd fen test the installments' rounding.
    const large = i % 4 === 0;
    const amount = (large ? 120_000_000 : 30_000_000) + i * 7;
    const owner = reps[i % reps.length] as string;
    const customer = `buyer${i}@customer.example`;
    const json = contractDraft(customer, today, {
      customer: { name: `Customer ${i}`, email: customer },
      title: `Machines ${i}`,
      amount: { amount, currency: 'CNY' },
      items: [{ sku: `M-${i}`, description: 'Machine', quantity: 1, qualityStandard: 'GB/T 1' }],
    });
    const id = await people.create(owner, '/contracts', json, `contract-${i}`);
    contracts.push({ id, owner, amount, large, customer, habit: habits[i % habits.length] as PaymentHabit });
  }

  const installmentsOf = async (contractId: string) =>
    (await read<{ installments: InstallmentView[] }>(finance, `/contracts/${contractId}/installments`))
      .installments;
  const outstandingOf = (list: InstallmentView[]) => list.reduce((sum, i) => sum + i.outstanding.amount, 0);
  const payOnce = async (contractId: string, amount: number, reference: string) =>
    people.pay(contractId, amount, reference, localDate(new Date(await virtualNow())));

  const applicationFlow = async (application: (typeof applications)[number]) => {
    const { id, index } = application;
    if (index % 8 === 1) {
      await people.decide([salesManager], id, 'reject', { comment: 'The fair is not worth it' });
      report.applications.rejected++;
      return;
    }
    await people.decide([salesManager], id, 'approve');
    if (index % 8 === 5) {
      await people.decide([director], id, 'reject', { comment: 'Not this quarter' });
      report.applications.rejected++;
      return;
    }
    await people.decide([director], id, 'approve');
    await when<{ status: string }>(
      application.by,
      `/expense-applications/${id}`,
      (a) => a.status === 'APPROVED',
      'approval',
    );
    // Over the 100 CNY budget by the application's amount: only the application lets it through.
    const claim = await fileClaim(
      {
        by: application.by,
        costCenter: applicationCostCenter,
        total: application.amount,
        approve: index % 8 !== 6,
        big: true,
        applicationId: id,
      },
      `claim-on-${id}`,
    );
    report.claims.onApplications++;
    await reviewClaim(claim);
  };

  const contractFlow = async (contract: PlannedContract) => {
    await people.decide(legal, contract.id, 'approve');
    if (contract.large) {
      await people.decide([director], contract.id, 'approve');
      report.contracts.withSalesDirector++;
    }
    await people.decide([signatory], contract.id, 'sign', {
      signedDate: today,
      signerName: '孙丽',
      signedCopy: `https://docs.example.com/signed/${contract.id}.pdf`,
    });
    const [first] = await when<{ installments: InstallmentView[] }>(
      finance,
      `/contracts/${contract.id}/installments`,
      (view) => view.installments[0]?.status === 'SCHEDULED',
      'the installments planned',
    ).then((view) => view.installments);
    if (!first) throw new Error(`${contract.id} has no installments`);
    if (contract.habit === 'prompt') {
      const paid = await payOnce(contract.id, first.outstanding.amount, `${contract.id}-ADVANCE`);
      expect(paid.applied).toEqual([
        { installmentId: first.id, amount: first.amount.amount, paidInFull: true },
      ]);
      // Sent again by a finance clerk who was not sure: the same answer, nothing applied twice.
      expect(await payOnce(contract.id, first.outstanding.amount, `${contract.id}-ADVANCE`)).toEqual(paid);
    }
    if (contract.habit === 'partial')
      await payOnce(contract.id, Math.floor(first.amount.amount / 3), `${contract.id}-PART`);

    const orderId = await when<{ orders: { id: string }[] }>(
      contract.owner,
      `/orders?contractId=${contract.id}`,
      (view) => view.orders.length > 0,
      'the order',
    ).then((view) => view.orders[0]?.id as string);
    contract.orderId = orderId;
    for (const step of stepsToAcceptance(today, contract.owner))
      await people.decide([step.assignee], orderId, step.outcome, step.form);
    await when<{ status: string }>(
      contract.owner,
      `/orders/${orderId}`,
      (o) => o.status === 'ACCEPTED',
      'acceptance',
    );
    report.orders.accepted++;
    if (contract.habit === 'prompt') {
      const rest = await when<{ installments: InstallmentView[] }>(
        finance,
        `/contracts/${contract.id}/installments`,
        (view) => view.installments.every((i) => i.dueDate !== undefined),
        'every installment dated',
      ).then((view) => outstandingOf(view.installments));
      await payOnce(contract.id, rest, `${contract.id}-REST`);
    }
  };

  // Everyone works at once; the kills land in the middle of it.
  await Promise.all([
    ...upFront.map(reviewClaim),
    ...applications.map(applicationFlow),
    ...contracts.map(contractFlow),
  ]);

  // The advances not paid in full fall due: past their due date, the ladder sends its notices and asks the owner to
  // follow up, and the sandbox is killed while it does.
  const advances = await Promise.all(
    contracts.map(async (c) => (await installmentsOf(c.id))[0] as InstallmentView),
  );
  const lastAdvanceDue = advances
    .map((i) => i.dueDate as string)
    .sort()
    .at(-1) as string;
  // Three days before they are due, each customer who owes on one is reminded (the ladder skips a reminder whose
  // day it slept through, so the clock stops there first).
  await advanceTo(people, virtualNow, addDays(lastAdvanceDue, -3));
  await Promise.all(
    contracts
      .filter((c) => c.habit !== 'prompt')
      .map((c) =>
        when<{ installments: (InstallmentView & { remindedAt?: string })[] }>(
          finance,
          `/contracts/${c.id}/installments`,
          (view) => view.installments[0]?.remindedAt !== undefined,
          'the reminder',
        ),
      ),
  );
  await advanceTo(people, virtualNow, addDays(lastAdvanceDue, 1));
  await people.killAndRestart();
  await Promise.all(
    contracts.map(async (contract, n) => {
      const advance = advances[n] as InstallmentView;
      if (contract.habit === 'prompt') return;
      await when<{ installments: InstallmentView[] }>(
        finance,
        `/contracts/${contract.id}/installments`,
        (view) => view.installments[0]?.status === 'OVERDUE' && view.installments[0].level === 1,
        'overdue level 1',
      );
      report.installments.wentOverdue++;
      if (contract.habit === 'promise') {
        await people.decide([contract.owner], advance.id, 'promised', {
          promisedDate: addDays(advance.dueDate as string, 10),
          comment: 'Their finance pays next week',
        });
        await when<{ installments: InstallmentView[] }>(
          finance,
          `/contracts/${contract.id}/installments`,
          (view) => view.installments[0]?.status === 'PROMISED',
          'the promise recorded',
        );
        report.installments.promised++;
      }
    }),
  );

  // What GET /receivables says is owed is what the installments say: every payment counted once in both.
  const owed = (
    await Promise.all(contracts.map(async (c) => outstandingOf(await installmentsOf(c.id))))
  ).reduce((sum, amount) => sum + amount, 0);
  const receivables = () =>
    read<{
      aging: { total: { amount: number } };
      company: Record<'openingReceivables' | 'creditSales' | 'closingReceivables', { amount: number }>;
    }>(finance, '/receivables');
  const aging = async () => (await receivables()).aging.total.amount;
  expect(await aging()).toBe(owed);

  // Finance records what each customer still owes; then time runs past every due date, and every ladder ends.
  await Promise.all(
    contracts.map(async (contract) => {
      const left = outstandingOf(await installmentsOf(contract.id));
      if (left > 0) await payOnce(contract.id, left, `${contract.id}-FINAL`);
    }),
  );
  expect(await aging()).toBe(0);
  const everyDue = (await Promise.all(contracts.map(async (c) => installmentsOf(c.id))))
    .flat()
    .map((i) => i.dueDate as string);
  await advanceTo(people, virtualNow, addDays(everyDue.sort().at(-1) as string, 1));
  // Killed again while the ladders the clock woke look at their installments and end: they end after the restart.
  await people.killAndRestart();
  // The ledger billed every installment once and took every payment once: all of it sold on credit, all collected.
  const { company } = await receivables();
  expect([company.openingReceivables, company.creditSales, company.closingReceivables]).toEqual([
    { amount: 0, currency: 'CNY' },
    { amount: contracts.reduce((sum, c) => sum + c.amount, 0), currency: 'CNY' },
    { amount: 0, currency: 'CNY' },
  ]);

  // Every workflow completed as planned.
  for (const claim of claims) {
    const { status } = await when<{ status: string }>(
      finance,
      `/expenses/${claim.id}`,
      (c) => c.status === 'APPROVED_FOR_PAYMENT' || c.status === 'REJECTED',
      'the claim decided',
    );
    expect(status, claim.id).toBe(claim.approve ? 'APPROVED_FOR_PAYMENT' : 'REJECTED');
    if (claim.approve) report.claims.approved++;
    else report.claims.rejected++;
  }
  for (const application of applications) {
    const { status, usedBy } = await read<{ status: string; usedBy?: string }>(
      application.by,
      `/expense-applications/${application.id}`,
    );
    const claim = claims.find((c) => c.applicationId === application.id);
    if (!claim) expect(status, application.id).toBe('REJECTED');
    else if (claim.approve) {
      // Used once, by its one claim.
      expect([status, usedBy], application.id).toEqual(['USED', claim.id]);
      report.applications.used++;
    } else {
      // The claim was rejected: the application is free again.
      expect(status, application.id).toBe('APPROVED');
      report.applications.releasedByRejectedClaim++;
    }
  }
  for (const [n, contract] of contracts.entries()) {
    const { status } = await read<{ status: string }>(contract.owner, `/contracts/${contract.id}`);
    // The customer heard of an unpaid advance before and after its due date; a paid one, never. A mail goes out at
    // least once: a kill between SES taking it and the step recording it sends it again on the rerun, so a notice may
    // come twice, never three times (a level taken twice would mail again on every wake).
    const advanceId = (advances[n] as InstallmentView).id;
    const mails = (await people.whileUp(() => people.client.mails(contract.customer))).filter((m) =>
      m.subject.includes(advanceId),
    );
    const notices = (prefix: string) => mails.filter((m) => m.subject.startsWith(prefix)).length;
    const told = contract.habit === 'prompt' ? 0 : 1;
    for (const prefix of ['[付款提醒]', '[逾期未付]']) {
      expect(notices(prefix), `${prefix} ${advanceId}`).toBeGreaterThanOrEqual(told);
      expect(notices(prefix), `${prefix} ${advanceId}`).toBeLessThanOrEqual(told * 2);
    }
    expect(status, contract.id).toBe('SIGNED');
    report.contracts.signed++;
    const installments = await installmentsOf(contract.id);
    // The payment terms became exactly the contract's amount, every fen of it paid, each payment counted once.
    expect(installments.map((i) => i.id)).toEqual([1, 2, 3].map((n) => `${contract.id}-I${n}`));
    expect(
      installments.reduce((sum, i) => sum + i.amount.amount, 0),
      contract.id,
    ).toBe(contract.amount);
    for (const installment of installments) {
      expect([installment.status, installment.paid], installment.id).toEqual([
        'PAID',
        installment.amount.amount,
      ]);
      expect(
        installment.payments.reduce((sum, p) => sum + p.amount, 0),
        installment.id,
      ).toBe(installment.paid);
      const references = installment.payments.map((p) => p.reference);
      expect(new Set(references).size, installment.id).toBe(references.length);
      report.installments.paid++;
    }
  }
  // Budgets end at exactly what was approved: nothing held, nothing consumed twice.
  for (const costCenter of [...costCenters, applicationCostCenter]) {
    const budget = await read<{ committed: { amount: number }; consumed: { amount: number } }>(
      finance,
      `/budgets/${costCenter}/${month}`,
    );
    const approved = claims
      .filter((c) => c.costCenter === costCenter && c.approve)
      .reduce((sum, c) => sum + c.total, 0);
    expect([budget.consumed.amount, budget.committed.amount], costCenter).toEqual([approved, 0]);
  }

  const expected: Expected = {
    claims: claims.map((c) => c.id),
    applications: applications.map((a) => a.id),
    contracts: contracts.map((c) => c.id),
    orders: contracts.map((c) => c.orderId as string),
    installments: contracts.flatMap((c) => [1, 2, 3].map((n) => `${c.id}-I${n}`)),
    paymentReferences: contracts.flatMap((c) =>
      c.habit === 'prompt'
        ? [`${c.id}-ADVANCE`, `${c.id}-REST`]
        : c.habit === 'partial'
          ? [`${c.id}-PART`, `${c.id}-FINAL`]
          : [`${c.id}-FINAL`],
    ),
  };
  const reckoning = await reckon(sandbox, expected);
  // One ladder per installment, named by it, none started twice; only an installment paid in full in the moment
  // between getting its due date and its ladder starting (a prompt payer's advance or retention) needs none.
  const ladders = reckoning.executionNames['local-payment-collection'] ?? [];
  expect(ladders.filter((name) => !expected.installments.includes(name))).toEqual([]);
  const mustRun = contracts.flatMap((c) =>
    c.habit === 'prompt' ? [`${c.id}-I2`] : [1, 2, 3].map((n) => `${c.id}-I${n}`),
  );
  expect(mustRun.filter((id) => !ladders.includes(id))).toEqual([]);
  // One follow-up for each advance that went overdue, at level 1.
  expect((reckoning.executionNames['local-collection-follow-up'] ?? []).toSorted()).toEqual(
    contracts
      .filter((c) => c.habit !== 'prompt')
      .map((c) => `${c.id}-I1-L1`)
      .toSorted(),
  );
  return {
    ...people.counts,
    ...report,
    workflows:
      expected.claims.length +
      expected.applications.length +
      expected.contracts.length +
      expected.orders.length +
      expected.installments.length,
    reckoning: { records: reckoning.records, executions: reckoning.executions },
  };
}

/** Moves the virtual clock to 10:00 on `date` (company time); due Wait states fire. */
async function advanceTo(people: PeopleAtWork, virtualNow: () => Promise<number>, date: string) {
  const seconds = Math.ceil((Date.parse(`${date}T10:00:00+08:00`) - (await virtualNow())) / 1000);
  if (seconds <= 0) return;
  const reply = await people.request('POST', '/_local/clock', { json: { advanceSeconds: seconds } });
  expect(reply.status).toBe(200);
}
