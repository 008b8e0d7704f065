// The Step Functions API errors this service answers with; their names are what @aws-sdk/client-sfn turns into exceptions.

export type SfnErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'ExecutionNotRedrivable'
  | 'StateMachineDoesNotExist'
  | 'StateMachineAlreadyExists'
  | 'InvalidArn'
  | 'InvalidDefinition'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'SerializationException';

/** An error the API reports to the caller as HTTP 400 `{"__type": name, "message"}`. */
export class SfnError extends Error {
  override readonly name: SfnErrorName;

  constructor(name: SfnErrorName, message: string) {
    super(message);
    this.name = name;
  }
}
