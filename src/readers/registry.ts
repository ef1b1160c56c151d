import type { Alert } from '../domain/alert.js';
import { AalsError, ErrorCode } from '../errors.js';
import { alertmanagerSlackParser } from './alertmanager-slack.js';
import { looksLikeAlertmanagerWebhook, parseAlertmanagerWebhook } from './alertmanager-webhook.js';
import { cloudwatchParser } from './cloudwatch.js';
import { datadogParser } from './datadog.js';
import { grafanaParser } from './grafana.js';
import type { SlackMessage } from './message.js';
import { pagerdutyParser } from './pagerduty.js';
import type { MessageParser, ParseContext } from './parser.js';
import { textParser } from './text.js';

/** Most specific first: a source's own signature beats the generic text heuristics. */
export const MESSAGE_PARSERS: readonly MessageParser[] = [
  grafanaParser,
  alertmanagerSlackParser,
  datadogParser,
  pagerdutyParser,
  cloudwatchParser,
  textParser,
];

import { normalizeMessage } from './normalize-message.js';

export interface ParseOutcome {
  alerts: Alert[];
  /** Which parser understood the payload, or null when none did (ordinary chat, unknown format). */
  parser: string | null;
}

export function parseSlackMessage(message: SlackMessage, context: ParseContext): ParseOutcome {
  const normalized = normalizeMessage(message);
  for (const parser of MESSAGE_PARSERS) {
    const alerts = parser.parse(normalized, context);
    if (alerts) return { alerts, parser: parser.source };
  }
  return { alerts: [], parser: null };
}

/**
 * Any payload the `parse` contract accepts: an Alertmanager webhook body, a Slack Events API
 * envelope, a `message` event, or a chat.postMessage / incoming-webhook body.
 */
export function parsePayload(payload: unknown, context: ParseContext): ParseOutcome {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new AalsError(
      ErrorCode.BadInput,
      'expected a JSON object: a Slack message or an Alertmanager webhook body',
    );
  }
  if (looksLikeAlertmanagerWebhook(payload)) {
    return { alerts: parseAlertmanagerWebhook(payload, context), parser: 'alertmanager_webhook' };
  }
  const record = payload as Record<string, unknown>;
  const inner =
    record.type === 'event_callback' && record.event && typeof record.event === 'object'
      ? record.event
      : record;
  const message = unwrapEdit(inner as Record<string, unknown>);
  if (!isMessageShaped(message)) {
    throw new AalsError(
      ErrorCode.BadInput,
      'not a Slack message (no text, attachments or blocks) and not an Alertmanager webhook body (no alerts)',
    );
  }
  return parseSlackMessage(message as SlackMessage, context);
}

/** An edited message (subtype message_changed) carries the new content in `message`. */
export function unwrapEdit(event: Record<string, unknown>): Record<string, unknown> {
  if (event.subtype === 'message_changed' && event.message && typeof event.message === 'object') {
    return { ...(event.message as Record<string, unknown>), channel: event.channel };
  }
  return event;
}

function isMessageShaped(value: Record<string, unknown>): boolean {
  return typeof value.text === 'string' || Array.isArray(value.attachments) || Array.isArray(value.blocks);
}
