// Types for asl-validator 4, which ships none.
declare module 'asl-validator' {
  interface AslValidationError {
    message?: string;
    'Error code'?: string;
    Message?: string;
    path?: string;
  }
  interface AslValidationResult {
    isValid: boolean;
    errors: AslValidationError[];
    errorsText: (separator?: string) => string;
  }
  export default function aslValidator(
    definition: unknown,
    options?: { checkPaths?: boolean; checkArn?: boolean },
  ): AslValidationResult;
}
