// Per Lambda handler: build it as the stack does (and with the SDK external), weigh it, and time its cold load.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { routes, taskSweeper } from '#infra/routes.ts';
import { registry, type Uses } from '#workflows/registry.ts';
import { buildLambda, repositoryRoot, type SdkMode, stackEnvironment } from './lambda-build.ts';
import { round, roundSummary, type Summary, summarize } from './stats.ts';

const run = promisify(execFile);

export const coldLoadRuns = 25;

/** Dummy values for what the handlers read from the environment at import: enough to build every client. */
export const dummyEnvironment = {
  TABLE_NAME: 'bench-business',
  SENDER_EMAIL: 'workflows@example.com',
  APP_BASE_URL: 'https://bench.example.com',
  WORKFLOW_ARN_PREFIX: 'arn:aws:states:us-east-1:000000000000:stateMachine:bench-',
  AWS_REGION: 'us-east-1',
};

/** Which SDK clients a handler may build: the table, SES, Step Functions. */
type Access = 'table' | 'mail' | 'workflows';

/** The clients a declared `Uses` needs: starting workflows and answering tasks both talk to Step Functions. */
function accessOf(uses: Uses): Access[] {
  const access: Access[] = [];
  if (uses.table) access.push('table');
  if (uses.mail) access.push('mail');
  if ((uses.starts?.length ?? 0) > 0 || uses.answersTasks) access.push('workflows');
  return access;
}

/** The SDK client getter (module under `functions/shared/clients/`, function) that each declared access uses. */
const clientGetters: Record<Access, { module: string; getter: string }> = {
  table: { module: 'dynamodb.ts', getter: 'dynamo' },
  mail: { module: 'ses.ts', getter: 'ses' },
  workflows: { module: 'sfn.ts', getter: 'stepFunctions' },
};

export interface PackageBytes {
  name: string;
  bytes: number;
}

export interface HandlerEntry {
  entry: string;
  /** Where it is declared: routes (with their paths), the sweeper, or workflow placeholders. */
  usedBy: string[];
  /** What it is granted (the stack grants exactly this): which clients it builds. */
  uses: Access[];
}

export interface BundleVariant {
  bytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  /** Bytes the cold-load probe (the same bundle plus its client getters' calls) adds to this bundle. */
  probeExtraBytes: number;
  /** Import of the bundle plus construction of its clients, inside a fresh process. */
  loadMs: Summary;
  /** From the process's time origin to the same point: adds Node's own start-up. */
  sinceProcessStartMs: Summary;
}

export interface BundleResult {
  entry: string;
  usedBy: string[];
  /** SDK client packages in the bundle; empty for an SDK-free handler. */
  sdkClients: string[];
  /** The client getters the probe calls: those of the accesses the handler is declared with. */
  clientsBuilt: string[];
  uses: Access[];
  bundled: BundleVariant;
  external: BundleVariant;
  /** bundled / external, median cold load. */
  loadRatio: number;
  /** Bytes of zod's locale message files in the bundled build: the `z` namespace keeps every locale alive. */
  zodLocaleBytes: number;
  /** Biggest contributors to each build, by package (`(project)` is our own code). */
  topPackages: { bundled: PackageBytes[]; external: PackageBytes[] };
}

/** Every distinct handler file the stack deploys: route handlers, the SLA sweeper, the workflow steps. */
export function handlerEntries(): HandlerEntry[] {
  const byEntry = new Map<string, { usedBy: string[]; uses: Set<Access> }>();
  const add = (entry: string, by: string, uses: Uses) => {
    const known = byEntry.get(entry) ?? { usedBy: [], uses: new Set<Access>() };
    known.usedBy.push(by);
    for (const use of accessOf(uses)) known.uses.add(use);
    byEntry.set(entry, known);
  };
  for (const route of routes) add(route.entry, `${route.method} ${route.path}`, route.uses);
  add(taskSweeper.entry, `every ${taskSweeper.everyMinutes} min (SLA sweep)`, taskSweeper.uses);
  for (const [placeholder, spec] of Object.entries(registry)) {
    if (spec.kind === 'function') add(spec.entry, `\${${placeholder}}`, spec.uses);
  }
  const order: readonly Access[] = ['table', 'mail', 'workflows'];
  return [...byEntry].map(([entry, { usedBy, uses }]) => ({
    entry,
    usedBy,
    uses: order.filter((use) => uses.has(use)),
  }));
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

function packageBytes(metafile: Metafile): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = packageOf(input);
      bytes.set(name, (bytes.get(name) ?? 0) + bytesInOutput);
    }
  }
  return bytes;
}

/**
 * The harness a fresh Node process runs: the clock starts before the bundle's import and stops once the handler
 * module is evaluated and its SDK clients are constructed (the handlers build them lazily on first use).
 */
const harness = `import { pathToFileURL } from 'node:url';
const started = performance.now();
const module = await import(pathToFileURL(process.argv[2]).href);
if (typeof module.handler !== 'function') throw new Error('the bundle exports no handler');
module.__benchBuildClients();
const ready = performance.now();
process.stdout.write(JSON.stringify({ loadMs: ready - started, sinceProcessStartMs: ready }));
`;

/** The probe: the handler module as is, plus a function calling the getters of the clients the handler holds. */
function probeSource(entry: string, getters: readonly { module: string; getter: string }[]): string {
  const handler = JSON.stringify(join(repositoryRoot, entry));
  if (getters.length === 0) return `export * from ${handler};\nexport function __benchBuildClients() {}\n`;
  return [
    `export * from ${handler};`,
    ...getters.map(
      (g) =>
        `import { ${g.getter} } from ${JSON.stringify(join(repositoryRoot, 'functions/shared/clients', g.module))};`,
    ),
    `export function __benchBuildClients() { ${getters.map((g) => `${g.getter}();`).join(' ')} }`,
    '',
  ].join('\n');
}

interface Built {
  outfile: string;
  bytes: number;
  gzipBytes: number;
  sourceMapBytes: number;
  metafile: Metafile;
}

async function buildTo(entryPath: string, dir: string, sdk: SdkMode): Promise<Built> {
  const outfile = join(dir, 'index.mjs');
  const metafile = await buildLambda(entryPath, outfile, sdk);
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
  cwd: string,
): Promise<{ loadMs: number; since: number }> {
  // Only what Lambda would set: no NODE_COMPILE_CACHE or tsx loader from the bench's own environment.
  const env = { PATH: process.env.PATH ?? '', HOME: cwd, ...stackEnvironment, ...dummyEnvironment };
  const { stdout } = await run(process.execPath, [harnessPath, bundle], { cwd, env, timeout: 60_000 });
  const parsed = JSON.parse(stdout) as { loadMs: number; sinceProcessStartMs: number };
  return { loadMs: parsed.loadMs, since: parsed.sinceProcessStartMs };
}

export async function measureBundles(tmp: string, progress: (line: string) => void): Promise<BundleResult[]> {
  // The SDK-external builds resolve @aws-sdk/* and @smithy/* from the repository's node_modules, as they would
  // from a layer or the runtime's copy.
  symlinkSync(join(repositoryRoot, 'node_modules'), join(tmp, 'node_modules'), 'dir');
  const harnessPath = join(tmp, 'harness.mjs');
  writeFileSync(harnessPath, harness);

  const entries = handlerEntries();
  const prepared = [];
  for (const [i, { entry, usedBy, uses }] of entries.entries()) {
    const id = entry.replace(/\.ts$/, '').replaceAll('/', '-');
    const dir = join(tmp, id);
    mkdirSync(dir, { recursive: true });
    const bundled = await buildTo(entry, join(dir, 'bundled'), 'bundled');
    const external = await buildTo(entry, join(dir, 'external'), 'external');
    // Packages with code in the output: the metafile also lists inputs that tree shaking dropped entirely.
    const sdkClients = [...packageBytes(bundled.metafile)]
      .filter(([name, bytes]) => bytes > 0 && /^@aws-sdk\/client-/.test(name))
      .map(([name]) => name)
      .sort();
    // An SDK-free bundle builds nothing, whatever it is granted.
    const getters = sdkClients.length === 0 ? [] : uses.map((use) => clientGetters[use]);
    const probeEntry = join(dir, 'probe.ts');
    writeFileSync(probeEntry, probeSource(entry, getters));
    const probeBundled = await buildTo(probeEntry, join(dir, 'probe-bundled'), 'bundled');
    const probeExternal = await buildTo(probeEntry, join(dir, 'probe-external'), 'external');
    prepared.push({
      entry,
      id,
      usedBy,
      uses,
      bundled,
      external,
      probeBundled,
      probeExternal,
      sdkClients,
      getters,
    });
    progress(
      `built ${i + 1}/${entries.length} ${entry}: ${kb(bundled.bytes)} (gzip ${kb(bundled.gzipBytes)}), ` +
        `SDK external ${kb(external.bytes)}`,
    );
  }

  const results: BundleResult[] = [];
  for (const [i, p] of prepared.entries()) {
    const times = {
      bundled: [] as number[],
      external: [] as number[],
      bundledSince: [] as number[],
      externalSince: [] as number[],
    };
    // Alternating the two builds run by run spreads any drift of the machine over both alike.
    for (let r = 0; r < coldLoadRuns; r++) {
      const b = await coldLoad(harnessPath, p.probeBundled.outfile, tmp);
      times.bundled.push(b.loadMs);
      times.bundledSince.push(b.since);
      const e = await coldLoad(harnessPath, p.probeExternal.outfile, tmp);
      times.external.push(e.loadMs);
      times.externalSince.push(e.since);
    }
    const variant = (built: Built, probe: Built, load: number[], since: number[]): BundleVariant => ({
      bytes: built.bytes,
      gzipBytes: built.gzipBytes,
      sourceMapBytes: built.sourceMapBytes,
      probeExtraBytes: probe.bytes - built.bytes,
      loadMs: roundSummary(summarize(load)),
      sinceProcessStartMs: roundSummary(summarize(since)),
    });
    const bundled = variant(p.bundled, p.probeBundled, times.bundled, times.bundledSince);
    const external = variant(p.external, p.probeExternal, times.external, times.externalSince);
    const top = (metafile: Metafile) =>
      [...packageBytes(metafile)]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([name, bytes]) => ({ name, bytes }));
    const topPackages = { bundled: top(p.bundled.metafile), external: top(p.external.metafile) };
    results.push({
      entry: p.entry,
      usedBy: p.usedBy,
      sdkClients: p.sdkClients,
      clientsBuilt: p.getters.map((g) => g.getter),
      uses: p.uses,
      bundled,
      external,
      loadRatio: round(bundled.loadMs.p50 / external.loadMs.p50, 2),
      zodLocaleBytes: bytesOf(p.bundled.metafile, /node_modules\/zod\/.*\/locales\//),
      topPackages,
    });
    progress(
      `cold load ${i + 1}/${prepared.length} ${p.entry}: median ${bundled.loadMs.p50} ms bundled, ` +
        `${external.loadMs.p50} ms SDK external (×${round(bundled.loadMs.p50 / external.loadMs.p50, 2)})`,
    );
  }
  return results;
}

export function kb(bytes: number): string {
  return `${round(bytes / 1024)} KB`;
}
