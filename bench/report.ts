// Turns the bench's measurements into bench/results.json (everything) and bench/results.md (tables and verdicts).
import { type BundleResult, coldLoadRuns, dummyEnvironment, kb } from './bundles.ts';
import { sdkExternals, stackBundling, stackEnvironment } from './lambda-build.ts';
import type { LoadResult } from './load.ts';
import type { PathResult } from './paths.ts';
import { prices } from './prices.ts';
import { round } from './stats.ts';

export interface Environment {
  date: string;
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  esbuild: string;
  /** 1-minute load average when the bench started: how busy the machine already was. */
  loadAverageAtStart: number;
}

export interface BenchResults {
  command: string;
  environment: Environment;
  durationSeconds: number;
  bundles?: BundleResult[];
  paths?: PathResult[];
  /** Paths that could not be run to their end. */
  pathFailures?: { name: string; error: string }[];
  /** Every workflow the sandbox runs. */
  workflows?: string[];
  load?: LoadResult;
  scans: { paths?: number; load?: number; total: number };
  /** Sections that could not be measured, with why. */
  errors: Record<string, string>;
  targets: TargetCheck[];
  prices: typeof prices;
}

export interface TargetCheck {
  target: string;
  measured: string;
  /** undefined: not measured (the section failed). */
  met: boolean | undefined;
  why?: string;
}

const kib = 1024;
const usd = (value: number) => `$${value < 0.01 ? value.toFixed(4) : value.toFixed(3)}`;
const ms = (value: number) => `${round(value)} ms`;
const yes = (met: boolean | undefined) =>
  met === undefined ? 'not measured' : met ? '**met**' : '**missed**';

export const sdkUsing = (bundles: readonly BundleResult[]) => bundles.filter((b) => b.sdkClients.length > 0);
export const sdkFree = (bundles: readonly BundleResult[]) => bundles.filter((b) => b.sdkClients.length === 0);

function maxBy<T>(items: readonly T[], value: (item: T) => number): T | undefined {
  return items.reduce<T | undefined>(
    (best, item) => (best === undefined || value(item) > value(best) ? item : best),
    undefined,
  );
}

function minBy<T>(items: readonly T[], value: (item: T) => number): T | undefined {
  return maxBy(items, (item) => -value(item));
}

const packageList = (packages: readonly { name: string; bytes: number }[], count: number) =>
  packages
    .slice(0, count)
    .map((p) => `${p.name} ${kb(p.bytes)}`)
    .join(', ');

/** Why SDK-using bundles are over 450 KB, from what they are made of. */
function sizeWhy(largest: BundleResult, smallest: BundleResult): string {
  const sdk = largest.bundled.bytes - largest.external.bytes;
  const nonSdk = (p: { name: string }) => largest.topPackages.external.some((e) => e.name === p.name);
  const sdkParts = largest.topPackages.bundled.filter((p) => !nonSdk(p));
  const nested = largest.topPackages.bundled.find((p) => p.name === '@aws-sdk/nested-clients');
  const parts = [
    `The SDK alone is ${kb(sdk)} of ${largest.entry}'s ${kb(largest.bundled.bytes)} (${packageList(sdkParts, 5)}), ` +
      `which leaves ${kb(Math.max(0, 450 * kib - sdk))} of the budget for everything else; everything else is ` +
      `${kb(largest.external.bytes)} (${packageList(largest.topPackages.external, 4)}).`,
    `The smallest, ${smallest.entry} (client code: ${smallest.sdkClients.join(', ')}), is ${kb(smallest.bundled.bytes)}.`,
  ];
  if (nested) {
    parts.push(
      `${kb(nested.bytes)} of it is @aws-sdk/nested-clients: the STS/SSO clients of the default credential chain, ` +
        'which a Lambda (credentials in its environment) never uses.',
    );
  }
  if (largest.zodLocaleBytes > 10 * kib) {
    parts.push(`zod's locale message files add ${kb(largest.zodLocaleBytes)}.`);
  }
  return parts.join(' ');
}

/** Each target of issue 7, judged on the figures; a missed one says why, as far as the figures show it. */
export function checkTargets(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const withSdk = r.bundles ? sdkUsing(r.bundles) : [];
  const largest = maxBy(withSdk, (b) => b.bundled.bytes);
  const smallest = minBy(withSdk, (b) => b.bundled.bytes);
  if (r.bundles && largest && smallest) {
    const within = withSdk.filter((b) => b.bundled.bytes <= 450 * kib).length;
    checks.push({
      target: 'SDK-using handler ≤ 450 KB minified',
      measured: `${kb(smallest.bundled.bytes)} – ${kb(largest.bundled.bytes)} (largest: ${largest.entry}); ${within} of ${withSdk.length} within`,
      met: within === withSdk.length,
      why: within === withSdk.length ? undefined : sizeWhy(largest, smallest),
    });
    const slowest = maxBy(withSdk, (b) => b.bundled.loadMs.p50);
    const fastest = minBy(withSdk, (b) => b.bundled.loadMs.p50);
    if (slowest && fastest) {
      const within80 = withSdk.filter((b) => b.bundled.loadMs.p50 <= 80).length;
      checks.push({
        target: 'SDK-using handler cold load median ≤ 80 ms',
        measured: `medians ${ms(fastest.bundled.loadMs.p50)} – ${ms(slowest.bundled.loadMs.p50)} (slowest: ${slowest.entry}); ${within80} of ${withSdk.length} within`,
        met: within80 === withSdk.length,
        why:
          within80 === withSdk.length
            ? undefined
            : 'Load time follows the amount of code V8 must parse and run at import. The fastest SDK-using ' +
              `handler, ${fastest.entry} (${kb(fastest.bundled.bytes)}), loads in ${ms(fastest.bundled.loadMs.p50)}; ` +
              `the slowest, ${slowest.entry} (${kb(slowest.bundled.bytes)}), in ${ms(slowest.bundled.loadMs.p50)}; ` +
              `the SDK-free health handler (${kb(sdkFree(r.bundles)[0]?.bundled.bytes ?? 0)}) in ` +
              `${ms(sdkFree(r.bundles)[0]?.bundled.loadMs.p50 ?? 0)}. Most of each SDK-using bundle is the SDK ` +
              '(see the first target), so a smaller SDK footprint is what would bring the median down. Measured ' +
              'on this machine, not on a Lambda arm64 core.',
      });
    }
    const worstRatio = maxBy(withSdk, (b) => b.loadRatio);
    const bestRatio = minBy(withSdk, (b) => b.loadRatio);
    if (worstRatio && bestRatio) {
      const withinRatio = withSdk.filter((b) => b.loadRatio <= 0.5).length;
      checks.push({
        target: 'SDK-using handler cold load ≤ 0.5× its SDK-external build',
        measured: `bundled ÷ external ${bestRatio.loadRatio} – ${worstRatio.loadRatio}; ${withinRatio} of ${withSdk.length} within`,
        met: withinRatio === withSdk.length,
        why:
          withinRatio === withSdk.length
            ? undefined
            : 'Bundling saves resolving and reading a few hundred small CommonJS files of the SDK from ' +
              'node_modules, but V8 still parses and runs the same SDK code, now from one file (its `dist-es` ' +
              'build instead of `dist-cjs`), and everything else is bundled in both builds: on this machine the ' +
              'saving is a few per cent, far from a halving. The target assumes loading the SDK from node_modules ' +
              'costs twice what parsing it bundled does; here it does not.',
      });
    }
  } else {
    for (const target of [
      'SDK-using handler ≤ 450 KB minified',
      'SDK-using handler cold load median ≤ 80 ms',
      'SDK-using handler cold load ≤ 0.5× its SDK-external build',
    ])
      checks.push({ target, measured: 'not measured', met: undefined });
  }
  const free = r.bundles ? sdkFree(r.bundles) : [];
  const biggestFree = maxBy(free, (b) => b.bundled.bytes);
  checks.push({
    target: 'SDK-free handler ≤ 50 KB',
    measured: biggestFree
      ? `${free.map((b) => `${b.entry} ${kb(b.bundled.bytes)}`).join(', ')}`
      : 'not measured',
    met: biggestFree ? biggestFree.bundled.bytes <= 50 * kib : undefined,
  });

  const happy = (r.paths ?? []).filter((p) => p.happy);
  const longest = maxBy(happy, (p) => p.transitions);
  const uncovered = (r.workflows ?? []).filter((w) => !happy.some((p) => p.workflow === w));
  checks.push({
    target: "Every workflow's happy path ≤ 20 state transitions",
    measured: longest
      ? `${happy.map((p) => `${p.workflow}, ${p.name}: ${p.transitions}`).join('; ')}` +
        (uncovered.length > 0 ? `; no happy path measured for ${uncovered.join(', ')}` : '')
      : 'not measured',
    met: longest ? longest.transitions <= 20 : undefined,
  });

  const load = r.load;
  const unloadedNote = (which: 'get' | 'post') => {
    if (!load) return '';
    const alone = which === 'get' ? load.unloaded.taskPageGetMs : load.unloaded.decisionPostMs;
    return (
      `Unloaded (one claim at a time) the same request takes p50 ${ms(alone.p50)} / p99 ${ms(alone.p99)}; with ` +
      `${load.concurrency} people acting at once every request waits its turn in the sandbox process, where the ` +
      'gateway, the handlers, the local Step Functions interpreter, dynalite and SES all share one Node event ' +
      `loop. By Little's law ${load.concurrency} requests in flight at ${load.apiRequestsPerSecond} requests/s ` +
      `answered mean about ${ms((load.concurrency / load.apiRequestsPerSecond) * 1000)} each: the wait, not the ` +
      'work, is most of the latency (see the load section). Fewer people at once would lower it and the ' +
      'throughput with it; a faster request (fewer DynamoDB round trips per page) lowers both.'
    );
  };
  checks.push({
    target: `Task-page GET p99 ≤ 50 ms (under load)`,
    measured: load ? `p99 ${ms(load.taskPageGetMs.p99)} (p50 ${ms(load.taskPageGetMs.p50)})` : 'not measured',
    met: load ? load.taskPageGetMs.p99 <= 50 : undefined,
    why: load && load.taskPageGetMs.p99 > 50 ? unloadedNote('get') : undefined,
  });
  checks.push({
    target: `Decision POST p99 ≤ 100 ms (under load)`,
    measured: load
      ? `p99 ${ms(load.decisionPostMs.p99)} (p50 ${ms(load.decisionPostMs.p50)})`
      : 'not measured',
    met: load ? load.decisionPostMs.p99 <= 100 : undefined,
    why: load && load.decisionPostMs.p99 > 100 ? unloadedNote('post') : undefined,
  });
  checks.push({
    target: '≥ 100 complete 3-level expense workflows per minute (2 cores)',
    measured: load
      ? `${load.workflowsPerMinute} per minute (${load.completed} of ${load.claims} in ${load.wallSeconds} s)`
      : 'not measured',
    met: load ? load.workflowsPerMinute >= 100 && load.completed === load.claims : undefined,
  });
  const scansMeasured = r.scans.paths !== undefined || r.scans.load !== undefined;
  checks.push({
    target: '0 Scans',
    measured: scansMeasured ? `${r.scans.total}` : 'not measured',
    met: scansMeasured ? r.scans.total === 0 : undefined,
  });
  return checks;
}

function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const line = (cells: readonly (string | number)[]) =>
    `| ${cells.map((c) => String(c).replaceAll('|', '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderMarkdown(r: BenchResults): string {
  const out: string[] = [];
  const env = r.environment;
  out.push('# Benchmarks', '');
  out.push(
    `Produced by \`${r.command}\` on ${env.date}: ${env.cpu}, ${env.cores} cores, ${env.memoryGb} GB, ${env.os}, ` +
      `Node ${env.node}, esbuild ${env.esbuild}. The whole run took ${round(r.durationSeconds, 0)} s. ` +
      `The 1-minute load average was ${env.loadAverageAtStart} when it started (other work on the machine ` +
      'slows the cold loads and the load test). Figures are from this one machine and run; run the command ' +
      'again to refresh them.',
    '',
  );
  for (const [section, error] of Object.entries(r.errors)) {
    out.push(`> **${section} could not be measured:** ${error}`, '');
  }

  out.push('## Targets', '');
  out.push(
    table(
      ['target', 'measured', 'verdict'],
      r.targets.map((t) => [t.target, t.measured, yes(t.met)]),
    ),
    '',
  );
  const missed = r.targets.filter((t) => t.met === false);
  if (missed.length > 0) {
    out.push('Why the missed targets are missed:', '');
    for (const t of missed) out.push(`- **${t.target}.** ${t.why ?? 'See the figures below.'}`);
    out.push('');
  }

  if (r.bundles) {
    out.push('## Lambda handler bundles', '');
    out.push(
      'Every distinct handler the stack deploys (the routes of `infra/routes.ts`, the SLA sweeper, the function ' +
        'placeholders of `workflows/registry.ts`), built with esbuild exactly as `infra/constructs/business-function.ts` ' +
        `has CDK build it: format ${stackBundling.format}, target ${stackBundling.target}, minified, linked source map, ` +
        `main fields ${stackBundling.mainFields.join(',')}, the createRequire banner, the AWS SDK bundled. ` +
        `"SDK external" is the same handler with \`${sdkExternals.join('`, `')}\` left external and resolved from the ` +
        "repository's node_modules at run time (as from the runtime's own SDK). Sizes are of `index.mjs` alone (the " +
        'source map ships beside it); gzip at the default level; KB = 1,024 bytes.',
      '',
      `**Cold load** is timed inside a fresh Node process (\`process.execPath\`, ${coldLoadRuns} runs per build, the ` +
        'two builds alternating run by run): from just before `import()` of the bundle to just after its SDK clients ' +
        'exist. The handlers build their clients lazily on first use, so the timed module is a probe bundled with the ' +
        'same settings: the handler module re-exported as is, plus one function calling the `#shared/clients/*.ts` ' +
        'getters for the accesses the handler is declared with in routes.ts / registry.ts (`table` → `dynamo()`, ' +
        '`mail` → `ses()`, `workflows` → `stepFunctions()`), as its first invocation would; the probe adds at most ' +
        `${Math.max(...r.bundles.map((b) => b.bundled.probeExtraBytes))} bytes. The process has only the environment ` +
        'Lambda would give it: ' +
        `${Object.entries(stackEnvironment)
          .map(([k, v]) => `${k}=${v}`)
          .join(
            ', ',
          )}, and dummy ${Object.keys(dummyEnvironment).join(', ')}. Not included: Node's own start-up ` +
        '(the "since process start" column adds it), the first request (credential and endpoint resolution), and ' +
        "Lambda's sandbox and code download. Medians are nearest-rank.",
      '',
    );
    out.push(
      table(
        [
          'handler',
          'SDK clients in the bundle',
          'clients built',
          'minified',
          'gzip',
          'SDK external: minified',
          'cold load p50 / p90',
          'SDK external p50 / p90',
          'bundled ÷ external',
          'since process start p50',
        ],
        r.bundles.map((b) => [
          `\`${b.entry}\``,
          b.sdkClients.map((c) => c.replace('@aws-sdk/client-', '')).join(', ') || '(none)',
          b.clientsBuilt.map((g) => `${g}()`).join(', ') || '(none)',
          kb(b.bundled.bytes),
          kb(b.bundled.gzipBytes),
          kb(b.external.bytes),
          `${ms(b.bundled.loadMs.p50)} / ${ms(b.bundled.loadMs.p90)}`,
          `${ms(b.external.loadMs.p50)} / ${ms(b.external.loadMs.p90)}`,
          `×${b.loadRatio}`,
          ms(b.bundled.sinceProcessStartMs.p50),
        ]),
      ),
      '',
    );
    const largest = maxBy(sdkUsing(r.bundles), (b) => b.bundled.bytes);
    if (largest) {
      out.push(
        `What the largest bundle, \`${largest.entry}\`, is made of (bytes in the output, by package):`,
        '',
        table(
          ['package (bundled build)', 'size', 'package (SDK-external build)', 'size'],
          largest.topPackages.bundled.map((p, i) => {
            const e = largest.topPackages.external[i];
            return [p.name, kb(p.bytes), e?.name ?? '', e ? kb(e.bytes) : ''];
          }),
        ),
        '',
      );
    }
  }

  if (r.paths) {
    out.push('## Workflow paths', '');
    out.push(
      'Each path runs once in an in-process sandbox (`startSandbox`, temp directory, port 0), driven over HTTP by ' +
        '`SandboxClient` as people would: the API calls, then each task page opened from its mail and its form ' +
        'posted. Counted from the local Step Functions history (`GetExecutionHistory`) of every execution the path ' +
        'made: **state transitions** = `*StateEntered` events (AWS bills one per state entered); **workflow Lambda ' +
        "invocations** = `TaskScheduled` events on Lambda (open-task's callback invoke included). **API requests** " +
        'are the HTTP API calls the people made (each a Lambda invocation on AWS; `/_local/` calls are not). ' +
        "**DynamoDB writes** = the PutItem + UpdateItem + DeleteItem + BatchWriteItem requests the sandbox's " +
        'DynamoDB received during the path, API requests included (budget setup and sign-in excluded).',
      '',
    );
    out.push(
      table(
        [
          'workflow',
          'path',
          'executions → end state',
          'state transitions',
          'Lambda invocations (workflow + API)',
          'DynamoDB writes',
          'DynamoDB reads',
          'mails',
          'cost per 1,000 runs: Step Functions / Lambda / DynamoDB = total',
        ],
        r.paths.map((p) => [
          p.workflow,
          `${p.name}${p.happy ? ' (happy path)' : ''}`,
          p.executions.map((e) => `${e.name} → ${e.ending}`).join('; '),
          p.transitions,
          `${p.workflowLambda.invocations} + ${p.api.requests.length}`,
          p.dynamo.writes,
          p.dynamo.reads,
          p.mails,
          `${usd(p.cost.stepFunctions)} / ${usd(p.cost.lambda)} / ${usd(p.cost.dynamodb)} = **${usd(p.cost.total)}**`,
        ]),
      ),
      '',
    );
    for (const failure of r.pathFailures ?? []) {
      out.push(`> **Path "${failure.name}" could not be run to its end:** ${failure.error}`, '');
    }
    const durations = r.paths.flatMap((p) => p.workflowLambda.durationsMs);
    const apiDurations = r.paths.flatMap((p) => p.api.durationsMs);
    out.push(
      `Prices (${prices.region}, list prices, no free tier): Step Functions Standard $0.025 per 1,000 state ` +
        `transitions; Lambda arm64 $${prices.lambdaArmPerGbSecond} per GB-second at ${prices.lambdaMemoryGb * 1024} MB ` +
        "(the stack's size) plus $0.20 per 1M requests; DynamoDB on-demand $0.625 per million write request units. " +
        `Lambda durations are the ones measured in the sandbox, each rounded up to the millisecond as billed: ` +
        `workflow steps from their history events (mean ${ms(mean(durations))}), API requests as the client saw them ` +
        `(mean ${ms(mean(apiDurations))}, gateway included, so an upper bound). They ran warm, in-process, against ` +
        'dynalite on this machine: a real Lambda calling DynamoDB over the network will take longer; at these sizes ' +
        'even 10× the duration leaves Step Functions the largest cost. Each DynamoDB write is assumed under 1 KB ' +
        '(1 WRU). Not included: ' +
        `${prices.notIncluded.join('; ')}.`,
      '',
    );
  }

  if (r.load) {
    const l = r.load;
    out.push('## The sandbox under load', '');
    out.push(
      `${l.claims} expense claims of ¥${l.claimYuan.toLocaleString('en')} (over ¥5,000: supervisor, sales manager, ` +
        `finance) filed at once against one budget and carried through all three levels by clicking the mailed ` +
        `task links (GET the page, POST the form), at most ${l.concurrency} people acting at once (a filing, or a ` +
        'page opened and its form posted). The sandbox runs alone in a child process (`bench/load-sandbox.ts`: ' +
        '`startSandbox` under tsx, as `npm start` runs it); the driver is the bench process. "Next task mail exists" ' +
        'is stamped by a watcher inside the sandbox process that looks at the captured-mail store every ' +
        `${l.mailWatchMs} ms (reading all mail over \`/_local/mail\` for 200 claims would be O(n²) and load the ` +
        'process being measured). One warm-up claim runs first (the sandbox compiles each handler on first call), ' +
        `then ${l.unloaded.claims} claims one at a time as the unloaded reference, then the load.`,
      '',
    );
    const row = (
      name: string,
      s: { p50: number; p90: number; p99: number; max: number },
      unloaded?: { p50: number; p99: number },
    ) => [
      name,
      ms(s.p50),
      ms(s.p90),
      ms(s.p99),
      ms(s.max),
      unloaded ? `${ms(unloaded.p50)} / ${ms(unloaded.p99)}` : '',
    ];
    out.push(
      `Complete workflows: **${l.completed} of ${l.claims} in ${l.wallSeconds} s = ${l.workflowsPerMinute} per minute** ` +
        `(from the first filing to the last execution's end), the sandbox answering ${l.apiRequestsPerSecond} API ` +
        'requests per second besides running the workflow steps. Peak RSS of the sandbox process (VmHWM, tsx ' +
        'and every loaded handler included): ' +
        `**${l.peakRssMb} MB**.${l.failures.length > 0 ? ` **${l.failures.length} claims failed**: ${l.failures.slice(0, 5).join('; ')}.` : ''}`,
      '',
      table(
        ['latency', 'p50', 'p90', 'p99', 'max', 'unloaded p50 / p99'],
        [
          row('task page GET', l.taskPageGetMs, l.unloaded.taskPageGetMs),
          row('decision POST', l.decisionPostMs, l.unloaded.decisionPostMs),
          row(
            "decision POST sent → next level's task mail exists",
            l.decisionToNextMailMs,
            l.unloaded.decisionToNextMailMs,
          ),
          row(
            'last decision POST sent → execution ended',
            l.lastDecisionToEndMs,
            l.unloaded.lastDecisionToEndMs,
          ),
          row('filing POST', l.fileMs),
          row('filing POST sent → first task mail exists', l.fileToFirstMailMs),
        ],
      ),
      '',
    );
  }

  out.push('## No Scan', '');
  out.push(
    `DynamoDB Scan requests received over the whole bench: **${r.scans.total}** (workflow paths sandbox: ` +
      `${r.scans.paths ?? 'not measured'}, load sandbox: ${r.scans.load ?? 'not measured'}), counted by the ` +
      "sandbox's DynamoDB (`LocalDynamo.operations`) over each sandbox's whole life, start-up and seeding included. " +
      'The bench fails (exit code 1) if it is not 0.',
    '',
  );
  return out.join('\n');
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}
