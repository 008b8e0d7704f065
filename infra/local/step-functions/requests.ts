// The request bodies this service accepts, as zod schemas; a bad body becomes a ValidationException naming the field.
import * as z from 'zod';
import { SfnError } from './errors.ts';
import { payloadLimitBytes } from './interpreter.ts';

const arn = z.string().min(1).max(2048);
const taskToken = z.string().min(1).max(2048);
const maxResults = z.int().min(0).max(1000).optional();
const nextToken = z.string().min(1).max(3096).optional();
/** An execution's input or a task's output: at most 256 KiB as UTF-8, as AWS counts it. */
const payload = z.string().refine((text) => Buffer.byteLength(text, 'utf8') <= payloadLimitBytes, {
  message: `Member must have length less than or equal to ${payloadLimitBytes} bytes`,
});
const executionStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);

export const requests = {
  StartExecution: z.object({
    stateMachineArn: arn,
    name: z.string().optional(),
    input: payload.optional(),
    traceHeader: z.string().max(256).optional(),
  }),
  DescribeExecution: z.object({
    executionArn: arn,
    includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional(),
  }),
  ListExecutions: z.object({
    stateMachineArn: arn.optional(),
    mapRunArn: arn.optional(),
    statusFilter: executionStatus.optional(),
    redriveFilter: z.enum(['REDRIVEN', 'NOT_REDRIVEN']).optional(),
    maxResults,
    nextToken,
  }),
  GetExecutionHistory: z.object({
    executionArn: arn,
    maxResults,
    nextToken,
    reverseOrder: z.boolean().optional(),
    includeExecutionData: z.boolean().optional(),
  }),
  StopExecution: z.object({
    executionArn: arn,
    error: z.string().max(256).optional(),
    cause: z.string().max(32_768).optional(),
  }),
  RedriveExecution: z.object({
    executionArn: arn,
    clientToken: z.string().min(1).max(64).optional(),
  }),
  SendTaskSuccess: z.object({ taskToken, output: payload }),
  SendTaskFailure: z.object({
    taskToken,
    error: z.string().max(256).optional(),
    cause: z.string().max(32_768).optional(),
  }),
  SendTaskHeartbeat: z.object({ taskToken }),
  DescribeStateMachine: z.object({
    stateMachineArn: arn,
    includedData: z.enum(['ALL_DATA', 'METADATA_ONLY']).optional(),
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
  const result = requests[operation].safeParse(body ?? {});
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
