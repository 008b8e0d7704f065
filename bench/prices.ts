// Published AWS us-east-1 list prices the bench costs workflow runs with, and the arithmetic per 1,000 runs.

/** List prices, us-east-1, without free tiers; every figure the report uses, with where it comes from. */
export const prices = {
  region: 'us-east-1',
  stepFunctionsStandardPerTransition: 0.025 / 1000,
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
  /** The stack's functions all run with 512 MB (business-function.ts). */
  lambdaMemoryGb: 512 / 1024,
  dynamoOnDemandPerWriteUnit: 0.625 / 1_000_000,
  /** Every write is assumed under 1 KB, so 1 WRU; a conditional write that fails is billed too. */
  dynamoWriteUnitsPerWrite: 1,
  sources: {
    stepFunctions:
      'https://aws.amazon.com/step-functions/pricing/ (Standard: $0.025 per 1,000 state transitions)',
    lambda:
      'https://aws.amazon.com/lambda/pricing/ (Arm: $0.0000133334 per GB-second, $0.20 per 1M requests)',
    dynamodb: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per million write request units)',
  },
  /** Not in the totals: listed so a reader can add them from the counts the report gives. */
  notIncluded: [
    'HTTP API requests ($1.00 per million)',
    'SES mails ($0.10 per 1,000)',
    'DynamoDB reads ($0.125 per million read request units)',
    'CloudWatch Logs ingestion and storage, X-Ray traces, data transfer',
  ],
} as const;

export interface RunUsage {
  transitions: number;
  /** One entry per Lambda invocation (workflow steps and API requests): its duration in milliseconds. */
  lambdaDurationsMs: readonly number[];
  dynamoWrites: number;
}

export interface RunCost {
  stepFunctions: number;
  lambda: number;
  dynamodb: number;
  total: number;
}

/** Lambda bills each invocation's duration rounded up to the millisecond. */
export function lambdaGbSeconds(
  durationsMs: readonly number[],
  memoryGb: number = prices.lambdaMemoryGb,
): number {
  return durationsMs.reduce((sum, ms) => sum + (Math.max(1, Math.ceil(ms)) / 1000) * memoryGb, 0);
}

/** US dollars for 1,000 runs of a path with this usage. */
export function costPer1000Runs(usage: RunUsage): RunCost {
  const stepFunctions = usage.transitions * prices.stepFunctionsStandardPerTransition;
  const lambda =
    lambdaGbSeconds(usage.lambdaDurationsMs) * prices.lambdaArmPerGbSecond +
    usage.lambdaDurationsMs.length * prices.lambdaPerRequest;
  const dynamodb = usage.dynamoWrites * prices.dynamoWriteUnitsPerWrite * prices.dynamoOnDemandPerWriteUnit;
  const perRun = { stepFunctions, lambda, dynamodb };
  return {
    stepFunctions: perRun.stepFunctions * 1000,
    lambda: perRun.lambda * 1000,
    dynamodb: perRun.dynamodb * 1000,
    total: (perRun.stepFunctions + perRun.lambda + perRun.dynamodb) * 1000,
  };
}
