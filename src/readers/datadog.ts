import type { Alert, AlertStatus } from '../domain/alert.js';
import { messageLinks, messageText, type SlackMessage } from './message.js';
import { buildAlert, type MessageParser, type ParseContext } from './parser.js';
import { normalizeSeverity } from './severity.js';

/**
 * Datadog monitor notifications: "Triggered: [P2] High CPU on host:web-1" (Slack app) or
 * "[P2] [Triggered on {host:web-1}] High CPU" (event titles), with tags "host:web-1, env:prod".
 */
const TRANSITIONS =
  'Re-Triggered|Triggered|Renotify|Warn Recovered|No Data Recovered|Recovered|Re-Warn|Warn|Re-No Data|No Data';
const PREFIX_FORM = new RegExp(`^\\s*(${TRANSITIONS}):\\s*(.+)$`, 'i');
const BRACKET_FORM = new RegExp(`\\[(${TRANSITIONS})(?: on \\{([^}]*)\\})?\\]`, 'i');

function isDatadog(message: SlackMessage, links: string[]): boolean {
  return (
    /\bdatadog\b/i.test(message.username ?? message.bot_profile?.name ?? '') ||
    links.some((l) => /^https:\/\/([a-z0-9-]+\.)*(datadoghq\.(com|eu)|ddog-gov\.com)\//.test(l))
  );
}

function statusOf(transition: string): AlertStatus {
  return /recovered/i.test(transition) ? 'resolved' : 'firing';
}

/** "host:web-1, env:prod" → { host: "web-1", env: "prod" } */
function tagsToLabels(tags: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const tag of tags.split(/[,\s]+/)) {
    const match = /^([A-Za-z_][\w.-]*):(.+)$/.exec(tag.trim());
    if (match) labels[(match[1] as string).replace(/[.-]/g, '_')] = match[2] as string;
  }
  return labels;
}

export const datadogParser: MessageParser = {
  source: 'datadog',
  parse(message: SlackMessage, context: ParseContext): Alert[] | null {
    const links = messageLinks(message);
    if (!isDatadog(message, links)) return null;
    const attachment = message.attachments?.[0];
    const titleLine = (attachment?.title ?? message.text ?? messageText(message).split('\n')[0] ?? '').trim();
    const prefix = PREFIX_FORM.exec(titleLine);
    const bracket = BRACKET_FORM.exec(titleLine);
    const transition = prefix?.[1] ?? bracket?.[1];
    if (!transition) return null;

    let title = prefix ? (prefix[2] as string) : titleLine.replace(BRACKET_FORM, '');
    const priority = /\[(P[1-5])\]/i.exec(titleLine)?.[1];
    title = title.replace(/\[P[1-5]\]/i, '').trim();

    const tagsField = attachment?.fields?.find((f) => /^tags$/i.test(f.title ?? ''))?.value ?? '';
    const labels: Record<string, string> = {
      ...tagsToLabels(tagsField),
      ...tagsToLabels(bracket?.[2] ?? ''),
    };
    const monitorId = links.map((l) => /\/monitors[/#](\d+)/.exec(l)?.[1]).find(Boolean);
    if (monitorId) labels.monitor_id = monitorId;
    if (priority) labels.priority = priority.toUpperCase();

    const body = messageText(message);
    const lastTriggered = /last triggered at (\w{3} \w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2} UTC)/.exec(
      body,
    )?.[1];
    const severity = /^warn/i.test(transition) ? 'warning' : normalizeSeverity(priority ?? labels.severity);
    const group = bracket?.[2] ?? (labels.host ? `host:${labels.host}` : '');
    return [
      buildAlert(
        {
          source: 'datadog',
          status: statusOf(transition),
          alertname: title,
          labels,
          annotations: {
            transition,
            ...(attachment?.text
              ? { summary: (attachment.text.split('\n')[0] ?? '').replace(/\*/g, '') }
              : {}),
          },
          severity,
          startsAt: lastTriggered ? new Date(lastTriggered) : null,
          // Trigger and recovery share the monitor and its group, not the title wording.
          identity: monitorId ? { monitor_id: monitorId, group } : { title, group },
          ...(attachment?.title_link ? { url: attachment.title_link } : {}),
        },
        context,
      ),
    ];
  },
};
