// CDK assertions for running a stage: alarm delivery, dashboard, tags, mail wiring, identity modes, sign-in, deploys.
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { mailFeedback, routes, signInClaims, taskSweeps } from '#infra/routes.ts';
import { buildSalesOpsApp } from '#infra/sales-ops-app.ts';
import { SalesOpsStack } from '#infra/stack.ts';
import { listWorkflowSlugs } from '#workflows/definitions.ts';
import { exampleRegistry } from '../fixtures/asl/registry.ts';

/** Skips esbuild: these tests read the template, not the bundles. */
const noBundling = { 'aws:cdk:bundling-stacks': [] };
const config = {
  stage: 'test',
  senderEmail: 'workflows@example.com',
  alarmEmail: 'ops@example.com',
};

type Resource = { Type: string; Properties: Record<string, unknown> } & Record<string, unknown>;
type Resources = Record<string, Resource>;

function synth(context: Record<string, string> = {}): { template: Template; resources: Resources } {
  const stack = buildSalesOpsApp(new App({ context: { ...noBundling, ...config, ...context } }));
  const template = Template.fromStack(stack);
  return { template, resources: template.toJSON().Resources as Resources };
}

const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type);

/** A template value with its intrinsic functions written as `<Ref:X>` / `<X.Arn>`, so it can be read as text. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(',');
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(text).join(separator);
    }
    if ('Ref' in v) return `<Ref:${String(v.Ref)}>`;
    if ('Fn::GetAtt' in v) return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    return JSON.stringify(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, text(x)])));
  }
  return String(value);
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]).sort();

let app: { template: Template; resources: Resources };
const functionNamed = (description: string) =>
  ofType(app.resources, 'AWS::Lambda::Function').find(
    ([, r]) => r.Properties.Description === description,
  )?.[0];

beforeAll(() => {
  app = synth();
});

describe('alarms reach the alarm address', () => {
  const alarmSource =
    'arn:<Ref:AWS::Partition>:cloudwatch:<Ref:AWS::Region>:<Ref:AWS::AccountId>:alarm:test-*';

  function topicNamed(name: string): string {
    const found = ofType(app.resources, 'AWS::SNS::Topic').find(([, r]) => r.Properties.TopicName === name);
    if (!found) throw new Error(`no topic ${name}`);
    return found[0];
  }

  function topicStatements(topicId: string): Statement[] {
    const policy = ofType(app.resources, 'AWS::SNS::TopicPolicy').find(([, r]) =>
      (r.Properties.Topics as { Ref: string }[]).some((t) => t.Ref === topicId),
    )?.[1];
    return ((policy?.Properties.PolicyDocument as { Statement: Statement[] }) ?? { Statement: [] }).Statement;
  }

  const keyStatements = () => {
    const [[, key]] = ofType(app.resources, 'AWS::KMS::Key') as [[string, Resource]];
    return (key.Properties.KeyPolicy as { Statement: Statement[] }).Statement;
  };
  const forService = (statements: Statement[], service: string) =>
    statements.filter((s) => s.Effect === 'Allow' && text(s.Principal).includes(service));

  it('lets CloudWatch publish to the encrypted alarm topic, for this stage’s alarms in this account only', () => {
    const alarms = topicNamed('test-sales-ops-alarms');
    expect(text(app.resources[alarms]?.Properties.KmsMasterKeyId)).toMatch(/^<NotificationKey\w+\.Arn>$/);
    const [publish, ...others] = forService(topicStatements(alarms), 'cloudwatch.amazonaws.com');
    expect(others).toEqual([]);
    expect(actionsOf(publish as Statement)).toEqual(['sns:Publish']);
    expect(text(publish?.Condition?.StringEquals?.['aws:SourceAccount'])).toBe('<Ref:AWS::AccountId>');
    expect(text(publish?.Condition?.ArnLike?.['aws:SourceArn'])).toBe(alarmSource);
  });

  it('lets CloudWatch use the topic key (kms:Decrypt, kms:GenerateDataKey*) under the same conditions', () => {
    const [grant, ...others] = forService(keyStatements(), 'cloudwatch.amazonaws.com');
    expect(others).toEqual([]);
    expect(actionsOf(grant as Statement)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(text(grant?.Condition?.StringEquals?.['aws:SourceAccount'])).toBe('<Ref:AWS::AccountId>');
    expect(text(grant?.Condition?.ArnLike?.['aws:SourceArn'])).toBe(alarmSource);
  });

  it('lets SES publish mail events and use the key, only for this stage’s configuration set', () => {
    const configurationSet =
      'arn:<Ref:AWS::Partition>:ses:<Ref:AWS::Region>:<Ref:AWS::AccountId>:configuration-set/<Ref:MailConfigurationSet';
    const [key, ...otherKeys] = forService(keyStatements(), 'ses.amazonaws.com');
    expect(otherKeys).toEqual([]);
    expect(actionsOf(key as Statement)).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
    expect(text(key?.Condition?.StringEquals?.['aws:SourceAccount'])).toBe('<Ref:AWS::AccountId>');
    expect(text(key?.Condition?.ArnLike?.['aws:SourceArn'])).toContain(configurationSet);

    const events = topicNamed('test-sales-ops-mail-events');
    const [publish, ...others] = forService(topicStatements(events), 'ses.amazonaws.com');
    expect(others).toEqual([]);
    expect(actionsOf(publish as Statement)).toEqual(['sns:Publish']);
    expect(text(publish?.Condition?.StringEquals?.['AWS:SourceAccount'])).toBe('<Ref:AWS::AccountId>');
    expect(text(publish?.Condition?.StringEquals?.['AWS:SourceArn'])).toContain(configurationSet);
  });

  it('names every alarm with the stage prefix the grants match, and sends each to the topic mailed to ops', () => {
    const alarms = ofType(app.resources, 'AWS::CloudWatch::Alarm');
    const topic = topicNamed('test-sales-ops-alarms');
    expect(alarms.length).toBeGreaterThan(0);
    for (const [, alarm] of alarms) {
      expect(alarm.Properties.AlarmName).toMatch(/^test-/);
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topic }]);
      expect(alarm.Properties.AlarmDescription).toContain('docs/runbook.md');
    }
    app.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: topic },
    });
  });
});

describe('alarms', () => {
  const alarm = (name: string) => {
    const found = ofType(app.resources, 'AWS::CloudWatch::Alarm').find(
      ([, r]) => r.Properties.AlarmName === `test-${name}`,
    );
    if (!found) throw new Error(`no alarm test-${name}`);
    const props = found[1].Properties;
    const [metric] = (props.Metrics ?? [{ MetricStat: { Metric: props } }]) as {
      MetricStat: {
        Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] };
      };
    }[];
    const dimensions = Object.fromEntries(
      (metric?.MetricStat.Metric.Dimensions ?? []).map((d) => [d.Name, text(d.Value)]),
    );
    return { props, metric: metric?.MetricStat.Metric, dimensions };
  };

  it.each(listWorkflowSlugs())('%s: a failed, timed-out or throttled execution', (slug) => {
    for (const [kind, metricName] of [
      ['failed', 'ExecutionsFailed'],
      ['timed-out', 'ExecutionsTimedOut'],
      ['throttled', 'ExecutionThrottled'],
    ]) {
      const { props, metric, dimensions } = alarm(`${slug}-executions-${kind}`);
      expect(metric).toMatchObject({ Namespace: 'AWS/States', MetricName: metricName });
      expect(dimensions.StateMachineArn).toMatch(/^<Ref:\w+StateMachine\w+>$/);
      expect(props).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it.each(listWorkflowSlugs())(
    '%s: a subject going to NEEDS_ATTENTION, a task past escalation, mail awaiting resend',
    (slug) => {
      const ours = { service: 'sales-ops', stage: 'test', workflow: slug };
      for (const [name, metricName] of [
        [`${slug}-needs-attention`, 'NeedsAttention'],
        [`${slug}-tasks-past-escalation`, 'TasksPastEscalation'],
        [`${slug}-mail-awaiting-resend`, 'MailsAwaitingResend'],
      ] as const) {
        const { props, metric, dimensions } = alarm(name);
        expect(metric).toMatchObject({ Namespace: 'SalesOps', MetricName: metricName });
        expect(dimensions).toEqual(ours);
        expect(props.Threshold).toBe(1);
      }
    },
  );

  it('on the errors of every function', () => {
    const functions = ofType(app.resources, 'AWS::Lambda::Function').map(([id]) => id);
    const watched = ofType(app.resources, 'AWS::CloudWatch::Alarm')
      .map(
        ([, r]) => r.Properties.Metrics as { MetricStat: { Metric: Record<string, unknown> } }[] | undefined,
      )
      .flatMap((metrics) => metrics ?? [])
      .filter((m) => m.MetricStat.Metric.MetricName === 'Errors')
      .map((m) => text((m.MetricStat.Metric.Dimensions as { Value: unknown }[])[0]?.Value));
    expect(watched.sort()).toEqual(functions.map((id) => `<Ref:${id}>`).sort());
  });

  it('on API 5xx, and on bounce rate above 2% and complaint rate above 0.05%', () => {
    expect(alarm('api-5xx').metric).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx' });
    expect(alarm('mail-bounce-rate')).toMatchObject({
      metric: { Namespace: 'AWS/SES', MetricName: 'Reputation.BounceRate' },
      props: { Threshold: 0.02, ComparisonOperator: 'GreaterThanThreshold' },
    });
    expect(alarm('mail-complaint-rate')).toMatchObject({
      metric: { Namespace: 'AWS/SES', MetricName: 'Reputation.ComplaintRate' },
      props: { Threshold: 0.0005, ComparisonOperator: 'GreaterThanThreshold' },
    });
    expect(alarm('address-bounced').metric?.MetricName).toBe('AddressBounced');
    expect(alarm('mail-complaint').metric?.MetricName).toBe('MailComplaint');
  });

  it('on a record left incomplete: a trail entry lost, a failed start not undone', () => {
    expect(alarm('trail-entry-lost')).toMatchObject({
      metric: { Namespace: 'SalesOps', MetricName: 'TrailEntryLost' },
      dimensions: { service: 'sales-ops', stage: 'test' },
      props: { Threshold: 1 },
    });
    expect(alarm('start-not-undone')).toMatchObject({
      metric: { Namespace: 'SalesOps', MetricName: 'StartNotUndone' },
      props: { Threshold: 1 },
    });
  });

  it('on the sweeper failing a task, running long, falling behind or not running', () => {
    expect(alarm('sweeper-task-failures')).toMatchObject({
      metric: { Namespace: 'SalesOps', MetricName: 'SweepTaskFailed' },
      dimensions: { service: 'sales-ops', stage: 'test' },
    });
    expect(alarm('sweeper-backlog')).toMatchObject({
      metric: { MetricName: 'SweepBacklog' },
      props: { EvaluationPeriods: 3 },
    });
    // Each part on its own: the mail part not running also means the chain from the deliveries broke.
    for (const [name, part] of [
      ['deliveries', taskSweeps.deliveries],
      ['mail', taskSweeps.mail],
    ] as const) {
      const fn = `<Ref:${functionNamed(part.description)}>`;
      const long = alarm(`sweeper-${name}-running-long`);
      expect(long.metric?.MetricName).toBe('Duration');
      expect(long.dimensions.FunctionName).toBe(fn);
      expect(long.props.Threshold).toBe(part.timeoutSeconds * 1000 * 0.8);
      expect(alarm(`sweeper-${name}-not-running`)).toMatchObject({
        metric: { MetricName: 'Invocations' },
        dimensions: { FunctionName: fn },
        props: { ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' },
      });
    }
  });
});

interface Widget {
  type: string;
  properties: { title?: string; metrics?: unknown[][]; query?: string };
}

function dashboardOf(resources: Resources): Widget[] {
  const [[, dashboard]] = ofType(resources, 'AWS::CloudWatch::Dashboard') as [[string, Resource]];
  return (JSON.parse(text(dashboard.Properties.DashboardBody)) as { widgets: Widget[] }).widgets;
}

const titled = (widgets: Widget[], title: string) => {
  const widget = widgets.find((w) => w.properties.title === title);
  if (!widget) throw new Error(`no widget "${title}"`);
  return widget;
};
/** Each metric line as `Namespace MetricName dim=value…`, for readable matching. */
const linesOf = (widget: Widget) =>
  (widget.properties.metrics ?? []).map((line) => {
    const parts = line.filter((part) => typeof part === 'string') as string[];
    return parts.join(' ');
  });

describe('the dashboard', () => {
  it('is one per stage', () => {
    app.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    app.template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'test-sales-ops' });
  });

  it.each(listWorkflowSlugs())(
    '%s: its executions, open tasks and oldest, and what needs attention',
    (slug) => {
      const widgets = dashboardOf(app.resources);
      const executions = linesOf(titled(widgets, `${slug}: executions`));
      for (const name of ['Started', 'Succeeded', 'Failed', 'TimedOut', 'Aborted']) {
        expect(
          executions.some((line) => line.startsWith(`AWS/States Executions${name} StateMachineArn`)),
        ).toBe(true);
      }
      const tasks = linesOf(titled(widgets, `${slug}: open human tasks`)).join('\n');
      expect(tasks).toContain(`SalesOps OpenTasks service sales-ops stage test workflow ${slug}`);
      expect(tasks).toContain(
        `SalesOps OldestOpenTaskAgeSeconds service sales-ops stage test workflow ${slug}`,
      );
      const attention = linesOf(titled(widgets, `${slug}: needs attention, mail not sent`)).join('\n');
      expect(attention).toContain(
        `SalesOps SubjectsNeedingAttention service sales-ops stage test workflow ${slug}`,
      );
    },
  );

  it('shows Lambda errors, throttles and duration of every function; API 4xx, 5xx, latency; SES mail', () => {
    const widgets = dashboardOf(app.resources);
    const functions = ofType(app.resources, 'AWS::Lambda::Function').length;
    for (const [title, metric] of [
      ['Lambda errors', 'Errors'],
      ['Lambda throttles', 'Throttles'],
      ['Lambda duration (p99, ms)', 'Duration'],
    ]) {
      const lines = linesOf(titled(widgets, title as string));
      expect(lines.filter((line) => line.startsWith(`AWS/Lambda ${metric} FunctionName`))).toHaveLength(
        functions,
      );
    }
    const api = linesOf(titled(widgets, 'API requests, 4xx, 5xx')).join('\n');
    expect(api).toMatch(/AWS\/ApiGateway 4xx ApiId/);
    expect(api).toMatch(/AWS\/ApiGateway 5xx ApiId/);
    expect(linesOf(titled(widgets, 'API latency (ms)')).join('\n')).toMatch(/AWS\/ApiGateway Latency ApiId/);
    const mail = linesOf(titled(widgets, 'Mail of this stage (SES)')).join('\n');
    for (const name of ['Send', 'Delivery', 'Bounce', 'Complaint']) {
      expect(mail).toContain(`AWS/SES ${name} ses:configuration-set test-sales-ops`);
    }
    expect(linesOf(titled(widgets, 'SES reputation (whole account)')).join('\n')).toContain(
      'AWS/SES Reputation.BounceRate',
    );
  });

  it('gives a workflow added to the list its row and alarms, with no code of its own', () => {
    const fixtureApp = new App({ context: noBundling });
    const stack = new SalesOpsStack(fixtureApp, 'Fixture', {
      config: { ...config, senderIdentity: 'create' },
      registry: exampleRegistry,
      workflowSlugs: ['example-approval'],
      definitionsDir: fileURLToPath(new URL('../fixtures/asl/', import.meta.url)),
    });
    const resources = Template.fromStack(stack).toJSON().Resources as Resources;
    const widgets = dashboardOf(resources);
    expect(widgets.map((w) => w.properties.title)).toEqual(
      expect.arrayContaining([
        'example-approval: executions',
        'example-approval: open human tasks',
        'example-approval: needs attention, mail not sent',
      ]),
    );
    const names = ofType(resources, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining([
        'test-example-approval-executions-failed',
        'test-example-approval-needs-attention',
        'test-example-approval-tasks-past-escalation',
      ]),
    );
  });
});

describe('tags', () => {
  /** Types CloudFormation cannot tag: their absence of tags is not an oversight. */
  const untaggable = new Set([
    'AWS::ApiGatewayV2::Authorizer',
    'AWS::ApiGatewayV2::Integration',
    'AWS::ApiGatewayV2::Route',
    'AWS::CDK::Metadata',
    'AWS::Cognito::UserPoolClient',
    'AWS::IAM::Policy',
    'AWS::Lambda::EventInvokeConfig',
    'AWS::Lambda::Permission',
    'AWS::SES::ConfigurationSetEventDestination',
    'AWS::SNS::Subscription',
    'AWS::SNS::TopicPolicy',
  ]);

  function tagsOf(resource: Resource): Record<string, string> | undefined {
    const p = resource.Properties;
    const raw =
      p.Tags ?? p.UserPoolTags ?? (p.Replicas as { Tags?: unknown }[] | undefined)?.[0]?.Tags ?? undefined;
    if (raw === undefined) return undefined;
    if (Array.isArray(raw))
      return Object.fromEntries(raw.map((t: { Key: string; Value: string }) => [t.Key, t.Value]));
    return raw as Record<string, string>;
  }

  it('marks every resource that can carry tags with the app and the stage', () => {
    const untagged: string[] = [];
    for (const [id, resource] of Object.entries(app.resources)) {
      const tags = tagsOf(resource);
      if (tags === undefined) {
        if (!untaggable.has(resource.Type)) untagged.push(`${id} (${resource.Type})`);
        continue;
      }
      expect(tags, id).toMatchObject({ app: 'sales-ops', stage: 'test' });
    }
    expect(untagged).toEqual([]);
  });
});

describe('SES event wiring', () => {
  it('reports bounces and complaints of the stage’s configuration set to the topic the feedback handler reads', () => {
    app.template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'test-sales-ops' });
    const destinations = ofType(app.resources, 'AWS::SES::ConfigurationSetEventDestination').map(
      ([, r]) => r.Properties.EventDestination as Record<string, unknown>,
    );
    const toTopic = destinations.find((d) => d.SnsDestination);
    expect(toTopic?.MatchingEventTypes).toEqual(expect.arrayContaining(['bounce', 'complaint']));
    const feedback = functionNamed(mailFeedback.description);
    app.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      Endpoint: { 'Fn::GetAtt': [feedback, 'Arn'] },
      TopicArn: (toTopic?.SnsDestination as { TopicARN: unknown } | undefined)?.TopicARN,
      FilterPolicyScope: 'MessageBody',
      FilterPolicy: { eventType: ['Bounce', 'Complaint'] },
    });
    const toMetrics = destinations.find((d) => d.CloudWatchDestination);
    expect(toMetrics?.MatchingEventTypes).toEqual(expect.arrayContaining(['send', 'bounce', 'complaint']));
    expect(JSON.stringify(toMetrics?.CloudWatchDestination)).toContain('ses:configuration-set');
  });

  it('grants sending from the sender address only, through the configuration set', () => {
    const mailing = ofType(app.resources, 'AWS::IAM::Policy').flatMap(
      ([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement,
    );
    const sends = mailing.filter((s) => actionsOf(s).includes('ses:SendEmail'));
    expect(sends.length).toBeGreaterThan(0);
    for (const send of sends) {
      expect(actionsOf(send)).toEqual(['ses:SendEmail']);
      expect(send.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'workflows@example.com' } });
      expect(text(send.Resource)).toMatch(
        /:identity\/\*,.*:configuration-set\/<Ref:MailConfigurationSet\w+>$/,
      );
    }
  });
});

describe('sender identity modes', () => {
  it('creates the address as an identity by default', () => {
    const { template } = synth();
    template.resourceCountIs('AWS::SES::EmailIdentity', 1);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'workflows@example.com' });
  });

  it('creates the domain with DKIM, printing its three CNAME records, when senderDomain is given', () => {
    const { template } = synth({ senderDomain: 'example.com' });
    template.resourceCountIs('AWS::SES::EmailIdentity', 1);
    template.hasResourceProperties('AWS::SES::EmailIdentity', { EmailIdentity: 'example.com' });
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    const dkim = Object.values(outputs).filter((o) => o.Description.startsWith('DKIM'));
    expect(dkim).toHaveLength(3);
    expect(text(dkim[0]?.Value)).toMatch(
      /^<MailSender\w+\.DkimDNSTokenName1> CNAME <MailSender\w+\.DkimDNSTokenValue1>$/,
    );
  });

  it('uses an existing identity by name, creating none (a second stage with the same sender)', () => {
    const { template, resources } = synth({ senderIdentity: 'existing', senderDomain: 'example.com' });
    template.resourceCountIs('AWS::SES::EmailIdentity', 0);
    const sends = ofType(resources, 'AWS::IAM::Policy')
      .flatMap(([, r]) => (r.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
      .filter((s) => actionsOf(s).includes('ses:SendEmail'));
    expect(sends.length).toBeGreaterThan(0);
    template.hasResourceProperties('AWS::SES::ConfigurationSet', { Name: 'test-sales-ops' });
  });

  it('refuses a domain that is not the sender’s, and an unknown mode, naming the context value', () => {
    expect(() => synth({ senderDomain: 'other.example' })).toThrow(
      /senderDomain must be senderEmail's domain/,
    );
    expect(() => synth({ senderIdentity: 'import' })).toThrow(/senderIdentity must be create or existing/);
  });
});

describe('sign-in', () => {
  it('puts the email into access tokens with a V2 pre-token-generation trigger on an Essentials pool', () => {
    const trigger = functionNamed(signInClaims.description);
    app.template.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'ESSENTIALS',
      LambdaConfig: {
        PreTokenGenerationConfig: { LambdaArn: { 'Fn::GetAtt': [trigger, 'Arn'] }, LambdaVersion: 'V2_0' },
      },
    });
  });

  it('prints what an integration needs to sign in: the pool, the client and the API', () => {
    const outputs = app.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(text(outputs.UserPoolId?.Value)).toMatch(/^<Ref:ApiStaff\w+>$/);
    expect(text(outputs.UserPoolClientId?.Value)).toMatch(/^<Ref:ApiStaffIntegrations\w+>$/);
    expect(text(outputs.ApiUrl?.Value)).toMatch(/^<ApiHttpApi\w+\.ApiEndpoint>$/);
  });

  it('has exactly the documented flows on its app client: SRP sign-in and refresh, no OAuth, no secret', () => {
    const [[, client]] = ofType(app.resources, 'AWS::Cognito::UserPoolClient') as [[string, Resource]];
    expect(client.Properties.ExplicitAuthFlows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
    expect(client.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
    expect(client.Properties.GenerateSecret).toBe(false);
    for (const absent of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs']) {
      expect(client.Properties[absent], absent).toBeUndefined();
    }
  });
});

describe('executions in flight across a deploy, and redrives', () => {
  const machines = () => ofType(app.resources, 'AWS::StepFunctions::StateMachine');

  it('has no function versions or aliases: every reference is to $LATEST', () => {
    app.template.resourceCountIs('AWS::Lambda::Version', 0);
    app.template.resourceCountIs('AWS::Lambda::Alias', 0);
  });

  it('fills every state machine’s function placeholders with unqualified ARNs, and grants exactly those', () => {
    expect(machines()).toHaveLength(listWorkflowSlugs().length);
    for (const [id, machine] of machines()) {
      const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, unknown>;
      const functionArns = Object.values(substitutions).filter(
        (value) => typeof value === 'object' && value !== null && 'Fn::GetAtt' in value,
      ) as { 'Fn::GetAtt': [string, string] }[];
      expect(functionArns.length, id).toBeGreaterThan(0);
      for (const arn of functionArns) {
        expect(arn['Fn::GetAtt'][1]).toBe('Arn');
        expect(app.resources[arn['Fn::GetAtt'][0]]?.Type).toBe('AWS::Lambda::Function');
      }
      const roleId = (machine.Properties.RoleArn as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
      const invoked = ofType(app.resources, 'AWS::IAM::Policy')
        .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
        .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
        .filter((s) => actionsOf(s).includes('lambda:InvokeFunction'))
        .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]));
      // No `:*` variants: a version or alias could pin an old handler under an execution in flight.
      expect(invoked.map(text).sort()).toEqual([...new Set(functionArns.map(text))].sort());
    }
  });

  it('targets functions by unqualified ARN from schedules, status changes and the mail-event topic', () => {
    const targets = ofType(app.resources, 'AWS::Events::Rule').flatMap(
      ([, r]) => (r.Properties.Targets as { Arn: unknown }[]) ?? [],
    );
    const endpoints = ofType(app.resources, 'AWS::SNS::Subscription')
      .filter(([, r]) => r.Properties.Protocol === 'lambda')
      .map(([, r]) => ({ Arn: r.Properties.Endpoint }));
    for (const target of [...targets, ...endpoints])
      expect(text(target.Arn)).toMatch(/^<\w+Function\w+\.Arn>$/);
    expect(targets.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps API routes on unqualified functions too', () => {
    const integrations = ofType(app.resources, 'AWS::ApiGatewayV2::Integration');
    expect(integrations.length).toBe(new Set(routes.map((r) => r.entry)).size);
    for (const [, integration] of integrations) {
      expect(text(integration.Properties.IntegrationUri)).toMatch(/^<\w+Function\w+\.Arn>$/);
    }
  });
});

it('names no function by a description twice (the tests find them by it)', () => {
  const descriptions = ofType(app.resources, 'AWS::Lambda::Function').map(
    ([, r]) => r.Properties.Description,
  );
  expect(new Set(descriptions).size).toBe(descriptions.length);
});
