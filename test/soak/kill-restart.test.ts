// The soak version of "nothing stranded" (npm run test:soak): a larger load, the sandbox SIGKILLed five times in the middle of it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runKillScenario } from '../e2e/kill-and-restart.ts';

const dir = mkdtempSync(join(tmpdir(), 'sales-ops-soak-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('completes 80 claims and 20 contracts through five SIGKILLs, from the original links, budgets exact', async () => {
  const report = await runKillScenario({ dir, claims: 80, contracts: 20, killEvery: 40, kills: 5 });
  console.log(`soak: ${JSON.stringify(report)}`);
  expect(report.kills).toBe(5);
  expect(report.approvedClaims).toBe(64);
  expect(report.rejectedClaims).toBe(16);
  expect(report.signedContracts).toBe(20);
  expect(report.decisions).toBe(80 * 2 + 40 + 20 * 2);
  expect(report.decidedOnOriginalLinks).toBeGreaterThan(10);
}, 600_000);
