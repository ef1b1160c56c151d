import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'winston';
import type { AalsConfig } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { Inbox } from '../pipeline/inbox.js';
import { BodyTooLargeError, readBody, sendJson, sendText } from '../util/http.js';

/**
 * AALS's HTTP front: the Alertmanager webhook, health and metrics, Slack's request URL in HTTP
 * mode, and the sandbox Slack when there are no tokens. One server, one port.
 */
export interface MountedHandler {
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  handleUpgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

export interface IntakeDeps {
  config: AalsConfig;
  inbox: Inbox;
  logger: Logger;
  metrics: Metrics;
  health: () => Record<string, unknown> & { ok: boolean };
  slackRequestListener?: () => ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  mounted?: MountedHandler[];
}

export function createIntakeServer(deps: IntakeDeps): Server {
  const server = createServer((req, res) => {
    route(req, res, deps).catch((error: unknown) => {
      deps.logger.error('http handler failed', { path: req.url, error: errorMessage(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    const handled = deps.mounted?.some((m) => m.handleUpgrade?.(req, socket, head));
    if (!handled) socket.destroy();
  });
  return server;
}

async function route(req: IncomingMessage, res: ServerResponse, deps: IntakeDeps): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (path === '/healthz' && req.method === 'GET') {
    const health = deps.health();
    return sendJson(res, health.ok ? 200 : 503, health);
  }
  if (path === '/metrics' && req.method === 'GET') {
    return sendText(res, 200, await deps.metrics.text(), deps.metrics.registry.contentType);
  }
  if (path === '/webhooks/alertmanager') {
    if (req.method !== 'POST') return sendJson(res, 405, { error: 'use POST' });
    return alertmanagerWebhook(req, res, deps);
  }
  if (path.startsWith('/slack/')) {
    const listener = deps.slackRequestListener?.();
    if (listener) {
      // Bolt buffers the whole body before checking the signature: bound it first. Slack always
      // sends Content-Length, and Node's parser holds the body to it.
      const limit = deps.config.http.maxBodyBytes;
      const declared = Number(req.headers['content-length']);
      if (req.method === 'POST' && req.headers['content-length'] === undefined) {
        return sendJson(res, 411, { error: 'Content-Length required' });
      }
      if (declared > limit) {
        req.resume();
        return sendJson(res, 413, { error: `body larger than ${limit} bytes (http.maxBodyBytes)` });
      }
      return listener(req, res);
    }
  }
  for (const handler of deps.mounted ?? []) if (handler.handle(req, res)) return;
  sendJson(res, 404, { error: `no route for ${req.method} ${path}` });
}

async function alertmanagerWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  deps: IntakeDeps,
): Promise<void> {
  const settings = deps.config.intake.alertmanager;
  if (!settings.enabled)
    return sendJson(res, 404, {
      error: 'the Alertmanager webhook is disabled (intake.alertmanager.enabled)',
    });
  const denied = checkAuth(req, settings);
  if (denied) {
    deps.logger.warn('webhook request rejected', { reason: denied, remote: req.socket.remoteAddress });
    return sendJson(
      res,
      401,
      { error: denied },
      { 'www-authenticate': settings.bearerToken ? 'Bearer' : 'Basic' },
    );
  }
  let body: string;
  try {
    body = (await readBody(req, deps.config.http.maxBodyBytes)).toString('utf8');
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    // Keep what fits so the payload can still be inspected, and say why it was refused.
    const kept = deps.inbox.accept({
      kind: 'alertmanager_webhook',
      body: error.received.toString('utf8'),
      status: 'unparsed',
      error: `body larger than ${error.limit} bytes; first ${error.limit} bytes kept`,
    });
    return sendJson(res, 413, {
      error: `body larger than ${error.limit} bytes (http.maxBodyBytes)`,
      id: kept?.id,
    });
  }
  const invalid = jsonProblem(body);
  const stored = deps.inbox.accept({
    kind: 'alertmanager_webhook',
    body,
    dedupKey: `alertmanager:${createHash('sha256').update(body).digest('hex')}`,
    ...(invalid ? { status: 'unparsed' as const, error: invalid } : {}),
  });
  if (invalid) return sendJson(res, 400, { error: invalid, id: stored?.id });
  sendJson(res, 200, { status: stored ? 'accepted' : 'duplicate', ...(stored ? { id: stored.id } : {}) });
}

function jsonProblem(body: string): string | null {
  try {
    const value = JSON.parse(body);
    if (!value || typeof value !== 'object' || !Array.isArray(value.alerts)) {
      return 'not an Alertmanager webhook body: expected an object with an "alerts" array';
    }
    return null;
  } catch (error) {
    return `body is not valid JSON: ${errorMessage(error)}`;
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Null when allowed; otherwise why not. With no credentials configured the webhook is open. */
function checkAuth(req: IncomingMessage, settings: AalsConfig['intake']['alertmanager']): string | null {
  const header = req.headers.authorization ?? '';
  if (settings.bearerToken) {
    const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    if (!token) return 'missing bearer token';
    return safeEqual(token, settings.bearerToken) ? null : 'invalid bearer token';
  }
  if (settings.basicAuth) {
    const encoded = /^Basic\s+(.+)$/i.exec(header)?.[1];
    if (!encoded) return 'missing basic auth credentials';
    const expected = `${settings.basicAuth.username}:${settings.basicAuth.password}`;
    return safeEqual(Buffer.from(encoded, 'base64').toString('utf8'), expected)
      ? null
      : 'invalid basic auth credentials';
  }
  return null;
}
