// How task code talks to Step Functions: deliver a decision by task token, and ask whether an execution still runs.

import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { TaskResult } from './task-model.ts';

/** What became of a decision handed to the workflow. */
export type Delivery = 'delivered' | 'timed-out' | 'gone' | 'retry';

/**
 * Where an execution stands: running, ended as its definition says (`succeeded`), or ended otherwise (failed,
 * stopped, timed out, or unknown to Step Functions).
 */
export type ExecutionState = 'running' | 'succeeded' | 'ended';

export interface WorkflowGateway {
  deliver(token: string, result: TaskResult): Promise<Delivery>;
  /** Ends a wait nobody will answer any more: the waiting state fails with `error` (its Catch says where to go). */
  release(token: string, error: string, cause: string): Promise<Delivery>;
  isRunning(executionArn: string): Promise<boolean>;
  executionState(executionArn: string): Promise<ExecutionState>;
}

/** What a Step Functions error on a task token means for the waiting step. */
function deliveryAfter(error: unknown): Delivery {
  const name = (error as Error).name;
  if (name === 'TaskTimedOut') return 'timed-out';
  // The execution ended (stopped, failed, or lost with a sandbox restart): nobody waits for this token.
  if (name === 'TaskDoesNotExist' || name === 'InvalidToken') return 'gone';
  // Throttling, network, 5xx: try again later.
  return 'retry';
}

export function stepFunctionsGateway(client: SFNClient): WorkflowGateway {
  const executionState = async (executionArn: string): Promise<ExecutionState> => {
    try {
      const { status } = await client.send(new DescribeExecutionCommand({ executionArn }));
      return status === 'RUNNING' ? 'running' : status === 'SUCCEEDED' ? 'succeeded' : 'ended';
    } catch (error) {
      if ((error as Error).name === 'ExecutionDoesNotExist') return 'ended';
      // Unknown: do not tell a person their task is dead because of a passing fault.
      return 'running';
    }
  };
  return {
    async deliver(token, result) {
      try {
        await client.send(new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify(result) }));
        return 'delivered';
      } catch (error) {
        // On 'retry' the decision is kept and delivered again by the sweeper.
        return deliveryAfter(error);
      }
    },
    async release(token, error, cause) {
      try {
        await client.send(
          new SendTaskFailureCommand({ taskToken: token, error, cause: cause.slice(0, 256) }),
        );
        return 'delivered';
      } catch (failure) {
        return deliveryAfter(failure);
      }
    },
    isRunning: async (executionArn) => (await executionState(executionArn)) === 'running',
    executionState,
  };
}
