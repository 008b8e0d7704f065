// `npm run demo`: drives each workflow end to end against a running sandbox, as people would, one line per step.

import * as z from 'zod/mini';
import { readEnv } from '#shared/env.ts';
import { runDemo } from './demo-run.ts';
import { SandboxClient } from './sandbox-client.ts';

const env = readEnv({ DEMO_URL: z._default(z.url(), `http://127.0.0.1:${process.env.PORT ?? 3000}`) });
const sandbox = new SandboxClient(env.DEMO_URL);

let step = 0;

function say(line: string): void {
  console.log(`${String(++step).padStart(2)}. ${line}`);
}

try {
  console.log(`Demo against ${sandbox.baseUrl}`);
  await runDemo(sandbox, say);
  console.log('Demo finished: every step passed.');
} catch (error) {
  console.error(`Demo failed at step ${step + 1}: ${(error as Error).message}`);
  process.exit(1);
}
