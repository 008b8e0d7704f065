// Reads a workflow's policy from its JSON environment variable: defaults for what is left out, one clear error otherwise.
import type * as z from 'zod/mini';
import { ConfigurationError } from './env.ts';
import { inEnglish } from './schema-parse.ts';

/**
 * The policy in `json` (any subset of the fields; absent or empty → every default), parsed with `schema`. Bad JSON
 * or a bad value stops the cold start with an error naming the variable and each bad field.
 */
export function readPolicy<S extends z.ZodMiniType>(
  variable: string,
  schema: S,
  json: string | undefined,
): z.infer<S> {
  let raw: unknown = {};
  if (json?.trim()) {
    try {
      raw = JSON.parse(json);
    } catch (error) {
      // A bare SyntaxError in a cold-start log does not say which variable was at fault.
      throw new ConfigurationError(`Bad ${variable}: not valid JSON (${(error as Error).message})`);
    }
  }
  const parsed = schema.safeParse(raw, inEnglish);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(whole policy)'}: ${i.message}`)
      .join('; ');
    throw new ConfigurationError(`Bad ${variable}: ${problems}`);
  }
  return parsed.data;
}
