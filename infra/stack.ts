// The whole deployment for one stage: table, mail, API, workflow functions, workflows and monitoring.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IDestination, IFunction } from 'aws-cdk-lib/aws-lambda';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { FilterOrPolicy, SubscriptionFilter } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { listWorkflowSlugs } from '#workflows/definitions.ts';
import { type Registry, type Uses, registry as workflowRegistry } from '#workflows/registry.ts';
import type { DeploymentConfig } from './config.ts';
import { Api } from './constructs/api.ts';
import {
  BusinessFunction,
  type BusinessFunctionProps,
  stateMachineArn,
} from './constructs/business-function.ts';
import { Mailer } from './constructs/mailer.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { BusinessTable } from './constructs/table.ts';
import { Workflow } from './constructs/workflow.ts';
import { functionId } from './function-id.ts';
import {
  routes as apiRoutes,
  executionWatcher,
  mailFeedback,
  openWorkReport,
  type RouteSpec,
  signInClaims,
  taskSweeps,
} from './routes.ts';

export interface SalesOpsStackProps extends StackProps {
  config: DeploymentConfig;
  /** Overridable so tests can deploy fixture routes and workflows. */
  routes?: readonly RouteSpec[];
  registry?: Registry;
  workflowSlugs?: readonly string[];
  definitionsDir?: string;
}

export class SalesOpsStack extends Stack {
  readonly table: BusinessTable;
  readonly mailer: Mailer;
  readonly api: Api;
  readonly workflows: ReadonlyMap<string, Workflow>;
  readonly stage: string;
  /** The SLA sweep's two parts, in the order they run. */
  readonly sweeps: { readonly deliveries: BusinessFunction; readonly mail: BusinessFunction };
  readonly mailFeedback: BusinessFunction;
  readonly taskLinkKey: Secret;
  readonly monitoring: Monitoring;
  /** Every Lambda function of the stage: API handlers and workflow steps. */
  readonly functions: readonly BusinessFunction[];

  constructor(scope: Construct, id: string, props: SalesOpsStackProps) {
    super(scope, id, props);
    const { stage } = props.config;
    this.stage = stage;
    const registry = props.registry ?? workflowRegistry;
    const routes = props.routes ?? apiRoutes;
    const workflowSlugs = props.workflowSlugs ?? listWorkflowSlugs();

    const key = new Key(this, 'NotificationKey', {
      description: `${stage} sales-ops: encrypts alarm and mail-event topics`,
      enableKeyRotation: true,
    });
    this.table = new BusinessTable(this, 'Business');
    this.mailer = new Mailer(this, 'Mail', {
      stage,
      senderEmail: props.config.senderEmail,
      senderIdentity: props.config.senderIdentity,
      senderDomain: props.config.senderDomain,
      encryptionKey: key,
    });
    // One function per handler file, whether an API route or a workflow step uses it, granted what each use needs.
    const functions = new Map<string, BusinessFunction>();
    this.api = new Api(this, 'Api', { stage });
    const appBaseUrl = props.config.appBaseUrl ?? this.api.url;
    // The key first task links are derived with (functions/human-tasks/links.ts): outside the table, so reading the
    // table cannot rebuild a link. Only open-task gets it, resolved into its environment at deploy time.
    this.taskLinkKey = new Secret(this, 'TaskLinkKey', {
      description: `${stage} sales-ops: derives each human task's first link from its task token`,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    const grants = {
      stage,
      table: this.table.table,
      mailer: this.mailer,
      appBaseUrl,
      deployed: workflowSlugs,
      taskLinkKey: this.taskLinkKey.secretValue.unsafeUnwrap(),
    };
    const functionFor = (spec: Omit<BusinessFunctionProps, 'stage'> & { uses: Uses }): BusinessFunction => {
      let fn = functions.get(spec.entry);
      if (!fn) {
        fn = new BusinessFunction(this, functionId(spec.entry), { ...spec, stage });
        functions.set(spec.entry, fn);
      }
      return fn.grant(spec.uses, grants);
    };
    for (const route of routes) this.api.addRoute(route, functionFor(route));

    // The one SLA mechanism (DESIGN §5): a sweep over the open-task index on a schedule. Its mail part runs when its
    // delivery part ends, whatever the result (Lambda destinations), so nobody is reminded of a task whose workflow
    // has stopped; neither retries, the next run comes in minutes.
    const deliveries = functionFor(taskSweeps.deliveries);
    const mail = functionFor(taskSweeps.mail);
    this.sweeps = { deliveries, mail };
    // Not CDK's LambdaDestination, whose grant adds every version and alias (`:*`): the unqualified function only.
    const thenMail: IDestination = { bind: () => ({ destination: mail.fn.functionArn }) };
    deliveries.fn.addToRolePolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [mail.fn.functionArn] }),
    );
    deliveries.fn.configureAsyncInvoke({ retryAttempts: 0, onSuccess: thenMail, onFailure: thenMail });
    mail.fn.configureAsyncInvoke({ retryAttempts: 0 });
    new Rule(this, 'TaskSweepSchedule', {
      description: 'Decision redelivery, then reminders, escalations and mail resends, for human tasks',
      schedule: Schedule.rate(Duration.minutes(taskSweeps.everyMinutes)),
      targets: [new LambdaFunction(deliveries.fn, { retryAttempts: 0 })],
    });

    // What is open now, as gauges: the dashboard's task and needs-attention widgets and their alarms read them.
    new Rule(this, 'OpenWorkReportSchedule', {
      description: 'Open tasks, the oldest, tasks past escalation and subjects needing attention, as metrics',
      schedule: Schedule.rate(Duration.minutes(openWorkReport.everyMinutes)),
      targets: [new LambdaFunction(functionFor(openWorkReport).fn, { retryAttempts: 0 })],
    });

    // Hard bounces and complaints from the configuration set; deliveries stay on the topic for tracing only.
    this.mailFeedback = functionFor(mailFeedback);
    this.mailer.events.addSubscription(
      new LambdaSubscription(this.mailFeedback.fn, {
        filterPolicyWithMessageBody: {
          eventType: FilterOrPolicy.filter(
            SubscriptionFilter.stringFilter({ allowlist: ['Bounce', 'Complaint'] }),
          ),
        },
      }),
    );

    this.api.addSignInClaims(functionFor(signInClaims).fn);

    // Executions that end without succeeding (stopped by ops, failed, timed out) leave no open task behind.
    const watcher = functionFor(executionWatcher);
    new Rule(this, 'ExecutionEndedRule', {
      description: 'Closes the open tasks of executions that stopped, failed or timed out',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['FAILED', 'TIMED_OUT', 'ABORTED'],
          stateMachineArn: workflowSlugs.map((slug) => stateMachineArn(this, stage, slug)),
        },
      },
      targets: [new LambdaFunction(watcher.fn, { retryAttempts: 8 })],
    });

    const stepFunctions: Record<string, IFunction> = {};
    for (const [placeholder, spec] of Object.entries(registry)) {
      if (spec.kind === 'function') stepFunctions[placeholder] = functionFor(spec).fn;
    }
    this.functions = [...functions.values()];

    const workflows = new Map<string, Workflow>();
    for (const slug of workflowSlugs) {
      workflows.set(
        slug,
        new Workflow(this, slug, {
          stage,
          slug,
          registry,
          functions: stepFunctions,
          definitionsDir: props.definitionsDir,
        }),
      );
    }
    this.workflows = workflows;

    this.monitoring = new Monitoring(this, 'Monitoring', {
      stage,
      alarmEmail: props.config.alarmEmail,
      encryptionKey: key,
      httpApi: this.api.httpApi,
      functions: this.functions,
      workflows: [...workflows].map(([slug, workflow]) => ({ slug, stateMachine: workflow.stateMachine })),
      sweeps: {
        parts: [
          {
            name: 'deliveries',
            function: deliveries,
            timeout: Duration.seconds(taskSweeps.deliveries.timeoutSeconds),
          },
          { name: 'mail', function: mail, timeout: Duration.seconds(taskSweeps.mail.timeoutSeconds) },
        ],
        everyMinutes: taskSweeps.everyMinutes,
      },
      mailConfigurationSet: this.mailer.configurationSetName,
    });

    // What integrations need to sign in and call the API, and where ops look.
    const outputs: Record<string, { value: string; description: string }> = {
      ApiUrl: { value: this.api.url, description: 'The HTTP API (and task pages unless appBaseUrl is set)' },
      UserPoolId: { value: this.api.userPool.userPoolId, description: 'Cognito user pool of the staff' },
      UserPoolClientId: {
        value: this.api.userPoolClient.userPoolClientId,
        description: 'App client: USER_SRP_AUTH and REFRESH_TOKEN_AUTH',
      },
      TableName: { value: this.table.table.tableName, description: 'The business table' },
      Dashboard: {
        value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards:name=${stage}-sales-ops`,
        description: 'The CloudWatch dashboard of this stage',
      },
    };
    for (const [name, output] of Object.entries(outputs)) new CfnOutput(this, name, output);
  }
}
