// What the load bench and its sandbox process say to each other over IPC, and the clock both stamp events with.

/** Messages from the sandbox process to the bench. */
export type SandboxMessage =
  | { kind: 'ready'; url: string }
  | { kind: 'mail'; to: string[]; subject: string; text: string; at: number }
  | { kind: 'execution'; name: string; status: string; at: number }
  | { kind: 'operations'; operations: Record<string, number> }
  | { kind: 'failed'; message: string };

/** Messages from the bench to the sandbox process. */
export type BenchMessage = { kind: 'operations' } | { kind: 'close' };

/** How often the sandbox process looks at its captured-mail store: the resolution of "the next task mail exists". */
export const mailWatchMs = 2;

/** Wall-clock milliseconds with sub-millisecond precision, comparable between the two processes. */
export const wallNow = () => performance.timeOrigin + performance.now();
