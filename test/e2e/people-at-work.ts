// People working through a sandbox that may be SIGKILLed at any moment: they retry what the kill cut off, and decide from their mailed links.
import { expect } from 'vitest';
import type { CapturedMail } from '#infra/local/mail.ts';
import { hiddenInputs, type Reply, type RequestOptions, SandboxClient } from '#infra/local/sandbox-client.ts';
import { mailedLinks, pause, type SandboxProcess, taskLinkPattern } from './sandbox-process.ts';

export interface WorkCounts {
  kills: number;
  decisions: number;
  /** Decisions taken after a restart on a task whose link had been mailed before the kill. */
  decidedOnOriginalLinks: number;
  /** `POST /payments` answered 201 (a repeat with the same reference too). */
  payments: number;
  /**
   * 5xx answers asked again, as any client does: on a loaded machine a handler can pass its 15 s Lambda timeout.
   * Creating POSTs carry an Idempotency-Key and payments a reference, so asking again creates nothing twice.
   */
  serverErrorsRetried: number;
}

export class PeopleAtWork {
  readonly counts: WorkCounts = {
    kills: 0,
    decisions: 0,
    decidedOnOriginalLinks: 0,
    payments: 0,
    serverErrorsRetried: 0,
  };
  readonly client: SandboxClient;
  readonly #sandbox: SandboxProcess;
  readonly #tokens = new Map<string, string>();
  /** Links mailed before the last kill, by task id: after a restart, these must still decide. */
  #beforeKill = new Map<string, string>();
  #killEvery: number;
  #killsLeft: number;
  #nextKillAt: number;
  #creating = 0;
  readonly #mailboxes = new Map<string, { at: number; mails: Promise<CapturedMail[]> }>();
  #killing: Promise<void> | undefined;

  constructor(sandbox: SandboxProcess, kills: { every: number; times: number }) {
    this.#sandbox = sandbox;
    this.client = new SandboxClient(sandbox.url);
    this.#killEvery = kills.every;
    this.#killsLeft = kills.times;
    this.#nextKillAt = kills.every;
  }

  /** Runs `call` until the sandbox answers (it may be down between a kill and its restart). */
  async whileUp<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.#sandbox.up;
      try {
        return await call();
      } catch (error) {
        if (attempt > 600) throw error;
        await pause(50);
      }
    }
  }

  /** A request, asked again while the sandbox is down or answers 5xx (bounded: a 5xx that lasts is a failure). */
  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Reply> {
    for (let attempt = 0; ; attempt++) {
      const reply = await this.whileUp(() => this.client.request(method, path, opts));
      if (reply.status < 500 || attempt >= 100) return reply;
      this.counts.serverErrorsRetried++;
      await pause(500);
    }
  }

  async token(email: string): Promise<string> {
    let token = this.#tokens.get(email);
    if (!token) {
      token = await this.whileUp(() => this.client.login(email));
      this.#tokens.set(email, token);
    }
    return token;
  }

  /**
   * A creating POST, with an Idempotency-Key so a retry after a lost answer creates nothing twice. No kill lands
   * while one is in flight: a request killed after it claimed its key locks the key for the key's lease (15
   * minutes), so its client could neither learn the id nor safely file again (see the report of issue 16).
   */
  async create(by: string, path: string, json: unknown, key: string): Promise<string> {
    while (this.#killing) await this.#killing;
    this.#creating++;
    try {
      const token = await this.token(by);
      // 409: the first attempt with this key (one that timed out) still runs; its answer is replayed once it ends.
      const giveUpAt = Date.now() + 120_000;
      for (;;) {
        const reply = await this.request('POST', path, { token, json, headers: { 'Idempotency-Key': key } });
        if (reply.status !== 409 || Date.now() > giveUpAt) {
          expect(reply.status, `${path} ${reply.text}`).toBe(201);
          return reply.json<{ id: string }>().id;
        }
        await pause(500);
      }
    } finally {
      this.#creating--;
    }
  }

  /**
   * Finance records a payment: retried with the same reference until it is applied (a request the kill cut off
   * holds the reference for its lease, then the retry takes over); the result, applied once.
   */
  async pay(contractId: string, amount: number, reference: string, receivedOn: string) {
    const json = { contractId, amount: { amount, currency: 'CNY' }, reference, receivedOn };
    const giveUpAt = Date.now() + 120_000;
    for (;;) {
      const reply = await this.request('POST', '/payments', { token: await this.token(financePerson), json });
      if (reply.status === 201) {
        this.counts.payments++;
        await this.#acted();
        return reply.json<PaymentResult>();
      }
      if (reply.status !== 409 || Date.now() > giveUpAt)
        throw new Error(`payment ${reference}: ${reply.status} ${reply.text}`);
      await pause(500);
    }
  }

  /**
   * One person's decision, as they would make it: open the newest mail about the subject, follow its link, submit.
   * A request cut off by a kill is tried again with the same link; a page that says it was decided means it was.
   * Along each workflow here nobody is asked twice for the same outcome, so a page offering it is this step's task.
   */
  async decide(
    people: readonly string[],
    subjectId: string,
    outcome: string,
    form: Record<string, string> = {},
  ) {
    /** The tasks this decision was posted to, by id: one whose answer a kill cut off may have been decided. */
    const tried = new Map<string, URL>();
    /** What the newest link showed, for the error if no live task ever comes. */
    let seen = 'no mail with a task link';
    // Bounded: a live task shows up within seconds; two minutes without one is a stranded workflow.
    const giveUpAt = Date.now() + 120_000;
    while (Date.now() < giveUpAt) {
      // Decided by our own request whose answer the kill cut off: its page says so, whatever was mailed since (the
      // next step's task may already be out).
      for (const link of tried.values()) {
        if ((await this.request('GET', `${link.pathname}${link.search}`)).status === 409) {
          this.counts.decisions++;
          await this.#acted();
          return;
        }
      }
      for (const person of people) {
        const mails = await this.#mailsOf(person);
        const mail = mails.filter((m) => m.text.includes(subjectId) && taskLinkPattern.test(m.text)).at(-1);
        const match = mail ? taskLinkPattern.exec(mail.text) : null;
        if (!match?.[1]) continue;
        const [link, taskId] = [new URL(match[0]), match[1]];
        // People take a moment to read; meanwhile mails pile up, and the kill finds tasks waiting for them.
        if (!tried.has(taskId)) await pause(300 + (taskId.charCodeAt(0) % 8) * 60);
        const page = await this.request('GET', `${link.pathname}${link.search}`);
        seen = `${mail?.subject}: task ${taskId} answered ${page.status}`;
        // A live task that offers this outcome: the one to decide (a newer step's task offers others).
        if (page.status === 200 && page.text.includes('name="nonce"') && offers(page.text, outcome)) {
          tried.set(taskId, link);
          const reply = await this.client
            .request('POST', link.pathname, { form: { ...hiddenInputs(page.text), outcome, ...form } })
            .catch(() => undefined);
          // 202: taken, and handed to the workflow by the sweeper (Step Functions did not answer in time).
          if (reply?.status !== 200 && reply?.status !== 202) continue;
          const original = this.#beforeKill.get(taskId);
          if (original !== undefined) {
            // The task existed before the last kill: the link its mail carried must be the one that decides.
            expect(link.href).toBe(original);
            this.counts.decidedOnOriginalLinks++;
          }
          this.counts.decisions++;
          await this.#acted();
          return;
        }
      }
      await pause(300);
    }
    throw new Error(
      `no live task about ${subjectId} for ${people.join(' or ')} (${outcome}); last seen: ${seen}`,
    );
  }

  /**
   * A person's mailbox, read at most every quarter second however many of their tasks are awaited: a hundred
   * workers each fetching a growing mailbox would load the sandbox more than the workflows do.
   */
  #mailsOf(person: string): Promise<CapturedMail[]> {
    const cached = this.#mailboxes.get(person);
    if (cached && Date.now() - cached.at < 250) return cached.mails;
    const mails = this.whileUp(() => this.client.mails(person));
    this.#mailboxes.set(person, { at: Date.now(), mails });
    return mails;
  }

  /** Kills the sandbox now (once no creating POST is in flight) and starts it again on the same data. */
  async killAndRestart(): Promise<void> {
    while (this.#killing) await this.#killing;
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#killing = promise;
    try {
      while (this.#creating > 0) await pause(10);
      this.counts.kills++;
      await this.#sandbox.kill();
      this.#beforeKill = mailedLinks(this.#sandbox.dir);
      await this.#sandbox.start();
    } finally {
      this.#killing = undefined;
      resolve();
    }
  }

  /** Every `killEvery` decisions and payments, a kill, while the others' work and the steps it set off are in flight. */
  async #acted(): Promise<void> {
    if (this.#killsLeft === 0 || this.counts.decisions + this.counts.payments < this.#nextKillAt) return;
    this.#killsLeft--;
    this.#nextKillAt += this.#killEvery;
    await this.killAndRestart();
  }
}

/** Whether the task page has a button for `outcome`. */
const offers = (html: string, outcome: string) =>
  new RegExp(`name="outcome"[^>]*value="${outcome}"|value="${outcome}"[^>]*name="outcome"`).test(html);

export const financePerson = 'qian.yu@example.com';

export interface PaymentResult {
  reference: string;
  applied: { installmentId: string; amount: number; paidInFull: boolean }[];
  credit: number;
}
