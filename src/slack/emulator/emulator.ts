import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { parseFormOrJson, readBody, sendJson, sendText } from '../../util/http.js';
import { RateLimiter } from '../../util/rate-limiter.js';
import { signedHeaders } from './signing.js';
import { type EnvelopeType, SocketHub } from './socket-hub.js';
import { SandboxUi } from './ui/endpoints.js';
import { type ApiRequest, type ApiResponse, type AppIdentity, callWebApi } from './web-api.js';
import { type EmulatedMessage, TEAM, Workspace } from './workspace.js';

/**
 * A local Slack: the Web API AALS calls, signed delivery of events, slash commands and block
 * actions over HTTP, Socket Mode over a WebSocket, incoming webhooks, Block Kit limits and
 * chat.postMessage rate limits. Tests drive it; sandbox mode runs AALS against it.
 */

export type AppTransport = { type: 'http'; requestUrl: string } | { type: 'socket' };

export interface EmulatorOptions {
  signingSecret?: string;
  botToken?: string;
  appToken?: string;
  transport?: AppTransport;
  /** chat.postMessage per channel: sustained rate and burst. */
  rateLimit?: { perSecond: number; burst: number };
  /** chat.update per workspace (Slack's Tier 3: about 50 a minute). */
  updateRateLimit?: { perSecond: number; burst: number };
  /** Delays before each redelivery of an event the app did not acknowledge. */
  retryDelaysMs?: number[];
  /** How long Slack waits for an app to answer a request before it retries (3 s at Slack). */
  deliveryTimeoutMs?: number;
  channels?: string[];
  /** Path prefix when mounted inside another server (sandbox mode), e.g. "/slack-sandbox". */
  pathPrefix?: string;
}

export interface DeliveryRecord {
  kind: 'event' | 'command' | 'action';
  id: string;
  attempt: number;
  status: number | 'timeout' | 'error' | 'no_connection';
  at: number;
}

export interface InteractionResult {
  status: number | 'timeout' | 'error' | 'no_connection';
  body: Record<string, unknown> | null;
}

/** Hook for fault injection: return a response to replace Slack's, or wait to hold the call. */
export type ApiInterceptor = (
  request: ApiRequest,
) => Promise<ApiResponse | undefined> | ApiResponse | undefined;
/** Runs after Slack has done the work, before it answers: a test can hold or drop the answer here. */
export type ApiAfterHook = (request: ApiRequest, response: ApiResponse) => Promise<void> | void;

/** How many API calls, deliveries and sent events the emulator remembers (bounded for soak runs). */
const MAX_RECORDED = 5000;

export const HUMAN = { id: 'U0HUMAN01', name: 'oncall', realName: 'On-call Engineer' } as const;
/** A second person, so the sandbox can show approvals that need two distinct approvers. */
export const TEAMMATE = { id: 'U0HUMAN02', name: 'teammate', realName: 'Second Engineer' } as const;
export const WEBHOOK_BOT = { id: 'B0WEBHOOK1', name: 'alertmanager' } as const;

export class SlackEmulator {
  readonly workspace = new Workspace();
  readonly app: AppIdentity;
  readonly signingSecret: string;
  readonly rateLimiter: RateLimiter;
  readonly updateLimiter: RateLimiter;
  readonly deliveries: DeliveryRecord[] = [];
  readonly apiCalls: ApiRequest[] = [];
  /** How many calls Slack answered with 429. */
  rateLimitedCount = 0;
  transport: AppTransport;
  retryDelaysMs: number[];
  deliveryTimeoutMs: number;
  beforeApiCall: ApiInterceptor | undefined;
  afterApiCall: ApiAfterHook | undefined;

  private server: Server | undefined;
  private readonly hub = new SocketHub();
  private readonly prefix: string;
  private externalBase: string | undefined;
  private readonly responseUrls = new Map<string, { channel: string; messageTs?: string; userId: string }>();
  /** trigger_id → the user whose interaction produced it (views.open needs one). */
  private readonly triggers = new Map<string, string>();
  /** Modals apps opened, by view id. */
  readonly views = new Map<string, { id: string; userId: string; view: Record<string, unknown> }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;
  private readonly ui: SandboxUi;

  constructor(options: EmulatorOptions = {}) {
    this.signingSecret = options.signingSecret ?? 'sandbox-signing-secret';
    this.app = {
      appId: 'A0AALS0001',
      botId: 'B0AALS0001',
      botUserId: 'U0AALSBOT1',
      botName: 'aals',
      botToken: options.botToken ?? 'xoxb-emulator',
      appToken: options.appToken ?? 'xapp-1-emulator',
    };
    this.transport = options.transport ?? { type: 'socket' };
    this.rateLimiter = new RateLimiter(options.rateLimit?.perSecond ?? 1, options.rateLimit?.burst ?? 20);
    this.updateLimiter = new RateLimiter(
      options.updateRateLimit?.perSecond ?? 50 / 60,
      options.updateRateLimit?.burst ?? 50,
    );
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 5000, 30000];
    this.deliveryTimeoutMs = options.deliveryTimeoutMs ?? 3000;
    this.prefix = options.pathPrefix ?? '';
    this.workspace.addUser({ ...HUMAN, isBot: false });
    this.workspace.addUser({ ...TEAMMATE, isBot: false });
    this.workspace.addUser({
      id: this.app.botUserId,
      name: this.app.botName,
      realName: 'AALS',
      isBot: true,
      botId: this.app.botId,
    });
    for (const name of options.channels ?? ['alerts', 'alerts-prod', 'general'])
      this.workspace.addChannel(name);
    this.workspace.on('message', (message: EmulatedMessage) => this.onMessage(message));
    this.ui = new SandboxUi(this, this.prefix);
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      if (!this.handle(req, res)) sendJson(res, 404, { ok: false, error: 'not_found' });
    });
    this.server.on('upgrade', (req, socket, head) => {
      if (!this.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => this.server?.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.externalBase = `http://${host}:${address.port}`;
    return this.baseUrl;
  }

  /** For mounting in another server: the absolute URL this emulator is reachable at. */
  setExternalBase(url: string): void {
    this.externalBase = url.replace(/\/$/, '');
  }

  get baseUrl(): string {
    if (!this.externalBase) throw new Error('emulator not started');
    return `${this.externalBase}${this.prefix}`;
  }

  /** The value for SLACK_API_URL / Bolt's clientOptions.slackApiUrl. */
  get apiUrl(): string {
    return `${this.baseUrl}/api/`;
  }

  /** An incoming-webhook URL that posts into `channel` (what Alertmanager's slack_configs.api_url takes). */
  incomingWebhookUrl(channel: string): string {
    const resolved = this.workspace.resolveChannel(channel);
    if (!resolved) throw new Error(`no channel ${channel}`);
    return `${this.baseUrl}/hooks/${resolved.id}`;
  }

  get socketConnections(): number {
    return this.hub.connected;
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.hub.close();
    if (this.server) {
      this.server.closeAllConnections();
      await new Promise<void>((resolve) => this.server?.close(() => resolve()));
    }
    // Deliveries in flight end with their connections; a test may hold a request forever, so cap the wait.
    await Promise.race([Promise.allSettled([...this.inFlight]), sleep(1000)]);
  }

  // ---- HTTP routing --------------------------------------------------------------------------

  /** Handles a request if its path is the emulator's; returns false otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!path.startsWith(this.prefix)) return false;
    const route = path.slice(this.prefix.length) || '/';
    const page = this.ui.handle(route, req, res);
    if (page) {
      this.track(page);
      return true;
    }
    const match = /^\/(api|upload|hooks|response)\/([^/]+)(?:\/.*)?$/.exec(route);
    if (!match) {
      // `/` is the sandbox page for browsers (see ui/endpoints.ts) and this JSON for everyone else.
      if (route === '/' || route === '/state') {
        sendJson(res, 200, this.snapshot());
        return true;
      }
      return false;
    }
    const [, kind, id] = match as unknown as [string, string, string];
    this.track(
      this.route(kind, decodeURIComponent(id), req, res).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { ok: false, error: 'internal_error', detail: String(error) });
      }),
    );
    return true;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== `${this.prefix}/socket`) return false;
    this.hub.handleUpgrade(req, socket, head);
    return true;
  }

  private async route(kind: string, id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, 10 * 1024 * 1024);
    switch (kind) {
      case 'api':
        return this.routeApi(id, req, body.toString('utf8'), res);
      case 'upload':
        return this.routeUpload(id, req, body, res);
      case 'hooks':
        return this.routeIncomingWebhook(id, req, body.toString('utf8'), res);
      case 'response':
        return this.routeResponseUrl(id, body.toString('utf8'), res);
    }
  }

  private async routeApi(method: string, req: IncomingMessage, body: string, res: ServerResponse) {
    let params: Record<string, unknown>;
    try {
      params = parseFormOrJson(body, req.headers['content-type']);
    } catch {
      return sendJson(res, 200, { ok: false, error: 'invalid_json' });
    }
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ?? (typeof params.token === 'string' ? params.token : undefined);
    const { token: _ignored, ...rest } = params;
    const request: ApiRequest = { method, params: rest, token };
    this.apiCalls.push(request);
    if (this.apiCalls.length > MAX_RECORDED) this.apiCalls.splice(0, this.apiCalls.length - MAX_RECORDED);
    const response =
      (await this.beforeApiCall?.(request)) ??
      callWebApi(request, {
        workspace: this.workspace,
        app: this.app,
        rateLimiter: this.rateLimiter,
        updateLimiter: this.updateLimiter,
        baseUrl: () => this.baseUrl,
        openSocket: () => `${this.baseUrl.replace(/^http/, 'ws')}/socket?ticket=${this.hub.issueTicket()}`,
        openView: (triggerId, view) => {
          const userId = this.triggers.get(triggerId);
          if (!userId) return null;
          const id = this.workspace.nextId('V');
          this.views.set(id, { id, userId, view });
          return id;
        },
      });
    if (response.status === 429) this.rateLimitedCount++;
    await this.afterApiCall?.(request, response);
    sendJson(res, response.status, response.body, response.headers);
  }

  private async routeUpload(fileId: string, req: IncomingMessage, body: Buffer, res: ServerResponse) {
    const file = this.workspace.files.get(fileId);
    if (!file) return sendText(res, 404, 'file not found');
    let data = body;
    const contentType = req.headers['content-type'] ?? '';
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Request('http://upload', {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      }).formData();
      const part = [...form.values()][0];
      data = typeof part === 'string' ? Buffer.from(part) : Buffer.from(await (part as Blob).arrayBuffer());
    }
    file.data = data;
    file.size = data.length;
    file.mimetype = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      ? 'image/png'
      : 'application/octet-stream';
    sendText(res, 200, `OK - ${data.length}`);
  }

  /** Incoming webhook: a POST becomes a bot_message in the hook's channel (Alertmanager posts here). */
  private async routeIncomingWebhook(
    channelId: string,
    req: IncomingMessage,
    body: string,
    res: ServerResponse,
  ) {
    const channel = this.workspace.resolveChannel(channelId);
    if (!channel) return sendText(res, 404, 'channel_not_found');
    let payload: Record<string, unknown>;
    try {
      const parsed = parseFormOrJson(body, req.headers['content-type'] ?? 'application/json');
      payload = typeof parsed.payload === 'string' ? JSON.parse(parsed.payload) : parsed;
    } catch {
      return sendText(res, 400, 'invalid_payload');
    }
    if (!payload.text && !payload.attachments && !payload.blocks) return sendText(res, 400, 'no_text');
    this.postWebhookMessage(channel.id, payload);
    sendText(res, 200, 'ok');
  }

  private async routeResponseUrl(id: string, body: string, res: ServerResponse) {
    const target = this.responseUrls.get(id);
    if (!target) return sendJson(res, 404, { ok: false, error: 'expired_url' });
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(body);
    } catch {
      return sendJson(res, 400, { ok: false, error: 'invalid_json' });
    }
    this.applyResponse(target, payload);
    sendJson(res, 200, { ok: true });
  }

  // ---- what users and integrations do ---------------------------------------------------------

  /** A human posts a message (the event is delivered to the app). */
  postAsUser(channel: string, text: string, extra: Partial<EmulatedMessage> = {}, userId: string = HUMAN.id) {
    const resolved = this.requireChannel(channel);
    return this.workspace.post({ channel: resolved.id, text, user: userId, ...extra });
  }

  /** An integration posts through an incoming webhook or chat.postMessage with its own bot. */
  postWebhookMessage(channel: string, payload: Record<string, unknown>): EmulatedMessage {
    const resolved = this.requireChannel(channel);
    return this.workspace.post({
      channel: resolved.id,
      subtype: 'bot_message',
      bot_id: WEBHOOK_BOT.id,
      username: typeof payload.username === 'string' ? payload.username : WEBHOOK_BOT.name,
      text: typeof payload.text === 'string' ? payload.text : '',
      ...(Array.isArray(payload.attachments) ? { attachments: payload.attachments } : {}),
      ...(Array.isArray(payload.blocks) ? { blocks: payload.blocks } : {}),
    });
  }

  messages(channel: string): EmulatedMessage[] {
    return this.workspace.messages.get(this.requireChannel(channel).id) ?? [];
  }

  replies(channel: string, ts: string): EmulatedMessage[] {
    return this.workspace.thread(this.requireChannel(channel).id, ts).filter((m) => m.ts !== ts);
  }

  /** Resolves when `predicate` holds, re-checking on every new or changed message. */
  waitFor<T>(predicate: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = predicate();
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`emulator.waitFor timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.workspace.off('message', check);
        this.workspace.off('message_changed', check);
      };
      this.workspace.on('message', check);
      this.workspace.on('message_changed', check);
      check();
    });
  }

  /** Delivers an event again exactly as before (same event_id), as Slack does on retries. */
  redeliver(eventId: string, retryNum = 1): Promise<InteractionResult> {
    const body = this.sentEvents.get(eventId);
    if (!body) throw new Error(`no event ${eventId}`);
    return this.deliverOnce('event', eventId, body, retryNum, 'http_timeout');
  }

  /** Runs a slash command as `user` in `channel`; resolves with the app's immediate answer. */
  async slashCommand(command: string, text: string, channel = 'alerts', userId: string = HUMAN.id) {
    const resolved = this.requireChannel(channel);
    const responseId = randomUUID();
    this.responseUrls.set(responseId, { channel: resolved.id, userId });
    const payload = {
      token: 'verification-token',
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: resolved.id,
      channel_name: resolved.name,
      user_id: userId,
      user_name: this.workspace.users.get(userId)?.name ?? 'user',
      command,
      text,
      api_app_id: this.app.appId,
      is_enterprise_install: 'false',
      response_url: `${this.baseUrl}/response/${responseId}`,
      trigger_id: `${Date.now()}.${randomUUID()}`,
    };
    const result = await this.deliverOnce('command', payload.trigger_id, payload, 0);
    if (result.body && Object.keys(result.body).length > 0) {
      this.applyResponse({ channel: resolved.id, userId }, result.body);
    }
    return result;
  }

  /** Clicks a button (by action_id) on a message; resolves with the app's acknowledgement. */
  async clickButton(channel: string, messageTs: string, actionId: string, userId: string = HUMAN.id) {
    const resolved = this.requireChannel(channel);
    const message = this.workspace.find(resolved.id, messageTs);
    if (!message) throw new Error(`no message ${messageTs}`);
    const found = findAction(message.blocks ?? [], actionId);
    if (!found) throw new Error(`no button ${actionId} on message ${messageTs}`);
    const responseId = randomUUID();
    this.responseUrls.set(responseId, { channel: resolved.id, messageTs, userId });
    const user = this.workspace.users.get(userId);
    const payload = {
      type: 'block_actions',
      user: { id: userId, username: user?.name, name: user?.name, team_id: TEAM.id },
      api_app_id: this.app.appId,
      token: 'verification-token',
      container: { type: 'message', message_ts: messageTs, channel_id: resolved.id, is_ephemeral: false },
      trigger_id: `${Date.now()}.${randomUUID()}`,
      team: { id: TEAM.id, domain: TEAM.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: resolved.id, name: resolved.name },
      message: { ...message, team: TEAM.id },
      state: { values: {} },
      response_url: `${this.baseUrl}/response/${responseId}`,
      actions: [{ ...found.element, block_id: found.blockId, action_ts: this.workspace.nextTs() }],
    };
    this.triggers.set(payload.trigger_id, userId);
    return this.deliverOnce('action', payload.trigger_id, payload, 0);
  }

  /** Clicks a button on the App Home the user was shown: no channel, no response_url, as in Slack. */
  async clickHomeButton(actionId: string, userId: string = HUMAN.id) {
    const view = this.workspace.homeViews.get(userId);
    if (!view) throw new Error(`no App Home published for ${userId}`);
    const found = findAction((view.blocks as unknown[]) ?? [], actionId);
    if (!found) throw new Error(`no button ${actionId} on the App Home of ${userId}`);
    const user = this.workspace.users.get(userId);
    const viewId = `V${userId.slice(1)}`;
    const payload = {
      type: 'block_actions',
      user: { id: userId, username: user?.name, name: user?.name, team_id: TEAM.id },
      api_app_id: this.app.appId,
      token: 'verification-token',
      container: { type: 'view', view_id: viewId },
      trigger_id: `${Date.now()}.${randomUUID()}`,
      team: { id: TEAM.id, domain: TEAM.domain },
      enterprise: null,
      is_enterprise_install: false,
      view: { id: viewId, type: 'home', ...view },
      state: { values: {} },
      actions: [{ ...found.element, block_id: found.blockId, action_ts: this.workspace.nextTs() }],
    };
    this.triggers.set(payload.trigger_id, userId);
    return this.deliverOnce('action', payload.trigger_id, payload, 0);
  }

  /** Submits a modal the app opened, with plain-text input values by block_id → action_id. */
  async submitView(
    viewId: string,
    values: Record<string, Record<string, string>>,
    userId: string = HUMAN.id,
  ) {
    const opened = this.views.get(viewId);
    if (!opened) throw new Error(`no view ${viewId}`);
    const view = opened.view as { callback_id?: string; private_metadata?: string; title?: unknown };
    const state = Object.fromEntries(
      Object.entries(values).map(([blockId, actions]) => [
        blockId,
        Object.fromEntries(
          Object.entries(actions).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value }]),
        ),
      ]),
    );
    const user = this.workspace.users.get(userId);
    const payload = {
      type: 'view_submission',
      team: { id: TEAM.id, domain: TEAM.domain },
      user: { id: userId, username: user?.name, name: user?.name, team_id: TEAM.id },
      api_app_id: this.app.appId,
      token: 'verification-token',
      trigger_id: `${Date.now()}.${randomUUID()}`,
      view: {
        id: viewId,
        team_id: TEAM.id,
        type: 'modal',
        callback_id: view.callback_id ?? '',
        private_metadata: view.private_metadata ?? '',
        title: view.title,
        state: { values: state },
        hash: randomUUID(),
      },
      response_urls: [],
      is_enterprise_install: false,
    };
    this.views.delete(viewId);
    return this.deliverOnce('action', payload.trigger_id, payload, 0);
  }

  // ---- delivery to the app ------------------------------------------------------------------

  private readonly sentEvents = new Map<string, Record<string, unknown>>();

  private onMessage(message: EmulatedMessage): void {
    if (message.ephemeralTo || this.closed) return;
    const event: Record<string, unknown> = {
      ...message,
      event_ts: message.ts,
      channel_type: 'channel',
      team: TEAM.id,
      files: message.files?.map(({ data: _data, ...file }) => file),
    };
    this.deliverEvent(event);
    if (message.text.includes(`<@${this.app.botUserId}>`) && message.user !== this.app.botUserId) {
      this.deliverEvent({ ...event, type: 'app_mention', subtype: undefined });
    }
  }

  /** The user opens the app's Home tab: Slack sends app_home_opened. */
  openAppHome(userId: string = HUMAN.id): string {
    return this.deliverEvent({
      type: 'app_home_opened',
      user: userId,
      channel: `D${userId.slice(1)}`,
      tab: 'home',
      event_ts: `${Date.now() / 1000}`,
    });
  }

  /** Wraps an event in Slack's event_callback envelope and delivers it, retrying like Slack. */
  deliverEvent(event: Record<string, unknown>): string {
    const eventId = `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`;
    const body = {
      token: 'verification-token',
      team_id: TEAM.id,
      api_app_id: this.app.appId,
      event,
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: TEAM.id,
          user_id: this.app.botUserId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${randomUUID()}`,
    };
    this.sentEvents.set(eventId, body);
    if (this.sentEvents.size > MAX_RECORDED)
      this.sentEvents.delete(this.sentEvents.keys().next().value as string);
    this.track(this.deliverWithRetries(eventId, body));
    return eventId;
  }

  private async deliverWithRetries(eventId: string, body: Record<string, unknown>): Promise<void> {
    for (let attempt = 0; attempt <= this.retryDelaysMs.length && !this.closed; attempt++) {
      if (attempt > 0) await sleep(this.retryDelaysMs[attempt - 1] ?? 0);
      if (this.closed) return;
      const result = await this.deliverOnce(
        'event',
        eventId,
        body,
        attempt,
        attempt > 0 ? 'http_error' : undefined,
      );
      if (typeof result.status === 'number' && result.status >= 200 && result.status < 300) return;
    }
  }

  private async deliverOnce(
    kind: DeliveryRecord['kind'],
    id: string,
    body: Record<string, unknown>,
    attempt: number,
    retryReason?: string,
  ): Promise<InteractionResult> {
    const result =
      this.transport.type === 'socket'
        ? await this.deliverOverSocket(kind, body, attempt, retryReason)
        : await this.deliverOverHttp(this.transport.requestUrl, kind, body, attempt, retryReason);
    this.deliveries.push({ kind, id, attempt, status: result.status, at: Date.now() });
    if (this.deliveries.length > MAX_RECORDED)
      this.deliveries.splice(0, this.deliveries.length - MAX_RECORDED);
    return result;
  }

  private async deliverOverSocket(
    kind: DeliveryRecord['kind'],
    body: Record<string, unknown>,
    attempt: number,
    retryReason?: string,
  ): Promise<InteractionResult> {
    const type: EnvelopeType =
      kind === 'event' ? 'events_api' : kind === 'command' ? 'slash_commands' : 'interactive';
    const ack = await this.hub.send(type, body, {
      retryAttempt: attempt,
      ...(retryReason ? { retryReason } : {}),
      timeoutMs: this.deliveryTimeoutMs,
    });
    if (this.hub.connected === 0 && !ack) return { status: 'no_connection', body: null };
    return ack ? { status: 200, body: ack.payload ?? {} } : { status: 'timeout', body: null };
  }

  private async deliverOverHttp(
    url: string,
    kind: DeliveryRecord['kind'],
    body: Record<string, unknown>,
    attempt: number,
    retryReason?: string,
  ): Promise<InteractionResult> {
    const raw =
      kind === 'event'
        ? JSON.stringify(body)
        : kind === 'command'
          ? new URLSearchParams(body as Record<string, string>).toString()
          : new URLSearchParams({ payload: JSON.stringify(body) }).toString();
    const headers: Record<string, string> = {
      'content-type': kind === 'event' ? 'application/json' : 'application/x-www-form-urlencoded',
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
      ...signedHeaders(this.signingSecret, raw),
    };
    if (attempt > 0) {
      headers['x-slack-retry-num'] = String(attempt);
      headers['x-slack-retry-reason'] = retryReason ?? 'http_error';
    }
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body: raw,
        signal: AbortSignal.timeout(this.deliveryTimeoutMs),
      });
      const text = await response.text();
      let parsed: Record<string, unknown> | null = null;
      if (text) {
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { text };
        }
      }
      return { status: response.status, body: parsed ?? {} };
    } catch (error) {
      const timedOut = ['TimeoutError', 'AbortError'].includes(
        (error as { name?: string } | null)?.name ?? '',
      );
      return { status: timedOut ? 'timeout' : 'error', body: null };
    }
  }

  /** What an app's command/action response or response_url POST does to the channel. */
  private applyResponse(
    target: { channel: string; messageTs?: string; userId: string },
    payload: Record<string, unknown>,
  ) {
    const text = typeof payload.text === 'string' ? payload.text : '';
    const blocks = Array.isArray(payload.blocks) ? payload.blocks : undefined;
    if (!text && !blocks) return;
    if (payload.replace_original === true && target.messageTs) {
      this.workspace.update(
        target.channel,
        target.messageTs,
        { text, ...(blocks ? { blocks } : {}) },
        this.app.botUserId,
      );
      return;
    }
    const inChannel = payload.response_type === 'in_channel';
    this.workspace.post({
      channel: target.channel,
      text,
      ...(blocks ? { blocks } : {}),
      ...(typeof payload.thread_ts === 'string' ? { thread_ts: payload.thread_ts } : {}),
      ...(inChannel ? {} : { ephemeralTo: target.userId }),
      user: this.app.botUserId,
      bot_id: this.app.botId,
    });
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private requireChannel(channel: string) {
    const resolved = this.workspace.resolveChannel(channel);
    if (!resolved) throw new Error(`no channel ${channel}`);
    return resolved;
  }

  private track(promise: Promise<unknown>): void {
    this.inFlight.add(promise);
    promise.finally(() => this.inFlight.delete(promise));
  }

  snapshot() {
    return {
      team: TEAM,
      channels: [...this.workspace.channels.values()].map((c) => ({
        ...c,
        messages: this.workspace.messages.get(c.id),
      })),
    };
  }
}

/** `actionId`, or `blockId/actionId` when several blocks carry the same action. */
function findAction(blocks: unknown[], target: string) {
  const [blockId, actionId] = target.includes('/')
    ? (target.split('/', 2) as [string, string])
    : [null, target];
  for (const block of blocks as Array<{
    type?: string;
    block_id?: string;
    elements?: unknown[];
    accessory?: unknown;
  }>) {
    const candidates = [...(block.elements ?? []), ...(block.accessory ? [block.accessory] : [])] as Array<
      Record<string, unknown>
    >;
    if (blockId !== null && block.block_id !== blockId) continue;
    const element = candidates.find((e) => e.action_id === actionId);
    if (element) return { element, blockId: block.block_id ?? '' };
  }
  return undefined;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
