// Sandbox sign-in tokens: made and checked with jose, expiring on real time, each problem named for the 401.
import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { BearerTokens, tokenLifetimeSeconds, unauthorizedBody } from '#infra/local/bearer-tokens.ts';

const key = randomBytes(32);

describe('sandbox bearer tokens', () => {
  it('verifies a token it issued and gives its claims', async () => {
    const tokens = new BearerTokens(key);
    const verified = await tokens.verify(await tokens.issue('li.lei@example.com'));
    expect(verified).toEqual({
      ok: true,
      claims: { sub: 'li.lei@example.com', email: 'li.lei@example.com', iss: 'sales-ops-sandbox' },
    });
  });

  it('expires on real time after its lifetime, whatever the virtual clock says', async () => {
    let now = Date.parse('2026-03-01T08:00:00Z');
    const tokens = new BearerTokens(key, () => now);
    const token = await tokens.issue('li.lei@example.com');
    now += (tokenLifetimeSeconds - 60) * 1000;
    expect((await tokens.verify(token)).ok).toBe(true);
    now += 120 * 1000;
    expect(await tokens.verify(token)).toEqual({ ok: false, problem: 'expired' });
  });

  it('names a missing token, an altered one, and one signed with another key or for another issuer', async () => {
    const tokens = new BearerTokens(key);
    expect(await tokens.verify(undefined)).toEqual({ ok: false, problem: 'missing' });
    const token = await tokens.issue('li.lei@example.com');
    const [header, , signature] = token.split('.');
    const forgedClaims = Buffer.from(JSON.stringify({ sub: 'admin@example.com' })).toString('base64url');
    expect(await tokens.verify(`${header}.${forgedClaims}.${signature}`)).toEqual({
      ok: false,
      problem: 'invalid',
    });
    expect(await new BearerTokens(randomBytes(32)).verify(token)).toEqual({ ok: false, problem: 'invalid' });
    const foreign = await new SignJWT({ email: 'li.lei@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('li.lei@example.com')
      .setIssuer('someone-else')
      .setAudience('sales-ops-api')
      .setExpirationTime('1h')
      .sign(key);
    expect(await tokens.verify(foreign)).toEqual({ ok: false, problem: 'invalid' });
    expect(await tokens.verify('not-a-jwt')).toEqual({ ok: false, problem: 'invalid' });
  });

  it('tells a signed-out caller exactly how to sign in again', () => {
    const body = unauthorizedBody('expired', 'http://127.0.0.1:3000');
    expect(body.message).toBe('Unauthorized');
    expect(body.error).toBe('token-expired');
    expect(body.detail).toContain('POST http://127.0.0.1:3000/_local/login');
  });
});
