// Turns the bench's measurements into bench/results.json (everything) and bench/results.md (tables and verdicts).
import {
  type BundleResult,
  clientSetKey,
  clients,
  coldLoadRuns,
  dummyEnvironment,
  kb,
  type SdkProbeResult,
} from './bundles.ts';
import { stackBundling, stackEnvironment } from './lambda-build.ts';
import type { LoadResult } from './load.ts';
import type { PathResult } from './paths.ts';
import { prices } from './prices.ts';
import type { ReceivablesBenchResult } from './receivables.ts';
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
  /** One per distinct set of SDK clients the handlers build: the SDK alone, the base of each handler's ratio. */
  sdkProbes?: SdkProbeResult[];
  paths?: PathResult[];
  /** Paths that could not be run to their end. */
  pathFailures?: { name: string; error: string }[];
  /** Every workflow the sandbox runs. */
  workflows?: string[];
  load?: LoadResult;
  receivables?: ReceivablesBenchResult;
  scans: { paths?: number; load?: number; receivables?: number; total: number };
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
/** Minified size every SDK-using handler must stay within. */
export const maxHandlerKb = 450;
/** A handler's cold load over that of a probe building only the same SDK clients: what our code costs on top. */
export const maxProbeRatio = 1.25;
/** GET /receivables, warm, over 10,000 installments' ledger lines in the sandbox. */
export const maxReceivablesP99Ms = 300;
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

/** The SDK probe a handler was timed against, by the clients it builds. */
const probeOf = (r: Pick<BenchResults, 'sdkProbes'>, b: BundleResult) =>
  r.sdkProbes?.find((p) => clientSetKey(p.clients) === clientSetKey(b.clientsBuilt));

const onTop = (b: BundleResult, count: number) => packageList(b.onTopOfSdk, count);

/** Why SDK-using bundles are over 450 KB, from what they are made of: the SDK clients they build, and the rest. */
function sizeWhy(r: Pick<BenchResults, 'sdkProbes'>, over: readonly BundleResult[]): string {
  const parts = over.map((b) => {
    const probe = probeOf(r, b);
    const sdk = probe
      ? `the ${clientSetKey(b.clientsBuilt)} clients alone are ${kb(probe.bytes)}, which leaves ` +
        `${kb(maxHandlerKb * kib - probe.bytes)} for everything else`
      : 'no SDK probe';
    return (
      `${b.entry} is ${kb(b.bytes)}: ${sdk}; everything else is ${kb(b.bytesOnTopOfSdk)} ` +
      `(${onTop(b, 5)})` +
      (b.mismatches.length > 0 ? `, and it ${b.mismatches.join(', ')}` : '')
    );
  });
  const zodFirst = over.filter((b) => b.onTopOfSdk[0]?.name === 'zod').length;
  if (zodFirst > 0) {
    parts.push(
      `zod is the largest part on top of the SDK in ${zodFirst} of these ${over.length}: the schemas use zod/mini, ` +
        'so what is left of it is the schema kinds and checks the bundled schemas use',
    );
  }
  return `${parts.join('. ')}.`;
}

/** Why handlers load more than 1.25× slower than their SDK probe, from the figures. */
function ratioWhy(over: readonly BundleResult[]): string {
  const worst = [...over].sort((a, b) => (b.sdkProbe?.ratio ?? 0) - (a.sdkProbe?.ratio ?? 0))[0];
  if (!worst?.sdkProbe) return 'See the bundle table.';
  return (
    `The worst, ${worst.entry}, loads in ${ms(worst.loadMs.p50)} against ${ms(worst.sdkProbe.loadMs.p50)} for its ` +
    `SDK probe (×${worst.sdkProbe.ratio}): besides the clients it parses and runs ${kb(worst.bytesOnTopOfSdk)} more ` +
    `(${onTop(worst, 5)}). Cold load follows the code V8 must compile and run at import, so the ratio grows with ` +
    'what a handler adds to the SDK; medians of alternated runs on a shared machine, not on a Lambda arm64 core.'
  );
}

/** Each performance target, judged on the figures; a missed one says why, as far as the figures show it. */
export function checkTargets(r: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const withSdk = r.bundles ? sdkUsing(r.bundles) : [];
  const largest = maxBy(withSdk, (b) => b.bytes);
  const smallest = minBy(withSdk, (b) => b.bytes);
  if (r.bundles && largest && smallest) {
    const over = withSdk.filter((b) => b.bytes > maxHandlerKb * kib).sort((a, b) => b.bytes - a.bytes);
    checks.push({
      target: `SDK-using handler ≤ ${maxHandlerKb} KB minified`,
      measured:
        `${kb(smallest.bytes)} – ${kb(largest.bytes)}; ${withSdk.length - over.length} of ${withSdk.length} within` +
        (over.length > 0 ? `; over: ${over.map((b) => `${b.entry} ${kb(b.bytes)}`).join(', ')}` : ''),
      met: over.length === 0,
      why: over.length === 0 ? undefined : sizeWhy(r, over),
    });
    const slowest = maxBy(withSdk, (b) => b.loadMs.p50);
    const fastest = minBy(withSdk, (b) => b.loadMs.p50);
    if (slowest && fastest) {
      const within80 = withSdk.filter((b) => b.loadMs.p50 <= 80).length;
      checks.push({
        target: 'SDK-using handler cold load median ≤ 80 ms',
        measured: `medians ${ms(fastest.loadMs.p50)} – ${ms(slowest.loadMs.p50)} (slowest: ${slowest.entry}); ${within80} of ${withSdk.length} within`,
        met: within80 === withSdk.length,
        why:
          within80 === withSdk.length
            ? undefined
            : 'Load time follows the amount of code V8 must parse and run at import. The fastest SDK-using ' +
              `handler, ${fastest.entry} (${kb(fastest.bytes)}), loads in ${ms(fastest.loadMs.p50)}; ` +
              `the slowest, ${slowest.entry} (${kb(slowest.bytes)}), in ${ms(slowest.loadMs.p50)}. The SDK probes ` +
              `alone take ${(r.sdkProbes ?? []).map((p) => `${ms(p.loadMs.p50)} (${clientSetKey(p.clients)})`).join(', ')}. ` +
              'Measured on this machine, not on a Lambda arm64 core.',
      });
    }
    const rated = withSdk.filter((b) => b.sdkProbe !== undefined);
    const ratio = (b: BundleResult) => b.sdkProbe?.ratio ?? Number.NaN;
    const worst = maxBy(rated, ratio);
    const best = minBy(rated, ratio);
    if (worst && best) {
      const overRatio = rated.filter((b) => ratio(b) > maxProbeRatio).sort((a, b) => ratio(b) - ratio(a));
      checks.push({
        target: `SDK-using handler cold load ≤ ${maxProbeRatio}× an SDK probe building the same clients`,
        measured:
          `×${ratio(best)} – ×${ratio(worst)}; ${rated.length - overRatio.length} of ${rated.length} within` +
          (overRatio.length > 0
            ? `; over: ${overRatio.map((b) => `${b.entry} ×${ratio(b)}`).join(', ')}`
            : ''),
        met: overRatio.length === 0,
        why: overRatio.length === 0 ? undefined : ratioWhy(overRatio),
      });
    }
  } else {
    for (const target of [
      `SDK-using handler ≤ ${maxHandlerKb} KB minified`,
      'SDK-using handler cold load median ≤ 80 ms',
      `SDK-using handler cold load ≤ ${maxProbeRatio}× an SDK probe building the same clients`,
    ])
      checks.push({ target, measured: 'not measured', met: undefined });
  }
  const free = r.bundles ? sdkFree(r.bundles) : [];
  const biggestFree = maxBy(free, (b) => b.bytes);
  checks.push({
    target: 'SDK-free handler ≤ 50 KB',
    measured: biggestFree ? `${free.map((b) => `${b.entry} ${kb(b.bytes)}`).join(', ')}` : 'not measured',
    met: biggestFree ? biggestFree.bytes <= 50 * kib : undefined,
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
  const unloadedNote = (which: 'get' | 'post', targetMs: number) => {
    if (!load) return '';
    const alone = which === 'get' ? load.unloaded.taskPageGetMs : load.unloaded.decisionPostMs;
    const overAlone =
      alone.p50 > targetMs
        ? ` Alone it is already over the target at the median, so queueing is not the whole story: the request ` +
          'itself takes longer than the target even when nothing waits in front of it.'
        : '';
    return (
      `Unloaded (one claim at a time) the same request takes p50 ${ms(alone.p50)} / p99 ${ms(alone.p99)}; with ` +
      `${load.concurrency} people acting at once every request waits its turn in the sandbox process, where the ` +
      'gateway, the handlers, the local Step Functions interpreter, dynalite and SES all share one Node event ' +
      `loop. By Little's law ${load.concurrency} requests in flight at ${load.apiRequestsPerSecond} requests/s ` +
      `answered mean about ${ms((load.concurrency / load.apiRequestsPerSecond) * 1000)} each: the wait is most of ` +
      'the latency under load (see the load section). Fewer people at once would lower it and the throughput ' +
      `with it; a faster request (fewer DynamoDB round trips per page) lowers both.${overAlone}`
    );
  };
  checks.push({
    target: `Task-page GET p99 ≤ 50 ms (under load)`,
    measured: load ? `p99 ${ms(load.taskPageGetMs.p99)} (p50 ${ms(load.taskPageGetMs.p50)})` : 'not measured',
    met: load ? load.taskPageGetMs.p99 <= 50 : undefined,
    why: load && load.taskPageGetMs.p99 > 50 ? unloadedNote('get', 50) : undefined,
  });
  checks.push({
    target: `Decision POST p99 ≤ 100 ms (under load)`,
    measured: load
      ? `p99 ${ms(load.decisionPostMs.p99)} (p50 ${ms(load.decisionPostMs.p50)})`
      : 'not measured',
    met: load ? load.decisionPostMs.p99 <= 100 : undefined,
    why: load && load.decisionPostMs.p99 > 100 ? unloadedNote('post', 100) : undefined,
  });
  checks.push({
    target: '≥ 100 complete 3-level expense workflows per minute (2 cores)',
    measured: load
      ? `${load.workflowsPerMinute} per minute (${load.completed} of ${load.claims} in ${load.wallSeconds} s)`
      : 'not measured',
    met: load ? load.workflowsPerMinute >= 100 && load.completed === load.claims : undefined,
  });
  const rec = r.receivables;
  checks.push({
    target: `GET /receivables warm p99 ≤ ${maxReceivablesP99Ms} ms with 10,000 installments (sandbox)`,
    measured: rec
      ? `p99 ${ms(rec.warm.p99)} (p50 ${ms(rec.warm.p50)}; first call ${ms(rec.firstCallMs)}) over ${rec.lines.toLocaleString('en')} lines`
      : 'not measured',
    met: rec ? rec.warm.p99 <= maxReceivablesP99Ms : undefined,
    why:
      rec && rec.warm.p99 > maxReceivablesP99Ms
        ? `The median is ${ms(rec.warm.p50)} and p90 ${ms(rec.warm.p90)}: the slowest calls are rare outliers of ` +
          'one Node process shared by the gateway, the handler and dynalite on a machine busy with other work ' +
          `(the same report in process, without HTTP, takes ${ms(rec.inProcessMs.withSnapshots)}).`
        : undefined,
  });
  const scansMeasured =
    r.scans.paths !== undefined || r.scans.load !== undefined || r.scans.receivables !== undefined;
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
    const getters = (Object.keys(clients) as (keyof typeof clients)[])
      .map((c) => `\`${c}()\` (${clients[c].sdkPackage.replace('@aws-sdk/', '')})`)
      .join(', ');
    out.push(
      'Every distinct handler the stack deploys (the routes of `infra/routes.ts`, the SLA sweeps, the execution ' +
        'watcher, the function placeholders of `workflows/registry.ts`), built with esbuild exactly as ' +
        '`infra/constructs/business-function.ts` has CDK build it (settings shared through `infra/lambda-bundling.ts`): ' +
        `format ${stackBundling.format}, target ${stackBundling.target}, minified, linked source map without the sources' text, main fields ` +
        `${stackBundling.mainFields.join(',')}, the createRequire banner, charset ${stackBundling.charset}, the AWS SDK ` +
        'bundled with the environment credential provider in place of the default chain. Sizes are of `index.mjs` ' +
        'alone (the source map ships beside it); gzip at the default level; KB = 1,024 bytes.',
      '',
      `**Cold load** is timed inside a fresh Node process (\`process.execPath\`, ${coldLoadRuns} runs per build): from ` +
        'just before `import()` of the bundle to just after its SDK clients exist. The handlers build their clients ' +
        'lazily on first use, so the timed module is the handler re-exported as is plus one function calling the ' +
        `\`functions/shared/clients/*.ts\` getters of the clients it builds, as its first invocation would: ${getters}. ` +
        'Which clients a handler builds follows from its grants (`uses` in routes.ts / registry.ts): `table` → ' +
        'DynamoDB, `mail` → SES v2, `starts`, `answersTasks` or `closesTasks` → Step Functions (a client whose code is not in the ' +
        'bundle is not built). The calls add at most ' +
        `${Math.max(...r.bundles.map((b) => b.probeExtraBytes))} bytes. The process has only the environment Lambda ` +
        `would give it: ${Object.entries(stackEnvironment)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ')}, and dummy ${Object.keys(dummyEnvironment).join(', ')}. Not included: Node's own ` +
        'start-up (the "since process start" column adds it), the first request (credential and endpoint ' +
        "resolution), and Lambda's sandbox and code download. Medians are nearest-rank.",
      '',
      '**The SDK probe** of a set of clients is a bundle of nothing but those getters and their calls, built with ' +
        'the same settings: what the SDK costs by itself. Each handler is timed alternately with the probe of its ' +
        "clients, run by run, so drift of the machine falls on both alike; **÷ SDK probe** is the handler's median " +
        `over the probe's median in those runs: what our code costs on top of the SDK (goal ≤ ${maxProbeRatio}).`,
      '',
    );
    if (r.sdkProbes && r.sdkProbes.length > 0) {
      out.push(
        table(
          [
            'SDK probe (clients built)',
            'minified',
            'gzip',
            'cold load p50 / p90 (all its runs)',
            'largest parts',
          ],
          r.sdkProbes.map((p) => [
            p.clients.map((c) => `${c}()`).join(', '),
            kb(p.bytes),
            kb(p.gzipBytes),
            `${ms(p.loadMs.p50)} / ${ms(p.loadMs.p90)} (${p.loadMs.count} runs)`,
            packageList(p.topPackages, 4),
          ]),
        ),
        '',
      );
    }
    const mark = (over: boolean) => (over ? ' **over**' : '');
    out.push(
      table(
        [
          'handler',
          'SDK clients in the bundle',
          'clients built',
          'minified',
          'gzip',
          'on top of the SDK probe',
          'cold load p50 / p90',
          'SDK probe p50',
          '÷ SDK probe',
          'since process start p50',
        ],
        r.bundles.map((b) => [
          `\`${b.entry}\``,
          b.sdkClients.map((c) => c.replace('@aws-sdk/client-', '')).join(', ') || '(none)',
          b.clientsBuilt.map((c) => `${c}()`).join(', ') || '(none)',
          `${kb(b.bytes)}${mark(b.sdkClients.length > 0 && b.bytes > maxHandlerKb * kib)}`,
          kb(b.gzipBytes),
          b.sdkProbe ? kb(b.bytesOnTopOfSdk) : '',
          `${ms(b.loadMs.p50)} / ${ms(b.loadMs.p90)}`,
          b.sdkProbe ? ms(b.sdkProbe.loadMs.p50) : '',
          b.sdkProbe ? `×${b.sdkProbe.ratio}${mark(b.sdkProbe.ratio > maxProbeRatio)}` : '',
          ms(b.sinceProcessStartMs.p50),
        ]),
      ),
      '',
    );
    const mismatched = r.bundles.filter((b) => b.mismatches.length > 0);
    if (mismatched.length > 0) {
      out.push(
        'Where grants and bundles disagree (SDK client code bundled without the grant that would use it, or the ' +
          'other way round): that code is loaded at every cold start, although the function may not call the ' +
          'service. Its ratio is taken against the probe of the clients its grants call for, so the extra code ' +
          'counts as its own.',
        '',
        ...mismatched.map((b) => `- \`${b.entry}\` ${b.mismatches.join('; ')}.`),
        '',
      );
    }
    const shown = sdkUsing(r.bundles)
      .filter((b) => b.bytes > maxHandlerKb * kib)
      .sort((a, b) => b.bytes - a.bytes);
    const largest = shown[0] ?? maxBy(sdkUsing(r.bundles), (b) => b.bytes);
    if (largest) {
      out.push(
        `What the largest bundle, \`${largest.entry}\`, is made of (bytes in the output, by package), and what it ` +
          `has on top of its SDK probe (${clientSetKey(largest.clientsBuilt)}):`,
        '',
        table(
          ['package', 'size', 'on top of the SDK probe', 'size'],
          Array.from({ length: Math.max(largest.topPackages.length, largest.onTopOfSdk.length) }, (_, i) => {
            const p = largest.topPackages[i];
            const e = largest.onTopOfSdk[i];
            return [p?.name ?? '', p ? kb(p.bytes) : '', e?.name ?? '', e ? kb(e.bytes) : ''];
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

  if (r.receivables) out.push(...receivablesSection(r.receivables));

  out.push('## No Scan', '');
  out.push(
    `DynamoDB Scan requests received over the whole bench: **${r.scans.total}** (workflow paths sandbox: ` +
      `${r.scans.paths ?? 'not measured'}, load sandbox: ${r.scans.load ?? 'not measured'}, receivables sandbox: ` +
      `${r.scans.receivables ?? 'not measured'}), counted by the ` +
      "sandbox's DynamoDB (`LocalDynamo.operations`) over each sandbox's whole life, start-up and seeding included. " +
      'The bench fails (exit code 1) if it is not 0.',
    '',
  );
  return out.join('\n');
}

function receivablesSection(rec: ReceivablesBenchResult): string[] {
  const kinds = Object.entries(rec.linesByKind)
    .map(([kind, count]) => `${count.toLocaleString('en')} ${kind}`)
    .join(', ');
  const perCall = Object.entries(rec.operationsPerCall)
    .map(([operation, count]) => `${count} ${operation}`)
    .join(', ');
  return [
    '## GET /receivables',
    '',
    `${rec.installments.toLocaleString('en')} installments of ${rec.salespeople} salespeople billed from ${rec.from} ` +
      `to ${rec.to} (the sandbox's today), with what happened to each by then: paid on time, paid late after ` +
      'escalation levels, paid in two parts, promises kept and broken, unpaid and still climbing the ladder, ' +
      `written off: **${rec.lines.toLocaleString('en')} ledger lines** (${kinds}). They were written through ` +
      `\`LedgerStore.record\` day by day, the ledger's clock on each day, ${rec.writersAtOnce} at a time, as the ` +
      `collection steps would write them; ${rec.writtenLate.toLocaleString('en')} payments were written up to a ` +
      'week after their date, which makes closed months stale until the next lines rebuild them. Writing took ' +
      `${round(rec.seedSeconds, 0)} s, ${round(rec.lines / rec.seedSeconds, 0)} lines a second with the snapshots ` +
      'kept on the way (three writes and one index Query a line, a month-end build now and then), against dynalite.',
    '',
    'Then `GET /receivables` as finance over HTTP in the same sandbox (alone in a process of its own): the ' +
      '**first call** (the handler ' +
      'module loads, then one report), then ' +
      `${rec.warm.count} warm calls one after the other, and ${rec.yearBack.count} with \`asOf\` a year back ` +
      `(another month's snapshot). One warm call makes ${perCall} DynamoDB requests: the caller's directory entry, ` +
      "the month index, the last month's snapshot, this month's lines, and the salespeople's names.",
    '',
    table(
      ['GET /receivables', 'p50', 'p90', 'p99', 'max'],
      [
        ['first call', ms(rec.firstCallMs), '', '', ''],
        ['warm, asOf today', ms(rec.warm.p50), ms(rec.warm.p90), ms(rec.warm.p99), ms(rec.warm.max)],
        [
          'warm, asOf a year back',
          ms(rec.yearBack.p50),
          ms(rec.yearBack.p90),
          ms(rec.yearBack.p99),
          ms(rec.yearBack.max),
        ],
      ],
    ),
    '',
    `On ${rec.to} the ledger owes ¥${Math.round(rec.headline.receivables).toLocaleString('en')}, ` +
      `${rec.headline.overdueShare}% of it past due; DSO ${rec.headline.dso ?? 'none'} days, CEI ` +
      `${rec.headline.cei ?? 'none'}%. In process, without HTTP: the report from the latest snapshot takes ${ms(rec.inProcessMs.withSnapshots)}; ` +
      `folding every one of the ${rec.lines.toLocaleString('en')} lines instead, as it would without snapshots, ` +
      `${ms(rec.inProcessMs.everyLine)} (medians of 5), and that grows with the ledger.`,
    '',
  ];
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, v) => sum + v, 0) / values.length;
}
