// Text people type into the system: the schemas that refuse control characters, for one line or for several.
import * as z from 'zod/mini';

/**
 * C0 controls (U+0000–U+001F), DEL and the C1 controls (U+007F–U+009F): invisible in a page, and in a mail subject
 * or header they can end the line early or hide what follows.
 */
export function isControlCharacter(code: number): boolean {
  return code <= 0x1f || (code >= 0x7f && code <= 0x9f);
}

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** The first control character in `text` that its kind of text may not hold, if any. */
export function forbiddenControlCharacter(text: string, multiLine: boolean): number | undefined {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (!isControlCharacter(code)) continue;
    if (multiLine && (code === TAB || code === LINE_FEED || code === CARRIAGE_RETURN)) continue;
    return code;
  }
  return undefined;
}

const codeName = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

interface TextLimits {
  /** At least this many characters after trimming; 1 (required) unless said. */
  min?: number;
  max: number;
  /** The message for too short, when "required" would not say it. */
  minMessage?: string;
}

function text(limits: TextLimits, multiLine: boolean) {
  return z.string().check(
    z.trim(),
    z.minLength(limits.min ?? 1, limits.minMessage),
    z.maxLength(limits.max),
    z.superRefine((value, context) => {
      const code = forbiddenControlCharacter(value, multiLine);
      if (code === undefined) return;
      context.addIssue({
        code: 'custom',
        input: value,
        message: multiLine
          ? `must not contain control characters other than line breaks and tabs (found ${codeName(code)})`
          : `must be one line without control characters: no line breaks, tabs, NUL or escapes (found ${codeName(code)})`,
      });
    }),
  );
}

/** A title, a name, a label, a reference: one line, shown in mail subjects, lists and table cells. */
export const oneLineText = (limits: TextLimits) => text(limits, false);

/** A reason, a comment, an address: line breaks and tabs are kept, every other control character is refused. */
export const multiLineText = (limits: TextLimits) => text(limits, true);
