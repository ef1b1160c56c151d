import type { EmulatedFile, EmulatedMessage } from '../workspace.js';

/**
 * Slack messages, Block Kit and modals as HTML for the sandbox page. Pure: data in, HTML out.
 * Every piece of message content is untrusted: it is HTML-escaped first, and the only markup that
 * reaches the page is what this module writes around it (the mrkdwn subset, links whose URL
 * passed `safeUrl`, buttons carrying ids in escaped data attributes).
 */

export interface RenderContext {
  userName(id: string): string | undefined;
  channelName(id: string): string | undefined;
  /** Where the page loads an uploaded file from. */
  fileUrl(id: string): string;
  /** The message a permalink points to, when it is one of this workspace's: the page jumps there. */
  permalink?(url: string): { channel: string; ts: string } | null;
}

/** `…/archives/C123/p1700000000000100` → channel and ts (Slack's permalink path). */
export function permalinkTarget(url: string): { channel: string; ts: string } | null {
  if (!URL.canParse(url)) return null;
  const match = /\/archives\/([A-Z0-9]+)\/p(\d{10})(\d{6})$/.exec(new URL(url).pathname);
  return match ? { channel: match[1] as string, ts: `${match[2]}.${match[3]}` } : null;
}

/** An <a> to a safe URL; in-workspace permalinks also say where to jump. */
function link(href: string, inner: string, ctx: RenderContext, className?: string): string {
  const target = ctx.permalink?.(href);
  const jump = target ? `${attr('data-goto-channel', target.channel)}${attr('data-goto-ts', target.ts)}` : '';
  return `<a${className ? attr('class', className) : ''}${attr('href', href)}${jump} target="_blank" rel="noopener noreferrer">${inner}</a>`;
}

type Json = Record<string, unknown>;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

function attr(name: string, value: string): string {
  return ` ${name}="${escapeHtml(value)}"`;
}

/** Slack escapes only &, < and > in message text; the rest is literal. */
function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The URL if a browser may follow it (http, https, mailto), else null: no javascript:, data: or relative. */
export function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw.trim());
    return ['http:', 'https:', 'mailto:'].includes(url.protocol) ? url.href : null;
  } catch {
    return null;
  }
}

/** The shortcodes AALS and Alertmanager templates use; others stay as text. */
const EMOJI: Record<string, string> = {
  red_circle: '🔴',
  large_green_circle: '🟢',
  large_blue_circle: '🔵',
  large_yellow_circle: '🟡',
  large_orange_circle: '🟠',
  white_circle: '⚪',
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  no_entry_sign: '🚫',
  hourglass_flowing_sand: '⏳',
  stethoscope: '🩺',
  information_source: 'ℹ️',
  chart_with_upwards_trend: '📈',
  mag: '🔍',
  fire: '🔥',
  rotating_light: '🚨',
  memo: '📝',
  link: '🔗',
  repeat: '🔁',
  twisted_rightwards_arrows: '🔀',
  arrows_counterclockwise: '🔄',
  arrow_heading_up: '⤴️',
  alarm_clock: '⏰',
  calendar: '📆',
  blue_book: '📘',
  outbox: '📤',
  new: '🆕',
  bell: '🔔',
  wrench: '🔧',
  bulb: '💡',
  eyes: '👀',
  robot_face: '🤖',
  '+1': '👍',
  thumbsup: '👍',
  '-1': '👎',
  thumbsdown: '👎',
  tada: '🎉',
  skull: '💀',
};

function emoji(html: string): string {
  return html.replace(/:([a-z0-9_+-]+):/g, (match, name: string) => EMOJI[name] ?? match);
}

/** Marks a piece of finished HTML inside text still to be escaped; NUL never survives in input. */
const MARK = '\u0000';
const HELD = new RegExp(`${MARK}(\\d+)${MARK}`, 'g');

/**
 * Slack mrkdwn → HTML: ```blocks```, `code`, <links|text>, <@mentions>, <#channels>, <!date…|fallback>,
 * *bold*, _italic_, ~strike~, > quotes, :emoji:, line breaks.
 */
export function mrkdwn(text: string, ctx: RenderContext): string {
  const held: string[] = [];
  const hold = (html: string) => `${MARK}${held.push(html) - 1}${MARK}`;
  let s = text.replaceAll(MARK, '');
  s = s.replace(/```([\s\S]*?)```/g, (_m, body: string) =>
    hold(`<pre>${escapeHtml(decodeSlackEntities(body.replace(/^\n/, '')))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_m, body: string) =>
    hold(`<code>${escapeHtml(decodeSlackEntities(body))}</code>`),
  );
  s = s.replace(/<([^<>\n]*)>/g, (_m, inner: string) => hold(controlSequence(inner, ctx)));
  s = escapeHtml(decodeSlackEntities(s));
  // Slack formats only between word boundaries, so snake_case and 2*3*4 stay as they are.
  s = s.replace(/(^|[^\w*])\*(?!\s)([^*\n]+?)\*(?!\w)/g, '$1<strong>$2</strong>');
  s = s.replace(/(^|[^\w_])_(?!\s)([^_\n]+?)_(?!\w)/g, '$1<em>$2</em>');
  s = s.replace(/(^|[^\w~])~(?!\s)([^~\n]+?)~(?!\w)/g, '$1<del>$2</del>');
  s = emoji(s);
  s = s
    .split('\n')
    .map((line) => (line.startsWith('&gt; ') ? `<span class="quote">${line.slice(5)}</span>` : line))
    .join('<br>');
  // Held pieces can hold others (a code span inside a link label), so restore until none is left.
  for (let i = 0; i <= held.length && s.includes(MARK); i++) {
    s = s.replace(HELD, (_m, index: string) => held[Number(index)] ?? '');
  }
  return s.replaceAll(MARK, '');
}

/** One <…> of Slack's message format. */
function controlSequence(inner: string, ctx: RenderContext): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  const text = (value: string) => emoji(escapeHtml(decodeSlackEntities(value)));
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `<span class="mention">@${text(label ?? ctx.userName(id) ?? id)}</span>`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `<span class="mention">#${text(label ?? ctx.channelName(id) ?? id)}</span>`;
  }
  if (target.startsWith('!')) {
    const [command = ''] = target.slice(1).split('^');
    if (['here', 'channel', 'everyone'].includes(command))
      return `<span class="mention">@${text(command)}</span>`;
    // Dates and user groups: their fallback text is what Slack shows when it cannot do better.
    return text(label ?? command);
  }
  const href = safeUrl(decodeSlackEntities(target));
  if (href) return link(href, text(label ?? target), ctx);
  // Not a link we would follow (javascript:, plain <words>): its label, or the text as typed.
  return label === undefined ? text(`<${inner}>`) : `<span class="unsafe-link">${text(label)}</span>`;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function obj(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(obj).filter((v): v is Json => Boolean(v)) : [];
}

/** A Block Kit text object: mrkdwn or plain_text (whose :emoji: Slack shows as pictures). */
export function textObject(value: unknown, ctx: RenderContext): string {
  const text = obj(value);
  if (!text) return '';
  if (text.type === 'mrkdwn') return mrkdwn(str(text.text), ctx);
  return text.emoji === false ? escapeHtml(str(text.text)) : emoji(escapeHtml(str(text.text)));
}

function imageHtml(url: unknown, alt: unknown, className: string): string {
  const href = safeUrl(str(url));
  if (!href) return `<span class="unsupported">[image: ${escapeHtml(str(alt) || 'unsafe URL')}]</span>`;
  return `<img${attr('class', className)}${attr('src', href)}${attr('alt', str(alt))} loading="lazy">`;
}

function button(element: Json, blockId: string, ctx: RenderContext): string {
  const label = textObject(element.text, ctx);
  const style = element.style === 'primary' || element.style === 'danger' ? ` ${element.style}` : '';
  if (element.url !== undefined) {
    const href = safeUrl(str(element.url));
    if (!href) return `<button type="button" class="btn" disabled>${label}</button>`;
    return link(href, label, ctx, `btn${style}`);
  }
  return `<button type="button" class="btn${style}"${attr('data-action-id', str(element.action_id))}${attr('data-block-id', blockId)}>${label}</button>`;
}

/** Interactive and input elements: buttons work, text inputs work in modals, the rest are named. */
function element(value: Json, blockId: string, ctx: RenderContext): string {
  switch (value.type) {
    case 'button':
      return button(value, blockId, ctx);
    case 'image':
      return imageHtml(value.image_url, value.alt_text, 'inline-img');
    case 'mrkdwn':
    case 'plain_text':
      return `<span>${textObject(value, ctx)}</span>`;
    default:
      return `<span class="unsupported">[${escapeHtml(str(value.type) || 'element')}]</span>`;
  }
}

function input(block: Json, ctx: RenderContext): string {
  const blockId = str(block.block_id);
  const field = obj(block.element) ?? {};
  const label = `<label class="b-label">${textObject(block.label, ctx)}${block.optional ? ' <span class="optional">(optional)</span>' : ''}</label>`;
  if (field.type !== 'plain_text_input') return `${label}${element(field, blockId, ctx)}`;
  const attrs = [
    attr('data-block-id', blockId),
    attr('data-action-id', str(field.action_id)),
    typeof field.max_length === 'number' ? attr('maxlength', String(field.max_length)) : '',
    obj(field.placeholder) ? attr('placeholder', str(obj(field.placeholder)?.text)) : '',
    block.optional ? '' : ' required',
  ].join('');
  const initial = escapeHtml(str(field.initial_value));
  const control = field.multiline
    ? `<textarea class="b-input"${attrs}>${initial}</textarea>`
    : `<input class="b-input" type="text"${attrs} value="${initial}">`;
  return `<div class="b-input-block">${label}${control}</div>`;
}

function blockHtml(block: Json, ctx: RenderContext): string {
  const blockId = str(block.block_id);
  switch (block.type) {
    case 'header':
      return `<div class="b-header">${textObject(block.text, ctx)}</div>`;
    case 'section': {
      const text = block.text ? `<div class="b-text">${textObject(block.text, ctx)}</div>` : '';
      const fields = list(block.fields);
      const grid = fields.length
        ? `<div class="b-fields">${fields.map((f) => `<div class="b-field">${textObject(f, ctx)}</div>`).join('')}</div>`
        : '';
      const accessory = obj(block.accessory);
      const side = accessory ? `<div class="b-accessory">${element(accessory, blockId, ctx)}</div>` : '';
      return `<div class="b-section"><div class="b-main">${text}${grid}</div>${side}</div>`;
    }
    case 'context':
      return `<div class="b-context">${list(block.elements)
        .map((e) => element(e, blockId, ctx))
        .join(' ')}</div>`;
    case 'image': {
      const file = obj(block.slack_file);
      const url = file?.id ? ctx.fileUrl(str(file.id)) : undefined;
      const title = block.title ? `<figcaption>${textObject(block.title, ctx)}</figcaption>` : '';
      const img = url
        ? `<img class="b-img"${attr('src', url)}${attr('alt', str(block.alt_text))} loading="lazy">`
        : imageHtml(block.image_url ?? file?.url, block.alt_text, 'b-img');
      return `<figure class="b-image">${img}${title}</figure>`;
    }
    case 'divider':
      return '<hr class="b-divider">';
    case 'actions':
      return `<div class="b-actions">${list(block.elements)
        .map((e) => element(e, blockId, ctx))
        .join('')}</div>`;
    case 'input':
      return input(block, ctx);
    default:
      return `<div class="unsupported">[${escapeHtml(str(block.type) || 'unknown')} block]</div>`;
  }
}

export function renderBlocks(blocks: unknown, ctx: RenderContext): string {
  return list(blocks)
    .map((block) => blockHtml(block, ctx))
    .join('');
}

const ATTACHMENT_COLORS = new Set(['good', 'warning', 'danger']);

/** Legacy attachments: what Alertmanager's Slack notifier and many other integrations send. */
export function renderAttachment(value: Json, ctx: RenderContext): string {
  const color = str(value.color);
  const tone = ATTACHMENT_COLORS.has(color) ? color : color ? 'other' : 'none';
  const parts: string[] = [];
  if (value.pretext) parts.push(`<div class="a-pretext">${mrkdwn(str(value.pretext), ctx)}</div>`);
  if (value.author_name) parts.push(`<div class="a-author">${escapeHtml(str(value.author_name))}</div>`);
  if (value.title) {
    const href = safeUrl(str(value.title_link));
    const title = mrkdwn(str(value.title), ctx);
    parts.push(`<div class="a-title">${href ? link(href, title, ctx) : title}</div>`);
  }
  if (value.text) parts.push(`<div class="a-text">${mrkdwn(str(value.text), ctx)}</div>`);
  const fields = list(value.fields);
  if (fields.length) {
    parts.push(
      `<div class="b-fields">${fields
        .map(
          (f) =>
            `<div class="b-field${f.short ? '' : ' wide'}"><strong>${escapeHtml(str(f.title))}</strong><br>${mrkdwn(str(f.value), ctx)}</div>`,
        )
        .join('')}</div>`,
    );
  }
  if (Array.isArray(value.blocks)) parts.push(renderBlocks(value.blocks, ctx));
  if (value.image_url) parts.push(imageHtml(value.image_url, value.fallback, 'b-img'));
  const links = list(value.actions).flatMap((a) => {
    const href = safeUrl(str(a.url));
    return href ? [link(href, emoji(escapeHtml(str(a.text))), ctx, 'btn')] : [];
  });
  if (links.length) parts.push(`<div class="b-actions">${links.join('')}</div>`);
  if (value.footer) parts.push(`<div class="b-context">${mrkdwn(str(value.footer), ctx)}</div>`);
  if (parts.length === 0 && value.fallback)
    parts.push(`<div class="a-text">${mrkdwn(str(value.fallback), ctx)}</div>`);
  return `<div class="attachment tone-${tone}">${parts.join('')}</div>`;
}

function fileHtml(file: Omit<EmulatedFile, 'data'>, ctx: RenderContext): string {
  const url = ctx.fileUrl(file.id);
  const name = escapeHtml(file.title || file.name);
  if (file.mimetype.startsWith('image/'))
    return `<figure class="file"><a${attr('href', url)} target="_blank"><img class="b-img"${attr('src', url)}${attr('alt', file.title || file.name)} loading="lazy"></a><figcaption>${name}</figcaption></figure>`;
  return `<div class="file">📎 <a${attr('href', url)} download>${name}</a> <span class="muted">(${file.size} bytes)</span></div>`;
}

export interface ViewerOptions {
  /** The sandbox user looking at the page: only their ephemeral messages are shown. */
  viewer: string;
}

function author(message: EmulatedMessage, ctx: RenderContext): { name: string; bot: boolean } {
  if (message.bot_profile?.name) return { name: message.bot_profile.name, bot: true };
  if (message.username) return { name: message.username, bot: Boolean(message.bot_id) };
  const id = message.user ?? message.bot_id ?? 'unknown';
  return { name: ctx.userName(id) ?? id, bot: Boolean(message.bot_id) };
}

/** One message: who, when, the blocks (or the text when there are none), attachments and files. */
export function renderMessage(message: EmulatedMessage, ctx: RenderContext): string {
  const who = author(message, ctx);
  const seconds = Number(message.ts.split('.')[0]);
  const when = Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : '';
  const meta = [
    `<span class="author">${escapeHtml(who.name)}</span>`,
    who.bot ? '<span class="tag">APP</span>' : '',
    when ? `<time${attr('datetime', when)}>${escapeHtml(when.slice(11, 19))} UTC</time>` : '',
    message.edited ? '<span class="muted">(edited)</span>' : '',
    message.ephemeralTo ? '<span class="tag ephemeral">Only visible to you</span>' : '',
  ].join('');
  const body = [
    message.blocks?.length
      ? renderBlocks(message.blocks, ctx)
      : message.text
        ? `<div class="b-text">${mrkdwn(message.text, ctx)}</div>`
        : '',
    ...list(message.attachments).map((a) => renderAttachment(a, ctx)),
    ...(message.files ?? []).map((f) => fileHtml(f, ctx)),
  ].join('');
  return `<div class="msg${message.ephemeralTo ? ' is-ephemeral' : ''}"${attr('data-ts', message.ts)}><div class="meta">${meta}</div><div class="body">${body}</div></div>`;
}

export interface RenderedThread {
  ts: string;
  html: string;
}

/**
 * A channel as the viewer sees it: top-level messages oldest first, each followed by its replies.
 * Ephemeral messages for other users are left out; replies whose parent is gone stand alone.
 */
export function renderChannel(
  messages: EmulatedMessage[],
  ctx: RenderContext,
  options: ViewerOptions & { limit?: number },
): RenderedThread[] {
  const visible = messages.filter((m) => !m.ephemeralTo || m.ephemeralTo === options.viewer);
  const parents = new Set(visible.filter((m) => !m.thread_ts || m.thread_ts === m.ts).map((m) => m.ts));
  const replies = new Map<string, EmulatedMessage[]>();
  const top: EmulatedMessage[] = [];
  for (const message of visible) {
    const parent = message.thread_ts;
    if (parent && parent !== message.ts && parents.has(parent)) {
      replies.set(parent, [...(replies.get(parent) ?? []), message]);
    } else top.push(message);
  }
  return top.slice(-(options.limit ?? 100)).map((message) => {
    const thread = replies.get(message.ts) ?? [];
    const html = thread.length
      ? `<details class="thread" open${attr('data-thread', message.ts)}><summary>${thread.length} ${thread.length === 1 ? 'reply' : 'replies'}</summary>${thread
          .map((m) => renderMessage(m, ctx))
          .join('')}</details>`
      : '';
    return { ts: message.ts, html: `${renderMessage(message, ctx)}${html}` };
  });
}

/** A modal (views.open) as a form: its blocks, text inputs named by block and action id, submit and close. */
export function renderView(id: string, view: Json, ctx: RenderContext): string {
  const title = textObject(view.title, ctx) || 'Dialog';
  const submit = view.submit ? textObject(view.submit, ctx) : '';
  const close = textObject(view.close, ctx) || 'Cancel';
  return `<form class="modal" method="dialog"${attr('data-view-id', id)}><h2>${title}</h2>${renderBlocks(view.blocks, ctx)}<div class="modal-buttons"><button type="button" class="btn" data-modal="close">${close}</button>${submit ? `<button type="submit" class="btn primary" data-modal="submit">${submit}</button>` : ''}</div></form>`;
}
