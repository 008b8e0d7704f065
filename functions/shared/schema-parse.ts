// Parsing with zod/mini as zod's classic API did: its English messages, and a thrown error named `ZodError`.
import type * as z from 'zod/mini';
import english from 'zod/v4/locales/en.js';

/**
 * The parse context for every parse whose issues a person reads (400 replies, configuration errors, a failed step's
 * cause): `schema.safeParse(value, inEnglish)`. zod/mini loads no messages, so without it every issue would read
 * "Invalid input"; a message the schema gives itself still wins. Per parse, not `z.config`: the sandbox runs the
 * handlers in one process with its own code, where a global set by one module would hide another's missing one.
 */
export const inEnglish: z.core.ParseContext<z.core.$ZodIssue> = { error: english().localeError };

/**
 * `schema.parse(value)` in English. The thrown error keeps the name zod's classic API gave it (`ZodError`, not
 * zod/mini's `$ZodError`): a failed step's Error and a subject's attention show it to ops.
 */
export function parseOrThrow<T>(schema: z.ZodMiniType<T>, value: unknown): T {
  const parsed = schema.safeParse(value, inEnglish);
  if (parsed.success) return parsed.data;
  parsed.error.name = 'ZodError';
  throw parsed.error;
}
