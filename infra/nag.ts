// cdk-nag AwsSolutions findings we accept on purpose, each with the reason it is right for this product.
import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { SalesOpsStack } from './stack.ts';

function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions::AwsSolutions-${id}`, reason });
}

const xrayAndTokens =
  'X-Ray PutTraceSegments/PutTelemetryRecords accept no resource scope; task-token actions carry no ARN.';

export function acknowledgeNagFindings(stack: SalesOpsStack): void {
  const { stage } = stack;
  const tableId = Stack.of(stack).getLogicalId(stack.table.table.node.defaultChild as CfnElement);
  const sesIdentities = 'Resource::arn:<AWS::Partition>:ses:<AWS::Region>:<AWS::AccountId>:identity/*';
  const statesArn = (resource: string) =>
    `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:${resource}`;

  acknowledge(
    stack.api.userPool,
    'COG8',
    'Staff sign in to the API rarely (decisions come from email links); the Plus feature plan is billed per user ' +
      'and is worth it only once the API is exposed beyond integrations.',
  );
  acknowledge(
    stack.taskLinkKey,
    'SMG4',
    'A new key only changes the link a step derives if it opens again (it then mails a fresh one); links already ' +
      'mailed stay valid, as the table keeps their hashes. Rotate it by hand (a new value, then a deploy) if it was ever exposed.',
  );
  for (const route of stack.api.publicRoutes) {
    acknowledge(
      route,
      'APIG4',
      'Public on purpose: liveness, and the task pages whose link carries its own single-use 256-bit secret.',
    );
  }
  for (const fn of stack.functions) {
    acknowledge(fn, 'IAM5[Resource::*]', xrayAndTokens);
    acknowledge(
      fn,
      `IAM5[Resource::<${tableId}.Arn>/index/*]`,
      'Queries the table’s overloaded GSIs (gsi1..gsi3).',
    );
    acknowledge(
      fn,
      `IAM5[${sesIdentities}]`,
      'ses:SendEmail is held to the sender by the ses:FromAddress condition; in the SES sandbox SES also authorizes ' +
        "each recipient's own verified identity, whose names are only known at run time.",
    );
    for (const slug of stack.workflows.keys()) {
      acknowledge(
        fn,
        `IAM5[${statesArn(`execution:${stage}-${slug}:*`)}]`,
        'Describes executions of this one workflow, whose names are business ids known only at run time.',
      );
    }
  }
  for (const workflow of stack.workflows.values()) {
    acknowledge(
      workflow,
      'IAM5[Resource::*]',
      'X-Ray and CloudWatch Logs delivery (logs:CreateLogDelivery and friends) accept no resource scope.',
    );
  }
}
