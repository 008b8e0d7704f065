// The HTTP edge: every kind of bad input gets a clear JSON 4xx naming the field, unknown errors a bare 500.
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { conflict } from '#shared/errors.ts';
import { type ApiEvent, type ApiResult, apiHandler } from '#shared/http.ts';

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
    path: z.object({ id: z.string().regex(/^\d+$/) }),
    body: z.object({ name: z.string().min(1), amount: z.number().int() }),
  },
  async ({ body, path, caller }) => {
    if (body.name === 'taken') throw conflict('That name is taken', { name: body.name });
    if (body.name === 'boom') throw new Error('secret internals');
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
});
