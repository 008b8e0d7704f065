// `npm start` as processes when it cannot proceed: a port in use or a data folder held by another sandbox is one line naming the fix, a non-zero exit, nothing half-made.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen } from '#infra/local/listen.ts';
import { type Running, runTsx } from '../support/run-tsx.ts';

const root = mkdtempSync(join(tmpdir(), 'sales-ops-start-errors-'));
let first: Running;
let firstUrl: string;

async function started(sandbox: Running): Promise<string> {
  for (let i = 0; i < 600 && !sandbox.output().includes('Ctrl-C'); i++) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const url = /API and task pages\s+(\S+)/.exec(sandbox.output())?.[1];
  if (!url) throw new Error(`the sandbox did not start:\n${sandbox.output()}`);
  return url;
}

/** The lines a failed start printed, without blank ones. */
const linesOf = (output: string) => output.split('\n').filter((line) => line.trim() !== '');

beforeAll(async () => {
  first = runTsx('infra/local/main.ts', { PORT: '0', SANDBOX_DIR: join(root, 'first') });
  firstUrl = await started(first);
});

afterAll(async () => {
  first?.child.kill('SIGINT');
  await first?.exited;
  rmSync(root, { recursive: true, force: true });
});

it('refuses a port in use in one line naming PORT=…, exits non-zero and creates no data folder', async () => {
  const blocker: Server = createServer();
  const { port, close } = await listen(blocker, 0);
  try {
    const dir = join(root, 'never-made');
    const second = runTsx('infra/local/main.ts', { PORT: String(port), SANDBOX_DIR: dir });
    expect(await second.exited).not.toBe(0);
    const lines = linesOf(second.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Port ${port}`);
    expect(lines[0]).toContain(`PORT=${port + 1}`);
    expect(second.output()).not.toMatch(/\n\s+at /);
    expect(existsSync(dir)).toBe(false);
  } finally {
    await close();
  }
});

it('refuses a data folder another sandbox holds in one line naming SANDBOX_DIR=…, and leaves it as it was', async () => {
  const dir = join(root, 'first');
  const before = readdirSync(dir).sort();
  const second = runTsx('infra/local/main.ts', { PORT: '0', SANDBOX_DIR: dir });
  expect(await second.exited).not.toBe(0);
  const lines = linesOf(second.output());
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('is in use by another sandbox');
  expect(lines[0]).toContain(`pid ${first.child.pid}`);
  expect(lines[0]).toContain('SANDBOX_DIR=');
  expect(second.output()).not.toMatch(/\n\s+at /);
  expect(readdirSync(dir).sort()).toEqual(before);
  // The first sandbox did not notice.
  expect((await fetch(`${firstUrl}/health`)).status).toBe(200);
});

it('refuses an internal port in use, naming its variable, and removes the folder it had begun', async () => {
  const blocker: Server = createServer();
  const { port, close } = await listen(blocker, 0);
  try {
    const dir = join(root, 'half');
    const second = runTsx('infra/local/main.ts', { PORT: '0', SANDBOX_DIR: dir, SFN_PORT: String(port) });
    expect(await second.exited).not.toBe(0);
    const lines = linesOf(second.output());
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`Port ${port} (Step Functions)`);
    expect(lines[0]).toContain('SFN_PORT=0');
    expect(existsSync(dir)).toBe(false);
  } finally {
    await close();
  }
});
