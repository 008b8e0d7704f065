// The sandbox as an operating-system process (`npm start`'s entry point): started on a fixed port, SIGKILLed, started again.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type Running, runTsx } from '../support/run-tsx.ts';

export const taskLinkPattern = /https?:\/\/\S+\/t\/([A-Za-z0-9_-]+)\?k=[A-Za-z0-9_-]+/;

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Mailed links carry the port, so it stays the same across restarts. */
export class SandboxProcess {
  readonly port: number;
  readonly dir: string;
  running: Running | undefined;
  /** Resolves while the sandbox serves; replaced when it is killed. */
  up: Promise<void> = Promise.resolve();
  #markUp: () => void = () => undefined;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  static async on(dir: string): Promise<SandboxProcess> {
    return new SandboxProcess(await freePort(), dir);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** An internal endpoint as the running process printed it (`Step Functions API`, `DynamoDB`): ports change per start. */
  endpoint(label: 'Step Functions API' | 'DynamoDB'): string {
    const printed = new RegExp(`${label}\\s+(http://\\S+)`).exec(this.running?.output() ?? '')?.[1];
    if (!printed) throw new Error(`the sandbox printed no ${label} URL`);
    return printed;
  }

  async start(): Promise<void> {
    // SANDBOX_LOG=<file> keeps every start's output, warnings and errors included, to see why a run failed.
    const log = process.env.SANDBOX_LOG;
    const running = runTsx('infra/local/main.ts', {
      PORT: String(this.port),
      SANDBOX_DIR: this.dir,
      ...(log ? { POWERTOOLS_LOG_LEVEL: 'WARN' } : {}),
    });
    if (log) {
      running.child.stdout?.on('data', (chunk: Buffer) => appendFileSync(log, chunk));
      running.child.stderr?.on('data', (chunk: Buffer) => appendFileSync(log, chunk));
    }
    this.running = running;
    for (let i = 0; i < 2400 && !running.output().includes('Ctrl-C'); i++) {
      if (running.child.exitCode !== null) break;
      await pause(25);
    }
    if (!running.output().includes('Ctrl-C'))
      throw new Error(`the sandbox did not start:\n${running.output()}`);
    this.#markUp();
  }

  /** SIGKILL: no shutdown hook runs, whatever was in flight is cut off. */
  async kill(): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.up = promise;
    this.#markUp = resolve;
    this.running?.child.kill('SIGKILL');
    await this.running?.exited;
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running || running.child.exitCode !== null) return;
    running.child.kill('SIGINT');
    await running.exited;
  }
}

/** Every task link mailed so far, read from the mail the sandbox keeps on disk: task id → the last link. */
export function mailedLinks(dir: string): Map<string, string> {
  const links = new Map<string, string>();
  const file = join(dir, 'mail.jsonl');
  if (!existsSync(file)) return links;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const mail = JSON.parse(line) as { body?: { text?: string } };
    const match = taskLinkPattern.exec(mail.body?.text ?? '');
    if (match?.[1]) links.set(match[1], match[0]);
  }
  return links;
}
