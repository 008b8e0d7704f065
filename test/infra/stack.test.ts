// CDK assertions on the synthesized stack: the permanent parts keep their safety settings.
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeNagFindings } from '#infra/nag.ts';
import type { RouteSpec } from '#infra/routes.ts';
import {
  executionWatcher,
  mailFeedback,
  openWorkReport,
  routes,
  signInClaims,
  taskSweeps,
} from '#infra/routes.ts';
import { buildSalesOpsApp } from '#infra/sales-ops-app.ts';
import { SalesOpsStack } from '#infra/stack.ts';
import { listWorkflowSlugs, placeholdersOf, readDefinitionText } from '#workflows/definitions.ts';
import { registry } from '#workflows/registry.ts';
import { exampleRegistry } from '../fixtures/asl/registry.ts';

/** Skips esbuild: these tests read the template, not the bundles. */
const noBundling = { 'aws:cdk:bundling-stacks': [] };
const config = {
  stage: 'test',
  senderEmail: 'workflows@example.com',
  senderIdentity: 'create',
  alarmEmail: 'ops@example.com',
} as const;

type Resources = Record<
  string,
  { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>
>;

describe('the deployable app', () => {
  it('synthesizes with every cdk-nag AwsSolutions finding fixed or acknowledged with a reason', () => {
    const app = new App({ context: { ...noBundling, ...config } });
    buildSalesOpsApp(app);
    // cdk-nag's plugin makes synth throw "Validation failed" on any unacknowledged finding.
    expect(() => app.synth()).not.toThrow();
  });

  it('deploys every workflow definition as <stage>-<slug> with each placeholder filled', () => {
    const app = new App({ context: { ...noBundling, ...config } });
    const stack = buildSalesOpsApp(app);
    const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
    const bySlug = Object.values(machines).map((m) => m.Properties as Record<string, unknown>);
    for (const slug of listWorkflowSlugs()) {
      const machine = bySlug.find((m) => m.StateMachineName === `test-${slug}`);
      expect(machine, slug).toBeDefined();
      const used = placeholdersOf(readDefinitionText(slug));
      expect(Object.keys(machine?.DefinitionSubstitutions as object).sort()).toEqual([...used].sort());
    }
    expect(bySlug).toHaveLength(listWorkflowSlugs().length);
  });

  it('keeps well under CloudFormation’s 500 resources a stack may hold', () => {
    const app = new App({ context: { ...noBundling, ...config } });
    const resources = Object.keys(Template.fromStack(buildSalesOpsApp(app)).toJSON().Resources as object);
    // 446 today. A new workflow adds about 35 (its functions with their roles, policies, logs and error alarms, its
    // state machine and its row of alarms): before adding one past this line, move Monitoring (a third of the
    // resources, nearly all alarms) into a nested stack.
    expect(resources.length).toBeLessThanOrEqual(460);
  });

  it('stops synth naming each missing context value and how to pass it', () => {
    const app = new App({ context: { ...noBundling, stage: 'test' } });
    expect(() => buildSalesOpsApp(app)).toThrow(
      /senderEmail[^\n]*-c senderEmail=.*\n.*alarmEmail[^\n]*-c alarmEmail=/,
    );
  });

  it('rejects a malformed stage name', () => {
    const app = new App({ context: { ...noBundling, ...config, stage: 'Prod Stage' } });
    expect(() => buildSalesOpsApp(app)).toThrow(/stage must be/);
  });
});

// A stack with fixture routes and the example workflow, so the workflow construct and route auth are exercised.
const fixtureRoutes: RouteSpec[] = [
  ...routes,
  {
    method: 'GET',
    path: '/fixture/{id}',
    entry: 'test/fixtures/handlers/check.ts',
    description: 'a signed-in fixture route',
    access: 'signed-in',
    uses: { table: 'read' },
  },
];

let template: Template;
let resources: Resources;
let fixtureApp: App;

beforeAll(() => {
  fixtureApp = new App({ context: noBundling });
  const stack = new SalesOpsStack(fixtureApp, 'Fixture', {
    config,
    routes: fixtureRoutes,
    registry: exampleRegistry,
    workflowSlugs: ['example-approval'],
    definitionsDir: fileURLToPath(new URL('../fixtures/asl/', import.meta.url)),
  });
  acknowledgeNagFindings(stack);
  Validations.of(fixtureApp).addPlugins(new AwsSolutionsChecks(fixtureApp));
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Resources;
});

it('a stack with workflows and step functions also passes cdk-nag AwsSolutions', () => {
  expect(() => fixtureApp.synth()).not.toThrow();
});

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

/** The one resource of `type` that `match` picks; fails the test with a readable message otherwise. */
function only(type: string, match: (resource: Resources[string]) => boolean): Resources[string] {
  const found = ofType(type).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type} to match, found ${found.length}`);
  return (found[0] as [string, Resources[string]])[1];
}

const environmentOf = (description: string) =>
  (
    only('AWS::Lambda::Function', (fn) => fn.Properties.Description === description).Properties
      .Environment as {
      Variables: Record<string, unknown>;
    }
  ).Variables;

describe('table', () => {
  it('has pk/sk keys, the overloaded GSIs, on-demand billing, PITR and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: ['gsi1', 'gsi2', 'gsi3'].map((name) =>
        Match.objectLike({
          IndexName: name,
          KeySchema: [
            { AttributeName: `${name}pk`, KeyType: 'HASH' },
            { AttributeName: `${name}sk`, KeyType: 'RANGE' },
          ],
        }),
      ),
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: true,
        }),
      ],
    });
  });

  it('is retained when the stack is deleted', () => {
    template.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });
});

describe('functions', () => {
  it('all run nodejs24.x on arm64 with X-Ray, ≥ 512 MB and their own log group with retention', () => {
    const functions = ofType('AWS::Lambda::Function');
    // One function per handler file: the routes', the workflow steps' and the sweeper's.
    const entries = new Set([
      ...fixtureRoutes.map((r) => r.entry),
      ...Object.values(exampleRegistry).flatMap((spec) => (spec.kind === 'function' ? [spec.entry] : [])),
      taskSweeps.deliveries.entry,
      taskSweeps.mail.entry,
      executionWatcher.entry,
      mailFeedback.entry,
      openWorkReport.entry,
      signInClaims.entry,
    ]);
    expect(functions.length).toBe(entries.size);
    for (const [, fn] of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(fn.Properties.MemorySize).toBeGreaterThanOrEqual(512);
      const logGroupRef = (fn.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupRef]?.Type).toBe('AWS::Logs::LogGroup');
      expect(resources[logGroupRef]?.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });

  it('get the env var together with each grant', () => {
    expect(Object.keys(environmentOf('open approval'))).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'SENDER_EMAIL', 'MAIL_CONFIGURATION_SET', 'APP_BASE_URL']),
    );
    expect(Object.keys(environmentOf('open approval'))).not.toContain('WORKFLOW_ARNS');
    expect(Object.keys(environmentOf('Liveness'))).not.toContain('TABLE_NAME');
  });
});

describe('workflow', () => {
  it('is a Standard state machine named <stage>-<slug>, logging all events without execution data, traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineName: 'test-example-approval',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });

  it('fills every placeholder with the unqualified ARN of its function', () => {
    const [[, machine]] = ofType('AWS::StepFunctions::StateMachine') as [[string, Resources[string]]];
    const substitutions = machine.Properties.DefinitionSubstitutions as Record<
      string,
      { 'Fn::GetAtt': string[] }
    >;
    expect(Object.keys(substitutions).sort()).toEqual([
      'ExampleCheckFunction',
      'ExampleNeedsAttentionFunction',
      'OpenTaskFunction',
    ]);
    for (const value of Object.values(substitutions)) {
      expect(value['Fn::GetAtt'][1]).toBe('Arn');
      expect(resources[value['Fn::GetAtt'][0] as string]?.Type).toBe('AWS::Lambda::Function');
    }
    expect(JSON.stringify(machine.Properties.DefinitionString)).toContain('Ask approver');
  });

  it('may invoke exactly the functions its definition references', () => {
    const [[machineId, machine]] = ofType('AWS::StepFunctions::StateMachine') as [
      [string, Resources[string]],
    ];
    void machineId;
    const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const policy = only('AWS::IAM::Policy', (p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    );
    const statements = (
      policy.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }
    ).Statement;
    const invoked = statements
      .filter((s) => s.Action === 'lambda:InvokeFunction')
      .flatMap((s) => s.Resource as { 'Fn::GetAtt'?: string[] }[])
      .map((r) => r['Fn::GetAtt']?.[0])
      .filter(Boolean);
    const referenced = Object.values(
      machine.Properties.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': string[] }>,
    ).map((v) => v['Fn::GetAtt'][0]);
    expect(new Set(invoked)).toEqual(new Set(referenced));
  });
});

describe('HTTP API', () => {
  it('puts the JWT authorizer on every route except the public ones', () => {
    const publicKeys = new Set(
      fixtureRoutes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`),
    );
    const apiRoutes = ofType('AWS::ApiGatewayV2::Route');
    expect(apiRoutes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(
      fixtureRoutes.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const [, route] of apiRoutes) {
      const key = route.Properties.RouteKey as string;
      if (publicKeys.has(key)) {
        expect(route.Properties.AuthorizationType, key).toBe('NONE');
      } else {
        expect(route.Properties.AuthorizationType, key).toBe('JWT');
        expect(route.Properties.AuthorizerId, key).toBeDefined();
      }
    }
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
    });
  });

  it('writes access logs', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
  });
});

describe('human tasks', () => {
  it('runs the SLA sweep on a schedule: deliveries first, then mail however they ended, neither retried', () => {
    const idOf = (description: string) => {
      const fn = only('AWS::Lambda::Function', (f) => f.Properties.Description === description);
      return Object.entries(resources).find(([, r]) => r === fn)?.[0];
    };
    const deliveries = idOf(taskSweeps.deliveries.description);
    const mail = idOf(taskSweeps.mail.description);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${taskSweeps.everyMinutes} minutes)`,
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [deliveries, 'Arn'] } })],
    });
    const chain = only(
      'AWS::Lambda::EventInvokeConfig',
      (config) => JSON.stringify(config.Properties.FunctionName) === JSON.stringify({ Ref: deliveries }),
    ).Properties;
    expect(chain.MaximumRetryAttempts).toBe(0);
    const destinations = chain.DestinationConfig as Record<'OnSuccess' | 'OnFailure', unknown>;
    for (const when of ['OnSuccess', 'OnFailure'] as const)
      expect(JSON.stringify(destinations[when])).toContain(`"${mail}"`);
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: mail },
      MaximumRetryAttempts: 0,
    });
    // Nothing else starts the mail part: it runs only after the deliveries.
    const rulesOnMail = ofType('AWS::Events::Rule').filter(([, rule]) =>
      JSON.stringify(rule.Properties.Targets ?? []).includes(`"${mail}"`),
    );
    expect(rulesOnMail).toEqual([]);
  });

  it('serves the task pages without the authorizer and decisions by API with it', () => {
    const route = (key: string) =>
      only('AWS::ApiGatewayV2::Route', (r) => r.Properties.RouteKey === key).Properties;
    expect(route('GET /t/{taskId}').AuthorizationType).toBe('NONE');
    expect(route('HEAD /t/{taskId}').AuthorizationType).toBe('NONE');
    expect(route('POST /t/{taskId}').AuthorizationType).toBe('NONE');
    expect(route('POST /tasks/{id}/decision').AuthorizationType).toBe('JWT');
    expect(route('PUT /people/{email}').AuthorizationType).toBe('JWT');
  });

  it('grants mail only to the functions that send it', () => {
    expect(Object.keys(environmentOf(taskSweeps.mail.description))).toEqual(
      expect.arrayContaining(['TABLE_NAME', 'SENDER_EMAIL', 'APP_BASE_URL']),
    );
    expect(Object.keys(environmentOf('Task page'))).toEqual([
      'NODE_OPTIONS',
      'POWERTOOLS_SERVICE_NAME',
      'STAGE',
      'TABLE_NAME',
    ]);
  });

  it('closes the tasks of executions that stop, fail or time out, on their status change', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: Match.objectLike({ status: ['FAILED', 'TIMED_OUT', 'ABORTED'] }),
      }),
    });
  });
});

describe('mail and monitoring', () => {
  it('has the sender identity with a configuration set that reports bounces and complaints', () => {
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'workflows@example.com' });
    template.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        MatchingEventTypes: Match.arrayWith(['bounce', 'complaint', 'delivery']),
      }),
    });
  });

  it('mails alarms to the alarm address, including failed workflow runs', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'test-example-approval-executions-failed',
      Metrics: [
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'ExecutionsFailed' }) }),
        }),
      ],
    });
  });
});

describe('grants on the deployable app', () => {
  type Statement = { Action: string | string[]; Resource: unknown };
  let app: Template;
  let all: Resources;

  beforeAll(() => {
    app = Template.fromStack(buildSalesOpsApp(new App({ context: { ...noBundling, ...config } })));
    all = app.toJSON().Resources as Resources;
  });

  /** Every statement in the policies attached to the role this `Fn::GetAtt` names. */
  function statementsOf(roleArn: unknown): Statement[] {
    const roleId = (roleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    return Object.values(all)
      .filter(
        (r) =>
          r.Type === 'AWS::IAM::Policy' &&
          (r.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId),
      )
      .flatMap((r) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement);
  }

  /** Every statement in the policies of the function with this description, and its environment's names. */
  function grantsOf(description: string): { actions: Set<string>; statements: Statement[]; env: string[] } {
    const [, fn] = Object.entries(all).find(
      ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Description === description,
    ) as [string, Resources[string]];
    const statements = statementsOf(fn.Properties.Role);
    const actions = new Set(statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])));
    const env = Object.keys((fn.Properties.Environment as { Variables: object }).Variables);
    return { actions, statements, env };
  }

  const readOnly = routes.filter((route) => route.uses.table === 'read');
  const stepSpecs = Object.values(registry).flatMap((spec) => (spec.kind === 'function' ? [spec] : []));

  it.each(readOnly.map((route) => [route.description] as const))(
    '%s reads the table only, with no workflow action',
    (description) => {
      const { actions, env } = grantsOf(description);
      const data = [...actions].filter((a) => a.startsWith('dynamodb:'));
      expect(data.sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
      expect([...actions].filter((a) => a.startsWith('states:'))).toEqual([]);
      expect(env).not.toContain('WORKFLOW_ARNS');
    },
  );

  it('grants no Scan to anyone, and no Step Functions action the code never calls', () => {
    const descriptions = [...routes.map((r) => r.description), ...stepSpecs.map((s) => s.description)];
    for (const description of new Set(descriptions)) {
      const { actions } = grantsOf(description);
      expect(actions.has('dynamodb:Scan'), description).toBe(false);
      for (const unused of [
        'states:SendTaskHeartbeat',
        'states:StopExecution',
        'states:GetExecutionHistory',
        'states:ListExecutions',
      ]) {
        expect(actions.has(unused), `${description}: ${unused}`).toBe(false);
      }
    }
  });

  it('gives the task-link key to open-task alone, resolved from its secret at deploy time, never in the template', () => {
    const holders = Object.values(all).filter(
      (r) =>
        r.Type === 'AWS::Lambda::Function' &&
        (r.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.TASK_LINK_KEY !== undefined,
    );
    expect(holders.map((r) => r.Properties.Description)).toEqual([
      'Opens a human step as a task and mails its assignee',
    ]);
    const [secretId] = Object.entries(all).find(([, r]) => r.Type === 'AWS::SecretsManager::Secret') ?? [];
    const value = JSON.stringify(
      (holders[0]?.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
        ?.TASK_LINK_KEY,
    );
    expect(value).toContain('{{resolve:secretsmanager:');
    expect(value).toContain(`"Ref":"${secretId}"`);
    expect(all[secretId ?? '']?.Properties.GenerateSecretString).toMatchObject({ PasswordLength: 64 });
  });

  it('lets a function start exactly the state machines it starts, named in full', () => {
    const { statements, env } = grantsOf('File an expense claim');
    const starts = statements.filter((st) => st.Action === 'states:StartExecution');
    expect(JSON.stringify(starts.map((st) => st.Resource))).toContain(':stateMachine:test-expense-approval');
    expect(JSON.stringify(starts)).not.toMatch(/stateMachine:test-\*|stateMachine:test-(?!expense-approval)/);
    expect(env).toContain('WORKFLOW_ARNS');
    expect([...grantsOf('Read an expense claim with its trail').actions]).not.toContain(
      'states:StartExecution',
    );
  });

  it('gives each part of the sweep only its own client: Step Functions to deliveries, SES to mail', () => {
    const deliveries = grantsOf(taskSweeps.deliveries.description).actions;
    const mail = grantsOf(taskSweeps.mail.description).actions;
    expect(deliveries.has('states:SendTaskSuccess')).toBe(true);
    expect(deliveries.has('ses:SendEmail')).toBe(false);
    expect(mail.has('ses:SendEmail')).toBe(true);
    expect([...mail].filter((action) => action.startsWith('states:'))).toEqual([]);
    expect(deliveries.has('lambda:InvokeFunction')).toBe(true);
  });

  it('gives SendTaskSuccess only to what decides tasks: the decision routes and the delivery sweep', () => {
    const answering = [...routes.map((r) => r.description), ...stepSpecs.map((s) => s.description)].filter(
      (d) => grantsOf(d).actions.has('states:SendTaskSuccess'),
    );
    expect(new Set(answering)).toEqual(
      new Set(['Decision from the task page', 'Decision by the assignee through the API']),
    );
    expect(grantsOf(taskSweeps.deliveries.description).actions.has('states:SendTaskSuccess')).toBe(true);
    expect(
      grantsOf('Opens a human step as a task and mails its assignee').actions.has('states:SendTaskSuccess'),
    ).toBe(false);
  });

  it('ends waits (SendTaskFailure) only where follow-ups close: an overdue level and a payment', () => {
    const closing = [...routes.map((r) => r.description), ...stepSpecs.map((s) => s.description)].filter(
      (d) => grantsOf(d).actions.has('states:SendTaskFailure'),
    );
    expect(new Set(closing)).toEqual(
      new Set([
        'Takes an overdue level once: its notice, its follow-up, open follow-ups closed',
        'Record a payment received: applied to the contract’s installments, the rest kept as credit',
      ]),
    );
  });

  it('lets the contract start its collection, and the ladder start follow-ups, and nothing else', () => {
    const plan = grantsOf(
      'Makes a signed contract’s payment terms into installments and starts those due on signing',
    );
    const starts = plan.statements.filter((st) => st.Action === 'states:StartExecution');
    expect(JSON.stringify(starts.map((st) => st.Resource))).toMatch(/stateMachine:test-payment-collection"/);
    const finish = grantsOf(
      'Ends a contract review: signed, rejected, changes requested, expired; sales told',
    );
    expect(finish.actions.has('states:StartExecution')).toBe(false);
    const level = grantsOf('Takes an overdue level once: its notice, its follow-up, open follow-ups closed');
    const levelStarts = level.statements.filter((st) => st.Action === 'states:StartExecution');
    expect(JSON.stringify(levelStarts.map((st) => st.Resource))).toMatch(
      /stateMachine:test-collection-follow-up"/,
    );
    expect(JSON.stringify(levelStarts)).not.toMatch(/stateMachine:test-payment-collection"/);
  });

  it('lets contract review start the order handoff, and neither watch nor stop it (it does not wait)', () => {
    const machine = Object.values(all).find(
      (r) =>
        r.Type === 'AWS::StepFunctions::StateMachine' &&
        r.Properties.StateMachineName === 'test-contract-review',
    );
    if (!machine) throw new Error('no contract review state machine');
    const workflowStatements = statementsOf(machine.Properties.RoleArn).filter((st) =>
      [st.Action].flat().some((action) => action.startsWith('states:') || action.startsWith('events:')),
    );
    expect(workflowStatements.map((st) => st.Action)).toEqual(['states:StartExecution']);
    expect(JSON.stringify(workflowStatements[0]?.Resource)).toContain(':stateMachine:test-order-handoff');
  });
});
