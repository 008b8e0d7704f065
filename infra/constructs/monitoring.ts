// What ops watch: a dashboard and alarms (API errors, function errors, failed workflows, bounced mail) sent by email.
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { BusinessFunction } from './business-function.ts';

export interface MonitoringProps {
  stage: string;
  alarmEmail: string;
  encryptionKey: Key;
  httpApi: HttpApi;
  functions: readonly BusinessFunction[];
  stateMachines: readonly StateMachine[];
}

export class Monitoring extends Construct {
  readonly alarmTopic: Topic;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new Topic(this, 'Alarms', { masterKey: props.encryptionKey, enforceSSL: true });
    this.alarmTopic.addSubscription(new EmailSubscription(props.alarmEmail));
    const notify = new SnsAction(this.alarmTopic);
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, name, {
        alarmName: `${props.stage}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(notify);
      return created;
    };

    const api5xx = props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' });
    alarm('api-5xx', api5xx, 5, 'The HTTP API answered 5 or more server errors in 5 minutes');

    const functionErrors = props.functions.map((f) => f.fn.metricErrors({ period: Duration.minutes(5) }));
    props.functions.forEach((f, i) => {
      alarm(
        `${f.node.id}-errors`,
        functionErrors[i] as IMetric,
        1,
        `${f.node.id} failed in the last 5 minutes`,
      );
    });

    const failedRuns = props.stateMachines.map((sm) => sm.metricFailed({ period: Duration.minutes(5) }));
    const timedOutRuns = props.stateMachines.map((sm) => sm.metricTimedOut({ period: Duration.minutes(5) }));
    props.stateMachines.forEach((sm, i) => {
      const name = sm.node.scope?.node.id ?? sm.node.id;
      alarm(`${name}-failed`, failedRuns[i] as IMetric, 1, 'A workflow execution failed');
      alarm(`${name}-timed-out`, timedOutRuns[i] as IMetric, 1, 'A workflow execution timed out');
    });

    // The account's reputation rates are what SES acts on (it pauses sending at 10% bounces, 0.5% complaints).
    const sesRate = (metricName: string) =>
      new Metric({ namespace: 'AWS/SES', metricName, statistic: 'Maximum', period: Duration.hours(1) });
    alarm('mail-bounce-rate', sesRate('Reputation.BounceRate'), 0.05, 'Task mails bounce: 5% or more');
    alarm('mail-complaint-rate', sesRate('Reputation.ComplaintRate'), 0.001, 'Task mails are marked as spam');

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${props.stage}-sales-ops`,
      widgets: [
        [
          new GraphWidget({
            title: 'API requests and errors',
            left: [props.httpApi.metricCount(), api5xx],
            width: 12,
          }),
          new GraphWidget({ title: 'Function errors', left: functionErrors, width: 12 }),
        ],
        [
          new GraphWidget({
            title: 'Workflow runs failed / timed out',
            left: [...failedRuns, ...timedOutRuns],
            width: 12,
          }),
          new GraphWidget({
            title: 'Mail bounce and complaint rates',
            left: [sesRate('Reputation.BounceRate'), sesRate('Reputation.ComplaintRate')],
            width: 12,
          }),
        ],
      ],
    });
  }
}
