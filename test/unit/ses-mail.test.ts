// SES's answers as the domain sees them: a refusal (its sandbox, a paused account) versus a passing fault.
import type { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { MailRefused, trySend } from '#shared/mailer.ts';
import { sesMailer } from '#shared/ses-mail.ts';

const mail = { to: 'zhao.min@example.com', subject: '[待审批] 费用报销', html: '<p>x</p>', text: 'x' };

/** An SES client that answers every SendEmail with `answer` (an error's name and message), or takes it. */
function ses(answer?: { name: string; message: string }) {
  const sent: SendEmailCommand[] = [];
  const client = {
    send: async (command: SendEmailCommand) => {
      if (answer) throw Object.assign(new Error(answer.message), { name: answer.name, $metadata: {} });
      sent.push(command);
      return { MessageId: 'm-1' };
    },
  } as unknown as SESv2Client;
  return { client, sent };
}

describe('sending through SES', () => {
  it('sends from the sender through the configuration set', async () => {
    const { client, sent } = ses();
    await sesMailer(client, 'workflows@example.com', 'prod-sales-ops').send(mail);
    expect(sent[0]?.input).toMatchObject({
      FromEmailAddress: 'workflows@example.com',
      Destination: { ToAddresses: ['zhao.min@example.com'] },
      ConfigurationSetName: 'prod-sales-ops',
    });
  });

  it('sends a subject as one line: control characters from a title never reach the header', async () => {
    const { client, sent } = ses();
    await sesMailer(client, 'workflows@example.com').send({
      ...mail,
      subject: '[待审批] 费用报销\u0000\r\nBcc: x@evil.example\u0085\u001b',
    });
    expect(sent[0]?.input.Content?.Simple?.Subject?.Data).toBe('[待审批] 费用报销 Bcc: x@evil.example');
  });

  it.each([
    [
      'MessageRejected',
      'Email address is not verified. The following identities failed the check: zhao.min@example.com',
    ],
    ['MailFromDomainNotVerifiedException', 'Mail-from domain not verified'],
    ['SendingPausedException', 'Sending is paused for this account'],
    ['AccountSuspendedException', 'Account suspended'],
    [
      'AccessDeniedException',
      'not authorized to perform ses:SendEmail on resource identity/zhao.min@example.com',
    ],
  ])('calls %s a refusal, keeping what SES said', async (name, message) => {
    const { client } = ses({ name, message });
    const error = await sesMailer(client, 'workflows@example.com')
      .send(mail)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MailRefused);
    expect((error as Error).message).toBe(`${name}: ${message}`);
    expect(await trySend(sesMailer(client, 'workflows@example.com'), mail)).toEqual({
      sent: false,
      refused: true,
      reason: `MailRefused: ${name}: ${message}`,
    });
  });

  it('passes a throttle on as it is: not a refusal', async () => {
    const { client } = ses({ name: 'TooManyRequestsException', message: 'Rate exceeded' });
    const error = await sesMailer(client, 'workflows@example.com')
      .send(mail)
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(MailRefused);
    expect((error as Error).name).toBe('TooManyRequestsException');
    expect(await trySend(sesMailer(client, 'workflows@example.com'), mail)).toMatchObject({
      sent: false,
      refused: false,
    });
  });
});
