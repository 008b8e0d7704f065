// Sandbox sign-in: HS256 JWTs signed with a key kept under the sandbox folder (Cognito issues tokens on AWS).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';

const issuer = 'sales-ops-sandbox';
const lifetimeSeconds = 12 * 60 * 60;

const claimsSchema = z.object({
  sub: z.string(),
  email: z.string(),
  iss: z.literal(issuer),
  iat: z.number(),
  exp: z.number(),
});
export type BearerClaims = z.infer<typeof claimsSchema>;

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class BearerTokens {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    this.#key = key;
  }

  /** Reuses the folder's key, so tokens survive a sandbox restart. */
  static inFolder(dir: string): BearerTokens {
    const file = join(dir, 'signing-key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return new BearerTokens(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'));
  }

  issue(email: string, now: Date): string {
    const iat = Math.floor(now.getTime() / 1000);
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({ sub: email, email, iss: issuer, iat, exp: iat + lifetimeSeconds }),
    );
    return `${header}.${payload}.${this.#sign(`${header}.${payload}`)}`;
  }

  /** The claims of a valid, unexpired token; undefined for anything else. */
  verify(token: string, now: Date): BearerClaims | undefined {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    const expected = Buffer.from(this.#sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    try {
      const claims = claimsSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
      return claims.exp > now.getTime() / 1000 ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  #sign(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url');
  }
}
