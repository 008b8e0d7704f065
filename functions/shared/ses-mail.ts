// Sending through SES v2 (HTML with a plain-text alternative), for the handlers granted mail; env read once.
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ses } from './clients/ses.ts';
import { envVars, readEnv } from './env.ts';
import { headerLine, type MailAccess, type Mailer, MailRefused, type OutgoingMail } from './mailer.ts';

/**
 * SES answers these when it will not send at all (SendEmail in SES v2): in its sandbox `MessageRejected` "Email
 * address is not verified" for a recipient; an unverified sender domain; a paused or suspended account; a missing
 * identity or configuration set; and IAM's refusal. Throttling and 5xx are passing faults, not refusals.
 */
const refusals = new Set([
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'AccountSuspendedException',
  'SendingPausedException',
  'NotFoundException',
  'BadRequestException',
  'AccessDeniedException',
]);

export function sesMailer(client: SESv2Client, from: string, configurationSet?: string): Mailer {
  return {
    async send(mail) {
      try {
        await sendThroughSes(client, from, configurationSet, mail);
      } catch (error) {
        const name = (error as Error).name;
        if (refusals.has(name))
          throw new MailRefused(`${name}: ${(error as Error).message}`, { cause: error });
        throw error;
      }
    },
  };
}

async function sendThroughSes(
  client: SESv2Client,
  from: string,
  configurationSet: string | undefined,
  mail: OutgoingMail,
): Promise<void> {
  await client.send(
    new SendEmailCommand({
      FromEmailAddress: from,
      Destination: { ToAddresses: [mail.to] },
      ConfigurationSetName: configurationSet,
      Content: {
        Simple: {
          Subject: { Data: headerLine(mail.subject), Charset: 'UTF-8' },
          Body: {
            Html: { Data: mail.html, Charset: 'UTF-8' },
            Text: { Data: mail.text, Charset: 'UTF-8' },
          },
        },
      },
    }),
  );
}

let access: MailAccess | undefined;

/** The mailer and link base URL from SENDER_EMAIL, MAIL_CONFIGURATION_SET and APP_BASE_URL. */
export function mailFromEnv(): MailAccess {
  if (!access) {
    const env = readEnv(envVars.mail);
    access = {
      mailer: sesMailer(ses(), env.SENDER_EMAIL, env.MAIL_CONFIGURATION_SET),
      baseUrl: env.APP_BASE_URL,
    };
  }
  return access;
}
