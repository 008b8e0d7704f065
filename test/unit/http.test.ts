// The HTTP edge: every kind of bad input gets a clear JSON 4xx naming the field, passing faults a 503, unknown errors a bare 500.
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { conflict } from '#shared/errors.ts';
import { type ApiEvent, type ApiResult, apiHandler } from '#shared/http.ts';
import { addEmailClaim, handler as signInClaims } from '../../functions/api/sign-in-claims.ts';

function event(overrides: Partial<ApiEvent> & { email?: string } = {}): ApiEvent {
  const { email, ...rest } = overrides;
  return {
    version: '2.0',
    routeKey: 'POST /things/{id}',
    rawPath: '/things/1',
    rawQueryString: '',
    headers: { 'Content-Type': 'application/json', 'User-Agent': 'test' },
    requestContext: {
      http: {
        method: 'POST',
        path: '/things/1',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.9',
        userAgent: 'test',
      },
      authorizer: email
        ? { jwt: { claims: { email }, scopes: [] }, principalId: '', integrationLatency: 0 }
        : undefined,
    } as unknown as ApiEvent['requestContext'],
    isBase64Encoded: false,
    pathParameters: { id: '1' },
    ...rest,
  } as ApiEvent;
}

const context = {} as Context;
const thing = apiHandler(
  {
    access: 'signed-in',
    path: z.object({ id: z.string().check(z.regex(/^\d+$/)) }),
    body: z.object({ name: z.string().check(z.minLength(1)), amount: z.int() }),
  },
  async ({ body, path, caller }) => {
    if (body.name === 'taken') throw conflict('That name is taken', { name: body.name });
    if (body.name === 'boom') throw new Error('secret internals');
    if (body.name === 'busy')
      throw Object.assign(new Error('table throughput internals'), {
        name: 'ProvisionedThroughputExceededException',
        $metadata: { httpStatusCode: 400 },
      });
    return { status: 201, body: { id: path.id, name: body.name, by: caller?.email } };
  },
);

const call = async (e: ApiEvent) => {
  const result = (await thing(e, context)) as ApiResult;
  return {
    status: result.statusCode,
    body: result.body ? JSON.parse(result.body) : undefined,
    headers: result.headers,
  };
};

describe('apiHandler', () => {
  it('runs the route with parsed input and the caller from the JWT claims', async () => {
    const res = await call(
      event({ email: 'Ann@Example.com', body: JSON.stringify({ name: 'x', amount: 5 }) }),
    );
    expect(res).toMatchObject({ status: 201, body: { id: '1', name: 'x', by: 'ann@example.com' } });
    expect(res.headers?.['content-type']).toContain('application/json');
  });

  it('refuses a request without a verified email claim on a signed-in route', async () => {
    const res = await call(event({ body: JSON.stringify({ name: 'x', amount: 5 }) }));
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });

  it('names each bad body field', async () => {
    const res = await call(
      event({ email: 'a@example.com', body: JSON.stringify({ name: '', amount: 1.5 }) }),
    );
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['amount', 'name']);
  });

  it('names a bad path parameter with its part', async () => {
    const res = await call(
      event({
        email: 'a@example.com',
        pathParameters: { id: 'x' },
        body: JSON.stringify({ name: 'x', amount: 1 }),
      }),
    );
    expect(res).toMatchObject({ status: 400, body: { fields: [{ field: 'path.id' }] } });
  });

  it('says when the body is not JSON', async () => {
    const res = await call(event({ email: 'a@example.com', body: '{oops' }));
    expect(res).toMatchObject({
      status: 400,
      body: { fields: [{ field: '(body)', message: 'The body is not valid JSON' }] },
    });
  });

  it('refuses a __proto__ key at any depth, naming where it is, before the route runs', async () => {
    for (const [body, field] of [
      ['{"name":"x","amount":1,"__proto__":{"admin":true}}', '__proto__'],
      ['{"name":"x","amount":1,"tags":[{"a":1},{"__proto__":1}]}', 'tags.1.__proto__'],
    ] as const) {
      const res = await call(event({ email: 'a@example.com', body }));
      expect(res).toMatchObject({ status: 400, body: { fields: [{ field }] } });
    }
  });

  it('names each field a strict schema does not know, nested ones by their path', async () => {
    const strict = apiHandler(
      {
        access: 'signed-in',
        body: z.strictObject({ money: z.strictObject({ amount: z.number() }) }),
      },
      async () => ({ status: 201, body: {} }),
    );
    const result = (await strict(
      event({
        email: 'a@example.com',
        body: JSON.stringify({ money: { amount: 1, rate: 2 }, constructor: 'x', extra: 1 }),
      }),
      context,
    )) as ApiResult;
    expect(result.statusCode).toBe(400);
    const fields = (JSON.parse(result.body ?? '{}') as { fields: { field: string }[] }).fields;
    expect(fields.map((f) => f.field).sort()).toEqual(['constructor', 'extra', 'money.rate']);
  });

  it('maps a domain error to its status and code', async () => {
    const res = await call(
      event({ email: 'a@example.com', body: JSON.stringify({ name: 'taken', amount: 1 }) }),
    );
    expect(res).toMatchObject({
      status: 409,
      body: { error: 'conflict', message: 'That name is taken', name: 'taken' },
    });
  });

  it('answers an unexpected error with a 500 that leaks nothing', async () => {
    const res = await call(
      event({ email: 'a@example.com', body: JSON.stringify({ name: 'boom', amount: 1 }) }),
    );
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret internals');
  });

  it('answers a throttle or a service 5xx that outlived the SDK retries with a 503 and when to retry', async () => {
    const res = await call(
      event({ email: 'a@example.com', body: JSON.stringify({ name: 'busy', amount: 1 }) }),
    );
    expect(res).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(res.headers?.['retry-after']).toBe('1');
    expect(JSON.stringify(res.body)).not.toContain('internals');
  });
});

/** API Gateway's JWT authorizer hands the verified token's claims over as strings. */
function withClaims(claims: Record<string, string>): ApiEvent {
  const base = event({ body: JSON.stringify({ name: 'x', amount: 5 }) });
  return {
    ...base,
    requestContext: {
      ...base.requestContext,
      authorizer: { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 },
    },
  } as ApiEvent;
}

const sub = '5f2c9a1e-7b3d-4e8a-9c61-2d0f4b7a8e13';
const issuer = 'https://cognito-idp.cn-north-1.amazonaws.com/cn-north-1_AbCdEf123';
const clientId = '3n4b5urk1ft4fl3mg5e62d9ado';

/** A Cognito ID token, as the SRP sign-in returns it. */
const idToken = {
  sub,
  email_verified: 'true',
  iss: issuer,
  'cognito:username': sub,
  origin_jti: 'a3b1',
  aud: clientId,
  event_id: 'e9d2',
  token_use: 'id',
  auth_time: '1795000000',
  exp: '1795003600',
  iat: '1795000000',
  jti: 'c4d5',
  email: 'Zhao.Min@Example.com',
};

/** A Cognito access token from the same sign-in, before any trigger: no email. */
const bareAccessToken = {
  sub,
  iss: issuer,
  client_id: clientId,
  origin_jti: 'a3b1',
  event_id: 'e9d2',
  token_use: 'access',
  scope: 'aws.cognito.signin.user.admin',
  auth_time: '1795000000',
  exp: '1795003600',
  iat: '1795000000',
  jti: 'f6a7',
  username: sub,
};

describe('the caller, from each Cognito token shape', () => {
  it('is the email of an ID token', async () => {
    const res = await call(withClaims(idToken));
    expect(res).toMatchObject({ status: 201, body: { by: 'zhao.min@example.com' } });
  });

  it('is the email the pre-token-generation trigger adds to an access token', async () => {
    const triggered = addEmailClaim({
      version: '2',
      triggerSource: 'TokenGeneration_Authentication',
      request: { userAttributes: { sub, email_verified: 'true', email: 'Zhao.Min@Example.com' } },
      response: { claimsAndScopeOverrideDetails: null },
    });
    const added =
      triggered.response.claimsAndScopeOverrideDetails.accessTokenGeneration.claimsToAddOrOverride;
    expect(added).toEqual({ email: 'zhao.min@example.com' });
    const res = await call(withClaims({ ...bareAccessToken, ...added }));
    expect(res).toMatchObject({ status: 201, body: { by: 'zhao.min@example.com' } });
  });

  it('is nobody for an access token without the email claim: 401, never a guess from sub or username', async () => {
    const res = await call(withClaims(bareAccessToken));
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });

  it('is nobody for a token of another use, even with an email claim', async () => {
    const res = await call(withClaims({ ...idToken, token_use: 'refresh' }));
    expect(res.status).toBe(401);
  });

  it('the trigger refuses an event without the email attribute instead of issuing a token nobody can use', async () => {
    await expect(
      signInClaims({
        version: '2',
        triggerSource: 'TokenGeneration_Authentication',
        request: { userAttributes: { sub } },
      }),
    ).rejects.toThrow();
  });
});
