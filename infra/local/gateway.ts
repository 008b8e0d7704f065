// The sandbox's HTTP API: matches the route table, verifies the bearer token, calls the handler with an API Gateway v2 event.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiEvent } from '#shared/http.ts';
import type { RouteSpec } from '../routes.ts';
import { type BearerTokens, unauthorizedBody } from './bearer-tokens.ts';
import { functionNameOf } from './function-names.ts';
import { invokeEntry } from './lambda-runtime.ts';

/** Lambda's synchronous payload limit; API Gateway refuses larger bodies too. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  params: string[];
}

export interface GatewayOptions {
  routes: readonly RouteSpec[];
  tokens: BearerTokens;
  /** Answers sandbox-only paths (`/_local/…`); returns false when it does not handle the path. */
  local: (request: IncomingMessage, response: ServerResponse, url: URL, body: Buffer) => Promise<boolean>;
  log?: (line: string) => void;
}

function compile(spec: RouteSpec): CompiledRoute {
  const params: string[] = [];
  const source = spec.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      params.push(param);
      return '([^/]+)';
    })
    .join('/');
  return { spec, pattern: new RegExp(`^${source}$`), params };
}

/** The gateway as an HTTP request listener (the sandbox's server listens before the gateway is ready). */
export function createGateway(options: GatewayOptions): RequestListener {
  const compiled = options.routes.map(compile);
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      options.log?.(`gateway error: ${(error as Error).stack ?? String(error)}`);
      if (!response.headersSent) sendJson(response, 500, { message: 'Internal Server Error' });
      else response.end();
    });
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = parseUrl(request.url);
    const body = await readBody(request);
    if (!url) return sendJson(response, 400, badPath);
    if (body === 'too-large') return sendJson(response, 413, { message: 'Request Entity Too Large' });
    if (url.pathname.startsWith('/_local/') && (await options.local(request, response, url, body))) return;

    const method = request.method ?? 'GET';
    let pathMatched = false;
    for (const route of compiled) {
      const match = route.pattern.exec(url.pathname);
      if (!match) continue;
      pathMatched = true;
      if (route.spec.method !== method) continue;
      // parseUrl has checked that the whole path decodes.
      const pathParameters = Object.fromEntries(
        route.params.map((name, i) => [name, decodeURIComponent(match[i + 1] as string)]),
      );
      let claims: Record<string, string> | undefined;
      if (route.spec.access !== 'public') {
        const token = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
        const verified = await options.tokens.verify(token);
        // As API Gateway's JWT authorizer: the handler never runs; unlike it, the body says how to sign in again.
        if (!verified.ok) {
          return sendJson(
            response,
            401,
            unauthorizedBody(verified.problem, `http://${request.headers.host}`),
          );
        }
        claims = { sub: verified.claims.sub, email: verified.claims.email, iss: verified.claims.iss };
      }
      const event = apiEvent(request, url, route.spec, pathParameters, body, claims);
      const result = (await invokeEntry(
        route.spec.entry,
        functionNameOf(route.spec.entry),
        event,
      )) as APIGatewayProxyStructuredResultV2;
      return sendResult(response, result, method === 'HEAD');
    }
    sendJson(response, pathMatched ? 405 : 404, {
      message: pathMatched ? 'Method Not Allowed' : 'Not Found',
    });
  }
}

const badPath = {
  message: 'Bad Request',
  error: 'malformed-path',
  detail: 'The path has a malformed percent-encoding (a % must be followed by two hex digits forming UTF-8).',
};

/**
 * The request's URL, or undefined when it cannot be parsed or its path does not percent-decode: API Gateway refuses
 * such a path before any handler runs, and so do we (a 400, never a 500).
 */
export function parseUrl(raw: string | undefined): URL | undefined {
  try {
    const url = new URL(raw ?? '/', 'http://localhost');
    decodeURIComponent(url.pathname);
    return url;
  } catch {
    return undefined;
  }
}

function apiEvent(
  request: IncomingMessage,
  url: URL,
  route: RouteSpec,
  pathParameters: Record<string, string>,
  body: Buffer,
  claims: Record<string, string> | undefined,
): ApiEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined && name !== 'cookie')
      headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // A Map, not `{}`: `?constructor=` would read Object's own constructor, and `?__proto__=` set the prototype.
  const query = new Map<string, string>();
  for (const [name, value] of url.searchParams) {
    const before = query.get(name);
    query.set(name, before === undefined ? value : `${before},${value}`);
  }
  const contentType = headers['content-type'] ?? '';
  // HTTP APIs pass JSON and text through and base64-encode everything else (form posts included).
  const isText = /^(application\/json|text\/)/i.test(contentType);
  const now = new Date();
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const routeKey = `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: request.headers.cookie?.split(/;\s*/),
    headers,
    queryStringParameters: query.size > 0 ? Object.fromEntries(query) : undefined,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      authorizer: claims
        ? { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 }
        : undefined,
    },
    body: body.length > 0 ? (isText ? body.toString('utf8') : body.toString('base64')) : undefined,
    isBase64Encoded: body.length > 0 && !isText,
  } as ApiEvent;
}

async function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendResult(
  response: ServerResponse,
  result: APIGatewayProxyStructuredResultV2,
  headOnly: boolean,
): void {
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies?.length) headers['set-cookie'] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers);
  if (headOnly || result.body === undefined) return void response.end();
  response.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  });
  response.end(JSON.stringify(body));
}
