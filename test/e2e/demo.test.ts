// `npm run demo` against a sandbox: it drives every workflow to the end and exits 0; against nothing it exits 1.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runTsx } from '../support/run-tsx.ts';
import { startTestSandbox, type TestSandbox } from './harness.ts';

let sandbox: TestSandbox;

beforeAll(async () => {
  sandbox = await startTestSandbox();
});

afterAll(async () => {
  await sandbox?.stop();
});

async function runDemo(url: string): Promise<{ code: number | null; output: string }> {
  const demo = runTsx('infra/local/demo.ts', { DEMO_URL: url });
  const code = await demo.exited;
  return { code, output: demo.output() };
}

it('drives expense approval, contract review, the order handoff and payment collection end to end, one line per step', async () => {
  const { code, output } = await runDemo(sandbox.url);
  expect(output).toContain('Demo finished: every step passed.');
  expect(code).toBe(0);
  expect(output).toMatch(/APPROVED_FOR_PAYMENT/);
  expect(output).toMatch(/returned .* for changes/);
  expect(output).toMatch(/CT-\d{4}-\d{5} is SIGNED/);
  expect(output).toMatch(/OR-\d{4}-\d{5} is ACCEPTED/);
  expect(output).toMatch(/sent twice, applied once/);
  expect(output).toMatch(
    /installments now: CT-\d{4}-\d{5}-I1 PAID, CT-\d{4}-\d{5}-I2 PAID, CT-\d{4}-\d{5}-I3 PAID/,
  );
});

it('fails with a non-zero exit when there is no sandbox to drive', async () => {
  const { code, output } = await runDemo('http://127.0.0.1:9');
  expect(code).toBe(1);
  expect(output).toContain('Demo failed at step 1');
});
