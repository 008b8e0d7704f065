// A load of claims and contracts worked through by people clicking their mailed links, while the sandbox process is SIGKILLed and started again on the same data.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expect } from 'vitest';
import { hiddenInputs, SandboxClient } from '#infra/local/sandbox-client.ts';
import { localDate } from '#shared/clock.ts';
import { type Running, runTsx } from '../support/run-tsx.ts';

const rep = ['li.lei@example.com', 'han.meimei@example.com', 'anna.smith@example.com'];
const supervisor = 'zhao.min@example.com';
const salesManager = 'sun.li@example.com';
const finance = 'qian.yu@example.com';
const legal = ['wu.fang@example.com', 'zheng.hao@example.com'];
const signatory = 'sun.li@example.com';

export interface KillScenario {
  dir: string;
  claims: number;
  contracts: number;
  /** Kill the sandbox each time this many more decisions have been taken. */
  killEvery: number;
  kills: number;
}

export interface KillReport {
  decisions: number;
  kills: number;
  /** Decisions taken after a restart on a task whose link had been mailed before the kill. */
  decidedOnOriginalLinks: number;
  approvedClaims: number;
  rejectedClaims: number;
  signedContracts: number;
}

const linkPattern = /https?:\/\/\S+\/t\/([A-Za-z0-9_-]+)\?k=[A-Za-z0-9_-]+/;

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

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The sandbox as a process: started on a fixed port (mailed links carry it), killed, started again. */
class SandboxProcess {
  readonly port: number;
  readonly dir: string;
  running: Running | undefined;
  /** Resolves while the sandbox serves; replaced when it is killed. */
  up: Promise<void> = Promise.resolve();
  #markUp: () => void = () => undefined;

  constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const running = runTsx('infra/local/main.ts', { PORT: String(this.port), SANDBOX_DIR: this.dir });
    this.running = running;
    for (let i = 0; i < 2400 && !running.output().includes('Ctrl-C'); i++) {
      if (running.child.exitCode !== null) break;
      await pause(25);
    }
    if (!running.output().includes('Ctrl-C'))
      throw new Error(`the sandbox did not start:\n${running.output()}`);
    this.#markUp();
  }

  kill(): void {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.up = promise;
    this.#markUp = resolve;
    this.running?.child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    const running = this.running;
    if (!running || running.child.exitCode !== null) return;
    running.child.kill('SIGINT');
    await running.exited;
  }
}

/** Every task link mailed so far, read from the mail the sandbox keeps on disk: task id → the last link. */
function mailedLinks(dir: string): Map<string, string> {
  const links = new Map<string, string>();
  const file = join(dir, 'mail.jsonl');
  if (!existsSync(file)) return links;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const mail = JSON.parse(line) as { body?: { text?: string } };
    const match = linkPattern.exec(mail.body?.text ?? '');
    if (match?.[1]) links.set(match[1], match[0]);
  }
  return links;
}

export async function runKillScenario(scenario: KillScenario): Promise<KillReport> {
  const sandbox = new SandboxProcess(await freePort(), scenario.dir);
  await sandbox.start();
  try {
    return await work(sandbox, scenario);
  } finally {
    // Never leave a sandbox process behind, whatever failed.
    await sandbox.stop();
  }
}

async function work(sandbox: SandboxProcess, scenario: KillScenario): Promise<KillReport> {
  const client = new SandboxClient(sandbox.url);
  const report: KillReport = {
    decisions: 0,
    kills: 0,
    decidedOnOriginalLinks: 0,
    approvedClaims: 0,
    rejectedClaims: 0,
    signedContracts: 0,
  };
  /** Links mailed before the last kill, by task id: after a restart, these must still decide. */
  let beforeKill = new Map<string, string>();

  /** Runs `call` until the sandbox answers (it may be down between a kill and its restart). */
  async function whileUp<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await sandbox.up;
      try {
        return await call();
      } catch (error) {
        if (attempt > 600) throw error;
        await pause(50);
      }
    }
  }

  const tokens = new Map<string, string>();
  const tokenOf = async (email: string) => {
    let token = tokens.get(email);
    if (!token) {
      token = await whileUp(() => client.login(email));
      tokens.set(email, token);
    }
    return token;
  };

  let nextKillAt = scenario.killEvery;
  async function decided(): Promise<void> {
    report.decisions++;
    if (report.kills < scenario.kills && report.decisions >= nextKillAt) {
      nextKillAt += scenario.killEvery;
      report.kills++;
      // Killed while the other people's decisions and the steps they set off are still in flight.
      sandbox.kill();
      await sandbox.running?.exited;
      beforeKill = mailedLinks(scenario.dir);
      await sandbox.start();
    }
  }

  /**
   * One person's decision, as they would make it: open the newest mail about the subject, follow its link, submit.
   * A request cut off by a kill is tried again with the same link; a page that says it was decided means it was.
   */
  async function decide(
    people: string[],
    subjectId: string,
    outcome: string,
    form: Record<string, string> = {},
  ) {
    const tried = new Set<string>();
    // Bounded: a live task shows up within seconds; a minute and a half without one is a stranded workflow.
    const giveUpAt = Date.now() + 90_000;
    while (Date.now() < giveUpAt) {
      for (const person of people) {
        const mails = await whileUp(() => client.mails(person));
        const mail = mails.filter((m) => m.text.includes(subjectId) && linkPattern.test(m.text)).at(-1);
        const match = mail ? linkPattern.exec(mail.text) : null;
        if (!match?.[1]) continue;
        const [link, taskId] = [new URL(match[0]), match[1]];
        // People take a moment to read; meanwhile mails pile up, and the kill finds tasks waiting for them.
        if (!tried.has(taskId)) await pause(200 + (taskId.charCodeAt(0) % 8) * 60);
        const page = await whileUp(() => client.request('GET', `${link.pathname}${link.search}`));
        if (page.status === 200 && page.text.includes('name="nonce"')) {
          tried.add(taskId);
          const reply = await client
            .request('POST', link.pathname, { form: { ...hiddenInputs(page.text), outcome, ...form } })
            .catch(() => undefined);
          // 202: taken, and handed to the workflow by the sweeper (Step Functions did not answer in time).
          if (reply?.status !== 200 && reply?.status !== 202) continue;
          const original = beforeKill.get(taskId);
          if (original !== undefined) {
            // The task existed before the last kill: the link its mail carried must be the one that decides.
            expect(link.href).toBe(original);
            report.decidedOnOriginalLinks++;
          }
          await decided();
          return;
        }
        // Decided by our own request whose answer the kill cut off.
        if (tried.has(taskId) && page.status === 409) {
          await decided();
          return;
        }
      }
      await pause(100);
    }
    throw new Error(`no live task about ${subjectId} for ${people.join(' or ')}`);
  }

  const now = (await whileUp(() => client.request('GET', '/_local/clock'))).json<{ now: string }>().now;
  const today = localDate(new Date(now));
  const month = today.slice(0, 7);
  const costCenters = ['KILL-A', 'KILL-B', 'KILL-C'];
  for (const costCenter of costCenters) {
    const reply = await client.request('PUT', `/budgets/${costCenter}/${month}`, {
      token: await tokenOf(finance),
      json: { limit: { amount: 100_000_000, currency: 'CNY' } },
    });
    expect(reply.status).toBe(201);
  }

  // Claims: small ones (supervisor, finance) and large ones (and the sales manager); every fifth finance rejects.
  const claims: { id: string; costCenter: string; total: number; approve: boolean; big: boolean }[] = [];
  for (let i = 0; i < scenario.claims; i++) {
    const big = i % 2 === 1;
    const total = big ? 600_000 + i * 100 : 80_000 + i * 100;
    const costCenter = costCenters[i % costCenters.length] as string;
    const filed = await client.request('POST', '/expenses', {
      token: await tokenOf(rep[i % rep.length] as string),
      json: {
        title: `Customer visit ${i}`,
        costCenter,
        items: [
          {
            category: 'travel',
            amount: { amount: total, currency: 'CNY' },
            date: today,
            description: 'Train and hotel',
            receipt: `R-${i}`,
          },
        ],
      },
    });
    expect(filed.status).toBe(201);
    claims.push({ id: filed.json<{ id: string }>().id, costCenter, total, approve: i % 5 !== 4, big });
  }
  const contracts: string[] = [];
  for (let i = 0; i < scenario.contracts; i++) {
    const submitted = await client.request('POST', '/contracts', {
      token: await tokenOf(rep[0] as string),
      json: {
        customer: { name: `Customer ${i}`, email: `buyer${i}@customer.example` },
        title: `Machines ${i}`,
        amount: { amount: 30_000_000 + i, currency: 'CNY' },
        paymentTerms: [
          { label: 'Advance', percent: 30, trigger: 'signing', dueDays: 10 },
          { label: 'On delivery', percent: 70, trigger: 'delivery', dueDays: 30 },
        ],
        deliveryDate: new Date(Date.parse(today) + 60 * 86_400_000).toISOString().slice(0, 10),
        items: [{ sku: `M-${i}`, description: 'Machine', quantity: 1, qualityStandard: 'GB/T 1' }],
        documentUrl: 'https://docs.example.com/contracts/draft.pdf',
      },
    });
    expect(submitted.status).toBe(201);
    contracts.push(submitted.json<{ id: string }>().id);
  }

  // Everyone works at once; the kills land in the middle of it.
  await Promise.all([
    ...claims.map(async (claim) => {
      await decide([supervisor], claim.id, 'approve');
      if (claim.big) await decide([salesManager], claim.id, 'approve');
      if (claim.approve) await decide([finance], claim.id, 'approve');
      else await decide([finance], claim.id, 'reject', { comment: 'Not a customer visit' });
    }),
    ...contracts.map(async (id) => {
      await decide(legal, id, 'approve');
      await decide([signatory], id, 'sign', {
        signedDate: today,
        signerName: '孙丽',
        signedCopy: `https://docs.example.com/signed/${id}.pdf`,
      });
    }),
  ]);

  // Every workflow completes: claims end approved (or rejected), contracts signed, budgets exactly as approved.
  const financeToken = await tokenOf(finance);
  const settled = async (path: string, done: (status: string) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const status = (await whileUp(() => client.request('GET', path, { token: financeToken }))).json<{
        status: string;
      }>().status;
      if (done(status)) return status;
      await pause(50);
    }
    throw new Error(`${path} did not settle`);
  };
  for (const claim of claims) {
    const status = await settled(
      `/expenses/${claim.id}`,
      (s) => s === 'APPROVED_FOR_PAYMENT' || s === 'REJECTED',
    );
    expect(status, claim.id).toBe(claim.approve ? 'APPROVED_FOR_PAYMENT' : 'REJECTED');
    if (claim.approve) report.approvedClaims++;
    else report.rejectedClaims++;
  }
  const adminToken = await tokenOf('admin@example.com');
  for (const id of contracts) {
    for (let i = 0; i < 400; i++) {
      const status = (await client.request('GET', `/contracts/${id}`, { token: adminToken })).json<{
        status: string;
      }>().status;
      if (status === 'SIGNED') break;
      if (i === 399) throw new Error(`${id} is ${status}, not SIGNED`);
      await pause(50);
    }
    report.signedContracts++;
  }
  for (const costCenter of costCenters) {
    const budget = (
      await client.request('GET', `/budgets/${costCenter}/${month}`, { token: financeToken })
    ).json<{ committed: { amount: number }; consumed: { amount: number } }>();
    const approved = claims
      .filter((c) => c.costCenter === costCenter && c.approve)
      .reduce((sum, c) => sum + c.total, 0);
    expect(budget.consumed.amount, costCenter).toBe(approved);
    expect(budget.committed.amount, costCenter).toBe(0);
  }
  return report;
}
