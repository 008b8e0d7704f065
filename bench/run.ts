// `npm run bench`: bundles, workflow paths and the sandbox under load, measured here; writes bench/results.{md,json}.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem, type } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { version as esbuildVersion } from 'esbuild';
import { type BundleResult, measureBundles, type SdkProbeResult } from './bundles.ts';
import { type LoadResult, measureLoad } from './load.ts';
import { measurePaths, type PathResult } from './paths.ts';
import { prices } from './prices.ts';
import { measureReceivablesApart, type ReceivablesBenchResult } from './receivables.ts';
import { type BenchResults, checkTargets, renderMarkdown } from './report.ts';
import { round } from './stats.ts';

const benchDir = dirname(fileURLToPath(import.meta.url));
const started = performance.now();
/** Others' work on the machine skews timings: recorded before the bench adds its own. */
const loadAverageAtStart = round(loadavg()[0] ?? 0, 2);
const progress = (line: string) =>
  console.log(`[bench] ${line} (${round((performance.now() - started) / 1000, 0)} s)`);

const workDir = mkdtempSync(join(tmpdir(), 'sales-ops-bench-'));
const removeWorkDir = () => rmSync(workDir, { recursive: true, force: true });
// Ctrl-C: the load sandbox child gets the signal too (same process group) and ends; the temp files go with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: stopping`);
    removeWorkDir();
    process.exit(130);
  });
}

const errors: Record<string, string> = {};
/** A section that fails is reported as not measured; the others still run. */
async function section<T>(name: string, measure: () => Promise<T>): Promise<T | undefined> {
  try {
    return await measure();
  } catch (error) {
    errors[name] = (error as Error).message;
    console.error(`[bench] ${name} FAILED: ${(error as Error).stack ?? String(error)}`);
    return undefined;
  }
}

let bundles: BundleResult[] | undefined;
let sdkProbes: SdkProbeResult[] | undefined;
let paths: PathResult[] | undefined;
let pathFailures: { name: string; error: string }[] | undefined;
let workflows: string[] | undefined;
let load: LoadResult | undefined;
let receivables: ReceivablesBenchResult | undefined;
const scans: BenchResults['scans'] = { total: 0 };
try {
  progress(`working in ${workDir}`);
  // First, while nothing else runs: cold-load timings are the most sensitive to a busy machine.
  const bundleOutcome = await section('Lambda bundles', () => {
    const dir = join(workDir, 'bundles');
    mkdirSync(dir);
    return measureBundles(dir, progress);
  });
  bundles = bundleOutcome?.handlers;
  sdkProbes = bundleOutcome?.sdkProbes;
  const pathOutcome = await section('Workflow paths', () =>
    measurePaths(join(workDir, 'paths-sandbox'), progress),
  );
  if (pathOutcome) {
    paths = pathOutcome.paths;
    pathFailures = pathOutcome.failures;
    workflows = pathOutcome.workflows;
    if (pathFailures.length > 0) errors['Workflow paths (some)'] = pathFailures.map((f) => f.name).join(', ');
    scans.paths = pathOutcome.operations.Scan ?? 0;
  }
  load = await section('Sandbox under load', () => measureLoad(join(workDir, 'load-sandbox'), progress));
  if (load) {
    scans.load = load.operations.Scan ?? 0;
    if (load.failures.length > 0)
      errors['Sandbox under load (some claims)'] = `${load.failures.length} claims failed`;
  }
  receivables = await section('GET /receivables', () =>
    measureReceivablesApart(join(workDir, 'receivables-sandbox'), progress),
  );
  if (receivables) scans.receivables = receivables.scans;
  scans.total = (scans.paths ?? 0) + (scans.load ?? 0) + (scans.receivables ?? 0);

  const cpu = cpus();
  const partial = {
    command: 'npm run bench',
    environment: {
      date: new Date().toISOString(),
      cpu: cpu[0]?.model.trim() ?? 'unknown CPU',
      cores: cpu.length,
      memoryGb: round(totalmem() / 1024 ** 3, 1),
      os: `${type()} ${release()}`,
      node: process.version,
      esbuild: esbuildVersion,
      loadAverageAtStart,
    },
    durationSeconds: round((performance.now() - started) / 1000, 1),
    bundles,
    sdkProbes,
    paths,
    pathFailures,
    workflows,
    load,
    receivables,
    scans,
    errors,
    prices,
  };
  const results: BenchResults = { ...partial, targets: checkTargets(partial) };
  writeFileSync(join(benchDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(benchDir, 'results.md'), renderMarkdown(results));
  progress('wrote bench/results.md and bench/results.json');
  for (const t of results.targets) {
    console.log(
      `[bench]   ${t.met === undefined ? 'NOT MEASURED' : t.met ? 'met   ' : 'MISSED'}  ${t.target}: ${t.measured}`,
    );
  }
  if (scans.total > 0) {
    console.error(
      `\n[bench] !!! ${scans.total} DynamoDB Scan request(s) during the bench: every access must be a GetItem or a Query !!!\n`,
    );
    process.exitCode = 1;
  }
  if (Object.keys(errors).length > 0) {
    console.error(`[bench] not measured: ${Object.keys(errors).join(', ')}`);
    process.exitCode = 1;
  }
} finally {
  removeWorkDir();
}
