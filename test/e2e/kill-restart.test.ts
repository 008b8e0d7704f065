// Nothing stranded: the sandbox process is SIGKILLed in the middle of a load of claims, contracts and their tasks, started again on the same data, and every workflow completes from the links mailed before the kill.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runKillScenario } from './kill-and-restart.ts';

const dir = mkdtempSync(join(tmpdir(), 'sales-ops-kill-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('completes every claim and contract after a SIGKILL, from the original links, budgets exactly as approved', async () => {
  const report = await runKillScenario({ dir, claims: 6, contracts: 2, killEvery: 6, kills: 1 });
  expect(report.kills).toBe(1);
  expect(report.approvedClaims + report.rejectedClaims).toBe(6);
  expect(report.signedContracts).toBe(2);
  // 6 claims × 2–3 levels and 2 contracts × 2 steps; some of them on links mailed before the kill.
  expect(report.decisions).toBe(6 * 2 + 3 + 2 * 2);
  expect(report.decidedOnOriginalLinks).toBeGreaterThan(0);
}, 180_000);
