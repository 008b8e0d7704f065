// Reads a handler's environment once, at cold start, and fails fast naming every missing or bad variable.
import * as z from 'zod/mini';
import { inEnglish } from './schema-parse.ts';

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** Parses `source` (process.env by default) with `shape`; throws one error listing every problem. */
export function readEnv<S extends z.core.$ZodLooseShape>(
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodMiniObject<S>> {
  const parsed = z.object(shape).safeParse(source, inEnglish);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`Bad environment: ${problems.join('; ')}`);
}

/** Variables each kind of access needs; the stack sets exactly these when it grants the access. */
export const envVars = {
  table: { TABLE_NAME: z.string().check(z.minLength(1)) },
  /** The key first task links are derived with, kept outside the table (a secret on AWS, a file in the sandbox). */
  taskLinks: { TASK_LINK_KEY: z.string().check(z.minLength(32)) },
  mail: {
    SENDER_EMAIL: z.email(),
    MAIL_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
    APP_BASE_URL: z.url(),
  },
  /**
   * The state machines a function starts, by slug: `{"expense-approval":"arn:aws:states:…"}`; only those deployed
   * with this stage are listed, so a follow-on not built yet is simply absent.
   */
  workflows: {
    WORKFLOW_ARNS: z.pipe(
      z.pipe(
        z.string(),
        z.transform((text, context) => {
          try {
            return JSON.parse(text) as unknown;
          } catch {
            context.issues.push({ code: 'custom', message: 'must be a JSON object', input: text });
            return z.NEVER;
          }
        }),
      ),
      z.record(z.string(), z.string().check(z.regex(/^arn:aws[\w-]*:states:[^:]*:\d*:stateMachine:/))),
    ),
  },
} as const;
