// `npm start` as a process: prints its URLs, serves, and stops cleanly on Ctrl-C (SIGINT) with exit code 0.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('starts on free ports, prints every URL, and stops on SIGINT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sales-ops-start-'));
  // tsx directly rather than through npm, so the signal reaches the sandbox process itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: { ...process.env, PORT: '0', SANDBOX_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  try {
    for (let i = 0; i < 400 && !output.includes('Ctrl-C'); i++) await new Promise((r) => setTimeout(r, 25));
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

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(output).toContain('Stopped.');
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
