// The whole local sandbox in one process: DynamoDB, SES, Step Functions, the API gateway, the clock, the SLA sweep.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TaskRepository } from '#human-tasks/task-repository.ts';
import { useClock } from '#shared/clock.ts';
import { PeopleRepository } from '#shared/people-repository.ts';
import { listWorkflowSlugs, readDefinitionText, workflowsDir } from '#workflows/definitions.ts';
import { type Registry, registry as workflowRegistry } from '#workflows/registry.ts';
import { routes as apiRoutes, executionWatcher, type RouteSpec, taskSweeper } from '../routes.ts';
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
import { createGateway } from './gateway.ts';
import { invokeEntry } from './lambda-runtime.ts';
import { type Listening, listen } from './listen.ts';
import { localEndpoints } from './local-endpoints.ts';
import { type LocalMail, startLocalMail } from './mail.ts';
import { seedDemoOrganisation } from './seed.ts';
import { LocalStepFunctions } from './step-functions/service.ts';
import { VirtualClock } from './virtual-clock.ts';

/** The SLA sweep runs at the same rate as on AWS, but on virtual time. */
const sweepEveryMs = taskSweeper.everyMinutes * 60 * 1000;
const sweeperEntry = taskSweeper.entry;
const tableName = `${localStage}-business`;

export interface SandboxOptions {
  /** API and task pages; 0 picks a free port. */
  port?: number;
  /** Data folder (DynamoDB files, clock, signing key). */
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
}

export interface Sandbox {
  url: string;
  urls: { api: string; console: string; mailViewer: string; dynamodb: string; stepFunctions: string };
  clock: VirtualClock;
  stepFunctions: LocalStepFunctions;
  dynamo: LocalDynamo;
  mail: LocalMail;
  seeded: boolean;
  /** State machine ARN by workflow slug. */
  stateMachines: ReadonlyMap<string, string>;
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
 * Handlers read their configuration from the environment, exactly as on Lambda; only endpoints and credentials
 * differ. One sandbox per process, then: the variables are process-wide.
 */
function configureEnvironment(
  endpoints: { dynamodb: string; ses: string; sfn: string; api: string },
  workflows: readonly string[],
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
  const dir = resolve(options.dir ?? '.sandbox');
  mkdirSync(dir, { recursive: true });
  const clock = loadClock(dir);
  useClock(clock);
  const registry = options.registry ?? workflowRegistry;
  const routes = options.routes ?? apiRoutes;

  const started: { close(): Promise<void> }[] = [];
  try {
    const dynamoServer = await startLocalDynamo(join(dir, 'dynamodb'), options.dynamoPort ?? 0);
    started.push(dynamoServer);
    const mail = await startLocalMail(options.sesPort ?? 0);
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
    const stepFunctions = new LocalStepFunctions({
      clock,
      region: localRegion,
      accountId: localAccount,
      invokeLambda: (functionArn, payload) => {
        const entry = entryByArn.get(functionArn);
        if (!entry)
          throw Object.assign(new Error(`No function ${functionArn}`), {
            name: 'Lambda.ResourceNotFoundException',
          });
        return invokeEntry(entry, functionNameOf(entry), payload);
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
    const sfnServer = await stepFunctions.listen(options.stepFunctionsPort ?? 0);
    // As EventBridge delivers execution status changes on AWS: an execution that ended leaves no open task.
    stepFunctions.onChange((change) => {
      if (change.event || change.status === 'RUNNING' || change.status === 'SUCCEEDED') return;
      void stepFunctions
        .describeExecution({ executionArn: change.executionArn })
        .then(({ input }) => {
          const event = { detail: { executionArn: change.executionArn, status: change.status, input } };
          return invokeEntry(executionWatcher.entry, functionNameOf(executionWatcher.entry), event);
        })
        .catch((error: unknown) =>
          log(`closing the tasks of ${change.executionArn} failed: ${(error as Error).message}`),
        );
    });

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

    // The SLA sweep: one at a time, on a schedule of virtual time and after every clock advance.
    let sweeping: Promise<void> = Promise.resolve();
    const sweep = () => {
      sweeping = sweeping
        .then(() => invokeEntry(sweeperEntry, functionNameOf(sweeperEntry), {}))
        .then(
          () => undefined,
          (error: unknown) => log(`SLA sweep failed: ${(error as Error).message}`),
        );
      return sweeping;
    };
    let cancelSchedule: () => void = () => undefined;
    const schedule = () => {
      cancelSchedule = clock.after(sweepEveryMs, () => {
        void sweep();
        schedule();
      });
    };
    const advance = async (seconds: number) => {
      const now = clock.advance(seconds);
      writeFileSync(join(dir, 'clock.json'), JSON.stringify({ offsetMs: clock.offsetMs }));
      await sweep();
      // Let the executions that the advance released take their next steps before answering.
      await new Promise((settle) => setTimeout(settle, 50));
      return now;
    };

    const tokens = BearerTokens.inFolder(dir);
    const local = localEndpoints({ clock, advance, tokens, people, tasks, mail, stepFunctions });
    const api: Listening = await listen(createGateway({ routes, tokens, log, local }), options.port ?? 0);
    started.push(api);
    // Task links need the gateway's own URL, known only once it listens; nothing is served before this line runs.
    configureEnvironment({ dynamodb: dynamoServer.url, ses: mail.url, sfn: sfnServer.url, api: api.url }, [
      ...stateMachines.keys(),
    ]);

    const seeded = options.seed === false ? false : await seedDemoOrganisation(people, clock.now());
    log(`table ${tableName} ${created}${seeded ? ', demo organisation seeded' : ''}`);
    schedule();

    const urls = {
      api: api.url,
      console: `${api.url}/_local/console`,
      mailViewer: mail.url,
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
      advance,
      sweep,
      async close() {
        if (closed) return;
        closed = true;
        cancelSchedule();
        await sweeping;
        await closeAll(started);
        clock.dispose();
      },
    };
  } catch (error) {
    await closeAll(started);
    clock.dispose();
    throw error;
  }
}

/** Closes in reverse order of start: the gateway first, the database last. */
async function closeAll(started: { close(): Promise<void> }[]): Promise<void> {
  for (const part of started.reverse()) await part.close().catch(() => undefined);
}
