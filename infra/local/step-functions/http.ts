// The AWS JSON 1.0 wire protocol over HTTP: `POST /` with `X-Amz-Target: AWSStepFunctions.<Operation>`, errors as `{__type, message}`.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen } from '../listen.ts';
import { SfnError } from './errors.ts';

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

export type Handle = (operation: string, body: unknown) => Promise<object>;

const TARGET_PREFIX = 'AWSStepFunctions.';
const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** Timestamps travel as epoch seconds in AWS JSON 1.0; the SDK turns them back into Dates. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new SfnError('ValidationException', 'The request body is too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': CONTENT_TYPE,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': crypto.randomUUID(),
    ...(errorType ? { 'x-amzn-ErrorType': errorType } : {}),
  });
  response.end(text);
}

async function answer(handle: Handle, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    if (request.method !== 'POST') {
      throw new SfnError('UnknownOperationException', 'The Step Functions API only answers POST /');
    }
    const target = request.headers['x-amz-target'];
    if (typeof target !== 'string' || !target.startsWith(TARGET_PREFIX)) {
      throw new SfnError('UnknownOperationException', `Unknown X-Amz-Target: ${String(target)}`);
    }
    const text = await readBody(request);
    let body: unknown = {};
    if (text.trim() !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        throw new SfnError('SerializationException', 'The request body is not valid JSON');
      }
    }
    const result = await handle(target.slice(TARGET_PREFIX.length), body);
    send(response, 200, toWire(result));
  } catch (error) {
    if (error instanceof SfnError) {
      send(response, 400, { __type: error.name, message: error.message }, error.name);
    } else {
      // Never a stack trace on the wire; the message is enough to find the cause locally.
      const message = error instanceof Error ? error.message : String(error);
      send(response, 500, { __type: 'InternalFailure', message }, 'InternalFailure');
    }
  }
}

export async function serve(handle: Handle, port: number, host: string): Promise<LocalServer> {
  const server = createServer((request, response) => {
    void answer(handle, request, response);
  });
  const { url, close } = await listen(server, port, host);
  return { url, close };
}
