// The load bench's sandbox, alone in a child process (so its memory is its own); reports mails and ends over IPC.
import { getStoreReadonly } from 'aws-ses-v2-local/dist/store.js';
import { startSandbox } from '#infra/local/sandbox.ts';
import { type BenchMessage, mailWatchMs, type SandboxMessage, wallNow } from './load-protocol.ts';

const send = (message: SandboxMessage) => process.send?.(message);

const dir = process.env.BENCH_SANDBOX_DIR;
if (!dir || !process.send) {
  console.error('load-sandbox.ts is started by the bench (fork with BENCH_SANDBOX_DIR), not by hand');
  process.exit(2);
}

try {
  const sandbox = await startSandbox({ port: 0, dir });

  // The mail store of aws-ses-v2-local, read in place: asking for it over HTTP would copy every captured mail on
  // every look, which grows with the run and would load the very process being measured.
  const store = getStoreReadonly();
  let seen = store.emails.length;
  const watcher = setInterval(() => {
    const { emails } = store;
    if (emails.length === seen) return;
    const at = wallNow();
    for (const mail of emails.slice(seen)) {
      send({ kind: 'mail', to: mail.destination.to, subject: mail.subject, text: mail.body.text ?? '', at });
    }
    seen = emails.length;
  }, mailWatchMs);

  const ended = new Set<string>();
  sandbox.stepFunctions.onChange((change) => {
    if (change.status === 'RUNNING' || ended.has(change.executionArn)) return;
    ended.add(change.executionArn);
    const name = change.executionArn.split(':').at(-1) ?? change.executionArn;
    send({ kind: 'execution', name, status: change.status, at: wallNow() });
  });

  const close = async () => {
    clearInterval(watcher);
    await sandbox.close();
    process.exit(0);
  };
  // Never outlive the bench, even if it dies without saying goodbye.
  process.on('disconnect', () => void close());
  process.on('message', (message: BenchMessage) => {
    if (message.kind === 'operations') {
      send({ kind: 'operations', operations: Object.fromEntries(sandbox.dynamo.operations) });
    } else if (message.kind === 'close') {
      void close();
    }
  });
  send({ kind: 'ready', url: sandbox.url });
} catch (error) {
  send({ kind: 'failed', message: (error as Error).stack ?? String(error) });
  process.exit(1);
}
