// Faults injected into the very SDK clients the handlers use: one middleware per client, armed per command and call.
import { ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
import { MessageRejected, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import type { MiddlewareStack } from '@smithy/types';
import { dynamo } from '#shared/clients/dynamodb.ts';
import { ses } from '#shared/clients/ses.ts';
import { stepFunctions } from '#shared/clients/sfn.ts';

export type Service = 'dynamodb' | 'sfn' | 'ses';

/**
 * What happens to a matching call: an error thrown instead of it (as the SDK hands one over once its own retries are
 * spent); work done just before it goes (another writer's write, so that a conditional write really fails, rather
 * than a ConditionalCheckFailedException made up, which code rightly reads as "done already"); or the call made but
 * its answer lost (a connection reset after the service acted).
 */
export type Fault = { error: () => Error } | { before: () => Promise<void> } | { answerLost: () => Error };

export interface FaultPlan {
  service: Service;
  /**
   * The command as the client names it: `SendEmailCommand`, `SendTaskSuccessCommand`, `PutItemCommand`. A document
   * client command goes as its DynamoDB one (`PutCommand` → `PutItemCommand`), its input not yet marshalled.
   */
  command: string;
  /** Only calls whose input this accepts count (default: every call of the command). */
  when?: (input: Record<string, unknown>) => boolean;
  /** This many matching calls go through first. */
  skip?: number;
  /** How many matching calls meet the fault after those; `Infinity` for every one. */
  times?: number;
  fault: Fault;
}

export interface Armed {
  /** Matching calls that met the fault so far. */
  readonly hits: number;
  disarm(): void;
}

interface Plan extends Required<Omit<FaultPlan, 'when'>> {
  when?: FaultPlan['when'];
  seen: number;
  hits: number;
}

const metadata = (httpStatusCode: number) => ({ httpStatusCode, requestId: 'injected-fault', attempts: 3 });

/** SES v2 throttling: 429 TooManyRequestsException. */
export const sesThrottled = (): Error =>
  new TooManyRequestsException({ message: 'Too Many Requests', $metadata: metadata(429) });

/** SES v2 refusing the mail (in its sandbox, an unverified recipient). */
export const sesRejected = (): Error =>
  new MessageRejected({ message: 'Email address is not verified.', $metadata: metadata(400) });

/** A Step Functions 5xx (`ServiceUnavailable`, `InternalFailure`): the service's own fault. */
export const sfnServerError = (
  name: 'ServiceUnavailable' | 'InternalFailure' = 'ServiceUnavailable',
): Error =>
  new SFNServiceException({
    name,
    $fault: 'server',
    message: 'Service is unavailable',
    $metadata: metadata(503),
  });

/** Step Functions throttling the call. */
export const sfnThrottled = (): Error =>
  new SFNServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    message: 'Rate exceeded',
    $metadata: metadata(400),
  });

/** DynamoDB throttling: the table's (`ProvisionedThroughputExceededException`) or the account's (`ThrottlingException`). */
export const dynamoThrottled = (
  name:
    | 'ProvisionedThroughputExceededException'
    | 'ThrottlingException' = 'ProvisionedThroughputExceededException',
): Error =>
  name === 'ThrottlingException'
    ? new ThrottlingException({
        message: 'Rate of requests exceeds the allowed throughput.',
        $metadata: metadata(400),
      })
    : new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded.',
        $metadata: metadata(400),
      });

/** The connection reset after the request went: the service acted, the caller does not know it. */
export const connectionReset = (): Error =>
  Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET', $metadata: {} });

export class SdkFaults {
  readonly #plans = new Set<Plan>();
  readonly #calls = new Map<string, number>();

  arm(plan: FaultPlan): Armed {
    const armed: Plan = { skip: 0, times: 1, ...plan, seen: 0, hits: 0 };
    this.#plans.add(armed);
    return {
      get hits() {
        return armed.hits;
      },
      disarm: () => void this.#plans.delete(armed),
    };
  }

  /** Disarms every fault. */
  clear(): void {
    this.#plans.clear();
  }

  /** How many calls of `command` the handlers made through `service`'s client so far. */
  calls(service: Service, command: string): number {
    return this.#calls.get(`${service} ${command}`) ?? 0;
  }

  /** The fault this call meets, if any; counts it. */
  meet(service: Service, command: string, input: Record<string, unknown>): Fault | undefined {
    const key = `${service} ${command}`;
    this.#calls.set(key, (this.#calls.get(key) ?? 0) + 1);
    for (const plan of this.#plans) {
      if (plan.service !== service || plan.command !== command) continue;
      if (plan.when && !plan.when(input)) continue;
      plan.seen++;
      if (plan.seen <= plan.skip) continue;
      plan.hits++;
      if (plan.hits >= plan.times) this.#plans.delete(plan);
      return plan.fault;
    }
    return undefined;
  }
}

let installed: SdkFaults | undefined;

/**
 * Adds the fault middleware to the clients the handlers share in this process (the sandbox runs them in-process),
 * once; call it after the sandbox has started, so the clients are made with its endpoints. It runs first in each
 * client's stack, before the SDK's own retries: a thrown error is what a handler gets once those are spent.
 */
export function injectFaults(): SdkFaults {
  if (installed) return installed;
  const faults = new SdkFaults();
  addTo(dynamo(), 'dynamodb', faults);
  addTo(stepFunctions(), 'sfn', faults);
  addTo(ses(), 'ses', faults);
  installed = faults;
  return faults;
}

function addTo<I extends object, O extends object>(
  client: { middlewareStack: MiddlewareStack<I, O> },
  service: Service,
  faults: SdkFaults,
): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const fault = faults.meet(service, context.commandName ?? '', args.input as Record<string, unknown>);
      if (fault && 'error' in fault) throw fault.error();
      if (fault && 'before' in fault) await fault.before();
      const output = await next(args);
      if (fault && 'answerLost' in fault) throw fault.answerLost();
      return output;
    },
    { step: 'initialize', priority: 'high', name: 'injectedFaults' },
  );
}
