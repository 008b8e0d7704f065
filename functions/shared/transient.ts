// Which failures are passing (throttling, a service's 5xx, the network) and the `Transient` error the ASL retries.

/** Thrown by a workflow step for a passing fault; every Lambda task's Retry lists it (DESIGN §4). */
export class Transient extends Error {
  override name = 'Transient';
}

const throttlingNames = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottledException',
  'LimitExceededException',
  'TransactionInProgressException',
  'SlowDown',
]);

const networkCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** True for errors worth trying again later: what the AWS SDK gave up on after its own retries. */
export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorShape;
  if (e.name === 'Transient') return true;
  if (typeof e.name === 'string' && throttlingNames.has(e.name)) return true;
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout') return true;
  if (typeof e.code === 'string' && networkCodes.has(e.code)) return true;
  if (e.$retryable !== undefined && e.$retryable !== null) return true;
  const status = e.$metadata?.httpStatusCode;
  return typeof status === 'number' && (status >= 500 || status === 429);
}

/** `error` as the step should throw it: a `Transient` for a passing fault (cause kept), else unchanged. */
export function asStepError(error: unknown): unknown {
  if (!isTransient(error) || (error as Error).name === 'Transient') return error;
  const original = error as Error;
  return new Transient(`${original.name}: ${original.message}`, { cause: error });
}
