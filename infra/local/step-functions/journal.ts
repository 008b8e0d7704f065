// The local service's disk: one append-only JSON Lines journal per execution, and the definitions they ran, under the data folder.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import * as z from 'zod/mini';
import { inEnglish } from '#shared/schema-parse.ts';

const json: z.ZodMiniType<JsonData> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
);
export type JsonData = null | boolean | number | string | JsonData[] | { [key: string]: JsonData };

/** A history event as stored: the AWS shape, its timestamp in epoch milliseconds. */
const storedEvent = z.catchall(
  z.object({
    id: z.int(),
    previousEventId: z.int(),
    type: z.string(),
    timestamp: z.number(),
  }),
  z.unknown(),
);

export const journalRecord = z.discriminatedUnion('t', [
  /** The first line: what the execution is, and which definition (by hash) it started on. */
  z.object({
    t: z.literal('execution'),
    arn: z.string(),
    name: z.string(),
    stateMachineArn: z.string(),
    stateMachineName: z.string(),
    roleArn: z.string(),
    input: z.string(),
    startDate: z.number(),
    definition: z.string(),
  }),
  /** A history event, with the scope (branch, Map iteration) it happened in. */
  z.object({ t: z.literal('event'), scope: z.string(), event: storedEvent }),
  /** A callback task's token: secret, so only here and in the task owner's table, never in the history. */
  z.object({
    t: z.literal('token'),
    scope: z.string(),
    state: z.string(),
    token: z.string(),
    openedAt: z.number(),
    deadline: z.optional(z.number()),
  }),
  /** When a Wait state fires, in virtual time. */
  z.object({ t: z.literal('wait'), scope: z.string(), state: z.string(), until: z.number() }),
  /** A Catch sent the state on to `next` (the history's exit event does not say where). */
  z.object({ t: z.literal('caught'), scope: z.string(), state: z.string(), next: z.string() }),
  /** A Parallel branch or Map iteration ended; a finished one is not run again. */
  z.object({ t: z.literal('scope-ended'), scope: z.string(), output: json, failed: z.boolean() }),
]);
export type JournalRecord = z.infer<typeof journalRecord>;
export type ExecutionHeader = Extract<JournalRecord, { t: 'execution' }>;

export interface LoadedJournal {
  file: string;
  header: ExecutionHeader;
  records: JournalRecord[];
  /** Lines that did not parse (a write cut short by a kill leaves at most the last one). */
  skipped: number;
}

/** Dates become epoch milliseconds, so the line is plain JSON. */
export function storedHistoryEvent(event: HistoryEvent): Record<string, unknown> {
  return { ...event, timestamp: event.timestamp?.getTime() ?? 0 };
}

export function historyEventOf(stored: z.infer<typeof storedEvent>): HistoryEvent {
  return { ...stored, timestamp: new Date(stored.timestamp) } as HistoryEvent;
}

/**
 * Appends to one execution's journal. Each line opens and closes the file: thousands of executions may wait for weeks,
 * and none of them holds a file descriptor meanwhile.
 */
export class JournalWriter {
  readonly #file: string;
  #stopped = false;

  constructor(file: string) {
    this.#file = file;
  }

  /**
   * A synchronous append: once it returns, the line is in the OS's hands and survives the process being killed
   * (not a power cut: there is no fsync, which would make every transition wait for the disk).
   */
  write(record: JournalRecord): void {
    if (this.#stopped) return;
    appendFileSync(this.#file, `${JSON.stringify(record)}\n`);
  }

  /** No more writes from this process (the service is closing, the execution will resume from what is written). */
  stop(): void {
    this.#stopped = true;
  }
}

export class JournalStore {
  readonly #executionsDir: string;
  readonly #definitionsDir: string;

  constructor(dir: string) {
    this.#executionsDir = join(dir, 'executions');
    this.#definitionsDir = join(dir, 'definitions');
    mkdirSync(this.#executionsDir, { recursive: true });
    mkdirSync(this.#definitionsDir, { recursive: true });
  }

  /** Keeps a definition's text under its hash, once. */
  saveDefinition(hash: string, text: string): void {
    const file = join(this.#definitionsDir, `${hash}.json`);
    if (!existsSync(file)) writeFileSync(file, text);
  }

  definition(hash: string): string | undefined {
    const file = join(this.#definitionsDir, `${/^[0-9a-f]{64}$/.test(hash) ? hash : 'invalid'}.json`);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  }

  /** A new journal whose first line is the header; the name is a hash of the ARN, which may hold any character. */
  create(header: ExecutionHeader): JournalWriter {
    const file = join(this.#executionsDir, `${createHash('sha256').update(header.arn).digest('hex')}.jsonl`);
    writeFileSync(file, `${JSON.stringify(header)}\n`, { flag: 'wx' });
    return new JournalWriter(file);
  }

  writer(file: string): JournalWriter {
    return new JournalWriter(file);
  }

  /** Every journal, oldest execution first. A journal without a valid header is reported, not loaded. */
  loadAll(): { journals: LoadedJournal[]; unreadable: string[] } {
    const journals: LoadedJournal[] = [];
    const unreadable: string[] = [];
    for (const name of readdirSync(this.#executionsDir)) {
      if (!name.endsWith('.jsonl')) continue;
      const file = join(this.#executionsDir, name);
      const loaded = parseJournal(file, readFileSync(file, 'utf8'));
      if (loaded) journals.push(loaded);
      else unreadable.push(file);
    }
    journals.sort((a, b) => a.header.startDate - b.header.startDate);
    return { journals, unreadable };
  }
}

function parseJournal(file: string, text: string): LoadedJournal | undefined {
  const records: JournalRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const record = journalRecord.safeParse(parsed, inEnglish);
    if (record.success) records.push(record.data);
    else skipped++;
  }
  const [header, ...rest] = records;
  if (header?.t !== 'execution') return undefined;
  return { file, header, records: rest, skipped };
}
