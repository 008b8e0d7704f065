// Outgoing mail: the SES sender identity and a configuration set that reports bounces, complaints and deliveries.
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
} from 'aws-cdk-lib/aws-ses';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

export interface MailerProps {
  senderEmail: string;
  /** Key for the topic that receives the sending events. */
  encryptionKey: Key;
}

export class Mailer extends Construct {
  readonly senderEmail: string;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;
  /** Bounce, complaint, reject and delivery events, for alarms and for support tracing a lost task mail. */
  readonly events: Topic;

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    this.senderEmail = props.senderEmail;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet');
    this.identity = new EmailIdentity(this, 'Sender', {
      identity: Identity.email(props.senderEmail),
      configurationSet: this.configurationSet,
    });
    // SES must be able to encrypt what it publishes to the topic.
    props.encryptionKey.grant(
      new ServicePrincipal('ses.amazonaws.com'),
      'kms:GenerateDataKey*',
      'kms:Decrypt',
    );
    this.events = new Topic(this, 'Events', { masterKey: props.encryptionKey, enforceSSL: true });
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
  }
}
