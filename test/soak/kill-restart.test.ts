// The soak version of "nothing stranded" (npm run test:soak): 200 mixed workflows, the sandbox SIGKILLed ten times in the middle of them.
import { expect, it } from 'vitest';
import { dataFolderKeptOnFailure, runKillScenario } from '../e2e/kill-and-restart.ts';

const data = dataFolderKeptOnFailure('sales-ops-soak-');

it('completes 200 mixed workflows through ten SIGKILLs: every record once, every execution succeeded, money exact', async () => {
  const report = await runKillScenario({
    dir: data.dir,
    claims: 65,
    applications: 20,
    contracts: 20,
    killEvery: 48,
    kills: 8,
  });
  console.log(`soak: ${JSON.stringify(report)}`);
  // 80 claims (15 of them on advance applications), 20 applications, 20 contracts, their 20 orders, 60 installments.
  expect(report.workflows).toBe(200);
  expect(report.kills).toBe(10);
  expect(report.claims).toEqual({ approved: 65, rejected: 15, onApplications: 15 });
  expect(report.applications).toEqual({ used: 13, rejected: 5, releasedByRejectedClaim: 2 });
  expect(report.contracts).toEqual({ signed: 20, withSalesDirector: 5 });
  expect(report.orders).toEqual({ accepted: 20 });
  expect(report.installments).toEqual({ paid: 60, wentOverdue: 13, promised: 7 });
  expect(report.reckoning.records).toEqual({
    claims: 80,
    applications: 20,
    contracts: 20,
    orders: 20,
    installments: 60,
    paymentReferences: 33,
  });
  // One execution per workflow, none started twice; a follow-up for each advance that went overdue.
  expect(report.reckoning.executions).toMatchObject({
    'local-expense-approval': 80,
    'local-expense-application': 20,
    'local-contract-review': 20,
    'local-order-handoff': 20,
    'local-collection-follow-up': 13,
  });
  // A ladder for each installment, bar a prompt payer's advance or retention paid before its ladder could start.
  expect(report.reckoning.executions['local-payment-collection']).toBeGreaterThanOrEqual(60 - 2 * 7);
  // Claims 33 × 2 + 32 × 3 + 15 × 3; applications 15 × 2 + 3 + 2 × 2; contracts 20 × 2 + 5; orders 20 × 5; 7 promises.
  expect(report.decisions).toBe(162 + 45 + 37 + 45 + 100 + 7);
  // Prompt payers: the advance (sent twice) and the rest; partial payers: a part and the rest; the others: the rest.
  expect(report.payments).toBe(7 * 3 + 6 * 2 + 7);
  expect(report.decidedOnOriginalLinks).toBeGreaterThan(10);
  data.passed();
}, 600_000);
