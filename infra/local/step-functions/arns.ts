// Builds and parses the state machine and execution ARNs, and checks resource names the way AWS does.
import { SfnError } from './errors.ts';

const NAME_FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\p{Cc}]/u;
const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):execution:([^:]+):([^:]+)$/;

/** AWS rules for state machine and execution names: 1-80 characters, none of the reserved ones. */
export function checkName(name: string, what: 'execution' | 'state machine'): void {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN.test(name)) {
    throw new SfnError('InvalidName', `Invalid Name: '${name}' is not a valid ${what} name`);
  }
}

export class Arns {
  readonly #prefix: string;

  constructor(region: string, accountId: string) {
    this.#prefix = `arn:aws:states:${region}:${accountId}`;
  }

  stateMachine(name: string): string {
    return `${this.#prefix}:stateMachine:${name}`;
  }

  execution(stateMachineName: string, executionName: string): string {
    return `${this.#prefix}:execution:${stateMachineName}:${executionName}`;
  }

  /** Throws InvalidArn unless `arn` has the shape of a state machine ARN; it may still name nothing. */
  parseStateMachine(arn: string): { name: string } {
    const match = STATE_MACHINE_ARN.exec(arn);
    if (!match?.[3])
      throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    return { name: match[3] };
  }

  /** Throws InvalidArn unless `arn` has the shape of an execution ARN; it may still name nothing. */
  parseExecution(arn: string): { stateMachineName: string; name: string } {
    const match = EXECUTION_ARN.exec(arn);
    if (!match?.[3] || !match[4]) {
      throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    }
    return { stateMachineName: match[3], name: match[4] };
  }
}
