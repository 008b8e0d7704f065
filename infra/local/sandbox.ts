// The whole local sandbox in one process: DynamoDB, SES, Step Functions, the API gateway, the clock, the SLA sweep.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type RequestListener } from 'node:http';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { useClock } from '#shared/clock.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { listWorkflowSlugs, readDefinitionText, workflowsDir } from '#workflows/definitions.ts';
import { type Registry, registry as workflowRegistry } from '#workflows/registry.ts';
import {
  routes as apiRoutes,
  executionWatcher,
  mailFeedback,
  type RouteSpec,
  taskSweeps,
} from '../routes.ts';
import { BearerTokens } from './bearer-tokens.ts';
import { ensureTable, type LocalDynamo, startLocalDynamo } from './dynamodb.ts';
import {
  functionArnOf,
  functionNameOf,
  localAccount,
  localRegion,
  localStage,
  stateMachineArnOf,
} from './function-names.ts';
import { createGateway, sendJson } from './gateway.ts';
import { invokeEntry } from './lambda-runtime.ts';
import { type Listening, listen } from './listen.ts';
import { localEndpoints } from './local-endpoints.ts';
import { type LocalMail, startLocalMail } from './mail.ts';
import { seedDemoOrganisation } from './seed.ts';
import { lockDataFolder, portProblem } from './startup.ts';
import { LocalStepFunctions, type RestoreReport } from './step-functions/service.ts';
import { VirtualClock } from './virtual-clock.ts';

/** The SLA sweep runs at the same rate as on AWS, but on virtual time. */
const sweepEveryMs = taskSweeps.everyMinutes * 60 * 1000;
const tableName = `${localStage}-business`;

export interface SandboxOptions {
  /** API and task pages; 0 picks a free port. */
  port?: number;
  /** Data folder (DynamoDB files, executions, mail, clock, signing key); one sandbox at a time. */
  dir?: string;
  dynamoPort?: number;
  sesPort?: number;
  stepFunctionsPort?: number;
  /** Seed the demo organisation when the directory is empty. */
  seed?: boolean;
  /** Tests run fixture workflows; the sandbox runs the project's. */
  definitionsDir?: string;
  registry?: Registry;
  workflowSlugs?: readonly string[];
  routes?: readonly RouteSpec[];
  log?: (line: string) => void;
  /** Tests wrap each workflow step's Lambda call (`run`), e.g. to run it twice as a retry or a redrive would. */
  aroundStep?: (entry: string, payload: unknown, run: () => Promise<unknown>) => Promise<unknown>;
}

export interface Sandbox {
  url: string;
  urls: {
    api: string;
    console: string;
    /** The mail viewer, under the API's port. */
    mailViewer: string;
    /** The SES endpoint the handlers send to. */
    ses: string;
    dynamodb: string;
    stepFunctions: string;
  };
  clock: VirtualClock;
  stepFunctions: LocalStepFunctions;
  dynamo: LocalDynamo;
  mail: LocalMail;
  seeded: boolean;
  /** State machine ARN by workflow slug. */
  stateMachines: ReadonlyMap<string, string>;
  /** The executions found in the data folder at start: kept, resumed, or unable to continue. */
  restored: RestoreReport;
  advance(seconds: number): Promise<Date>;
  /** Runs the SLA sweep now (it also runs on its schedule and after every clock advance). */
  sweep(): Promise<void>;
  close(): Promise<void>;
}

/** The virtual clock's offset survives restarts: virtual time never runs backwards over stored data. */
function loadClock(dir: string): VirtualClock {
  try {
    const saved = JSON.parse(readFileSync(join(dir, 'clock.json'), 'utf8')) as { offsetMs?: unknown };
    return new VirtualClock(typeof saved.offsetMs === 'number' ? saved.offsetMs : 0);
  } catch {
    return new VirtualClock(0);
  }
}

/**
 * The key first task links are derived with (functions/human-tasks/links.ts): made once per data folder and kept
 * beside the data, never in the table, as the stack keeps it in Secrets Manager. Written whole or not at all.
 */
function loadLinkKey(dir: string): string {
  const file = join(dir, 'task-link.key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const key = randomBytes(32).toString('base64url');
  writeFileSync(`${file}.new`, `${key}\n`, { mode: 0o600 });
  renameSync(`${file}.new`, file);
  return key;
}

/**
 * Handlers read their configuration from the environment, exactly as on Lambda; only endpoints and credentials
 * differ. One sandbox per process, then: the variables are process-wide.
 */
function configureEnvironment(
  endpoints: { dynamodb: string; ses: string; sfn: string; api: string },
  workflows: readonly string[],
  taskLinkKey: string,
): void {
  Object.assign(process.env, {
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: 'sandbox',
    AWS_SECRET_ACCESS_KEY: 'sandbox',
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SESV2: endpoints.ses,
    AWS_ENDPOINT_URL_SFN: endpoints.sfn,
    TABLE_NAME: tableName,
    SENDER_EMAIL: 'workflows@example.com',
    APP_BASE_URL: endpoints.api,
    TASK_LINK_KEY: taskLinkKey,
    // One process serves every handler, so each may start any workflow deployed here.
    WORKFLOW_ARNS: JSON.stringify(
      Object.fromEntries(workflows.map((slug) => [slug, stateMachineArnOf(slug)])),
    ),
    POWERTOOLS_METRICS_DISABLED: process.env.POWERTOOLS_METRICS_DISABLED ?? 'true',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? (() => undefined);
  const shownDir = options.dir ?? '.sandbox';
  const dir = resolve(shownDir);
  const registry = options.registry ?? workflowRegistry;
  const routes = options.routes ?? apiRoutes;

  // The API's port first: when it is taken, the start stops here, before anything is made on disk.
  let answer: RequestListener = (_request, response) =>
    sendJson(response, 503, { message: 'The sandbox is still starting' });
  const apiPort = options.port ?? 0;
  const api: Listening = await listen(
    createServer((request, response) => answer(request, response)),
    apiPort,
  ).catch((error: unknown) => {
    throw portProblem(error, apiPort, 'PORT');
  });
  const started: { close(): Promise<void> }[] = [];
  const folderExisted = existsSync(dir);
  let release = (): void => undefined;
  let clock: VirtualClock | undefined;
  try {
    mkdirSync(dir, { recursive: true });
    release = lockDataFolder(dir, shownDir, api.url);
    clock = loadClock(dir);
    useClock(clock);
    const virtualClock = clock;
    const dynamoPort = options.dynamoPort ?? 0;
    const dynamoServer = await startLocalDynamo(join(dir, 'dynamodb'), dynamoPort).catch((error: unknown) => {
      throw portProblem(error, dynamoPort, 'DYNAMODB_PORT');
    });
    started.push(dynamoServer);
    const sesPort = options.sesPort ?? 0;
    const mail = await startLocalMail(join(dir, 'mail.jsonl'), sesPort, undefined, (realMs) =>
      virtualClock.virtualTimeOf(realMs),
    ).catch((error: unknown) => {
      throw portProblem(error, sesPort, 'SES_PORT');
    });
    started.push(mail);

    // Lambda ARNs in the definitions map back to handler files, called in-process.
    const entryByArn = new Map<string, string>();
    const substitutions: Record<string, string> = {};
    for (const [placeholder, spec] of Object.entries(registry)) {
      if (spec.kind === 'function') {
        substitutions[placeholder] = functionArnOf(spec.entry);
        entryByArn.set(functionArnOf(spec.entry), spec.entry);
      } else {
        substitutions[placeholder] = stateMachineArnOf(spec.slug);
      }
    }
    // Lambda calls under way: closing waits for them, so no handler writes to a database that has just closed.
    const running = new Set<Promise<unknown>>();
    const tracked = <T>(call: Promise<T>): Promise<T> => {
      running.add(call);
      const settle = () => void running.delete(call);
      call.then(settle, settle);
      return call;
    };
    const stepFunctions = new LocalStepFunctions({
      clock,
      region: localRegion,
      accountId: localAccount,
      dataDir: join(dir, 'step-functions'),
      invokeLambda: (functionArn, payload) => {
        const entry = entryByArn.get(functionArn);
        if (!entry)
          throw Object.assign(new Error(`No function ${functionArn}`), {
            name: 'Lambda.ResourceNotFoundException',
          });
        const run = () => invokeEntry(entry, functionNameOf(entry), payload);
        return tracked(options.aroundStep ? options.aroundStep(entry, payload, run) : run());
      },
    });
    started.push(stepFunctions);
    const stateMachines = new Map<string, string>();
    const definitionsDir = options.definitionsDir ?? workflowsDir;
    for (const slug of options.workflowSlugs ?? listWorkflowSlugs(definitionsDir)) {
      const definition = readDefinitionText(slug, definitionsDir);
      stateMachines.set(
        slug,
        stepFunctions.createStateMachine({ name: `${localStage}-${slug}`, definition, substitutions }),
      );
    }
    const sfnPort = options.stepFunctionsPort ?? 0;
    const sfnServer = await stepFunctions.listen(sfnPort).catch((error: unknown) => {
      throw portProblem(error, sfnPort, 'SFN_PORT');
    });
    // As EventBridge delivers execution status changes on AWS: an execution that ended leaves no open task.
    stepFunctions.onChange((change) => {
      if (change.event || change.status === 'RUNNING' || change.status === 'SUCCEEDED') return;
      void stepFunctions
        .describeExecution({ executionArn: change.executionArn })
        .then(({ input }) => {
          const event = { detail: { executionArn: change.executionArn, status: change.status, input } };
          return tracked(invokeEntry(executionWatcher.entry, functionNameOf(executionWatcher.entry), event));
        })
        .catch((error: unknown) =>
          log(`closing the tasks of ${change.executionArn} failed: ${(error as Error).message}`),
        );
    });

    // Task links need the gateway's own URL; handlers read everything else from here too, as on Lambda.
    configureEnvironment(
      { dynamodb: dynamoServer.url, ses: mail.url, sfn: sfnServer.url, api: api.url },
      [...stateMachines.keys()],
      loadLinkKey(dir),
    );
    const sandboxClient = new DynamoDBClient({
      endpoint: dynamoServer.url,
      region: localRegion,
      credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' },
    });
    const sandboxDb = DynamoDBDocumentClient.from(sandboxClient, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const created = await ensureTable(sandboxClient, tableName);
    const people = new PeopleRepository(sandboxDb, tableName);
    const tasks = new TaskRepository(sandboxDb, tableName);

    // Executions from before a restart carry on where they stood; the handlers they call are configured by now.
    const restored = await stepFunctions.restore();
    if (restored.loaded > 0) {
      log(
        `executions: ${restored.loaded} kept, ${restored.resumed.length} resumed` +
          (restored.failed.length > 0 ? `, ${restored.failed.length} could not continue` : ''),
      );
    }
    for (const failed of restored.failed) {
      log(
        `  ${failed.executionArn.split(':').slice(-2).join(':')}: ${failed.reason}` +
          (failed.viaCatch ? ` (sent to '${failed.viaCatch}')` : ''),
      );
    }
    for (const file of restored.unreadable) log(`could not read ${file}: left as it is`);

    // The SLA sweep: one at a time, on a schedule of virtual time and after every clock advance. Its mail part runs
    // when its delivery part ends, whatever the result, as the Lambda destination between them does on AWS.
    const sweepPart = ({ entry }: { entry: string }) =>
      invokeEntry(entry, functionNameOf(entry), {}).then(
        () => undefined,
        (error: unknown) => log(`SLA sweep (${functionNameOf(entry)}) failed: ${(error as Error).message}`),
      );
    let sweeping: Promise<void> = Promise.resolve();
    const sweep = () => {
      sweeping = sweeping.then(() => sweepPart(taskSweeps.deliveries)).then(() => sweepPart(taskSweeps.mail));
      return sweeping;
    };
    let cancelSchedule: () => void = () => undefined;
    const schedule = () => {
      cancelSchedule = virtualClock.after(sweepEveryMs, () => {
        void sweep();
        schedule();
      });
    };
    const advance = async (seconds: number) => {
      // The steps under way finish first: their own timeouts run on virtual time, and must not fire only because the
      // clock jumped while a Lambda was working (bounded: an execution may take a few more steps after the call).
      for (let round = 0; round < 20 && running.size > 0; round++) await Promise.allSettled([...running]);
      const now = virtualClock.advance(seconds);
      writeFileSync(join(dir, 'clock.json'), JSON.stringify({ offsetMs: virtualClock.offsetMs }));
      await sweep();
      // Let the executions that the advance released take their next steps before answering.
      await new Promise((settle) => setTimeout(settle, 50));
      return now;
    };

    const tokens = BearerTokens.inFolder(dir);
    const local = localEndpoints({
      clock,
      advance,
      tokens,
      people,
      tasks,
      mail,
      stepFunctions,
      mailFeedback: (event) => invokeEntry(mailFeedback.entry, functionNameOf(mailFeedback.entry), event),
    });
    answer = createGateway({ routes, tokens, log, local });

    const seeded = options.seed === false ? false : await seedDemoOrganisation(people, clock.now());
    log(`table ${tableName} ${created}${seeded ? ', demo organisation seeded' : ''}`);
    schedule();
    // Decisions taken just before a stop but not yet handed to their workflow go now, not at the next sweep.
    if (restored.resumed.length > 0) void sweep();

    const urls = {
      api: api.url,
      console: `${api.url}/_local/console`,
      mailViewer: `${api.url}/_local/mail/`,
      ses: mail.url,
      dynamodb: dynamoServer.url,
      stepFunctions: sfnServer.url,
    };
    let closed = false;
    return {
      url: api.url,
      urls,
      clock,
      stepFunctions,
      dynamo: dynamoServer,
      mail,
      seeded,
      stateMachines,
      restored,
      advance,
      sweep,
      async close() {
        if (closed) return;
        closed = true;
        cancelSchedule();
        await sweeping;
        // The gateway first (no new requests), then the steps under way (bounded: an execution may take a few more
        // steps after the call it was in), then Step Functions (executions paused where they stand), then the rest.
        await api.close().catch(() => undefined);
        for (let round = 0; round < 20 && running.size > 0; round++) await Promise.allSettled([...running]);
        await closeAll(started);
        release();
        virtualClock.dispose();
      },
    };
  } catch (error) {
    await api.close().catch(() => undefined);
    await closeAll(started);
    release();
    clock?.dispose();
    // Nothing half-made: a folder this start created goes again.
    if (!folderExisted) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Closes in reverse order of start: Step Functions first, the database last. */
async function closeAll(started: { close(): Promise<void> }[]): Promise<void> {
  for (const part of started.reverse()) await part.close().catch(() => undefined);
}
