// The edge of every HTTP API handler: parses path, query and body with zod, maps errors to JSON replies, once.
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import { DomainError, type FieldProblem, InvalidInput, unauthorized } from './errors.ts';
import { logger } from './logger.ts';
import { inEnglish } from './schema-parse.ts';
import { isTransient } from './transient.ts';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface Caller {
  email: string;
}

export interface ApiRequest<Body, Path, Query> {
  body: Body;
  path: Path;
  query: Query;
  /** The signed-in person, from the JWT the authorizer verified; undefined only on public routes. */
  caller: Caller | undefined;
  headers: Readonly<Record<string, string | undefined>>;
  sourceIp: string;
  userAgent: string;
}

export interface ApiReply {
  status?: number;
  /** Sent as JSON. */
  body?: unknown;
  /** A whole HTML page instead of JSON (the task pages). */
  html?: string;
  headers?: Record<string, string>;
}

interface RouteSpec<Body, Path, Query> {
  /** Public routes need no token; all others reject a request without a verified email claim. */
  access: 'public' | 'signed-in';
  /** `form`: an HTML form post (`application/x-www-form-urlencoded`), read as a record of strings. */
  bodyFormat?: 'json' | 'form';
  body?: z.ZodMiniType<Body>;
  path?: z.ZodMiniType<Path>;
  query?: z.ZodMiniType<Query>;
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode: status, headers: { ...jsonHeaders, ...headers }, body: JSON.stringify(body) };
}

/**
 * Pages carry secrets in their URL and form: never cached, never sent on as a referrer, never framed, no scripts.
 */
const pageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
};

export function page(status: number, html: string, headers: Record<string, string> = {}): ApiResult {
  return { statusCode: status, headers: { ...headers, ...pageHeaders }, body: html };
}

const fieldName = (prefix: string | undefined, path: readonly PropertyKey[]) =>
  [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)';

/** One problem per field; a name the schema does not know is a field of its own, so the reply names it. */
export function fieldProblems(error: z.core.$ZodError, prefix?: string): FieldProblem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          field: fieldName(prefix, [...issue.path, key]),
          message: 'not a field of this request',
        }))
      : [{ field: fieldName(prefix, issue.path), message: issue.message }],
  );
}

function parsePart<T>(schema: z.ZodMiniType<T> | undefined, value: unknown, part: string): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value, inEnglish);
  if (!parsed.success)
    throw new InvalidInput(fieldProblems(parsed.error, part === 'body' ? undefined : part));
  return parsed.data;
}

function readBody(event: ApiEvent, format: 'json' | 'form'): unknown {
  if (event.body === undefined || event.body === '') return format === 'form' ? {} : undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (format === 'form') return Object.fromEntries(new URLSearchParams(text));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidInput([{ field: '(body)', message: 'The body is not valid JSON' }]);
  }
  const prototypeKey = prototypeKeyIn(parsed);
  if (prototypeKey !== undefined)
    throw new InvalidInput([{ field: prototypeKey, message: 'not a field of this request' }]);
  return parsed;
}

/**
 * Where a `__proto__` key sits in a parsed body, at any depth. zod drops that key without a word from records and
 * non-strict objects, so a schema alone would let it pass unseen; no field is ever called that. A loop, not
 * recursion: a hostile body may nest a million levels deep.
 */
function prototypeKeyIn(body: unknown): string | undefined {
  const pending: { value: unknown; path: string }[] = [{ value: body, path: '' }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value !== 'object' || value === null) continue;
    for (const [key, inner] of Object.entries(value)) {
      const at = path === '' ? key : `${path}.${key}`;
      if (key === '__proto__') return at;
      pending.push({ value: inner, path: at });
    }
  }
  return undefined;
}

/**
 * The signed-in person. API Gateway verified the token (signature, issuer, audience or client_id, expiry); both
 * Cognito shapes name the person by `email`: an ID token by itself, an access token because the pre-token-generation
 * trigger (functions/api/sign-in-claims.ts) adds it. A token of another use, or one without an email (a client
 * credentials token, an access token issued before the trigger existed) names nobody in the directory.
 */
function callerOf(event: ApiEvent): Caller | undefined {
  const claims = event.requestContext.authorizer?.jwt?.claims ?? {};
  const use = claims.token_use;
  if (use !== undefined && use !== 'id' && use !== 'access') return undefined;
  const email = claims.email;
  return typeof email === 'string' && /^[^@\s]+@[^@\s]+$/.test(email)
    ? { email: email.toLowerCase() }
    : undefined;
}

export function errorReply(error: unknown): ApiResult {
  if (error instanceof InvalidInput) {
    return json(400, {
      error: 'invalid-request',
      message: 'Some fields are not valid',
      fields: error.fields,
    });
  }
  if (error instanceof DomainError) {
    return json(error.status, { error: error.code, message: error.message, ...error.details });
  }
  if (isTransient(error)) {
    // Throttling or a service's 5xx outlived the SDK's retries: nothing is wrong with the request, so say when to
    // ask again (a creating POST with its Idempotency-Key still creates once).
    logger.warn('A passing fault reached the API', error as Error);
    return json(
      503,
      { error: 'unavailable', message: 'A service we depend on is busy; try again shortly' },
      { 'retry-after': '1' },
    );
  }
  // Unknown errors are ours, not the caller's: log them whole, answer without internals.
  logger.error('Unhandled error', error as Error);
  return json(500, { error: 'internal', message: 'Something went wrong on our side; it has been logged' });
}

/** Wraps a route's business function: parsing, auth check and replies live here so handlers stay a few lines. */
export function apiHandler<Body = undefined, Path = undefined, Query = undefined>(
  spec: RouteSpec<Body, Path, Query>,
  run: (request: ApiRequest<Body, Path, Query>) => Promise<ApiReply>,
) {
  return middy<ApiEvent, ApiResult, Error, Context>()
    .use({
      onError: async (request) => {
        request.response = errorReply(request.error);
      },
    })
    .handler(async (event) => {
      const caller = callerOf(event);
      if (spec.access === 'signed-in' && !caller) throw unauthorized();
      const request: ApiRequest<Body, Path, Query> = {
        path: parsePart(spec.path, event.pathParameters ?? {}, 'path'),
        query: parsePart(spec.query, event.queryStringParameters ?? {}, 'query'),
        body: parsePart(
          spec.body,
          spec.body ? readBody(event, spec.bodyFormat ?? 'json') : undefined,
          'body',
        ),
        caller,
        headers: lowerCaseKeys(event.headers ?? {}),
        sourceIp: event.requestContext.http.sourceIp,
        userAgent: event.requestContext.http.userAgent,
      };
      const reply = await run(request);
      if (reply.html !== undefined) return page(reply.status ?? 200, reply.html, reply.headers);
      if (reply.body === undefined) return { statusCode: reply.status ?? 204, headers: reply.headers ?? {} };
      return json(reply.status ?? 200, reply.body, reply.headers);
    });
}

function lowerCaseKeys(headers: Record<string, string | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));
}
