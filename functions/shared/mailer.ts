// What sending mail means to the domain code: one message to one person; SES is one implementation (ses-mail.ts).

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** A mail subject is one header line: any control character a title or a name may carry becomes a space. */
export function headerLine(text: string): string {
  let line = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    line += code < 32 || code === 127 ? ' ' : char;
  }
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
