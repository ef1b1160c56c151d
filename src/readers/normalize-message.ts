import type { SlackAttachment, SlackAttachmentField, SlackMessage } from './message.js';

/**
 * A Slack message as the parsers may trust it: every part AALS reads has the type Slack documents,
 * or is left out. Untrusted payloads (a custom webhook, a bot with odd formatting) may carry
 * `attachments: {}`, `blocks: [null]` or `title: 5`; the parsers never see those shapes.
 */
const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function clean<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function field(value: Record<string, unknown>): SlackAttachmentField {
  return clean({
    title: string(value.title),
    value: string(value.value),
    short: typeof value.short === 'boolean' ? value.short : undefined,
  });
}

function attachment(value: Record<string, unknown>): SlackAttachment {
  const strings = [
    'fallback',
    'color',
    'pretext',
    'author_name',
    'title',
    'title_link',
    'text',
    'footer',
  ] as const;
  return clean({
    ...value,
    ...Object.fromEntries(strings.map((key) => [key, string(value[key])])),
    ts: typeof value.ts === 'number' || typeof value.ts === 'string' ? value.ts : undefined,
    fields: Array.isArray(value.fields) ? value.fields.filter(isObject).map(field) : undefined,
    mrkdwn_in: Array.isArray(value.mrkdwn_in)
      ? value.mrkdwn_in.filter((v) => typeof v === 'string')
      : undefined,
    actions: Array.isArray(value.actions) ? value.actions.filter(isObject) : undefined,
    blocks: Array.isArray(value.blocks) ? value.blocks.filter(isObject) : undefined,
  }) as SlackAttachment;
}

export function normalizeMessage(message: SlackMessage): SlackMessage {
  const raw = message as unknown as Record<string, unknown>;
  return clean({
    ...raw,
    text: string(raw.text),
    attachments: Array.isArray(raw.attachments)
      ? raw.attachments.filter(isObject).map(attachment)
      : undefined,
    blocks: Array.isArray(raw.blocks) ? raw.blocks.filter(isObject) : undefined,
  }) as SlackMessage;
}
