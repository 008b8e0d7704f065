// Test helpers for driving a sandbox over HTTP as people would: sign in, read mail, follow links, post forms.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, type DescribeExecutionOutput, SFNClient } from '@aws-sdk/client-sfn';
import type { CapturedMail } from '#infra/local/mail.ts';
import { type Sandbox, type SandboxOptions, startSandbox } from '#infra/local/sandbox.ts';

export interface TestSandbox extends Sandbox {
  sfn: SFNClient;
  request(method: string, path: string, options?: RequestOptions): Promise<Reply>;
  login(email: string): Promise<string>;
  mails(to: string): Promise<CapturedMail[]>;
  /** Polls until the execution has ended (bounded), and returns how it ended. */
  finished(executionArn: string): Promise<DescribeExecutionOutput>;
  stop(): Promise<void>;
}

export interface RequestOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export async function startTestSandbox(options: SandboxOptions = {}): Promise<TestSandbox> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'sales-ops-sandbox-'));
  const sandbox = await startSandbox({ port: 0, ...options, dir });
  const sfn = new SFNClient({
    endpoint: sandbox.urls.stepFunctions,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const request = async (method: string, path: string, opts: RequestOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const response = await fetch(new URL(path, sandbox.url), { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  };
  return {
    ...sandbox,
    sfn,
    request,
    async login(email) {
      const reply = await request('POST', '/_local/login', { json: { email } });
      if (reply.status !== 200) throw new Error(`login ${email}: ${reply.status} ${reply.text}`);
      return reply.json<{ token: string }>().token;
    },
    async mails(to) {
      const reply = await request('GET', `/_local/mail?to=${encodeURIComponent(to)}`);
      return reply.json<CapturedMail[]>();
    },
    async finished(executionArn) {
      for (let i = 0; i < 200; i++) {
        const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (execution.status !== 'RUNNING') return execution;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`${executionArn} still running`);
    },
    async stop() {
      await sandbox.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits (bounded) until `check` returns a value, for things that happen shortly after a request returns. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The task-page link in a task mail (the "open the task" link, without a preselected outcome). */
export function taskLinkIn(mail: CapturedMail): URL {
  const links = [...mail.text.matchAll(/https?:\/\/\S+\/t\/[A-Za-z0-9_-]+\?k=[A-Za-z0-9_-]+/g)].map(
    (m) => m[0],
  );
  const link = links[0];
  if (!link) throw new Error(`no task link in mail "${mail.subject}"`);
  return new URL(link);
}

/** The hidden inputs of the task form: the secret and the page nonce. */
export function hiddenInputs(html: string): { k: string; nonce: string } {
  const value = (name: string) =>
    new RegExp(
      `<input[^>]*name="${name}"[^>]*value="([^"]*)"|<input[^>]*value="([^"]*)"[^>]*name="${name}"`,
    ).exec(html);
  const k = value('k');
  const nonce = value('nonce');
  if (!k || !nonce) throw new Error('the page has no task form');
  return { k: (k[1] ?? k[2]) as string, nonce: (nonce[1] ?? nonce[2]) as string };
}
