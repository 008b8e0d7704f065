// Per Lambda handler: build it as the stack does, weigh it, and time its cold load against a probe of its SDK clients.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import {
  executionWatcher,
  mailFeedback,
  openWorkReport,
  routes,
  signInClaims,
  taskSweeps,
} from '#infra/routes.ts';
import { registry, type Uses } from '#workflows/registry.ts';
import { buildLambda, repositoryRoot, stackEnvironment } from './lambda-build.ts';
import { round, roundSummary, type Summary, summarize } from './stats.ts';

const run = promisify(execFile);

export const coldLoadRuns = 25;

/** Dummy values for what the handlers read from the environment: enough to build every client. */
export const dummyEnvironment = {
  TABLE_NAME: 'bench-business',
  SENDER_EMAIL: 'workflows@example.com',
  APP_BASE_URL: 'https://bench.example.com',
  WORKFLOW_ARNS: JSON.stringify({
    'expense-approval': 'arn:aws:states:us-east-1:000000000000:stateMachine:bench-expense-approval',
  }),
  AWS_REGION: 'us-east-1',
};

/** An SDK client a handler builds, by the getter of `functions/shared/clients/` that builds it. */
export type Client = 'dynamo' | 'ses' | 'stepFunctions';

/** Each client's module under `functions/shared/clients/` and the SDK package its code comes from. */
export const clients: Readonly<Record<Client, { module: string; sdkPackage: string }>> = {
  dynamo: { module: 'dynamodb.ts', sdkPackage: '@aws-sdk/client-dynamodb' },
  ses: { module: 'ses.ts', sdkPackage: '@aws-sdk/client-sesv2' },
  stepFunctions: { module: 'sfn.ts', sdkPackage: '@aws-sdk/client-sfn' },
};

/** The clients a function with these grants builds: table → DynamoDB, mail → SES v2, starts or answers → SFN. */
export function clientsOf(uses: Uses): Client[] {
  const built: Client[] = [];
  if (uses.table) built.push('dynamo');
  if (uses.mail) built.push('ses');
  if ((uses.starts?.length ?? 0) > 0 || uses.answersTasks || uses.closesTasks) built.push('stepFunctions');
  return built;
}

/** Two declarations of one handler file (two routes, say): the stack grants it what both need. */
export function mergeUses(a: Uses, b: Uses): Uses {
  const merged: Uses = {};
  const table = a.table === 'read-write' || b.table === 'read-write' ? 'read-write' : (a.table ?? b.table);
  if (table) merged.table = table;
  if (a.mail || b.mail) merged.mail = true;
  const starts = [...new Set([...(a.starts ?? []), ...(b.starts ?? [])])];
  if (starts.length > 0) merged.starts = starts;
  if (a.answersTasks || b.answersTasks) merged.answersTasks = true;
  if (a.closesTasks || b.closesTasks) merged.closesTasks = true;
  return merged;
}

export interface PackageBytes {
  name: string;
  bytes: number;
}

export interface HandlerEntry {
  entry: string;
  /** Where it is declared: routes (with their paths), the sweeps, the execution watcher, workflow placeholders. */
  usedBy: string[];
  /** What it is granted (the stack grants exactly this). */
  uses: Uses;
}

export interface SdkProbeResult {
  /** The clients the probe builds, as `functions/shared/clients/*.ts` build them, and nothing else. */
  clients: Client[];
  bytes: number;
  gzipBytes: number;
  /** Every cold load of this probe in the run (alternated with each handler that builds the same clients). */
  loadMs: Summary;
  topPackages: PackageBytes[];
}

export interface BundleResult {
  entry: string;
  usedBy: string[];
  uses: Uses;
  /** SDK client packages with code in the bundle; empty for an SDK-free handler. */
  sdkClients: string[];
  /** The clients its cold load builds: those its grants call for whose code is in the bundle. */
  clientsBuilt: Client[];
  /** Where the grants and the bundle disagree (a client granted but not bundled, or bundled but not granted). */
  mismatches: string[];
  bytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  /** Bytes the timing entry (the same bundle plus its client getters' calls) adds to the handler's bundle. */
  probeExtraBytes: number;
  /** Import of the bundle plus construction of its clients, inside a fresh process. */
  loadMs: Summary;
  /** From the process's time origin to the same point: adds Node's own start-up. */
  sinceProcessStartMs: Summary;
  /** The SDK probe of the same clients, timed alternately with this handler; absent for an SDK-free handler. */
  sdkProbe?: {
    bytes: number;
    loadMs: Summary;
    /** Handler median cold load ÷ probe median cold load, the two measured alternately in this run. */
    ratio: number;
  };
  /** Minified bytes on top of the SDK probe: what our code and its own dependencies cost. */
  bytesOnTopOfSdk: number;
  /** The same, by package: the handler's bytes per package minus the probe's (`(project)` is our own code). */
  onTopOfSdk: PackageBytes[];
  /** Bytes of zod's locale message files: English only (#shared/schema-parse.ts), unless an import brings them all. */
  zodLocaleBytes: number;
  /** Biggest contributors to the bundle, by package. */
  topPackages: PackageBytes[];
}

export interface BundlesOutcome {
  handlers: BundleResult[];
  sdkProbes: SdkProbeResult[];
}

/** Every distinct handler file the stack deploys: route handlers, the SLA sweeps, the watcher, the workflow steps. */
export function handlerEntries(): HandlerEntry[] {
  const byEntry = new Map<string, HandlerEntry>();
  const add = (entry: string, by: string, uses: Uses) => {
    const known = byEntry.get(entry);
    if (known) {
      known.usedBy.push(by);
      known.uses = mergeUses(known.uses, uses);
    } else {
      byEntry.set(entry, { entry, usedBy: [by], uses: mergeUses({}, uses) });
    }
  };
  for (const route of routes) add(route.entry, `${route.method} ${route.path}`, route.uses);
  const every = `every ${taskSweeps.everyMinutes} min`;
  add(taskSweeps.deliveries.entry, `${every} (SLA sweep, deliveries)`, taskSweeps.deliveries.uses);
  add(taskSweeps.mail.entry, `${every}, after the deliveries (SLA sweep, mail)`, taskSweeps.mail.uses);
  add(openWorkReport.entry, `every ${openWorkReport.everyMinutes} min (gauges)`, openWorkReport.uses);
  add(executionWatcher.entry, 'execution status changes (watcher)', executionWatcher.uses);
  add(mailFeedback.entry, 'SES bounces and complaints', mailFeedback.uses);
  add(signInClaims.entry, 'Cognito pre-token generation', signInClaims.uses);
  for (const [placeholder, spec] of Object.entries(registry)) {
    if (spec.kind === 'function') add(spec.entry, `\${${placeholder}}`, spec.uses);
  }
  return [...byEntry.values()];
}

/** `node_modules/@aws-sdk/client-sfn/dist-es/…` → `@aws-sdk/client-sfn`; project files → `(project)`. */
export function packageOf(inputPath: string): string {
  const at = inputPath.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const parts = inputPath.slice(at + 'node_modules/'.length).split('/');
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? '(unknown)');
}

function bytesOf(metafile: Metafile, pattern: RegExp): number {
  let bytes = 0;
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (pattern.test(input)) bytes += bytesInOutput;
    }
  }
  return bytes;
}

export function packageBytes(metafile: Metafile): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return bytes;
}

/** Per package, the bytes `bundle` has beyond `base` (at least 1 KB), largest first. */
export function bytesBeyond(
  bundle: ReadonlyMap<string, number>,
  base: ReadonlyMap<string, number>,
): PackageBytes[] {
  return [...bundle]
    .map(([name, bytes]) => ({ name, bytes: bytes - (base.get(name) ?? 0) }))
    .filter((p) => p.bytes >= 1024)
    .sort((a, b) => b.bytes - a.bytes);
}

/**
 * The harness a fresh Node process runs: the clock starts before the bundle's import and stops once the module is
 * evaluated and its SDK clients are constructed (the handlers build them lazily on first use).
 */
const harness = `import { pathToFileURL } from 'node:url';
const [bundle, kind] = process.argv.slice(2);
const started = performance.now();
const module = await import(pathToFileURL(bundle).href);
if (kind === 'handler' && typeof module.handler !== 'function') throw new Error('the bundle exports no handler');
module.__benchBuildClients();
const ready = performance.now();
process.stdout.write(JSON.stringify({ loadMs: ready - started, sinceProcessStartMs: ready }));
`;

/** Imports of the client getters and one function calling them all, as a first invocation would. */
function clientCalls(built: readonly Client[]): string[] {
  return [
    ...built.map(
      (c) =>
        `import { ${c} } from ${JSON.stringify(join(repositoryRoot, 'functions/shared/clients', clients[c].module))};`,
    ),
    `export function __benchBuildClients() { ${built.map((c) => `${c}();`).join(' ')} }`,
    '',
  ];
}

/** What is timed for a handler: its module as is, plus a call of the getters of the clients it builds. */
function handlerTimingSource(entry: string, built: readonly Client[]): string {
  return [`export * from ${JSON.stringify(join(repositoryRoot, entry))};`, ...clientCalls(built)].join('\n');
}

/** The SDK probe: nothing but the same clients, built by the same modules. */
const sdkProbeSource = (built: readonly Client[]) => clientCalls(built).join('\n');

interface Built {
  outfile: string;
  bytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  metafile: Metafile;
}

async function buildTo(entryPath: string, dir: string): Promise<Built> {
  const outfile = join(dir, 'index.mjs');
  const metafile = await buildLambda(entryPath, outfile);
  const code = readFileSync(outfile);
  return {
    outfile,
    bytes: code.length,
    gzipBytes: gzipSync(code).length,
    sourceMapBytes: statSync(`${outfile}.map`).size,
    metafile,
  };
}

async function coldLoad(
  harnessPath: string,
  bundle: string,
  kind: 'handler' | 'probe',
  cwd: string,
): Promise<{ loadMs: number; since: number }> {
  // Only what Lambda would set: no NODE_COMPILE_CACHE or tsx loader from the bench's own environment.
  const env = { PATH: process.env.PATH ?? '', HOME: cwd, ...stackEnvironment, ...dummyEnvironment };
  const { stdout } = await run(process.execPath, [harnessPath, bundle, kind], { cwd, env, timeout: 60_000 });
  const parsed = JSON.parse(stdout) as { loadMs: number; sinceProcessStartMs: number };
  return { loadMs: parsed.loadMs, since: parsed.sinceProcessStartMs };
}

const top = (bytes: ReadonlyMap<string, number>, count = 8): PackageBytes[] =>
  [...bytes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, size]) => ({ name, bytes: size }));

export const clientSetKey = (built: readonly Client[]) => built.join('+') || '(none)';

export async function measureBundles(tmp: string, progress: (line: string) => void): Promise<BundlesOutcome> {
  const harnessPath = join(tmp, 'harness.mjs');
  writeFileSync(harnessPath, harness);

  const entries = handlerEntries();
  const prepared = [];
  for (const [i, { entry, usedBy, uses }] of entries.entries()) {
    const dir = join(tmp, entry.replace(/\.ts$/, '').replaceAll('/', '-'));
    mkdirSync(dir, { recursive: true });
    const bundle = await buildTo(entry, join(dir, 'bundle'));
    // Packages with code in the output: the metafile also lists inputs that tree shaking dropped entirely.
    const sdkClients = [...packageBytes(bundle.metafile)]
      .filter(([name, bytes]) => bytes > 0 && /^@aws-sdk\/client-/.test(name))
      .map(([name]) => name)
      .sort();
    const granted = clientsOf(uses);
    const built = granted.filter((c) => sdkClients.includes(clients[c].sdkPackage));
    const mismatches = [
      ...granted
        .filter((c) => !built.includes(c))
        .map((c) => `granted ${c} but has no ${clients[c].sdkPackage}`),
      ...sdkClients
        .filter((name) => !granted.some((c) => clients[c].sdkPackage === name))
        .map((name) => `bundles ${name} without the grant that uses it`),
    ];
    const timingEntry = join(dir, 'timing.ts');
    writeFileSync(timingEntry, handlerTimingSource(entry, built));
    const timed = await buildTo(timingEntry, join(dir, 'timing'));
    prepared.push({ entry, usedBy, uses, bundle, timed, sdkClients, built, mismatches });
    progress(`built ${i + 1}/${entries.length} ${entry}: ${kb(bundle.bytes)} (gzip ${kb(bundle.gzipBytes)})`);
  }

  // One SDK probe per distinct set of clients the handlers build.
  const probes = new Map<string, { clients: Client[]; built: Built; samples: number[] }>();
  for (const { built } of prepared) {
    const key = clientSetKey(built);
    if (built.length === 0 || probes.has(key)) continue;
    const dir = join(tmp, `sdk-probe-${key}`);
    mkdirSync(dir, { recursive: true });
    const entry = join(dir, 'probe.ts');
    writeFileSync(entry, sdkProbeSource(built));
    const probe = await buildTo(entry, join(dir, 'probe'));
    probes.set(key, { clients: built, built: probe, samples: [] });
    progress(`built SDK probe ${key}: ${kb(probe.bytes)} (gzip ${kb(probe.gzipBytes)})`);
  }

  const handlers: BundleResult[] = [];
  for (const [i, p] of prepared.entries()) {
    const probe = probes.get(clientSetKey(p.built));
    const times = { load: [] as number[], since: [] as number[], probe: [] as number[] };
    // Alternating handler and probe run by run spreads any drift of the machine over both alike.
    for (let r = 0; r < coldLoadRuns; r++) {
      const h = await coldLoad(harnessPath, p.timed.outfile, 'handler', tmp);
      times.load.push(h.loadMs);
      times.since.push(h.since);
      if (probe) times.probe.push((await coldLoad(harnessPath, probe.built.outfile, 'probe', tmp)).loadMs);
    }
    probe?.samples.push(...times.probe);
    const loadMs = roundSummary(summarize(times.load));
    const handlerPackages = packageBytes(p.bundle.metafile);
    const probePackages = probe ? packageBytes(probe.built.metafile) : new Map<string, number>();
    const result: BundleResult = {
      entry: p.entry,
      usedBy: p.usedBy,
      uses: p.uses,
      sdkClients: p.sdkClients,
      clientsBuilt: p.built,
      mismatches: p.mismatches,
      bytes: p.bundle.bytes,
      gzipBytes: p.bundle.gzipBytes,
      sourceMapBytes: p.bundle.sourceMapBytes,
      probeExtraBytes: p.timed.bytes - p.bundle.bytes,
      loadMs,
      sinceProcessStartMs: roundSummary(summarize(times.since)),
      bytesOnTopOfSdk: p.bundle.bytes - (probe?.built.bytes ?? 0),
      onTopOfSdk: bytesBeyond(handlerPackages, probePackages).slice(0, 8),
      zodLocaleBytes: bytesOf(p.bundle.metafile, /node_modules\/zod\/.*\/locales\//),
      topPackages: top(handlerPackages),
    };
    if (probe) {
      const probeLoad = roundSummary(summarize(times.probe));
      result.sdkProbe = {
        bytes: probe.built.bytes,
        loadMs: probeLoad,
        ratio: round(summarize(times.load).p50 / summarize(times.probe).p50, 2),
      };
    }
    handlers.push(result);
    progress(
      `cold load ${i + 1}/${prepared.length} ${p.entry}: median ${loadMs.p50} ms` +
        (result.sdkProbe
          ? `, SDK probe (${clientSetKey(p.built)}) ${result.sdkProbe.loadMs.p50} ms, ×${result.sdkProbe.ratio}`
          : ''),
    );
  }

  const sdkProbes = [...probes.values()].map(
    (probe): SdkProbeResult => ({
      clients: probe.clients,
      bytes: probe.built.bytes,
      gzipBytes: probe.built.gzipBytes,
      loadMs: roundSummary(summarize(probe.samples)),
      topPackages: top(packageBytes(probe.built.metafile), 6),
    }),
  );
  return { handlers, sdkProbes };
}

export function kb(bytes: number): string {
  return `${round(bytes / 1024)} KB`;
}
