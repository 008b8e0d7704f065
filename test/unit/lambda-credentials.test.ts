// The stand-in for the SDK's default credential chain in Lambda bundles reads the execution role's env credentials.
import { afterEach, describe, expect, it } from 'vitest';
import { bundledSdkAliases } from '#infra/lambda-bundling.ts';
import { defaultProvider } from '#shared/lambda-credentials.ts';

const saved = { ...process.env };

afterEach(() => {
  process.env = { ...saved };
});

describe('lambda credentials', () => {
  it('replaces the default chain in every bundle that carries the SDK', () => {
    expect(bundledSdkAliases['@aws-sdk/credential-provider-node']).toMatch(
      /functions\/shared\/lambda-credentials\.ts$/,
    );
  });

  it('returns the credentials Lambda puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'session';
    const credentials = await defaultProvider()();
    expect(credentials).toMatchObject({
      accessKeyId: 'AKIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'session',
    });
  });

  it('fails clearly when there are none', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(defaultProvider()()).rejects.toThrow(/environment variable credentials/);
  });
});
