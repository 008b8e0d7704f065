// Sandbox sign-in: HS256 JWTs made and checked with jose, as an API Gateway JWT authorizer checks Cognito's on AWS.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jwtVerify, SignJWT } from 'jose';
import * as z from 'zod/mini';
import { inEnglish } from '#shared/schema-parse.ts';

const issuer = 'sales-ops-sandbox';
const audience = 'sales-ops-api';
/** Real time, not virtual: advancing the sandbox clock by days must not sign everyone out. */
export const tokenLifetimeSeconds = 12 * 60 * 60;

const claimsSchema = z.object({
  sub: z.string().check(z.minLength(1)),
  email: z.string().check(z.minLength(1)),
  iss: z.literal(issuer),
});
export type BearerClaims = z.infer<typeof claimsSchema>;

/** Why a request carries no usable token; each one gets its own sentence in the 401. */
export type TokenProblem = 'missing' | 'expired' | 'invalid';

export type Verification = { ok: true; claims: BearerClaims } | { ok: false; problem: TokenProblem };

export class BearerTokens {
  readonly #key: Uint8Array;
  readonly #now: () => number;

  /** `now` is real time in milliseconds; tests pass their own to see a token expire. */
  constructor(key: Uint8Array, now: () => number = Date.now) {
    this.#key = key;
    this.#now = now;
  }

  /** Reuses the folder's key, so tokens survive a sandbox restart. */
  static inFolder(dir: string, now?: () => number): BearerTokens {
    const file = join(dir, 'signing-key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
    return new BearerTokens(Buffer.from(readFileSync(file, 'utf8').trim(), 'hex'), now);
  }

  async issue(email: string): Promise<string> {
    const issuedAt = Math.floor(this.#now() / 1000);
    return new SignJWT({ email })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(email)
      .setIssuer(issuer)
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + tokenLifetimeSeconds)
      .sign(this.#key);
  }

  /** Checks signature, issuer, audience and expiry (on real time); says what is wrong otherwise. */
  async verify(token: string | undefined): Promise<Verification> {
    if (!token) return { ok: false, problem: 'missing' };
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        issuer,
        audience,
        algorithms: ['HS256'],
        currentDate: new Date(this.#now()),
      });
      const claims = claimsSchema.safeParse(payload, inEnglish);
      return claims.success ? { ok: true, claims: claims.data } : { ok: false, problem: 'invalid' };
    } catch (error) {
      return { ok: false, problem: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}

const problemMessages: Record<TokenProblem, string> = {
  missing: 'No bearer token was sent.',
  expired: 'Your sign-in has expired.',
  invalid: 'The bearer token is not valid here (signed by another sandbox, or altered).',
};

/** The JSON 401 body: what is wrong and how to sign in again, with the exact request to make. */
export function unauthorizedBody(problem: TokenProblem, apiUrl: string): Record<string, string> {
  return {
    message: 'Unauthorized',
    error: `token-${problem}`,
    detail: `${problemMessages[problem]} Sign in again with POST ${apiUrl}/_local/login {"email": "<your email>"} and send the token as "Authorization: Bearer <token>".`,
  };
}
