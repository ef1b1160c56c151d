/** The parts of a Slack message that alert parsers read, and helpers to get plain text out of them. */

export interface SlackAttachmentField {
  title?: string;
  value?: string;
  short?: boolean;
}

export interface SlackAttachment {
  fallback?: string;
  color?: string;
  pretext?: string;
  author_name?: string;
  title?: string;
  title_link?: string;
  text?: string;
  fields?: SlackAttachmentField[];
  footer?: string;
  ts?: number | string;
  mrkdwn_in?: string[];
  actions?: unknown[];
  blocks?: unknown[];
}

export interface SlackMessage {
  type?: string;
  subtype?: string;
  text?: string;
  attachments?: SlackAttachment[];
  blocks?: unknown[];
  username?: string;
  bot_id?: string;
  bot_profile?: { name?: string; app_id?: string };
  app_id?: string;
  user?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
}

/** Decodes Slack's three HTML entities and unwraps `<url|label>`, `<@U…>`, `<#C…|name>` links. */
export function slackToPlain(text: string): string {
  return text
    .replace(/<(?:https?|mailto):[^|<>]*\|([^<>]*)>/g, '$1')
    .replace(/<((?:https?|mailto):[^<>]*)>/g, '$1')
    .replace(/<#[A-Z0-9]+\|([^<>]*)>/g, '#$1')
    .replace(/<@([A-Z0-9]+)(?:\|[^<>]*)?>/g, '@$1')
    .replace(/<!(here|channel|everyone)(?:\|[^<>]*)?>/g, '@$1')
    .replace(
      /<!subteam\^([A-Z0-9]+)(?:\|@?([^<>]*))?>/g,
      (_, id: string, label?: string) => `@${label || id}`,
    )
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Removes mrkdwn emphasis around words (`*bold*`, `_italic_`, `~strike~`, `` `code` ``). */
export function stripMrkdwn(text: string): string {
  return text
    .replace(/```([\s\S]*?)```/g, '$1')
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/(^|[\s(:>])\*{1,2}([^*\n]+?)\*{1,2}(?=$|[\s.,:;!?)<])/gm, '$1$2')
    .replace(/(^|[\s(:>])_([^_\n]+?)_(?=$|[\s.,:;!?)<])/gm, '$1$2')
    .replace(/(^|[\s(:>])~([^~\n]+?)~(?=$|[\s.,:;!?)<])/gm, '$1$2');
}

/** Plain text of a message's blocks: sections, fields, headers, context and rich text. */
export function blocksText(blocks: unknown[] | undefined): string[] {
  const lines: string[] = [];
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    const record = node as Record<string, unknown>;
    if (typeof record.text === 'string' && (record.type === 'mrkdwn' || record.type === 'plain_text')) {
      lines.push(record.text);
      return;
    }
    if (record.type === 'text' && typeof record.text === 'string') {
      lines.push(record.text);
      return;
    }
    if (record.type === 'link' && typeof record.url === 'string') {
      lines.push(typeof record.text === 'string' ? record.text : record.url);
      return;
    }
    for (const key of ['text', 'fields', 'elements', 'title', 'description']) {
      if (key in record) visit(record[key]);
    }
  };
  visit(blocks ?? []);
  return lines;
}

/** Everything a human would read in the message, in reading order, as plain text. */
export function messageText(message: SlackMessage): string {
  const parts: string[] = [];
  if (message.text) parts.push(message.text);
  for (const attachment of message.attachments ?? []) {
    for (const piece of [attachment.pretext, attachment.author_name, attachment.title, attachment.text]) {
      if (piece) parts.push(piece);
    }
    for (const field of attachment.fields ?? []) {
      parts.push(field.title ? `${field.title}: ${field.value ?? ''}` : (field.value ?? ''));
    }
    parts.push(...blocksText(attachment.blocks));
    if (attachment.footer) parts.push(attachment.footer);
    if (!attachment.title && !attachment.text && attachment.fallback) parts.push(attachment.fallback);
  }
  // A message typed by a person carries its text twice: in `text` and in a rich_text block.
  const blocks = message.text
    ? message.blocks?.filter((b) => (b as { type?: string }).type !== 'rich_text')
    : message.blocks;
  parts.push(...blocksText(blocks));
  return slackToPlain(parts.join('\n'));
}

/** Every http(s) URL in the message, including link targets hidden behind labels. */
export function messageLinks(message: SlackMessage): string[] {
  const raw = JSON.stringify(message);
  const links = new Set<string>();
  for (const match of raw.matchAll(/https?:\/\/[^\s"|<>\\]+/g)) links.add(match[0].replace(/&amp;/g, '&'));
  return [...links];
}
