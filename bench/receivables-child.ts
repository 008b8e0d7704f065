// The receivables bench in a process of its own: the sandbox's handlers keep one DynamoDB client per process.
import { measureReceivables } from './receivables.ts';

export type ReceivablesChildMessage =
  | { kind: 'progress'; line: string }
  | { kind: 'result'; result: Awaited<ReturnType<typeof measureReceivables>> }
  | { kind: 'failed'; message: string };

const send = (message: ReceivablesChildMessage) => process.send?.(message);
const dir = process.env.BENCH_SANDBOX_DIR;
if (!dir || !process.send) {
  console.error('receivables-child.ts is started by the bench (fork with BENCH_SANDBOX_DIR), not by hand');
  process.exit(2);
}

try {
  const result = await measureReceivables(dir, (line) => send({ kind: 'progress', line }));
  send({ kind: 'result', result });
  process.disconnect();
} catch (error) {
  send({ kind: 'failed', message: (error as Error).stack ?? String(error) });
  process.exitCode = 1;
  process.disconnect();
}
