// `npm start` as a process: prints its URLs, serves, and stops cleanly on Ctrl-C (SIGINT) with exit code 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runTsx } from '../support/run-tsx.ts';

it('starts on free ports, prints every URL, and stops on SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sales-ops-start-'));
  // tsx directly rather than through npm, so the signal reaches the sandbox process itself.
  const sandbox = runTsx('infra/local/main.ts', { PORT: '0', SANDBOX_DIR: dir });
  const { child } = sandbox;
  try {
    for (let i = 0; i < 400 && !sandbox.output().includes('Ctrl-C'); i++)
      await new Promise((r) => setTimeout(r, 25));
    const output = sandbox.output();
    for (const label of [
      'API and task pages',
      'Ops console',
      'Mail viewer',
      'Step Functions API',
      'DynamoDB',
    ]) {
      expect(output).toMatch(new RegExp(`${label}\\s+http://127\\.0\\.0\\.1:\\d+`));
    }
    const api = /API and task pages\s+(\S+)/.exec(output)?.[1];
    expect((await fetch(`${api}/health`)).status).toBe(200);

    child.kill('SIGINT');
    expect(await sandbox.exited).toBe(0);
    expect(sandbox.output()).toContain('Stopped.');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
