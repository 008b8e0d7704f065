// The sandbox's SES: aws-ses-v2-local in-process, every captured mail also kept on disk (so it outlives restarts), read back as plain records.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import * as sesLocal from 'aws-ses-v2-local';
import * as sesStore from 'aws-ses-v2-local/dist/store.js';
import * as z from 'zod/mini';
import type { Listening } from './listen.ts';

export interface CapturedMail {
  id: string;
  at: string;
  from: string;
  to: string[];
  subject: string;
  html: string;
  text: string;
}

export interface LocalMail extends Listening {
  /** Captured mails, oldest first, optionally only those addressed to `to`. */
  list(to?: string): Promise<CapturedMail[]>;
}

/** What aws-ses-v2-local keeps per mail (the fields we read; the rest is kept as it is). */
const sesEmail = z.looseObject({
  messageId: z.string(),
  at: z.number(),
  from: z.string(),
  destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ html: z.optional(z.string()), text: z.optional(z.string()) }),
});
type SesEmail = z.infer<typeof sesEmail>;

type StartSesServer = (config: { host: string; port: number }) => Promise<Server>;

/** The package is CommonJS with `exports.default`; depending on the loader's interop it sits one or two levels down. */
function sesServerFactory(): StartSesServer {
  const outer = (sesLocal as unknown as { default?: unknown }).default;
  const inner = (outer as { default?: unknown } | undefined)?.default;
  const factory = typeof outer === 'function' ? outer : inner;
  if (typeof factory !== 'function') throw new Error('aws-ses-v2-local: no server factory found');
  return factory as StartSesServer;
}

/** The package's in-memory store, the one its server writes to (Node shares CommonJS modules with `import`). */
function sesMailStore(): { emails: SesEmail[] } {
  const module = sesStore as unknown as {
    getStoreReadonly?: unknown;
    default?: { getStoreReadonly?: unknown };
  };
  const getStore = module.getStoreReadonly ?? module.default?.getStoreReadonly;
  if (typeof getStore !== 'function') throw new Error('aws-ses-v2-local: no mail store found');
  return getStore() as { emails: SesEmail[] };
}

/** The mails read back from the file, each new one appended to it as the SES server stores it. */
class KeptMails extends Array<SesEmail> {
  // Array methods (filter, map) make plain arrays, not more files.
  static override get [Symbol.species]() {
    return Array;
  }

  file = '';
  /** Real time (what the SES server notes) to the time the mail is shown at: the sandbox's virtual time. */
  stampAt: (realMs: number) => number = (realMs) => realMs;

  override push(...mails: SesEmail[]): number {
    // Stamped when stored, so a later clock advance or restart does not move it.
    const stamped = mails.map((mail) => ({ ...mail, at: this.stampAt(mail.at * 1000) / 1000 }));
    // Synchronous: a mail the sandbox has sent is on disk before anything else happens, even if the process is killed.
    for (const mail of stamped) appendFileSync(this.file, `${JSON.stringify(mail)}\n`);
    return super.push(...stamped);
  }
}

function readKept(file: string): SesEmail[] {
  if (!existsSync(file)) return [];
  const mails: SesEmail[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const mail = sesEmail.safeParse(JSON.parse(line));
      if (mail.success) mails.push(mail.data);
    } catch {
      // A line cut short by a kill: that mail was not fully written, and is left out.
    }
  }
  return mails;
}

/**
 * Starts aws-ses-v2-local (the SES endpoint the handlers call) with its mails kept in `file`: the ones already there
 * are loaded first, so the sandbox shows every mail it ever sent. One sandbox per process: the store is the module's.
 * `stampAt` gives a mail's time as people see it: the sandbox passes its virtual clock, so a mail sent after advancing
 * the clock by days is stamped days later.
 */
export async function startLocalMail(
  file: string,
  port = 0,
  host = '127.0.0.1',
  stampAt: (realMs: number) => number = (realMs) => realMs,
): Promise<LocalMail> {
  const store = sesMailStore();
  const kept = new KeptMails();
  // Loaded without writing them again: only mails sent from now on are appended.
  Array.prototype.push.apply(kept, readKept(file));
  kept.file = file;
  kept.stampAt = stampAt;
  store.emails = kept;
  const server = await sesServerFactory()({ host, port });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host}:${actualPort}`;
  return {
    url,
    port: actualPort,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    async list(to) {
      const wanted = to?.toLowerCase();
      return [...store.emails]
        .filter((mail) => !wanted || mail.destination.to.some((address) => addressOf(address) === wanted))
        .sort((a, b) => a.at - b.at)
        .map((mail) => ({
          id: mail.messageId,
          at: new Date(stampAt(mail.at * 1000)).toISOString(),
          from: mail.from,
          to: mail.destination.to,
          subject: mail.subject,
          html: mail.body.html ?? '',
          text: mail.body.text ?? '',
        }));
    },
  };
}

/** `Li Na <li.na@example.com>` → `li.na@example.com`. */
function addressOf(recipient: string): string {
  return (/<([^>]+)>/.exec(recipient)?.[1] ?? recipient).trim().toLowerCase();
}
