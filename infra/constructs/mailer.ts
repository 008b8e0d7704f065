// Outgoing mail: the SES sender identity (created or existing), and a configuration set reporting sends and bounces.
import { Aws, CfnOutput, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import {
  CloudWatchDimensionSource,
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import type { SenderIdentityMode } from '../config.ts';

export interface MailerProps {
  stage: string;
  senderEmail: string;
  /** `create` makes the SES identity; `existing` uses one already verified in the account, by name. */
  senderIdentity: SenderIdentityMode;
  /** Verify this domain (with DKIM) instead of the one address. */
  senderDomain?: string;
  /** Key for the topic that receives the sending events. */
  encryptionKey: Key;
}

/** The dimension SES puts on the per-configuration-set sending metrics (AWS/SES Send, Bounce, Complaint…). */
export const configurationSetDimension = 'ses:configuration-set';

export class Mailer extends Construct {
  readonly senderEmail: string;
  /** Set when this stack creates the identity; undefined for an existing one. */
  readonly identity: EmailIdentity | undefined;
  readonly configurationSet: ConfigurationSet;
  /** Its name, known at synth: the sending metrics' dimension value. */
  readonly configurationSetName: string;
  /** Bounce, complaint, reject and delivery events: the feedback handler subscribes to it. */
  readonly events: Topic;

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSetName = `${props.stage}-sales-ops`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {
      // Named, so ops find it in the SES console and the sending metrics carry a readable dimension.
      configurationSetName: this.configurationSetName,
      reputationMetrics: true,
    });
    if (props.senderIdentity === 'create') {
      // A domain identity gets Easy DKIM: its three CNAME records are printed below for the DNS.
      this.identity = new EmailIdentity(this, 'Sender', {
        identity: props.senderDomain
          ? Identity.domain(props.senderDomain)
          : Identity.email(props.senderEmail),
        configurationSet: this.configurationSet,
      });
      if (props.senderDomain) this.#printDkimRecords(this.identity);
    }

    // SES encrypts what it publishes to the topic, on behalf of this configuration set only.
    props.encryptionKey.addToResourcePolicy(
      new PolicyStatement({
        sid: 'SesPublishesMailEventsOfThisStage',
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': this.configurationSetArn },
        },
      }),
    );
    this.events = new Topic(this, 'Events', {
      topicName: `${props.stage}-sales-ops-mail-events`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // The event destination adds the topic policy for SES itself, scoped by aws:SourceAccount and aws:SourceArn.
    new ConfigurationSetEventDestination(this, 'ToTopic', {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(this.events),
      events: [
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY,
      ],
    });
    // Per-stage counts for the dashboard: the account-wide SES metrics mix every stage in the account.
    new ConfigurationSetEventDestination(this, 'ToMetrics', {
      configurationSet: this.configurationSet,
      destination: EventDestination.cloudWatchDimensions([
        {
          name: configurationSetDimension,
          source: CloudWatchDimensionSource.MESSAGE_TAG,
          defaultValue: this.configurationSetName,
        },
      ]),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
      ],
    });
  }

  get configurationSetArn(): string {
    return Stack.of(this).formatArn({
      service: 'ses',
      resource: 'configuration-set',
      resourceName: this.configurationSet.configurationSetName,
    });
  }

  #printDkimRecords(identity: EmailIdentity): void {
    const records = [
      [identity.dkimDnsTokenName1, identity.dkimDnsTokenValue1],
      [identity.dkimDnsTokenName2, identity.dkimDnsTokenValue2],
      [identity.dkimDnsTokenName3, identity.dkimDnsTokenValue3],
    ] as const;
    records.forEach(([name, value], i) => {
      new CfnOutput(this, `DkimRecord${i + 1}`, {
        description: `DKIM: add this CNAME to the sender domain's DNS (record ${i + 1} of 3)`,
        value: `${name} CNAME ${value}`,
      });
    });
  }
}
