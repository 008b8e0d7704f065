// The sandbox under load: 200 three-level expense claims carried through by clicking their mailed task links.
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hiddenInputs, SandboxClient } from '#infra/local/sandbox-client.ts';
import { localDate } from '#shared/clock.ts';
import { repositoryRoot } from './lambda-build.ts';
import { type BenchMessage, mailWatchMs, type SandboxMessage, wallNow } from './load-protocol.ts';
import { cny, people } from './paths.ts';
import { round, roundSummary, type Summary, summarize } from './stats.ts';

export const loadClaims = 200;
/** People acting at once (a filing, or a task page opened and its form posted): the bench's bounded concurrency. */
export const loadConcurrency = 20;
/** Over 5,000.00: supervisor, sales manager and finance. */
const claimYuan = 6000;
const waitTimeoutMs = 120_000;
/** Claims carried one at a time before the load: what a request costs when nobody queues in front of it. */
export const unloadedClaims = 10;

interface PhaseSamples {
  file: number[];
  get: number[];
  post: number[];
  nextMail: number[];
  firstMail: number[];
  end: number[];
}

export interface LoadResult {
  claims: number;
  concurrency: number;
  claimYuan: number;
  completed: number;
  failures: string[];
  wallSeconds: number;
  workflowsPerMinute: number;
  /** HTTP API requests (filings, page GETs, decision POSTs) answered per second during the load. */
  apiRequestsPerSecond: number;
  fileMs: Summary;
  taskPageGetMs: Summary;
  decisionPostMs: Summary;
  /** From sending a decision POST until the next level's task mail is in the sandbox's mail store. */
  decisionToNextMailMs: Summary;
  fileToFirstMailMs: Summary;
  /** From sending the last decision POST until the execution has ended. */
  lastDecisionToEndMs: Summary;
  /** The same steps one claim at a time, after a warm-up claim: service time without queueing. */
  unloaded: {
    claims: number;
    completed: number;
    taskPageGetMs: Summary;
    decisionPostMs: Summary;
    decisionToNextMailMs: Summary;
    lastDecisionToEndMs: Summary;
  };
  mailWatchMs: number;
  peakRssMb: number;
  operations: Record<string, number>;
}

interface Arrival {
  link: URL;
  at: number;
}

const taskLinkPattern = /https?:\/\/\S+\/t\/[A-Za-z0-9_-]+\?k=[A-Za-z0-9_-]+/;
const subjectIdPattern = /\b(?:EX|PA)-\d{4}-\d{5}\b/g;
const addressOf = (recipient: string) => (/<([^>]+)>/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();

/** Rendezvous by key: whichever comes first, the arrival or the one waiting for it. */
class Arrivals<T> {
  readonly #arrived = new Map<string, T>();
  readonly #waiting = new Map<string, (value: T) => void>();

  deliver(key: string, value: T): void {
    const waiter = this.#waiting.get(key);
    if (waiter) {
      this.#waiting.delete(key);
      waiter(value);
    } else if (!this.#arrived.has(key)) {
      this.#arrived.set(key, value);
    }
  }

  wait(key: string, what: string): Promise<T> {
    const arrived = this.#arrived.get(key);
    if (arrived !== undefined) {
      this.#arrived.delete(key);
      return Promise.resolve(arrived);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        reject(new Error(`timed out after ${waitTimeoutMs / 1000} s waiting for ${what}`));
      }, waitTimeoutMs);
      this.#waiting.set(key, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }
}

/** At most `size` callers inside at once; the others queue in order. */
class Slots {
  #free: number;
  readonly #queue: (() => void)[] = [];

  constructor(size: number) {
    this.#free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#free > 0) this.#free--;
    else await new Promise<void>((resolve) => this.#queue.push(resolve));
    try {
      return await work();
    } finally {
      const next = this.#queue.shift();
      if (next) next();
      else this.#free++;
    }
  }
}

/** The sandbox's environment is its own business: nothing the bench's in-process sandbox set leaks into it. */
function childEnvironment(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  const sandboxSet = new Set([
    'TABLE_NAME',
    'SENDER_EMAIL',
    'APP_BASE_URL',
    'WORKFLOW_ARN_PREFIX',
    'POWERTOOLS_LOG_LEVEL',
  ]);
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !sandboxSet.has(key)) env[key] = value;
  }
  return { ...env, BENCH_SANDBOX_DIR: dir };
}

function peakRssMb(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return kb ? round(Number(kb) / 1024) : Number.NaN;
}

/**
 * Starts `bench/<script>` under tsx in a process of its own, its sandbox in `dir` (`BENCH_SANDBOX_DIR`), talking
 * over IPC; `stderr()` is the tail of what it wrote there, for the error when it dies.
 */
export function forkBenchChild(script: string, dir: string): { child: ChildProcess; stderr: () => string } {
  const benchDir = dirname(fileURLToPath(import.meta.url));
  const child = fork(join(benchDir, script), [], {
    cwd: repositoryRoot,
    execArgv: ['--import', 'tsx'],
    env: childEnvironment(dir),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  });
  return { child, stderr: () => tail };
}

export async function measureLoad(dir: string, progress: (line: string) => void): Promise<LoadResult> {
  const { child, stderr } = forkBenchChild('load-sandbox.ts', dir);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const mails = new Arrivals<Arrival>();
  const ends = new Arrivals<{ status: string; at: number }>();
  const operations = new Arrivals<Record<string, number>>();
  const ready = new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the load sandbox exited (${code}): ${stderr()}`)));
    child.on('message', (message: SandboxMessage) => {
      switch (message.kind) {
        case 'ready':
          resolve(message.url);
          return;
        case 'failed':
          reject(new Error(`the load sandbox failed to start: ${message.message}`));
          return;
        case 'mail': {
          const link = taskLinkPattern.exec(message.text)?.[0];
          if (!link) return;
          const ids = new Set(`${message.subject}\n${message.text}`.match(subjectIdPattern) ?? []);
          for (const to of message.to) {
            for (const id of ids)
              mails.deliver(`${addressOf(to)}|${id}`, { link: new URL(link), at: message.at });
          }
          return;
        }
        case 'execution':
          ends.deliver(message.name, { status: message.status, at: message.at });
          return;
        case 'operations':
          operations.deliver('operations', message.operations);
          return;
      }
    });
  });
  const tell = (message: BenchMessage) => child.send(message);

  try {
    const url = await ready;
    progress(`load sandbox up in its own process (pid ${child.pid}) at ${url}`);
    const client = new SandboxClient(url);
    const repToken = await client.login(people.rep);
    const financeToken = await client.login(people.finance);
    const now = (await client.request('GET', '/_local/clock')).json<{ now: string }>().now;
    const today = localDate(new Date(now));
    const costCenter = 'BENCH-LOAD';
    const budget = await client.request('PUT', `/budgets/${costCenter}/${today.slice(0, 7)}`, {
      token: financeToken,
      json: { limit: cny(claimYuan * loadClaims * 2) },
    });
    if (budget.status !== 201 && budget.status !== 200)
      throw new Error(`budget: ${budget.status} ${budget.text}`);

    const levels = [people.supervisor, people.salesManager, people.finance];
    /** Files `count` claims and carries each through its three levels, `concurrency` people acting at once. */
    const phase = async (first: number, count: number, concurrency: number) => {
      const slots = new Slots(concurrency);
      const samples: PhaseSamples = { file: [], get: [], post: [], nextMail: [], firstMail: [], end: [] };
      const failures: string[] = [];
      let completed = 0;
      let lastEnd = 0;
      const carry = async (n: number) => {
        let id = `claim #${n}`;
        try {
          const filedAt = wallNow();
          const filed = await slots.run(async () => {
            const started = performance.now();
            const reply = await client.request('POST', '/expenses', {
              token: repToken,
              json: {
                title: `Load claim ${n}`,
                costCenter,
                items: [
                  {
                    category: 'travel',
                    amount: cny(claimYuan),
                    date: today,
                    description: 'Customer visit',
                    receipt: `L-${n}`,
                  },
                ],
              },
            });
            samples.file.push(performance.now() - started);
            return reply;
          });
          if (filed.status !== 201)
            throw new Error(`filing answered ${filed.status} ${filed.text.slice(0, 200)}`);
          id = filed.json<{ id: string }>().id;
          let decidedAt = filedAt;
          for (const [level, assignee] of levels.entries()) {
            const mail = await mails.wait(`${assignee}|${id}`, `${assignee}'s task mail about ${id}`);
            (level === 0 ? samples.firstMail : samples.nextMail).push(mail.at - decidedAt);
            await slots.run(async () => {
              let started = performance.now();
              const page = await client.request('GET', `${mail.link.pathname}${mail.link.search}`);
              samples.get.push(performance.now() - started);
              if (page.status !== 200) throw new Error(`task page answered ${page.status}`);
              decidedAt = wallNow();
              started = performance.now();
              const reply = await client.request('POST', mail.link.pathname, {
                form: { ...hiddenInputs(page.text), outcome: 'approve', comment: '' },
              });
              samples.post.push(performance.now() - started);
              if (reply.status !== 200) throw new Error(`decision answered ${reply.status}`);
            });
          }
          const end = await ends.wait(`${id}-r1`, `${id} to end`);
          if (end.status !== 'SUCCEEDED') throw new Error(`execution ended ${end.status}`);
          samples.end.push(end.at - decidedAt);
          lastEnd = Math.max(lastEnd, end.at);
          completed++;
          if (count >= 50 && completed % 50 === 0) progress(`load: ${completed}/${count} workflows complete`);
        } catch (error) {
          failures.push(`${id}: ${(error as Error).message}`);
        }
      };
      const started = wallNow();
      await Promise.all(Array.from({ length: count }, (_, i) => carry(first + i)));
      return { samples, failures, completed, wallSeconds: ((lastEnd || wallNow()) - started) / 1000 };
    };

    // The sandbox loads each handler on its first call (tsx compiles it then): one claim first, not counted.
    const warm = await phase(1, 1, 1);
    if (warm.failures.length > 0) throw new Error(`warm-up claim failed: ${warm.failures.join('; ')}`);
    const alone = await phase(2, unloadedClaims, 1);
    progress(
      `load: ${unloadedClaims} claims one at a time (the unloaded reference) in ${round(alone.wallSeconds, 1)} s`,
    );
    progress(
      `load: filing ${loadClaims} claims of ¥${claimYuan} (3 levels), ${loadConcurrency} people acting at once`,
    );
    const loaded = await phase(2 + unloadedClaims, loadClaims, loadConcurrency);
    const { samples, failures, completed, wallSeconds } = loaded;

    const peak = peakRssMb(child.pid);
    const ops = operations.wait('operations', 'the sandbox DynamoDB operation counts');
    tell({ kind: 'operations' });
    const summary = (values: number[]) =>
      roundSummary(values.length > 0 ? summarize(values) : summarize([Number.NaN]));
    return {
      claims: loadClaims,
      concurrency: loadConcurrency,
      claimYuan,
      completed,
      failures: [...alone.failures, ...failures],
      wallSeconds: round(wallSeconds, 2),
      workflowsPerMinute: round((completed / wallSeconds) * 60),
      apiRequestsPerSecond: round(
        (samples.file.length + samples.get.length + samples.post.length) / wallSeconds,
      ),
      fileMs: summary(samples.file),
      taskPageGetMs: summary(samples.get),
      decisionPostMs: summary(samples.post),
      decisionToNextMailMs: summary(samples.nextMail),
      fileToFirstMailMs: summary(samples.firstMail),
      lastDecisionToEndMs: summary(samples.end),
      unloaded: {
        claims: unloadedClaims,
        completed: alone.completed,
        taskPageGetMs: summary(alone.samples.get),
        decisionPostMs: summary(alone.samples.post),
        decisionToNextMailMs: summary(alone.samples.nextMail),
        lastDecisionToEndMs: summary(alone.samples.end),
      },
      mailWatchMs,
      peakRssMb: peak,
      operations: await ops,
    };
  } finally {
    if (child.exitCode === null && child.connected) tell({ kind: 'close' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
