// Nothing stranded: the sandbox process is SIGKILLed in the middle of one of each workflow (claims, an advance application, a contract, its order and installments), started again on the same data, and every workflow completes from the links mailed before the kill.
import { expect, it } from 'vitest';
import { dataFolderKeptOnFailure, runKillScenario } from './kill-and-restart.ts';

const data = dataFolderKeptOnFailure('sales-ops-kill-');

it('completes one of each workflow after SIGKILLs, from the original links, every record once, budgets exact', async () => {
  const report = await runKillScenario({
    dir: data.dir,
    claims: 2,
    applications: 2,
    contracts: 1,
    killEvery: 6,
    kills: 1,
  });
  console.log(`kill-restart: ${JSON.stringify(report)}`);
  // One kill while people work, one while the overdue ladder runs, one while the ladders end.
  expect(report.kills).toBe(3);
  expect(report.claims).toEqual({ approved: 3, rejected: 0, onApplications: 1 });
  expect(report.applications).toEqual({ used: 1, rejected: 1, releasedByRejectedClaim: 0 });
  expect(report.contracts).toEqual({ signed: 1, withSalesDirector: 1 });
  expect(report.orders).toEqual({ accepted: 1 });
  expect(report.installments).toEqual({ paid: 3, wentOverdue: 1, promised: 1 });
  expect(report.workflows).toBe(3 + 2 + 1 + 1 + 3);
  expect(report.reckoning.records).toEqual({
    claims: 3,
    applications: 2,
    contracts: 1,
    orders: 1,
    installments: 3,
    paymentReferences: 1,
  });
  // One execution per workflow, none started twice by a restart; a follow-up for the overdue advance.
  expect(report.reckoning.executions).toMatchObject({
    'local-expense-approval': 3,
    'local-expense-application': 2,
    'local-contract-review': 1,
    'local-order-handoff': 1,
    // The one contract's customer pays late: each of its installments had its ladder.
    'local-payment-collection': 3,
    'local-collection-follow-up': 1,
  });
  // Claims 2 + 3 + 3 levels, applications 2 + 1, the contract 3 (legal, director, signing), the order 5, a promise.
  expect(report.decisions).toBe(8 + 3 + 3 + 5 + 1);
  expect(report.payments).toBe(1);
  expect(report.decidedOnOriginalLinks).toBeGreaterThan(0);
  data.passed();
}, 180_000);
