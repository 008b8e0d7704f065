// Sending through SES v2 (HTML with a plain-text alternative), for the handlers granted mail; env read once.
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { ses } from './clients/ses.ts';
import { envVars, readEnv } from './env.ts';
import { headerLine, type MailAccess, type Mailer } from './mailer.ts';

export function sesMailer(client: SESv2Client, from: string, configurationSet?: string): Mailer {
  return {
    async send(mail) {
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
    },
  };
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
