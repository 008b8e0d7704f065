// The request bodies this service accepts, as zod schemas; a bad body becomes a ValidationException naming the field.
import * as z from 'zod/mini';
import { inEnglish } from '#shared/schema-parse.ts';
import { SfnError } from './errors.ts';
import { payloadLimitBytes } from './interpreter.ts';

const arn = z.string().check(z.minLength(1), z.maxLength(2048));
const taskToken = z.string().check(z.minLength(1), z.maxLength(2048));
const maxResults = z.optional(z.int().check(z.gte(0), z.lte(1000)));
const nextToken = z.optional(z.string().check(z.minLength(1), z.maxLength(3096)));
/** An execution's input or a task's output: at most 256 KiB as UTF-8, as AWS counts it. */
const payload = z.string().check(
  z.refine((text) => Buffer.byteLength(text, 'utf8') <= payloadLimitBytes, {
    message: `Member must have length less than or equal to ${payloadLimitBytes} bytes`,
  }),
);
const executionStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

export const requests = {
  StartExecution: z.object({
    stateMachineArn: arn,
    name: z.optional(z.string()),
    input: z.optional(payload),
    traceHeader: z.optional(z.string().check(z.maxLength(256))),
  }),
  DescribeExecution: z.object({
    executionArn: arn,
    includedData: z.optional(z.enum(['ALL_DATA', 'METADATA_ONLY'])),
  }),
  ListExecutions: z.object({
    stateMachineArn: z.optional(arn),
    mapRunArn: z.optional(arn),
    statusFilter: z.optional(executionStatus),
    redriveFilter: z.optional(z.enum(['REDRIVEN', 'NOT_REDRIVEN'])),
    maxResults,
    nextToken,
  }),
  GetExecutionHistory: z.object({
    executionArn: arn,
    maxResults,
    nextToken,
    reverseOrder: z.optional(z.boolean()),
    includeExecutionData: z.optional(z.boolean()),
  }),
  StopExecution: z.object({
    executionArn: arn,
    error: z.optional(z.string().check(z.maxLength(256))),
    cause: z.optional(z.string().check(z.maxLength(32_768))),
  }),
  RedriveExecution: z.object({
    executionArn: arn,
    clientToken: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  }),
  SendTaskSuccess: z.object({ taskToken, output: payload }),
  SendTaskFailure: z.object({
    taskToken,
    error: z.optional(z.string().check(z.maxLength(256))),
    cause: z.optional(z.string().check(z.maxLength(32_768))),
  }),
  SendTaskHeartbeat: z.object({ taskToken }),
  DescribeStateMachine: z.object({
    stateMachineArn: arn,
    includedData: z.optional(z.enum(['ALL_DATA', 'METADATA_ONLY'])),
  }),
  ListStateMachines: z.object({ maxResults, nextToken }),
} as const;

export type Operation = keyof typeof requests;
export type Request<O extends Operation> = z.infer<(typeof requests)[O]>;

export function isOperation(name: string): name is Operation {
  return Object.hasOwn(requests, name);
}

/** Parses a request body; the message names every bad field the way AWS phrases it. */
export function parseRequest<O extends Operation>(operation: O, body: unknown): Request<O> {
  const result = requests[operation].safeParse(body ?? {}, inEnglish);
  if (result.success) return result.data as Request<O>;
  const issues = result.error.issues.map(
    (issue) =>
      `Value at '${issue.path.join('.') || '(body)'}' failed to satisfy constraint: ${issue.message}`,
  );
  throw new SfnError(
    'ValidationException',
    `${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${issues.join('; ')}`,
  );
}
