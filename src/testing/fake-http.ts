import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the LLM fakes (fake-anthropic, fake-openai) share: a loopback HTTP server on a random
 * port, request recording, a script of replies (a queue, then a handler) and delays that end
 * when the client goes away.
 */

export interface RecordedRequest<Body = unknown> {
  method: string;
  /** Path with the query string. */
  path: string;
  /** Lower-case names, as Node gives them; the key is kept so tests can assert the auth style. */
  headers: IncomingHttpHeaders;
  /** The key from `x-api-key` or `Authorization: Bearer`, and which header carried it. */
  apiKey: string | undefined;
  authStyle: 'x-api-key' | 'bearer' | 'none';
  /** The parsed JSON body (undefined when it was not JSON). */
  body: Body;
  raw: string;
  /** Set when the client closed the connection before the answer was complete. */
  aborted: boolean;
}

export type Handler<Body, Reply> = (request: RecordedRequest<Body>) => Reply | Promise<Reply>;

/** Replies in order; once the queue is empty, the handler; with neither, `fallback`. */
export class Script<Body, Reply> {
  private readonly queue: Array<Reply | Handler<Body, Reply>> = [];
  private handler: Handler<Body, Reply> | undefined;

  constructor(private readonly fallback: Handler<Body, Reply>) {}

  /** Queue replies (or one-shot handlers) for the next requests, in order. */
  push(...replies: Array<Reply | Handler<Body, Reply>>): void {
    this.queue.push(...replies);
  }

  /** The handler for every request the queue does not cover; undefined restores the fallback. */
  handle(handler: Handler<Body, Reply> | undefined): void {
    this.handler = handler;
  }

  /** Drops queued replies and the handler. */
  clear(): void {
    this.queue.length = 0;
    this.handler = undefined;
  }

  get pending(): number {
    return this.queue.length;
  }

  async next(request: RecordedRequest<Body>): Promise<Reply> {
    const head = this.queue.shift();
    const chosen = head ?? this.handler ?? this.fallback;
    return typeof chosen === 'function' ? (chosen as Handler<Body, Reply>)(request) : chosen;
  }
}

export interface FakeHttpServer {
  /** http://127.0.0.1:port */
  origin: string;
  close(): Promise<void>;
}

export type Route = (request: IncomingMessage, response: ServerResponse, raw: string) => Promise<void>;

export async function startHttpServer(route: Route): Promise<FakeHttpServer> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      route(request, response, Buffer.concat(chunks).toString('utf8')).catch((error: unknown) => {
        if (!response.headersSent && !response.destroyed) {
          sendJson(response, 500, { error: { message: `fake server bug: ${String(error)}` } });
        } else response.destroy();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function record<Body>(request: IncomingMessage, raw: string): RecordedRequest<Body> {
  const bearer = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1];
  const xApiKey = header(request.headers, 'x-api-key');
  let body: unknown;
  try {
    body = raw ? JSON.parse(raw) : undefined;
  } catch {
    body = undefined;
  }
  return {
    method: request.method ?? 'GET',
    path: request.url ?? '/',
    headers: request.headers,
    apiKey: xApiKey ?? bearer,
    authStyle: xApiKey ? 'x-api-key' : bearer ? 'bearer' : 'none',
    body: body as Body,
    raw,
    aborted: false,
  };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Marks the record aborted when the client leaves before the answer is complete. */
export function watchAbort(response: ServerResponse, recorded: { aborted: boolean }): void {
  response.once('close', () => {
    if (!response.writableFinished) recorded.aborted = true;
  });
}

/** Waits `ms`; resolves false early when the client has gone (aborted, timed out). */
export function pause(ms: number, response: ServerResponse): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      response.off('close', onClose);
      resolve(!response.destroyed);
    }, ms);
    response.once('close', onClose);
  });
}

export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

export function sendRaw(
  response: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': contentType, ...headers });
  response.end(text);
}

/** Sends part of a body, then kills the socket: what a crashed proxy or a reset looks like. */
export function sendThenReset(response: ServerResponse, contentType: string, partial: string): void {
  response.writeHead(200, { 'content-type': contentType });
  response.write(partial, () => setTimeout(() => response.socket?.destroy(), 10));
}

/** Rough token count (about 4 characters a token): enough for budgets and usage assertions. */
export function roughTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

let counter = 0;
export function fakeId(prefix: string): string {
  counter++;
  return `${prefix}${Date.now().toString(36)}${counter.toString(36).padStart(4, '0')}`;
}
