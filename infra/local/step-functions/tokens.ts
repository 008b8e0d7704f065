// Task tokens for callback tasks: unguessable ids, who is waiting on each, and how a closed one answers.
import { randomBytes } from 'node:crypto';
import { SfnError } from './errors.ts';
import type { JsonValue } from './interpreter.ts';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export type TokenClosure = 'succeeded' | 'failed' | 'timed-out' | 'execution-closed';

/** How the task waiting on a token is told what the worker reported. */
export interface TokenWaiter {
  succeed(output: JsonValue): void;
  fail(error: string | undefined, cause: string | undefined): void;
  heartbeat(): void;
}

export interface OpenTaskToken {
  executionArn: string;
  stateName: string;
  openedAt: Date;
}

interface TokenEntry extends OpenTaskToken {
  waiter: TokenWaiter | undefined;
  closure: TokenClosure | undefined;
}

const CLOSED_MESSAGES: Record<TokenClosure, string> = {
  'timed-out': 'Task Timed Out: the task timed out before it was completed',
  succeeded: "Task Timed Out: 'Provided task does not exist anymore' (it already succeeded)",
  failed: "Task Timed Out: 'Provided task does not exist anymore' (it already failed)",
  'execution-closed': "Task Timed Out: 'Provided task does not exist anymore' (its execution is closed)",
};

export class TaskTokens {
  // Closed tokens are kept so that a late answer gets TaskTimedOut, as on AWS, not InvalidToken.
  readonly #entries = new Map<string, TokenEntry>();

  /** 256 random bits, base64url: safe in URLs and impossible to guess. */
  static mint(): string {
    return randomBytes(32).toString('base64url');
  }

  open(token: string, task: OpenTaskToken, waiter: TokenWaiter): void {
    this.#entries.set(token, { ...task, waiter, closure: undefined });
  }

  /**
   * A token handed out before a restart, answered as closed until its execution resumes and opens it again: a late
   * answer to a finished task still gets TaskTimedOut, not InvalidToken.
   */
  remember(token: string, task: OpenTaskToken, closure: TokenClosure): void {
    this.#entries.set(token, { ...task, waiter: undefined, closure });
  }

  close(token: string, closure: TokenClosure): void {
    const entry = this.#entries.get(token);
    if (!entry || entry.closure) return;
    entry.closure = closure;
    entry.waiter = undefined;
  }

  /**
   * The waiter of an open token. InvalidToken when the token was never issued here; TaskTimedOut once its task is
   * over, whatever ended it (AWS: "the task token has either expired or the task ... has already been closed").
   */
  waiter(token: string): TokenWaiter {
    const entry = TOKEN_SHAPE.test(token) ? this.#entries.get(token) : undefined;
    if (!entry) throw new SfnError('InvalidToken', 'Invalid Token: the task token is not valid');
    if (entry.closure || !entry.waiter) {
      throw new SfnError('TaskTimedOut', CLOSED_MESSAGES[entry.closure ?? 'execution-closed']);
    }
    return entry.waiter;
  }

  /** Tasks still waiting for SendTaskSuccess/Failure, oldest first (for the sandbox console). */
  openTasks(): OpenTaskToken[] {
    const open: OpenTaskToken[] = [];
    for (const entry of this.#entries.values()) {
      if (!entry.closure)
        open.push({ executionArn: entry.executionArn, stateName: entry.stateName, openedAt: entry.openedAt });
    }
    return open.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime());
  }
}
