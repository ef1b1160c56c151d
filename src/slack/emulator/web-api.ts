import type { RateLimiter } from '../../util/rate-limiter.js';
import { BLOCK_KIT_LIMITS, blockKitViolation } from '../block-kit-limits.js';
import { type EmulatedMessage, TEAM, type Workspace } from './workspace.js';

/** The Slack Web API methods AALS uses, answering in Slack's wire format. */

export interface AppIdentity {
  appId: string;
  botId: string;
  botUserId: string;
  botName: string;
  botToken: string;
  appToken: string;
}

export interface ApiRequest {
  method: string;
  params: Record<string, unknown>;
  token: string | undefined;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  body: Record<string, unknown>;
}

export interface WebApiContext {
  workspace: Workspace;
  app: AppIdentity;
  rateLimiter: RateLimiter;
  /** chat.update is Tier 3 (about 50 a minute per workspace). */
  updateLimiter: RateLimiter;
  /** Absolute base URL of the emulator, for upload URLs and the Socket Mode URL. */
  baseUrl: () => string;
  /** Registers a Socket Mode ticket and returns the ws:// URL for it. */
  openSocket: () => string;
  /** Opens a modal for the user behind a trigger_id; returns the view id, or null for an unknown trigger. */
  openView?: (triggerId: string, view: Record<string, unknown>) => string | null;
}

type Handler = (params: Record<string, unknown>, ctx: WebApiContext) => ApiResponse;

const ok = (body: Record<string, unknown> = {}): ApiResponse => ({
  status: 200,
  body: { ok: true, ...body },
});
const fail = (error: string, extra: Record<string, unknown> = {}): ApiResponse => ({
  status: 200,
  body: { ok: false, error, ...extra },
});

/** Slack's 429: Retry-After in whole seconds. */
const ratelimited = (waitMs: number): ApiResponse => ({
  status: 429,
  headers: { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) },
  body: { ok: false, error: 'ratelimited' },
});

const JSON_PARAMS = ['blocks', 'attachments', 'metadata', 'files', 'view'];

/** Form-encoded arguments arrive as strings; Slack's SDKs JSON-encode the structured ones. */
export function normalizeParams(params: Record<string, unknown>): Record<string, unknown> | string {
  const result = { ...params };
  for (const key of JSON_PARAMS) {
    const value = result[key];
    if (typeof value === 'string' && value !== '') {
      try {
        result[key] = JSON.parse(value);
      } catch {
        return `invalid_${key === 'blocks' ? 'blocks_format' : 'arguments'}`;
      }
    }
  }
  return result;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
}

function publicMessage(message: EmulatedMessage): Record<string, unknown> {
  const { ephemeralTo: _hidden, ...rest } = message;
  return { ...rest, team: TEAM.id, files: message.files?.map(({ data: _data, ...file }) => file) };
}

function botAuthorFields(app: AppIdentity) {
  return {
    user: app.botUserId,
    bot_id: app.botId,
    app_id: app.appId,
    bot_profile: { id: app.botId, name: app.botName, app_id: app.appId },
  };
}

function validateMessageContent(params: Record<string, unknown>): ApiResponse | null {
  const text = str(params.text) ?? '';
  if (!text && !params.blocks && !params.attachments) return fail('no_text');
  if (text.length > BLOCK_KIT_LIMITS.messageText) return fail('msg_too_long');
  const violation = blockKitViolation(params.blocks);
  if (violation) return fail('invalid_blocks', { response_metadata: { messages: [`[ERROR] ${violation}`] } });
  return null;
}

const handlers: Record<string, Handler> = {
  'api.test': (params) => ok({ args: params }),

  'auth.test': (_params, { app }) =>
    ok({
      url: `https://${TEAM.domain}.slack.com/`,
      team: TEAM.name,
      user: app.botName,
      team_id: TEAM.id,
      user_id: app.botUserId,
      bot_id: app.botId,
      is_enterprise_install: false,
    }),

  'chat.postMessage': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const invalid = validateMessageContent(params);
    if (invalid) return invalid;
    const waitMs = ctx.rateLimiter.take(channel.id);
    if (waitMs > 0) return ratelimited(waitMs);
    const threadTs = str(params.thread_ts);
    if (threadTs && !ctx.workspace.find(channel.id, threadTs)) return fail('thread_not_found');
    const message = ctx.workspace.post({
      channel: channel.id,
      text: str(params.text) ?? '',
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...(params.blocks ? { blocks: params.blocks as unknown[] } : {}),
      ...(params.attachments ? { attachments: params.attachments as unknown[] } : {}),
      ...(params.metadata ? { metadata: params.metadata as EmulatedMessage['metadata'] } : {}),
      ...botAuthorFields(ctx.app),
    });
    return ok({ channel: channel.id, ts: message.ts, message: publicMessage(message) });
  },

  'chat.postEphemeral': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const user = str(params.user);
    if (!user || !ctx.workspace.users.has(user)) return fail('user_not_found');
    const invalid = validateMessageContent(params);
    if (invalid) return invalid;
    const message = ctx.workspace.post({
      channel: channel.id,
      text: str(params.text) ?? '',
      ephemeralTo: user,
      ...(str(params.thread_ts) ? { thread_ts: str(params.thread_ts) as string } : {}),
      ...(params.blocks ? { blocks: params.blocks as unknown[] } : {}),
      ...botAuthorFields(ctx.app),
    });
    return ok({ message_ts: message.ts });
  },

  'chat.update': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const ts = str(params.ts) ?? '';
    const existing = ctx.workspace.find(channel.id, ts);
    if (!existing) return fail('message_not_found');
    if (existing.bot_id !== ctx.app.botId) return fail('cant_update_message');
    const waitMs = ctx.updateLimiter.take('chat.update');
    if (waitMs > 0) return ratelimited(waitMs);
    const invalid = validateMessageContent({ text: existing.text, ...params });
    if (invalid) return invalid;
    const changes: Partial<EmulatedMessage> = {};
    if (params.text !== undefined) changes.text = str(params.text) ?? '';
    if (params.blocks !== undefined) changes.blocks = params.blocks as unknown[];
    if (params.attachments !== undefined) changes.attachments = params.attachments as unknown[];
    if (params.metadata !== undefined) changes.metadata = params.metadata as EmulatedMessage['metadata'];
    const updated = ctx.workspace.update(channel.id, ts, changes, ctx.app.botUserId) as EmulatedMessage;
    return ok({ channel: channel.id, ts, text: updated.text, message: publicMessage(updated) });
  },

  'chat.getPermalink': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    const ts = str(params.message_ts) ?? '';
    if (!channel) return fail('channel_not_found');
    if (!ctx.workspace.find(channel.id, ts)) return fail('message_not_found');
    return ok({
      channel: channel.id,
      permalink: `${ctx.baseUrl()}/archives/${channel.id}/p${ts.replace('.', '')}`,
    });
  },

  'conversations.list': (params, ctx) => {
    const all = [...ctx.workspace.channels.values()];
    const limit = Math.min(Number(params.limit ?? 100) || 100, 1000);
    const start = Number(str(params.cursor) ?? 0) || 0;
    const page = all.slice(start, start + limit);
    const next = start + limit < all.length ? String(start + limit) : '';
    return ok({
      channels: page.map((c) => ({
        id: c.id,
        name: c.name,
        is_channel: true,
        is_private: c.isPrivate,
        is_member: true,
      })),
      response_metadata: { next_cursor: next },
    });
  },

  'conversations.info': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    return ok({
      channel: { id: channel.id, name: channel.name, is_channel: true, is_private: channel.isPrivate },
    });
  },

  'conversations.join': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    return ok({ channel: { id: channel.id, name: channel.name } });
  },

  'conversations.history': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const limit = Math.min(Number(params.limit ?? 100) || 100, 1000);
    const includeMetadata = params.include_all_metadata === true || params.include_all_metadata === 'true';
    const messages = ctx.workspace.history(channel.id).filter((m) => !m.ephemeralTo);
    const visible = messages.slice(0, limit).map((m) => {
      const message = publicMessage(m);
      if (!includeMetadata) delete message.metadata;
      return message;
    });
    return ok({ messages: visible, has_more: messages.length > limit });
  },

  'conversations.replies': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel) return fail('channel_not_found');
    const ts = str(params.ts) ?? '';
    if (!ctx.workspace.find(channel.id, ts)) return fail('thread_not_found');
    const includeMetadata = params.include_all_metadata === true || params.include_all_metadata === 'true';
    const messages = ctx.workspace
      .thread(channel.id, ts)
      .filter((m) => !m.ephemeralTo)
      .map((m) => {
        const visible = publicMessage(m);
        if (!includeMetadata) delete visible.metadata;
        return visible;
      });
    return ok({ messages, has_more: false });
  },

  'users.info': (params, ctx) => {
    const user = ctx.workspace.users.get(str(params.user) ?? '');
    if (!user) return fail('user_not_found');
    return ok({
      user: { id: user.id, name: user.name, real_name: user.realName, is_bot: user.isBot, team_id: TEAM.id },
    });
  },

  'usergroups.users.list': (params, ctx) => {
    const members = ctx.workspace.userGroups.get(str(params.usergroup) ?? '');
    if (!members) return fail('no_such_subteam');
    return ok({ users: [...members] });
  },

  'reactions.add': (params, ctx) => {
    const channel = ctx.workspace.resolveChannel(str(params.channel) ?? '');
    if (!channel || !ctx.workspace.find(channel.id, str(params.timestamp) ?? ''))
      return fail('message_not_found');
    return ok();
  },

  'views.publish': (params, ctx) => {
    if (!params.user_id || !params.view) return fail('invalid_arguments');
    ctx.workspace.homeViews.set(String(params.user_id), params.view as Record<string, unknown>);
    return ok({ view: params.view });
  },

  'views.open': (params, ctx) => {
    const view = params.view as Record<string, unknown> | undefined;
    if (!params.trigger_id || !view) return fail('invalid_arguments');
    if (!ctx.openView) return fail('not_allowed');
    const id = ctx.openView(String(params.trigger_id), view);
    return id ? ok({ view: { id, ...view } }) : fail('expired_trigger_id');
  },

  'files.getUploadURLExternal': (params, ctx) => {
    const filename = str(params.filename);
    const length = Number(params.length);
    if (!filename || !Number.isFinite(length) || length <= 0) return fail('invalid_arguments');
    const id = ctx.workspace.nextId('F');
    ctx.workspace.files.set(id, {
      id,
      name: filename,
      title: filename,
      mimetype: '',
      size: 0,
      data: Buffer.alloc(0),
    });
    return ok({ upload_url: `${ctx.baseUrl()}/upload/${id}`, file_id: id });
  },

  'files.completeUploadExternal': (params, ctx) => {
    const entries = (params.files as Array<{ id: string; title?: string }> | undefined) ?? [];
    const files = entries.map((entry) => ctx.workspace.files.get(entry.id));
    if (entries.length === 0 || files.some((f) => !f || f.size === 0)) return fail('file_not_found');
    const channelId = str(params.channel_id);
    const channel = channelId ? ctx.workspace.resolveChannel(channelId) : undefined;
    if (channelId && !channel) return fail('channel_not_found');
    const uploaded = files.map((file, i) =>
      Object.assign(file as NonNullable<typeof file>, { title: entries[i]?.title ?? file?.name }),
    );
    if (channel) {
      const threadTs = str(params.thread_ts);
      ctx.workspace.post({
        channel: channel.id,
        text: str(params.initial_comment) ?? '',
        files: uploaded,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...botAuthorFields(ctx.app),
      });
    }
    return ok({ files: uploaded.map((f) => ({ id: f.id, title: f.title, name: f.name, size: f.size })) });
  },

  'apps.connections.open': (_params, ctx) => ok({ url: ctx.openSocket() }),
};

export function callWebApi(request: ApiRequest, ctx: WebApiContext): ApiResponse {
  const handler = handlers[request.method];
  if (!handler) return fail('unknown_method');
  const expected = request.method === 'apps.connections.open' ? ctx.app.appToken : ctx.app.botToken;
  if (!request.token) return fail('not_authed');
  if (request.token !== expected) return fail('invalid_auth');
  const params = normalizeParams(request.params);
  if (typeof params === 'string') return fail(params);
  return handler(params, ctx);
}

export const SUPPORTED_METHODS = Object.keys(handlers);
