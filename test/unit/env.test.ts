// Environment parsing fails fast and names every missing or bad variable.
import { describe, expect, it } from 'vitest';
import { ConfigurationError, envVars, readEnv } from '#shared/env.ts';

describe('readEnv', () => {
  it('returns the parsed variables', () => {
    expect(readEnv(envVars.table, { TABLE_NAME: 'business' })).toEqual({ TABLE_NAME: 'business' });
  });

  it('names every missing or malformed variable in one error', () => {
    const read = () => readEnv(envVars.mail, { SENDER_EMAIL: 'not-an-email' });
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(/SENDER_EMAIL: .*APP_BASE_URL: /);
  });
});
