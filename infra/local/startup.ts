// Why a sandbox cannot start, said in one line with the fix: a port in use, a data folder held by another sandbox.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod/mini';

/** A start-up problem a person fixes themselves; `npm start` prints its message alone, without a stack trace. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}

/** How each port is chosen, to name the variable that moves it. */
export type PortSetting = 'PORT' | 'DYNAMODB_PORT' | 'SES_PORT' | 'SFN_PORT';

const portUses: Record<PortSetting, string> = {
  PORT: 'the API',
  DYNAMODB_PORT: 'DynamoDB',
  SES_PORT: 'SES',
  SFN_PORT: 'Step Functions',
};

/** Turns EADDRINUSE (and EACCES) from a listen into the sentence a person needs; other errors pass through. */
export function portProblem(error: unknown, port: number, setting: PortSetting): unknown {
  const code = (error as { code?: unknown }).code;
  if (code === 'EADDRINUSE') {
    const fix = setting === 'PORT' ? `PORT=${port + 1} npm start` : `${setting}=0 npm start (any free port)`;
    return new StartupError(
      `Port ${port} (${portUses[setting]}) is already in use by another program or sandbox: stop it, or start with ${fix}`,
    );
  }
  if (code === 'EACCES') {
    return new StartupError(
      `Port ${port} (${portUses[setting]}) needs privileges: start with ${setting}=3000 npm start`,
    );
  }
  return error;
}

const lockSchema = z.object({ pid: z.int(), url: z.string(), startedAt: z.string() });
const LOCK_FILE = 'sandbox.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it is just not ours to signal.
    return (error as { code?: unknown }).code === 'EPERM';
  }
}

/**
 * Takes the data folder for this process: a lock file naming our pid and URL. A lock left by a process that no longer
 * runs (killed, machine restarted) is taken over; one held by a running sandbox is a StartupError naming it.
 * Returns the release function.
 */
export function lockDataFolder(dir: string, shownDir: string, url: string): () => void {
  const file = join(dir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, mine, { flag: 'wx' });
      return () => {
        // Only our own lock: never remove one another process took over.
        if (existsSync(file) && readFileSync(file, 'utf8') === mine) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
    }
    let holder: z.infer<typeof lockSchema> | undefined;
    try {
      holder = lockSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      holder = undefined;
    }
    if (holder && holder.pid !== process.pid && isAlive(holder.pid)) {
      throw new StartupError(
        `The data folder ${shownDir} is in use by another sandbox (pid ${holder.pid}, ${holder.url}): stop it, or use another folder: SANDBOX_DIR=${shownDir.replace(/\/+$/, '')}-2 npm start`,
      );
    }
    // Stale (its process is gone) or unreadable: take it over.
    rmSync(file, { force: true });
  }
  throw new StartupError(`The data folder ${shownDir} could not be locked: remove ${file} and start again`);
}
