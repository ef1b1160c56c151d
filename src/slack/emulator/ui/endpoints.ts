import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { BodyTooLargeError, readBody, sendJson } from '../../../util/http.js';
import type { SlackEmulator } from '../emulator.js';
import { TEAM } from '../workspace.js';
import { PAGE_CSP, PAGE_CSS, PAGE_JS, pageHtml } from './page.js';
import { permalinkTarget, type RenderContext, renderChannel, renderView } from './render.js';
import { SAMPLE_ALERTS } from './samples.js';

/**
 * The sandbox page's HTTP side, under the emulator's prefix:
 *   GET  /              the page (when the client asks for HTML; `/` and `/state` stay JSON otherwise)
 *   GET  /ui/app.js, /ui/app.css
 *   GET  /ui/state?channel=&user=   channels, users, the channel rendered for that user, their open modal
 *   GET  /ui/samples    sample alerts
 *   POST /ui/post       {channel, as: "webhook", payloads[]} | {channel, as: "user", text, userId}
 *   POST /ui/click      {channel, ts, actionId, blockId?, userId}  → a real block_actions delivery
 *   POST /ui/submit     {viewId, values: {block: {action: text}}, userId} → view_submission
 *   POST /ui/close      {viewId}
 *   POST /ui/command    {channel, line: "/aals help", userId} → a slash command delivery
 *   GET  /files/:id     an uploaded file (charts)
 * Everything acts as a workspace user, so POSTs must be same-origin JSON: a page on another site
 * cannot make the browser click Approve here.
 */
export type SandboxHost = Pick<
  SlackEmulator,
  'workspace' | 'views' | 'postAsUser' | 'postWebhookMessage' | 'clickButton' | 'submitView' | 'slashCommand'
>;

const MAX_BODY = 1024 * 1024;
/** Threads shown per channel: the page polls every second, so it stays bounded in a storm. */
const MAX_THREADS = 150;

const Id = z.string().min(1).max(200);
const PostBody = z.discriminatedUnion('as', [
  z.object({
    as: z.literal('webhook'),
    channel: Id,
    payloads: z.array(z.record(z.string(), z.unknown())).min(1).max(20),
  }),
  z.object({ as: z.literal('user'), channel: Id, text: z.string().min(1).max(40_000), userId: Id }),
]);
const ClickBody = z.object({
  channel: Id,
  ts: Id,
  actionId: Id,
  blockId: z.string().max(255).optional(),
  userId: Id,
});
const SubmitBody = z.object({
  viewId: Id,
  values: z.record(z.string(), z.record(z.string(), z.string().max(10_000))),
  userId: Id,
});
const CloseBody = z.object({ viewId: Id });
const CommandBody = z.object({ channel: Id, line: z.string().min(1).max(4000), userId: Id });

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxUi {
  constructor(
    private readonly host: SandboxHost,
    /** The emulator's path prefix, for the page's own URLs. */
    private readonly base: string,
  ) {}

  /** Serves `route` (the path after the prefix) if it is the UI's; undefined when it is not. */
  handle(route: string, req: IncomingMessage, res: ServerResponse): Promise<void> | undefined {
    const method = req.method ?? 'GET';
    if (route === '/' && method === 'GET' && wantsHtml(req)) return this.send(res, () => this.page(res));
    if (method === 'GET') {
      if (route === '/ui/app.js') return this.send(res, () => asset(res, PAGE_JS, 'text/javascript'));
      if (route === '/ui/app.css') return this.send(res, () => asset(res, PAGE_CSS, 'text/css'));
      if (route === '/ui/samples') return this.send(res, () => sendJson(res, 200, SAMPLE_ALERTS));
      if (route === '/ui/state') return this.send(res, () => sendJson(res, 200, this.state(req)));
      const file = /^\/files\/([^/]+)$/.exec(route);
      if (file) return this.send(res, () => this.file(res, decodeURIComponent(file[1] as string)));
    }
    const action = /^\/ui\/(post|click|submit|close|command)$/.exec(route)?.[1];
    if (!action) return undefined;
    if (method !== 'POST') return this.send(res, () => sendJson(res, 405, { ok: false, error: 'use POST' }));
    return this.send(res, async () => {
      const refused = crossSiteProblem(req);
      if (refused) throw new HttpError(403, refused);
      let body: unknown;
      try {
        body = JSON.parse((await readBody(req, MAX_BODY)).toString('utf8'));
      } catch (error) {
        if (error instanceof BodyTooLargeError) throw new HttpError(413, 'body too large');
        throw new HttpError(400, 'body is not JSON');
      }
      sendJson(res, 200, { ok: true, ...(await notFoundAs404(() => this.act(action, body))) });
    });
  }

  private async send(res: ServerResponse, work: () => unknown): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (res.headersSent) return;
      const status = error instanceof HttpError ? error.status : error instanceof z.ZodError ? 400 : 500;
      const message =
        error instanceof z.ZodError
          ? error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')
          : String((error as Error | undefined)?.message ?? error);
      sendJson(res, status, { ok: false, error: message });
    }
  }

  private page(res: ServerResponse): void {
    const html = pageHtml(this.base);
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-length': Buffer.byteLength(html),
      'content-security-policy': PAGE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
    });
    res.end(html);
  }

  private get people() {
    return [...this.host.workspace.users.values()].filter((u) => !u.isBot);
  }

  private context(): RenderContext {
    const { workspace } = this.host;
    return {
      userName: (id) => workspace.users.get(id)?.name,
      channelName: (id) => workspace.channels.get(id)?.name,
      fileUrl: (id) => `${this.base}/files/${encodeURIComponent(id)}`,
      // AALS builds permalinks from auth.test's https://aals-sandbox.slack.com/; the emulator's own too.
      permalink: (url) => {
        const { host, pathname } = new URL(url);
        const ours = host === `${TEAM.domain}.slack.com` || pathname.startsWith(`${this.base}/archives/`);
        const target = ours ? permalinkTarget(url) : null;
        return target && workspace.channels.has(target.channel) ? target : null;
      },
    };
  }

  private state(req: IncomingMessage) {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    const { workspace } = this.host;
    const people = this.people;
    const user = people.find((u) => u.id === query.get('user'))?.id ?? people[0]?.id ?? '';
    const channels = [...workspace.channels.values()];
    const channel = workspace.resolveChannel(query.get('channel') ?? '')?.id ?? channels[0]?.id ?? '';
    const visible = (id: string) =>
      (workspace.messages.get(id) ?? []).filter((m) => !m.ephemeralTo || m.ephemeralTo === user);
    const ctx = this.context();
    const modal = [...this.host.views.values()].find((v) => v.userId === user);
    return {
      team: TEAM.name,
      user,
      channel,
      users: people.map((u) => ({ id: u.id, name: u.name, realName: u.realName })),
      channels: channels.map((c) => ({
        id: c.id,
        name: c.name,
        count: visible(c.id).filter((m) => !m.thread_ts || m.thread_ts === m.ts).length,
      })),
      threads: renderChannel(visible(channel), ctx, { viewer: user, limit: MAX_THREADS }),
      modal: modal ? { id: modal.id, html: renderView(modal.id, modal.view, ctx) } : null,
    };
  }

  private file(res: ServerResponse, id: string): void {
    const file = this.host.workspace.files.get(id);
    if (!file || file.size === 0) throw new HttpError(404, 'file not found');
    // Only PNGs are shown inline; anything else downloads, so an upload can never run as a page.
    const image = file.mimetype === 'image/png';
    res.writeHead(200, {
      'content-type': image ? 'image/png' : 'application/octet-stream',
      'content-length': file.data.length,
      'x-content-type-options': 'nosniff',
      ...(image
        ? {}
        : { 'content-disposition': `attachment; filename="${file.name.replace(/[^\w.-]/g, '_')}"` }),
    });
    res.end(file.data);
  }

  private requireUser(userId: string): string {
    if (!this.people.some((u) => u.id === userId)) throw new HttpError(400, `no workspace user ${userId}`);
    return userId;
  }

  private async act(action: string, body: unknown): Promise<Record<string, unknown>> {
    switch (action) {
      case 'post': {
        const input = PostBody.parse(body);
        if (input.as === 'user') {
          const message = this.host.postAsUser(
            input.channel,
            this.userText(input.text),
            {},
            this.requireUser(input.userId),
          );
          return { ts: message.ts };
        }
        if (input.payloads.some((p) => !p.text && !p.attachments && !p.blocks))
          throw new HttpError(400, 'each payload needs text, attachments or blocks');
        const posted = input.payloads.map((p) => this.host.postWebhookMessage(input.channel, p).ts);
        return { ts: posted };
      }
      case 'click': {
        const input = ClickBody.parse(body);
        const target = input.blockId ? `${input.blockId}/${input.actionId}` : input.actionId;
        const result = await this.host.clickButton(
          input.channel,
          input.ts,
          target,
          this.requireUser(input.userId),
        );
        return { status: result.status };
      }
      case 'submit': {
        const input = SubmitBody.parse(body);
        if (this.host.views.get(input.viewId)?.userId !== input.userId)
          throw new HttpError(404, `no open view ${input.viewId} for ${input.userId}`);
        const result = await this.host.submitView(input.viewId, input.values, input.userId);
        return { status: result.status };
      }
      case 'close': {
        const input = CloseBody.parse(body);
        this.host.views.delete(input.viewId);
        return {};
      }
      default: {
        const input = CommandBody.parse(body);
        const line = input.line.trim();
        // Without a leading slash the line is taken as arguments to /aals, the sandbox's usual command.
        const [command, ...rest] = (line.startsWith('/') ? line : `/aals ${line}`).split(/\s+/);
        const result = await this.host.slashCommand(
          command as string,
          rest.join(' '),
          input.channel,
          this.requireUser(input.userId),
        );
        return { status: result.status };
      }
    }
  }

  /** What a Slack client sends for typed text: &, < and > escaped, @name turned into a mention. */
  private userText(text: string): string {
    const byName = new Map(
      [...this.host.workspace.users.values()].map((u) => [u.name.toLowerCase(), u.id] as const),
    );
    return text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/(^|\s)@([\w.-]+)/g, (match, space: string, name: string) => {
        const id = byName.get(name.toLowerCase());
        return id ? `${space}<@${id}>` : match;
      });
  }
}

/** The emulator throws "no channel …", "no message …", "no button …": the page asked for something gone. */
async function notFoundAs404<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Error && /^no (channel|message|button|view) /.test(error.message))
      throw new HttpError(404, error.message);
    throw error;
  }
}

function wantsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').includes('text/html');
}

function asset(res: ServerResponse, text: string, type: string): void {
  res.writeHead(200, {
    'content-type': `${type}; charset=utf-8`,
    'content-length': Buffer.byteLength(text),
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-cache',
  });
  res.end(text);
}

/**
 * Why a state-changing request is refused, or null. JSON forces a CORS preflight (which nothing
 * here answers), and a browser's Origin / Sec-Fetch-Site say when another site sent it.
 */
export function crossSiteProblem(req: IncomingMessage): string | null {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? ''))
    return 'send JSON (content-type: application/json)';
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site request refused';
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let host: string | null = null;
    try {
      host = new URL(origin).host;
    } catch {
      host = null;
    }
    if (host !== req.headers.host) return 'cross-origin request refused';
  }
  return null;
}
