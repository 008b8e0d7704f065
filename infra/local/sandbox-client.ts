// Drives a running sandbox over HTTP as people would (sign in, read mail, follow links): used by the demo and tests.
import type { CapturedMail } from './mail.ts';

export interface RequestOptions {
  token?: string;
  json?: unknown;
  form?: Record<string, string>;
  /** Sent as it is, with whatever content-type `headers` give (or none): for bodies no well-behaved client sends. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export class SandboxClient {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl;
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(opts.form).toString();
    }
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
  }

  async login(email: string): Promise<string> {
    const reply = await this.request('POST', '/_local/login', { json: { email } });
    if (reply.status !== 200) throw new Error(`login ${email}: ${reply.status} ${reply.text}`);
    return reply.json<{ token: string }>().token;
  }

  async mails(to: string): Promise<CapturedMail[]> {
    return (await this.request('GET', `/_local/mail?to=${encodeURIComponent(to)}`)).json<CapturedMail[]>();
  }

  /**
   * Waits for a task mail to `assignee` about `subjectId` whose link still opens the task (older mails' links die
   * once decided or re-sent), and opens it: the mail, its link and the task page.
   */
  async openTaskFromMail(assignee: string, subjectId: string) {
    return eventually(async () => {
      const mails = (await this.mails(assignee)).filter((m) => m.text.includes(subjectId) && hasTaskLink(m));
      for (const mail of mails.reverse()) {
        const link = taskLinkIn(mail);
        const page = await this.request('GET', `${link.pathname}${link.search}`);
        if (page.status === 200) return { mail, link, page };
      }
      return undefined;
    }, `a live task link in ${assignee}'s mail about ${subjectId}`);
  }

  /** Opens the task as openTaskFromMail does and submits the decision. */
  async decideFromMail(
    assignee: string,
    subjectId: string,
    outcome: string,
    form: Record<string, string> = {},
  ) {
    const { mail, link, page } = await this.openTaskFromMail(assignee, subjectId);
    const reply = await this.request('POST', link.pathname, {
      form: { ...hiddenInputs(page.text), outcome, ...form },
    });
    return { mail, link, page, reply };
  }
}

/**
 * Waits (bounded, about 10 s: a busy 2-core machine can be slow) until `check` returns a value: for what happens
 * shortly after a request returns.
 */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const taskLinkPattern = /https?:\/\/\S+\/t\/[A-Za-z0-9_-]+\?k=[A-Za-z0-9_-]+/;

const hasTaskLink = (mail: CapturedMail) => taskLinkPattern.test(mail.text);

/** The task-page link in a task mail (the "open the task" link, without a preselected outcome). */
export function taskLinkIn(mail: CapturedMail): URL {
  const link = taskLinkPattern.exec(mail.text)?.[0];
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
