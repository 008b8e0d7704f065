// Starts a workflow execution named by its business key, so a retried start is the same execution.
import { DescribeExecutionCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { stepFunctions } from './clients/sfn.ts';
import { ConfigurationError, envVars, readEnv } from './env.ts';

export interface WorkflowStarter {
  /** Whether this function may start `slug`: it is deployed with this stage and granted. */
  canStart(slug: string): boolean;
  /** Returns the execution ARN; an execution of that name that already exists counts as started. */
  start(slug: string, executionName: string, input: unknown): Promise<string>;
}

const executionArnOf = (stateMachineArn: string, name: string) =>
  `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

/** Starts only the state machines in `arns` (the ones this function is granted), by slug. */
export function stepFunctionsStarter(
  client: SFNClient,
  arns: Readonly<Record<string, string>>,
): WorkflowStarter {
  return {
    canStart: (slug) => Object.hasOwn(arns, slug),
    async start(slug, executionName, input) {
      const stateMachineArn = arns[slug];
      if (!stateMachineArn) {
        throw new ConfigurationError(`This function is not configured to start the ${slug} workflow`);
      }
      try {
        const { executionArn } = await client.send(
          new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }),
        );
        return executionArn as string;
      } catch (error) {
        const executionArn = executionArnOf(stateMachineArn, executionName);
        // Started before (a retried request), or started although the reply was lost: the name says it is ours.
        if ((error as Error).name === 'ExecutionAlreadyExists' || (await exists(client, executionArn))) {
          return executionArn;
        }
        throw error;
      }
    },
  };
}

async function exists(client: SFNClient, executionArn: string): Promise<boolean> {
  try {
    await client.send(new DescribeExecutionCommand({ executionArn }));
    return true;
  } catch {
    return false;
  }
}

let starter: WorkflowStarter | undefined;

/** The starter for the state machines in WORKFLOW_ARNS, made once per container. */
export function starterFromEnv(): WorkflowStarter {
  starter ??= stepFunctionsStarter(stepFunctions(), readEnv(envVars.workflows).WORKFLOW_ARNS);
  return starter;
}
