// A Lambda function with the project's defaults, and helpers that grant an access and set its env vars together.
import { join } from 'node:path';
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { bundledSdkAliases, requireBanner } from '../lambda-bundling.ts';
import { repositoryRoot } from '../repository-root.ts';
import type { Mailer } from './mailer.ts';

export interface BusinessFunctionProps {
  /** Handler file relative to the repository root; it exports `handler`. */
  entry: string;
  description: string;
  memoryMb?: number;
  timeoutSeconds?: number;
}

/** Lambda's smallest memory that still gives a full vCPU share for cold starts worth having. */
const MIN_MEMORY_MB = 512;

export class BusinessFunction extends Construct {
  readonly fn: NodejsFunction;

  constructor(scope: Construct, id: string, props: BusinessFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Its own role writing only to its own log group, instead of the broad AWS-managed basic execution policy.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    this.fn = new NodejsFunction(this, 'Function', {
      role,
      entry: join(repositoryRoot, props.entry),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: Math.max(MIN_MEMORY_MB, props.memoryMb ?? MIN_MEMORY_MB),
      timeout: Duration.seconds(props.timeoutSeconds ?? 15),
      tracing: Tracing.ACTIVE,
      logGroup,
      depsLockFilePath: join(repositoryRoot, 'package-lock.json'),
      projectRoot: repositoryRoot,
      environment: { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'sales-ops' },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        minify: true,
        sourceMap: true,
        // Bundled SDK: pinned versions, and a smaller cold start than loading the runtime's copy.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        tsconfig: join(repositoryRoot, 'tsconfig.json'),
        banner: requireBanner,
        esbuildArgs: Object.fromEntries(
          Object.entries(bundledSdkAliases).map(([module, replacement]) => [
            `--alias:${module}`,
            replacement,
          ]),
        ),
      },
    });
  }

  /** Read and write the business table; sets TABLE_NAME. */
  useTable(table: ITableV2): this {
    table.grantReadWriteData(this.fn);
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
    return this;
  }

  /** Send mail as the sender identity through the configuration set; sets SENDER_EMAIL and friends. */
  useMailer(mailer: Mailer, appBaseUrl: string): this {
    const stack = Stack.of(this);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: mailer.senderEmail }),
          stack.formatArn({
            service: 'ses',
            resource: 'configuration-set',
            resourceName: mailer.configurationSet.configurationSetName,
          }),
        ],
      }),
    );
    this.fn.addEnvironment('SENDER_EMAIL', mailer.senderEmail);
    this.fn.addEnvironment('MAIL_CONFIGURATION_SET', mailer.configurationSet.configurationSetName);
    this.fn.addEnvironment('APP_BASE_URL', appBaseUrl);
    return this;
  }

  /**
   * Start, inspect and answer the stage's workflows. Granted by name prefix rather than per state machine: a
   * workflow references its functions, so a policy naming the workflow would make a dependency cycle.
   */
  useWorkflows(stage: string, deployed: readonly string[]): this {
    const stack = Stack.of(this);
    const stateMachines = stack.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: `${stage}-*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${stage}-*:*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution', 'states:ListExecutions'],
        resources: [stateMachines],
      }),
    );
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:StopExecution', 'states:GetExecutionHistory'],
        resources: [executions],
      }),
    );
    // Task tokens carry no ARN, so these actions cannot be scoped to a resource.
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
        resources: ['*'],
      }),
    );
    this.fn.addEnvironment('DEPLOYED_WORKFLOWS', deployed.join(','));
    this.fn.addEnvironment(
      'WORKFLOW_ARN_PREFIX',
      Arn.format(
        {
          service: 'states',
          resource: 'stateMachine',
          resourceName: `${stage}-`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        },
        stack,
      ),
    );
    return this;
  }
}
