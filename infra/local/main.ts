// `npm start`: runs the sandbox until Ctrl-C, printing every URL and the seeded people; a start that cannot proceed says why in one line.
import * as z from 'zod/mini';
import { readEnv } from '#shared/env.ts';
import { type Sandbox, startSandbox } from './sandbox.ts';
import { demoPeople, seedAdmin } from './seed.ts';
import { StartupError } from './startup.ts';

const port = z.coerce.number().check(z.int(), z.gte(0), z.lte(65535));
const env = readEnv({
  PORT: z._default(port, 3000),
  SANDBOX_DIR: z._default(z.string().check(z.minLength(1)), '.sandbox'),
  DYNAMODB_PORT: z._default(port, 0),
  SES_PORT: z._default(port, 0),
  SFN_PORT: z._default(port, 0),
});

let sandbox: Sandbox;
try {
  sandbox = await startSandbox({
    port: env.PORT,
    dir: env.SANDBOX_DIR,
    dynamoPort: env.DYNAMODB_PORT,
    sesPort: env.SES_PORT,
    stepFunctionsPort: env.SFN_PORT,
    log: (line) => console.log(`  ${line}`),
  });
} catch (error) {
  // A problem the person fixes (a port, a folder) is one line; anything else is a bug, and keeps its stack.
  if (error instanceof StartupError) console.error(`Cannot start the sandbox: ${error.message}`);
  else console.error(error);
  process.exit(1);
}

const { urls } = sandbox;
console.log(`
Sales-ops sandbox is running (data in ${env.SANDBOX_DIR}/, virtual time ${sandbox.clock.now().toISOString()})

  API and task pages   ${urls.api}
  Ops console          ${urls.console}
  Mail viewer          ${urls.mailViewer}
  Captured mail, JSON  ${urls.api}/_local/mail?to=<email>
  Step Functions API   ${urls.stepFunctions}
  SES API              ${urls.ses}
  DynamoDB             ${urls.dynamodb}
  Workflows            ${[...sandbox.stateMachines.keys()].join(', ') || '(none yet)'}

Sign in:  curl -s -X POST ${urls.api}/_local/login -H 'content-type: application/json' -d '{"email":"${seedAdmin}"}'
Advance the clock a day:  curl -s -X POST ${urls.api}/_local/clock -H 'content-type: application/json' -d '{"advanceSeconds":86400}'
People: ${demoPeople.map((p) => `${p.email} (${p.roles.join(', ')})`).join('; ')}

Ctrl-C stops everything.`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the sandbox…`);
  await sandbox.close();
  console.log(
    'Stopped. Business data, executions in flight (they resume at the next start) and mail are kept.',
  );
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
