// What ops watch: one dashboard per stage and the alarms, per workflow generated from the list, mailed to ops.
import { Aws, Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  type IWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { metricsNamespace, metricsService, type OpsMetric, opsMetrics } from '#shared/ops-metrics.ts';
import type { BusinessFunction } from './business-function.ts';
import { configurationSetDimension } from './mailer.ts';

export interface MonitoredWorkflow {
  slug: string;
  stateMachine: StateMachine;
}

export interface MonitoringProps {
  stage: string;
  alarmEmail: string;
  encryptionKey: Key;
  httpApi: HttpApi;
  /** Every function of the stage: each gets an errors alarm and a line in the Lambda widgets. */
  functions: readonly BusinessFunction[];
  /** Every deployed workflow: each gets its row of widgets and its alarms. */
  workflows: readonly MonitoredWorkflow[];
  /** The SLA sweep's parts, in the order they run, each its own function; they share one schedule. */
  sweeps: {
    parts: readonly { name: string; function: BusinessFunction; timeout: Duration }[];
    everyMinutes: number;
  };
  mailConfigurationSet: string;
}

const fiveMinutes = Duration.minutes(5);
const runbook = 'docs/runbook.md';

/** An alarm's parts; the name is prefixed with the stage, which is what CloudWatch's publish grant matches. */
interface AlarmSpec {
  metric: IMetric;
  threshold: number;
  description: string;
  /** The runbook section that says what to do. */
  section: string;
  comparison?: ComparisonOperator;
  periods?: number;
  missingData?: TreatMissingData;
}

export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: Alarm[] = [];
  readonly #stage: string;
  readonly #notify: SnsAction;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.#stage = props.stage;
    this.alarmTopic = this.#alarmTopic(props);
    this.#notify = new SnsAction(this.alarmTopic);

    const workflowRows = props.workflows.flatMap((workflow) => this.#watchWorkflow(workflow));
    const mailRow = this.#watchMail(props);
    const lambdaRow = this.#watchFunctions(props.functions);
    const apiRow = this.#watchApi(props.httpApi);
    const sweeperRow = this.#watchSweeper(props);
    const recordsRow = this.#watchRecords();

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.stage}-sales-ops`,
      defaultInterval: Duration.days(1),
      widgets: [
        [
          new TextWidget({
            markdown: [
              `# Sales ops · ${props.stage}`,
              `Alarms mail **${props.alarmEmail}**. What each alarm means and what to do: \`${runbook}\` in the repository.`,
            ].join('\n\n'),
            width: 24,
            height: 2,
          }),
        ],
        ...workflowRows,
        lambdaRow,
        apiRow,
        mailRow,
        sweeperRow,
        recordsRow,
        [
          new LogQueryWidget({
            title: 'Ops events (bounces, complaints, refused mail, needs attention, sweep failures)',
            logGroupNames: props.functions.map((f) => f.logGroup.logGroupName),
            queryLines: [
              'fields @timestamp, opsEvent, workflow, subjectId, taskId, email, reason, message',
              'filter ispresent(opsEvent)',
              'sort @timestamp desc',
              'limit 50',
            ],
            width: 24,
            height: 6,
          }),
        ],
      ],
    });
  }

  /** The alarm topic; CloudWatch may publish to it and use its key, for this stage's alarms in this account only. */
  #alarmTopic(props: MonitoringProps): Topic {
    const topic = new Topic(this, 'Alarms', {
      topicName: `${props.stage}-sales-ops-alarms`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const fromOurAlarms = {
      StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
      ArnLike: {
        'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:${props.stage}-*`,
      },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchPublishesAlarmsOfThisStage',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromOurAlarms,
      }),
    );
    // Without these CloudWatch cannot encrypt the message for an encrypted topic, and alarms change state silently.
    props.encryptionKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchEncryptsAlarmsOfThisStage',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromOurAlarms,
      }),
    );
    return topic;
  }

  #alarm(name: string, spec: AlarmSpec): Alarm {
    const alarm = new Alarm(this, name, {
      alarmName: `${this.#stage}-${name}`,
      alarmDescription: `${spec.description}. What to do: ${runbook}, “${spec.section}”.`,
      metric: spec.metric,
      threshold: spec.threshold,
      evaluationPeriods: spec.periods ?? 1,
      comparisonOperator: spec.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: spec.missingData ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.#notify);
    this.alarms.push(alarm);
    return alarm;
  }

  /** One of our EMF metrics for this stage, optionally of one workflow. */
  #ops(name: OpsMetric, statistic: 'Sum' | 'Maximum', workflow?: string, label?: string): Metric {
    return new Metric({
      namespace: metricsNamespace,
      metricName: name,
      dimensionsMap: {
        service: metricsService,
        stage: this.#stage,
        ...(workflow ? { workflow } : {}),
      },
      statistic,
      period: fiveMinutes,
      label,
    });
  }

  /** A row per workflow: its executions, its human tasks, what needs attention; and its alarms. */
  #watchWorkflow({ slug, stateMachine: machine }: MonitoredWorkflow): IWidget[][] {
    const options = { period: fiveMinutes, statistic: 'Sum' };
    const failed = machine.metricFailed({ ...options, label: 'failed' });
    const timedOut = machine.metricTimedOut({ ...options, label: 'timed out' });
    const throttled = machine.metricThrottled({ ...options, label: 'throttled' });
    this.#alarm(`${slug}-executions-failed`, {
      metric: failed,
      threshold: 1,
      description: `A ${slug} execution failed (a step's Catch-all ended it in Needs attention, or it failed outright)`,
      section: 'Alarm: executions failed, timed out or throttled',
    });
    this.#alarm(`${slug}-executions-timed-out`, {
      metric: timedOut,
      threshold: 1,
      description: `A ${slug} execution timed out as a whole`,
      section: 'Alarm: executions failed, timed out or throttled',
    });
    this.#alarm(`${slug}-executions-throttled`, {
      metric: throttled,
      threshold: 1,
      description: `Step Functions throttled ${slug} executions`,
      section: 'Alarm: executions failed, timed out or throttled',
    });
    // On each new one (the count), not on how many there are: a gauge alarm already in ALARM would not tell of the next.
    const wentToAttention = this.#ops(opsMetrics.needsAttention, 'Sum', slug, 'went to NEEDS_ATTENTION');
    this.#alarm(`${slug}-needs-attention`, {
      metric: wentToAttention,
      threshold: 1,
      description: `A ${slug} subject went to NEEDS_ATTENTION`,
      section: 'A subject in NEEDS_ATTENTION',
    });
    const attention = this.#ops(opsMetrics.subjectsNeedingAttention, 'Maximum', slug, 'in NEEDS_ATTENTION');
    const pastEscalation = this.#ops(opsMetrics.tasksPastEscalation, 'Maximum', slug, 'past escalation');
    this.#alarm(`${slug}-tasks-past-escalation`, {
      metric: pastEscalation,
      threshold: 1,
      description: `A ${slug} task is past its escalation point and nobody took it over`,
      section: 'A stuck task',
    });
    const mailNotSent = this.#ops(opsMetrics.mailNotSent, 'Sum', slug, 'mails not sent');
    // On the mails still waiting, not on each attempt: a retried refusal would otherwise mail ops at every retry.
    const awaitingResend = this.#ops(opsMetrics.mailsAwaitingResend, 'Maximum', slug, 'awaiting resend');
    this.#alarm(`${slug}-mail-awaiting-resend`, {
      metric: awaitingResend,
      threshold: 1,
      description: `SES refused or could not take ${slug} mail; its tasks stay open and the sweeper sends it again`,
      section: 'Alarm: mail awaiting resend (SES sandbox, refused mail)',
    });

    const oldestHours = new MathExpression({
      expression: 'age / 3600',
      usingMetrics: { age: this.#ops(opsMetrics.oldestOpenTaskAge, 'Maximum', slug) },
      label: 'oldest open task (hours)',
      period: fiveMinutes,
    });
    return [
      [
        new GraphWidget({
          title: `${slug}: executions`,
          left: [
            machine.metricStarted({ ...options, label: 'started' }),
            machine.metricSucceeded({ ...options, label: 'succeeded' }),
            failed,
            timedOut,
            machine.metricAborted({ ...options, label: 'aborted' }),
            throttled,
          ],
          width: 8,
        }),
        new GraphWidget({
          title: `${slug}: open human tasks`,
          left: [this.#ops(opsMetrics.openTasks, 'Maximum', slug, 'open tasks'), pastEscalation],
          right: [oldestHours],
          width: 8,
        }),
        new GraphWidget({
          title: `${slug}: needs attention, mail not sent`,
          left: [attention, wentToAttention, awaitingResend, mailNotSent],
          width: 8,
        }),
      ],
    ];
  }

  #watchFunctions(functions: readonly BusinessFunction[]): IWidget[] {
    const errors = functions.map((f) => f.fn.metricErrors({ period: fiveMinutes, label: f.node.id }));
    functions.forEach((f, i) => {
      this.#alarm(`${f.node.id}-errors`, {
        metric: errors[i] as IMetric,
        threshold: 1,
        description: `The ${f.node.id} function failed`,
        section: 'Alarm: function errors',
      });
    });
    return [
      new GraphWidget({ title: 'Lambda errors', left: errors, width: 8 }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: functions.map((f) => f.fn.metricThrottles({ period: fiveMinutes, label: f.node.id })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Lambda duration (p99, ms)',
        left: functions.map((f) =>
          f.fn.metricDuration({ period: fiveMinutes, statistic: 'p99', label: f.node.id }),
        ),
        width: 8,
      }),
    ];
  }

  #watchApi(httpApi: HttpApi): IWidget[] {
    const serverErrors = httpApi.metricServerError({ period: fiveMinutes, statistic: 'Sum', label: '5xx' });
    this.#alarm('api-5xx', {
      metric: serverErrors,
      threshold: 1,
      description: 'The HTTP API answered a server error',
      section: 'Alarm: API 5xx',
    });
    return [
      new GraphWidget({
        title: 'API requests, 4xx, 5xx',
        left: [
          httpApi.metricCount({ period: fiveMinutes, statistic: 'Sum', label: 'requests' }),
          httpApi.metricClientError({ period: fiveMinutes, statistic: 'Sum', label: '4xx' }),
          serverErrors,
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: ['p50', 'p99'].map((statistic) =>
          httpApi.metricLatency({ period: fiveMinutes, statistic, label: statistic }),
        ),
        width: 12,
      }),
    ];
  }

  #watchMail(props: MonitoringProps): IWidget[] {
    // SES pauses an account's sending at 10% bounces or 0.5% complaints; these alarm well before.
    const reputation = (metricName: string, label: string) =>
      new Metric({
        namespace: 'AWS/SES',
        metricName,
        statistic: 'Maximum',
        period: Duration.hours(1),
        label,
      });
    const bounceRate = reputation('Reputation.BounceRate', 'bounce rate');
    const complaintRate = reputation('Reputation.ComplaintRate', 'complaint rate');
    this.#alarm('mail-bounce-rate', {
      metric: bounceRate,
      threshold: 0.02,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: "The account's SES bounce rate is above 2%",
      section: 'Alarm: bounce or complaint rate',
    });
    this.#alarm('mail-complaint-rate', {
      metric: complaintRate,
      threshold: 0.0005,
      comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: "The account's SES complaint rate is above 0.05%",
      section: 'Alarm: bounce or complaint rate',
    });
    const bounced = this.#ops(opsMetrics.addressBounced, 'Sum', undefined, 'addresses hard-bounced');
    this.#alarm('address-bounced', {
      metric: bounced,
      threshold: 1,
      description:
        "A person's address hard-bounced: it is marked undeliverable and their open tasks went to their manager",
      section: 'A bounced approver',
    });
    const complained = this.#ops(opsMetrics.mailComplaint, 'Sum', undefined, 'complaints');
    this.#alarm('mail-complaint', {
      metric: complained,
      threshold: 1,
      description: 'A recipient marked a task or outcome mail as spam',
      section: 'Alarm: complaint',
    });
    const sending = (metricName: string) =>
      new Metric({
        namespace: 'AWS/SES',
        metricName,
        dimensionsMap: { [configurationSetDimension]: props.mailConfigurationSet },
        statistic: 'Sum',
        period: fiveMinutes,
        label: metricName.toLowerCase(),
      });
    return [
      new GraphWidget({
        title: 'Mail of this stage (SES)',
        left: ['Send', 'Delivery', 'Bounce', 'Complaint', 'Reject'].map(sending),
        right: [bounced, complained],
        width: 12,
      }),
      new GraphWidget({
        title: 'SES reputation (whole account)',
        left: [bounceRate, complaintRate],
        leftAnnotations: [
          { value: 0.02, label: 'bounce alarm' },
          { value: 0.0005, label: 'complaint alarm' },
        ],
        width: 12,
      }),
    ];
  }

  /** Work done whose record is not whole: a trail entry that could not be written, a failed start not undone. */
  #watchRecords(): IWidget[] {
    const section = 'Alarm: a record left incomplete';
    const lost = this.#ops(opsMetrics.trailEntryLost, 'Sum', undefined, 'trail entries lost');
    const notUndone = this.#ops(opsMetrics.startNotUndone, 'Sum', undefined, 'failed starts not undone');
    this.#alarm('trail-entry-lost', {
      metric: lost,
      threshold: 1,
      description: 'A trail entry could not be written after the work it records was done',
      section,
    });
    this.#alarm('start-not-undone', {
      metric: notUndone,
      threshold: 1,
      description:
        'A workflow did not start and its subject could not be put back: it claims a review nobody runs',
      section,
    });
    return [new GraphWidget({ title: 'Records left incomplete', left: [lost, notUndone], width: 24 })];
  }

  #watchSweeper({ sweeps }: MonitoringProps): IWidget[] {
    const section = 'Alarm: sweeper failing or running long';
    const failures = this.#ops(opsMetrics.sweepTaskFailed, 'Sum', undefined, 'tasks failed');
    const backlog = this.#ops(opsMetrics.sweepBacklog, 'Sum', undefined, 'stopped with tasks due');
    this.#alarm('sweeper-task-failures', {
      metric: failures,
      threshold: 1,
      description: 'The SLA sweep could not handle a task (reminder, escalation, resend or redelivery)',
      section,
    });
    this.#alarm('sweeper-backlog', {
      metric: backlog,
      threshold: 1,
      periods: 3,
      description: 'The SLA sweep ran out of time with tasks still due, three times running',
      section,
    });
    const durations = sweeps.parts.map(({ name, function: { fn }, timeout }) => {
      const duration = fn.metricDuration({
        period: fiveMinutes,
        statistic: 'Maximum',
        label: `longest ${name} run (ms)`,
      });
      this.#alarm(`sweeper-${name}-running-long`, {
        metric: duration,
        threshold: timeout.toMilliseconds() * 0.8,
        description: `The SLA sweep's ${name} part ran for 80% of its timeout`,
        section,
      });
      // The mail part runs only when the delivery part ends: this alarm also catches a broken chain between them.
      this.#alarm(`sweeper-${name}-not-running`, {
        metric: fn.metricInvocations({
          period: Duration.minutes(sweeps.everyMinutes * 3),
          statistic: 'Sum',
          label: 'runs',
        }),
        threshold: 1,
        comparison: ComparisonOperator.LESS_THAN_THRESHOLD,
        missingData: TreatMissingData.BREACHING,
        description: `The SLA sweep's ${name} part did not run for ${sweeps.everyMinutes * 3} minutes`,
        section,
      });
      return { duration, timeout };
    });
    return [
      new GraphWidget({
        title: 'SLA sweep',
        left: durations.map(({ duration }) => duration),
        leftAnnotations: [
          { value: Math.max(...durations.map(({ timeout }) => timeout.toMilliseconds())), label: 'timeout' },
        ],
        right: [failures, backlog],
        width: 24,
      }),
    ];
  }
}
