import type { Alert, AlertStatus } from '../domain/alert.js';
import { messageLinks, messageText, type SlackMessage } from './message.js';
import { buildAlert, type MessageParser, type ParseContext } from './parser.js';
import { normalizeSeverity } from './severity.js';

/**
 * PagerDuty's Slack app: "Triggered #1234: High CPU on web-1" with fields Status, Urgency,
 * Priority, Service, Assigned. State changes of one incident share its incident ID.
 */
const INCIDENT_URL = /^https:\/\/[a-z0-9-]+\.pagerduty\.com\/incidents\/([A-Z0-9]+)/i;

function statusWord(text: string): string | undefined {
  return (
    /Status:\s*\n?\s*(Triggered|Acknowledged|Resolved)/i.exec(text)?.[1] ??
    /\b(Triggered|Acknowledged|Resolved)\b/i.exec(text)?.[1]
  );
}

function field(text: string, name: string): string | undefined {
  return new RegExp(`${name}:\\s*\\n?\\s*([^\\n]+)`, 'i').exec(text)?.[1]?.trim();
}

export const pagerdutyParser: MessageParser = {
  source: 'pagerduty',
  parse(message: SlackMessage, context: ParseContext): Alert[] | null {
    const links = messageLinks(message);
    const incidentId = links.map((l) => INCIDENT_URL.exec(l)?.[1]).find(Boolean);
    const fromPagerDuty = /pagerduty/i.test(message.username ?? message.bot_profile?.name ?? '');
    if (!incidentId && !fromPagerDuty) return null;
    const text = messageText(message).replace(/\*/g, '');
    const word = statusWord(text);
    if (!word) return null;
    const status: AlertStatus = /resolved/i.test(word) ? 'resolved' : 'firing';
    const number = /#(\d+)/.exec(text)?.[1];
    const title =
      /\[#\d+\]\s*(.+)/.exec(text)?.[1]?.trim() ??
      /#\d+:?\s*(.+)/.exec(text)?.[1]?.trim() ??
      text.split('\n')[0]?.trim() ??
      'PagerDuty incident';

    const labels: Record<string, string> = {};
    const service = field(text, 'Service');
    const urgency = field(text, 'Urgency');
    const priority = field(text, 'Priority');
    if (service) labels.service = service;
    if (urgency) labels.urgency = urgency.toLowerCase();
    if (priority) labels.priority = priority;
    if (incidentId) labels.incident_id = incidentId;
    if (number) labels.incident_number = number;

    const severity =
      field(text, 'Severity') ??
      (priority && /^P[1-5]$/i.test(priority) ? priority : urgency === 'High' ? 'error' : urgency);
    return [
      buildAlert(
        {
          source: 'pagerduty',
          status,
          alertname: title,
          labels,
          annotations: { incident_status: word.toLowerCase() },
          severity: normalizeSeverity(severity),
          identity: { incident: incidentId ?? number ?? title },
          ...(incidentId ? { url: links.find((l) => INCIDENT_URL.test(l)) as string } : {}),
        },
        context,
      ),
    ];
  },
};
