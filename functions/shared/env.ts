// Reads a handler's environment once, at cold start, and fails fast naming every missing or bad variable.
import * as z from 'zod';

export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** Parses `source` (process.env by default) with `shape`; throws one error listing every problem. */
export function readEnv<S extends z.ZodRawShape>(
  shape: S,
  source: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const parsed = z.object(shape).safeParse(source);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigurationError(`Bad environment: ${problems.join('; ')}`);
}

/** Variables each kind of access needs; the stack sets exactly these when it grants the access. */
export const envVars = {
  table: { TABLE_NAME: z.string().min(1) },
  mail: {
    SENDER_EMAIL: z.email(),
    MAIL_CONFIGURATION_SET: z.string().min(1).optional(),
    APP_BASE_URL: z.url(),
  },
  /**
   * The state machines a function starts, by slug: `{"expense-approval":"arn:aws:states:…"}`; only those deployed
   * with this stage are listed, so a follow-on not built yet is simply absent.
   */
  workflows: {
    WORKFLOW_ARNS: z
      .string()
      .transform((text, context) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          context.issues.push({ code: 'custom', message: 'must be a JSON object', input: text });
          return z.NEVER;
        }
      })
      .pipe(z.record(z.string(), z.string().regex(/^arn:aws[\w-]*:states:[^:]*:\d*:stateMachine:/))),
  },
} as const;
