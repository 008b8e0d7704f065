// Starts a workflow execution named by its business key, so a retried start is the same execution.
import { type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

export interface WorkflowStarter {
  /** Returns the execution ARN; an execution of that name already running with that input counts as started. */
  start(slug: string, executionName: string, input: unknown): Promise<string>;
}

export function stepFunctionsStarter(client: SFNClient, stateMachineArnPrefix: string): WorkflowStarter {
  return {
    async start(slug, executionName, input) {
      const stateMachineArn = `${stateMachineArnPrefix}${slug}`;
      try {
        const { executionArn } = await client.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
        );
        return executionArn as string;
      } catch (error) {
        // Started before (a retried request) and already finished: the business key says it is the same run.
        if ((error as Error).name === 'ExecutionAlreadyExists') {
          return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
        }
        throw error;
      }
    },
  };
}
