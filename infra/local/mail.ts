// The sandbox's SES: aws-ses-v2-local in-process, with its mail viewer, and the captured mails as plain records.
import type { Server } from 'node:http';
import * as sesLocal from 'aws-ses-v2-local';
import * as z from 'zod';
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

const storeSchema = z.object({
  emails: z.array(
    z.object({
      messageId: z.string(),
      at: z.number(),
      from: z.string(),
      destination: z.object({ to: z.array(z.string()), cc: z.array(z.string()), bcc: z.array(z.string()) }),
      subject: z.string(),
      body: z.object({ html: z.string().optional(), text: z.string().optional() }),
    }),
  ),
});

type StartSesServer = (config: { host: string; port: number }) => Promise<Server>;

/** The package is CommonJS with `exports.default`; depending on the loader's interop it sits one or two levels down. */
function sesServerFactory(): StartSesServer {
  const outer = (sesLocal as unknown as { default?: unknown }).default;
  const inner = (outer as { default?: unknown } | undefined)?.default;
  const factory = typeof outer === 'function' ? outer : inner;
  if (typeof factory !== 'function') throw new Error('aws-ses-v2-local: no server factory found');
  return factory as StartSesServer;
}

/**
 * `stampAt` turns the real time aws-ses-v2-local noted for a mail into the time shown for it: the sandbox passes its
 * virtual clock, so a mail sent after advancing the clock by days is stamped days later, as people would see it.
 */
export async function startLocalMail(
  port = 0,
  host = '127.0.0.1',
  stampAt: (realMs: number) => number = (realMs) => realMs,
): Promise<LocalMail> {
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
      const response = await fetch(`${url}/store`);
      const store = storeSchema.parse(await response.json());
      const wanted = to?.toLowerCase();
      return store.emails
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
