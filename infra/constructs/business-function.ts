// A Lambda function with the project's defaults, granted exactly what it uses, with the env vars that go with it.
import { join } from 'node:path';
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { Uses } from '#workflows/registry.ts';
import { bundledSdkAliases, requireBanner } from '../lambda-bundling.ts';
import { repositoryRoot } from '../repository-root.ts';
import type { Mailer } from './mailer.ts';

export interface BusinessFunctionProps {
  /** The stage's name, on every metric the function emits, so each stage's alarms see its own. */
  stage: string;
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
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: BusinessFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup = logGroup;
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
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'sales-ops',
        STAGE: props.stage,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        platform: 'node',
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not the sources' text: with --enable-source-maps Node parses the whole map at
        // load, and the text made it 3–4 times larger (the bench measured the cold load ×1.5 instead of ×1.9).
        sourcesContent: false,
        // Bundled SDK: pinned versions, and a smaller cold start than loading the runtime's copy.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        tsconfig: join(repositoryRoot, 'tsconfig.json'),
        banner: requireBanner,
        // The words people read are half Chinese: escaped as ASCII each character takes 6 bytes (\uXXXX), in UTF-8 3.
        charset: Charset.UTF8,
        esbuildArgs: Object.fromEntries(
          Object.entries(bundledSdkAliases).map(([module, replacement]) => [
            `--alias:${module}`,
            replacement,
          ]),
        ),
      },
    });
  }

  /** Grants exactly what `uses` says and sets the environment variables that go with it. */
  grant(uses: Uses, context: GrantContext): this {
    if (uses.table) this.#useTable(context.table, uses.table);
    if (uses.mail) this.#useMailer(context.mailer, context.appBaseUrl);
    const starts = (uses.starts ?? []).filter((slug) => context.deployed.includes(slug));
    if (starts.length > 0) this.#startWorkflows(context.stage, starts);
    if (uses.answersTasks) this.#answerTasks(context.stage, context.deployed);
    if (uses.opensTasks) this.fn.addEnvironment('TASK_LINK_KEY', context.taskLinkKey);
    // Task tokens carry no ARN: ending a wait cannot be scoped to a resource either.
    if (uses.closesTasks) {
      this.fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskFailure'], resources: ['*'] }));
    }
    return this;
  }

  /** Only the item operations the code calls; no Scan (DESIGN §4), no writes for a reader. */
  #useTable(table: ITableV2, access: 'read' | 'read-write'): void {
    const actions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
    if (access === 'read-write')
      actions.push('dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem');
    this.fn.addToRolePolicy(
      new PolicyStatement({ actions, resources: [table.tableArn, `${table.tableArn}/index/*`] }),
    );
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
  }

  /**
   * Send mail from the sender address through the configuration set; sets SENDER_EMAIL and friends. The identity
   * resource is `identity/*` held to the sender by `ses:FromAddress`: in the SES sandbox SES also authorizes each
   * recipient's own verified identity, whose names are not known here.
   */
  #useMailer(mailer: Mailer, appBaseUrl: string): void {
    const stack = Stack.of(this);
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: '*' }),
          mailer.configurationSetArn,
        ],
        conditions: { StringEquals: { 'ses:FromAddress': mailer.senderEmail } },
      }),
    );
    this.fn.addEnvironment('SENDER_EMAIL', mailer.senderEmail);
    this.fn.addEnvironment('MAIL_CONFIGURATION_SET', mailer.configurationSet.configurationSetName);
    this.fn.addEnvironment('APP_BASE_URL', appBaseUrl);
  }

  /**
   * Start exactly these state machines, and look up an execution of theirs (a start whose reply was lost). By name,
   * not by reference: a workflow references its functions, so a reference back would make a dependency cycle.
   */
  #startWorkflows(stage: string, slugs: readonly string[]): void {
    const arns = Object.fromEntries(slugs.map((slug) => [slug, stateMachineArn(this, stage, slug)]));
    this.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['states:StartExecution'], resources: Object.values(arns) }),
    );
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: slugs.map((slug) => executionsArn(this, stage, slug)),
      }),
    );
    this.fn.addEnvironment('WORKFLOW_ARNS', Stack.of(this).toJsonString(arns));
  }

  /** Answer waiting executions and ask whether one still runs. */
  #answerTasks(stage: string, deployed: readonly string[]): void {
    // Task tokens carry no ARN, so SendTaskSuccess cannot be scoped to a resource.
    this.fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: ['*'] }));
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: deployed.map((slug) => executionsArn(this, stage, slug)),
      }),
    );
  }
}

/** What granting needs from the stack. */
export interface GrantContext {
  stage: string;
  table: ITableV2;
  mailer: Mailer;
  appBaseUrl: string;
  /** The workflows deployed with this stage, by slug. */
  deployed: readonly string[];
  /** The task-link key, as a dynamic reference CloudFormation resolves at deploy time (never in the template). */
  taskLinkKey: string;
}

/** `<stage>-<slug>`'s ARN, made from its name. */
export function stateMachineArn(scope: Construct, stage: string, slug: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'stateMachine',
    resourceName: `${stage}-${slug}`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

function executionsArn(scope: Construct, stage: string, slug: string): string {
  return Stack.of(scope).formatArn({
    service: 'states',
    resource: 'execution',
    resourceName: `${stage}-${slug}:*`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}
