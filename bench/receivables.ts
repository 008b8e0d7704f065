// GET /receivables with 10,000 installments' ledger lines over 18 months in a sandbox: first call, then warm.
import { type Sandbox, startSandbox } from '#infra/local/sandbox.ts';
import { SandboxClient } from '#infra/local/sandbox-client.ts';
import { type LedgerLine, LedgerStore } from '#payment-collection/ledger.ts';
import { type ReceivablesReport, receivablesSources } from '#payment-collection/receivables.ts';
import { figuresOf } from '#payment-collection/receivables-figures.ts';
import { stateOn } from '#payment-collection/receivables-state.ts';
import { addDays, type Clock, localDate, startOfLocalDate } from '#shared/clock.ts';
import { tableFromEnv } from '#shared/table.ts';
import { forkBenchChild } from './load.ts';
import type { ReceivablesChildMessage } from './receivables-child.ts';
import { round, roundSummary, type Summary, summarize } from './stats.ts';

export const installmentCount = 10_000;
/** The ledger's days: billing starts this many days before the sandbox's today. */
const spanDays = 540;
const warmCalls = 100;
/** Lines recorded at once, as that many collection steps would at the same moment. */
const writersAtOnce = 32;
const finance = 'qian.yu@example.com';
/** The seeded reps keep their directory names; the others are nobody in the directory (named null). */
const owners = [
  'li.lei@example.com',
  'han.meimei@example.com',
  'anna.smith@example.com',
  ...Array.from({ length: 17 }, (_, i) => `rep${String(i + 1).padStart(2, '0')}@example.com`),
];

export interface ReceivablesBenchResult {
  installments: number;
  lines: number;
  linesByKind: Record<string, number>;
  /** Lines written some days after their date (payments reported late), which make closed months stale. */
  writtenLate: number;
  salespeople: number;
  from: string;
  to: string;
  seedSeconds: number;
  writersAtOnce: number;
  /** The first GET after seeding: the handler module loads, then one report. */
  firstCallMs: number;
  warm: Summary;
  /** The same, asOf a year back: another month's snapshot. */
  yearBack: Summary;
  /** DynamoDB requests one warm GET makes (sign-in check, names, index, snapshot, this month's lines). */
  operationsPerCall: Record<string, number>;
  /** In process, no HTTP: the report from snapshots, and from every line as it would be without them. */
  inProcessMs: { withSnapshots: number; everyLine: number };
  /** The report's headline on today, to see the ledger is a plausible one. */
  headline: { receivables: number; overdueShare: number; dso: number | null; cei: number | null };
  scans: number;
}

/** A small seeded generator (mulberry32): the same ledger on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Written {
  line: LedgerLine;
  writtenOn: string;
}

/**
 * 10,000 installments billed over the 540 days before `today`, each with what happened to it by `today`: paid on
 * time (55%), paid late (20%, with the levels it passed and sometimes a promise kept or broken), paid in two parts
 * (8%), unpaid and climbing the ladder (10%), written off after level 4 (7%). Lines dated after today are left out.
 */
export function benchLedger(today: string): Written[] {
  const next = random(13);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const within = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const out: Written[] = [];
  for (let n = 1; n <= installmentCount; n++) {
    const id = `CT-2025-${String(Math.ceil(n / 3)).padStart(5, '0')}-I${(n % 3) + 1}`;
    const base = { installmentId: id, contractId: id.slice(0, 13), owner: pick(owners) };
    const billedOn = addDays(today, -within(1, spanDays));
    const dueDate = addDays(billedOn, pick([0, 30, 30, 60, 90]));
    // 5,000 to 500,000 yuan, more small ones than large.
    const amount = Math.round(5_000 * 100 ** next()) * 100;
    const lines: Written[] = [];
    const add = (line: LedgerLine, late = 0) => {
      if (line.on > today) return;
      const writtenOn = addDays(line.on, late);
      lines.push({ line, writtenOn: writtenOn > today ? today : writtenOn });
    };
    add({ ...base, kind: 'billed', id: `billed#${id}`, on: billedOn, amount, dueDate });
    const pay = (on: string, paid: number, closes: boolean, reference: string) =>
      add(
        {
          ...base,
          kind: 'paid',
          id: `paid#${reference}#${id}`,
          on: on < billedOn ? billedOn : on,
          amount: paid,
          dueDate,
          reference,
          closes,
          ...(closes ? { installmentAmount: amount } : {}),
        },
        // A fifth of the payments are recorded up to a week after they were received.
        next() < 0.2 ? within(1, 7) : 0,
      );
    const ladder = (until: string) => {
      for (const [level, after] of [
        [1, 1],
        [2, 15],
        [3, 30],
        [4, 60],
      ] as const) {
        const on = addDays(dueDate, after);
        if (on >= until) return;
        add({ ...base, kind: 'level', id: `level#${id}#${level}`, on, level });
      }
    };
    const promise = (kept: boolean) => {
      const on = addDays(dueDate, 3);
      const promisedDate = addDays(dueDate, 10);
      add({ ...base, kind: 'promised', id: `promised#${id}`, on, promisedDate });
      if (!kept)
        add({
          ...base,
          kind: 'promise-broken',
          id: `broken#${id}`,
          on: addDays(promisedDate, 4),
          promisedDate,
        });
    };
    const outcome = next();
    if (outcome < 0.55) {
      pay(addDays(dueDate, -within(0, 10)), amount, true, `B${n}`);
    } else if (outcome < 0.75) {
      const paidOn = addDays(dueDate, within(1, 60));
      ladder(paidOn);
      if (next() < 0.3) promise(paidOn <= addDays(dueDate, 13));
      pay(paidOn, amount, true, `B${n}`);
    } else if (outcome < 0.83) {
      const first = Math.round(amount * 0.4);
      pay(addDays(dueDate, -within(0, 20)), first, false, `B${n}a`);
      const restOn = addDays(dueDate, within(-5, 40));
      ladder(restOn);
      pay(restOn, amount - first, true, `B${n}b`);
    } else if (outcome < 0.93) {
      ladder(addDays(today, 1));
      if (next() < 0.4) promise(false);
    } else {
      const writtenOffOn = addDays(dueDate, within(75, 120));
      ladder(writtenOffOn);
      add({ ...base, kind: 'written-off', id: `written-off#${id}`, on: writtenOffOn, amount, dueDate });
    }
    out.push(...lines);
  }
  return out.sort((a, b) => a.writtenOn.localeCompare(b.writtenOn));
}

/** Writes the lines day by day as the collection steps would, the ledger's clock on each day, some at once. */
async function seed(written: readonly Written[]): Promise<void> {
  let today = written[0]?.writtenOn ?? '2026-01-01';
  const clock: Clock = { now: () => new Date(startOfLocalDate(today).getTime() + 12 * 3_600_000) };
  const ledger = new LedgerStore(tableFromEnv(), { clock });
  const byDay = new Map<string, LedgerLine[]>();
  for (const { line, writtenOn } of written) {
    const day = byDay.get(writtenOn) ?? [];
    day.push(line);
    byDay.set(writtenOn, day);
  }
  for (const [day, lines] of byDay) {
    today = day;
    for (let i = 0; i < lines.length; i += writersAtOnce) {
      await Promise.all(lines.slice(i, i + writersAtOnce).map((line) => ledger.record(line)));
    }
  }
}

async function timedGets(client: SandboxClient, token: string, query: string, count: number) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const reply = await client.request('GET', `/receivables${query}`, { token });
    times.push(performance.now() - started);
    if (reply.status !== 200) throw new Error(`GET /receivables${query}: ${reply.status} ${reply.text}`);
  }
  return times;
}

function median(values: readonly number[]): number {
  return summarize(values).p50;
}

export async function measureReceivables(
  dir: string,
  progress: (line: string) => void,
): Promise<ReceivablesBenchResult> {
  const sandbox: Sandbox = await startSandbox({ port: 0, dir });
  try {
    const today = localDate(sandbox.clock.now());
    const written = benchLedger(today);
    const linesByKind: Record<string, number> = {};
    for (const { line } of written) linesByKind[line.kind] = (linesByKind[line.kind] ?? 0) + 1;
    progress(`receivables: writing ${written.length} ledger lines of ${installmentCount} installments`);
    const seedStarted = performance.now();
    await seed(written);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    progress(`receivables: written in ${round(seedSeconds, 0)} s; measuring GET /receivables`);

    const client = new SandboxClient(sandbox.url);
    const token = await client.login(finance);
    const [firstCallMs = 0] = await timedGets(client, token, '', 1);
    const before = new Map(sandbox.dynamo.operations);
    const warm = await timedGets(client, token, '', warmCalls);
    const operationsPerCall: Record<string, number> = {};
    for (const [operation, count] of sandbox.dynamo.operations) {
      const delta = count - (before.get(operation) ?? 0);
      if (delta > 0) operationsPerCall[operation] = round(delta / warmCalls, 2);
    }
    const yearBack = await timedGets(client, token, `?asOf=${addDays(today, -365)}`, 20);
    const report = (await client.request('GET', '/receivables', { token })).json<ReceivablesReport>();
    const total = report.aging.total.amount;

    // The same report without HTTP, and from every line: what each call would cost without snapshots.
    const sources = receivablesSources(tableFromEnv());
    const noSnapshots = { ...sources, snapshots: { read: async () => undefined } };
    const timeReport = async (from: typeof sources) => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        figuresOf((await stateOn(from, today)).state, today);
        times.push(performance.now() - started);
      }
      return round(median(times));
    };
    const inProcessMs = {
      withSnapshots: await timeReport(sources),
      everyLine: await timeReport(noSnapshots),
    };
    return {
      installments: installmentCount,
      lines: written.length,
      linesByKind,
      writtenLate: written.filter((w) => w.writtenOn !== w.line.on).length,
      salespeople: owners.length,
      from: written.reduce((first, w) => (w.line.on < first ? w.line.on : first), today),
      to: today,
      seedSeconds: round(seedSeconds, 1),
      writersAtOnce,
      firstCallMs: round(firstCallMs),
      warm: roundSummary(summarize(warm)),
      yearBack: roundSummary(summarize(yearBack)),
      operationsPerCall,
      inProcessMs,
      headline: {
        receivables: total / 100,
        overdueShare: total === 0 ? 0 : round(((total - report.aging.current.amount) / total) * 100),
        dso: report.company.dso.days,
        cei: report.company.cei.percent,
      },
      scans: sandbox.dynamo.operations.get('Scan') ?? 0,
    };
  } finally {
    await sandbox.close();
  }
}

/**
 * `measureReceivables` in a child process (`receivables-child.ts`): the handlers a sandbox runs in process keep the
 * first DynamoDB client they make, so a second sandbox in the bench's process would find them talking to the first.
 */
export function measureReceivablesApart(
  dir: string,
  progress: (line: string) => void,
): Promise<ReceivablesBenchResult> {
  const { child, stderr } = forkBenchChild('receivables-child.ts', dir);
  return new Promise((resolve, reject) => {
    child.on('message', (message: ReceivablesChildMessage) => {
      if (message.kind === 'progress') progress(message.line);
      else if (message.kind === 'result') resolve(message.result);
      else reject(new Error(message.message));
    });
    child.once('exit', (code) =>
      reject(new Error(`the receivables bench process exited (${code}): ${stderr()}`)),
    );
  });
}
