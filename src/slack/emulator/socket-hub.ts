import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * Slack's side of Socket Mode: apps open a WebSocket with a one-time ticket from
 * apps.connections.open, receive `hello`, then envelopes they must acknowledge with their
 * envelope_id. The hub pings every connection so Slack's client does not time out.
 */
export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface EnvelopeAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

interface Pending {
  resolve: (ack: EnvelopeAck) => void;
  timer: NodeJS.Timeout;
}

export class SocketHub {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly tickets = new Set<string>();
  private readonly connections = new Set<WebSocket>();
  private readonly pending = new Map<string, Pending>();
  private readonly pingTimer: NodeJS.Timeout;
  private next = 0;

  constructor(pingIntervalMs = 5000) {
    this.pingTimer = setInterval(() => {
      for (const socket of this.connections) socket.ping();
    }, pingIntervalMs);
    this.pingTimer.unref();
  }

  issueTicket(): string {
    const ticket = randomUUID();
    this.tickets.add(ticket);
    return ticket;
  }

  get connected(): number {
    return this.connections.size;
  }

  /** Handles an HTTP upgrade on the socket path; rejects unknown or reused tickets. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ticket = new URL(request.url ?? '/', 'http://localhost').searchParams.get('ticket') ?? '';
    if (!this.tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    this.server.handleUpgrade(request, socket, head, (ws) => {
      this.connections.add(ws);
      ws.on('close', () => this.connections.delete(ws));
      ws.on('error', () => this.connections.delete(ws));
      ws.on('message', (data) => this.onMessage(data.toString()));
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.connections.size,
          debug_info: { host: 'aals-emulator', approximate_connection_time: 18060 },
          connection_info: { app_id: 'emulated' },
        }),
      );
    });
  }

  /**
   * Sends an envelope to one connection and waits for its ack (Slack waits about 3 s).
   * Returns null when no app is connected or the ack did not come in time.
   */
  send(
    type: EnvelopeType,
    payload: Record<string, unknown>,
    options: { retryAttempt?: number; retryReason?: string; timeoutMs?: number } = {},
  ): Promise<EnvelopeAck | null> {
    const sockets = [...this.connections].filter((s) => s.readyState === s.OPEN);
    if (sockets.length === 0) return Promise.resolve(null);
    const socket = sockets[this.next++ % sockets.length] as WebSocket;
    const envelopeId = randomUUID();
    const envelope = {
      envelope_id: envelopeId,
      payload,
      type,
      accepts_response_payload: type !== 'events_api',
      retry_attempt: options.retryAttempt ?? 0,
      retry_reason: options.retryReason ?? '',
    };
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(envelopeId);
        resolve(null);
      }, options.timeoutMs ?? 3000);
      this.pending.set(envelopeId, { resolve, timer });
      socket.send(JSON.stringify(envelope));
    });
  }

  /** Tells every connected app to reconnect, as Slack does when it recycles a server. */
  disconnectAll(reason = 'refresh_requested'): void {
    for (const socket of this.connections) socket.send(JSON.stringify({ type: 'disconnect', reason }));
  }

  /** Closes every connection with a proper close handshake (terminating after 500 ms). */
  async close(): Promise<void> {
    clearInterval(this.pingTimer);
    for (const { timer, resolve } of this.pending.values()) {
      clearTimeout(timer);
      resolve({ envelope_id: '' });
    }
    this.pending.clear();
    await Promise.all(
      [...this.connections].map(
        (socket) =>
          new Promise<void>((done) => {
            const force = setTimeout(() => {
              socket.terminate();
              done();
            }, 500);
            socket.once('close', () => {
              clearTimeout(force);
              done();
            });
            socket.close(1001, 'server shutting down');
          }),
      ),
    );
    this.server.close();
  }

  private onMessage(raw: string): void {
    let ack: EnvelopeAck;
    try {
      ack = JSON.parse(raw);
    } catch {
      return;
    }
    const pending = this.pending.get(ack.envelope_id);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(ack.envelope_id);
    pending.resolve(ack);
  }
}
