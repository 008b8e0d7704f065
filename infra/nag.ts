// cdk-nag AwsSolutions findings we accept on purpose, each with the reason it is right for this product.
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { SalesOpsStack } from './stack.ts';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });
}

export function acknowledgeNagFindings(stack: SalesOpsStack): void {
  acknowledge(
    stack.api.userPool,
    'COG8',
    'Staff sign in to the API rarely (decisions come from email links); the Plus feature plan is billed per user ' +
      'and is worth it only once the API is exposed beyond integrations.',
  );
  for (const route of stack.api.publicRoutes) {
    acknowledge(
      route,
      'APIG4',
      'Public on purpose: liveness, and the task pages whose link carries its own single-use 256-bit secret.',
    );
  }
  for (const fn of stack.functions) {
    acknowledge(
      fn,
      'IAM5[Resource::*]',
      'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource scope; task-token actions carry no ARN.',
    );
  }
}
