// What sending mail means to the domain code: one message to one person; SES is one implementation (ses-mail.ts).
import { isControlCharacter } from './text.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/**
 * A mail subject is one header line: any control character a title or a name may carry (C0, DEL, C1) becomes a
 * space. The API refuses them in one-line fields; this holds for text that came in before, or by another way.
 */
export function headerLine(text: string): string {
  let line = '';
  for (const char of text) line += isControlCharacter(char.codePointAt(0) ?? 0) ? ' ' : char;
  return line.replace(/ {2,}/g, ' ').trim();
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<void>;
}

/** Mail as a handler is granted it: the mailer and the base URL that task links start with. */
export interface MailAccess {
  mailer: Mailer;
  baseUrl: string;
}

/**
 * SES would not take the mail: in its sandbox an unverified recipient, an unverified sender, a paused or suspended
 * account, a missing grant. Trying again helps only once someone fixed the cause, so the caller keeps the work open
 * and retries later instead of failing a workflow over it.
 */
export class MailRefused extends Error {
  override name = 'MailRefused';
}

/** What became of a mail handed to the mailer: taken, or not (refused, or a fault that outlived the SDK's retries). */
export type SendOutcome = { sent: true } | { sent: false; refused: boolean; reason: string };

/** Sends `mail`, answering instead of throwing when it could not be handed over: callers decide what that means. */
export async function trySend(mailer: Mailer, mail: OutgoingMail): Promise<SendOutcome> {
  try {
    await mailer.send(mail);
    return { sent: true };
  } catch (error) {
    const refused = error instanceof MailRefused;
    const reason = `${(error as Error).name}: ${(error as Error).message}`.slice(0, 500);
    return { sent: false, refused, reason };
  }
}

/**
 * For handlers that are not granted mail: they never send any, and if a change makes one try, it fails loudly
 * instead of bundling SES into every function.
 */
export const mailNotGranted: MailAccess = {
  mailer: {
    send: async () => {
      throw new Error('This function is not granted mail: add "mail" to its uses and pass mailFromEnv()');
    },
  },
  baseUrl: 'https://mail-not-granted.invalid',
};
