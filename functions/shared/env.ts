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
  workflows: {
    WORKFLOW_ARN_PREFIX: z.string().regex(/^arn:aws[\w-]*:states:/, 'must be a state machine ARN prefix'),
    /** Slugs of the workflows deployed with this stage, comma-separated. */
    DEPLOYED_WORKFLOWS: z
      .string()
      .default('')
      .transform((list) => list.split(',').filter(Boolean)),
  },
} as const;
