// Cognito pre-token-generation trigger (V2): puts the person's email into the access token, as the ID token has it.
import * as z from 'zod/mini';
import { parseOrThrow } from '#shared/schema-parse.ts';

/**
 * The part of Cognito's V2 pre-token-generation event this reads; the rest comes back unchanged. The user pool
 * requires an email (it is the sign-in name), so a token request without one is a misconfigured pool.
 */
const tokenRequest = z.looseObject({
  // "2" for the V2_0 trigger the stack configures; V3_0 events ("3") take the same answer.
  version: z.string(),
  triggerSource: z.string(),
  request: z.looseObject({ userAttributes: z.looseObject({ email: z.email() }) }),
  response: z.optional(z.looseObject({})),
});

export type TokenRequest = z.infer<typeof tokenRequest>;

/**
 * The directory is keyed by email and the API reads it from the token. Access tokens carry only `sub` and
 * `username` (a UUID when email is the sign-in alias); adding `email` lets integrations call the API with either token.
 */
export function addEmailClaim(event: TokenRequest) {
  const email = event.request.userAttributes.email.toLowerCase();
  return {
    ...event,
    response: {
      ...event.response,
      claimsAndScopeOverrideDetails: {
        accessTokenGeneration: { claimsToAddOrOverride: { email } },
      },
    },
  };
}

export const handler = async (event: unknown) => addEmailClaim(parseOrThrow(tokenRequest, event));
