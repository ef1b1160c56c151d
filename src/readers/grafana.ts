import type { Alert, AlertStatus } from '../domain/alert.js';
import { parseAlertmanagerTitle } from './alertmanager-slack.js';
import { type SlackAttachment, type SlackMessage, slackToPlain } from './message.js';
import { buildAlert, type MessageParser, type ParseContext, toIso } from './parser.js';

/**
 * Grafana unified alerting's Slack contact point (grafana/alerting receivers/slack): one attachment
 * with the Alertmanager-style title, footer "Grafana v…", and the default.message text:
 *   **Firing**\n\nValue: A=96.1\nLabels:\n - alertname = X\n …\nAnnotations:\n - summary = …\nSource: url
 */
function isGrafana(message: SlackMessage, attachment: SlackAttachment): boolean {
  const footer = attachment.footer ?? '';
  return (
    /^Grafana v/i.test(footer) ||
    /grafana\.com\/.*fav32\.png/.test((attachment as { footer_icon?: string }).footer_icon ?? '') ||
    (/grafana/i.test(message.username ?? message.bot_profile?.name ?? '') &&
      /^\*\*(Firing|Resolved)\*\*/.test(attachment.text ?? ''))
  );
}

interface GrafanaBlock {
  status: AlertStatus;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  values?: string;
  source?: string;
}

/** Splits default.message text into alerts, each under its **Firing** or **Resolved** header. */
export function grafanaBlocks(text: string): GrafanaBlock[] {
  const blocks: GrafanaBlock[] = [];
  let status: AlertStatus = 'firing';
  let current: GrafanaBlock | null = null;
  let section: 'labels' | 'annotations' | null = null;
  for (const line of slackToPlain(text).split('\n')) {
    const header = /^\*\*(Firing|Resolved)\*\*\s*$/i.exec(line.trim());
    if (header) {
      status = header[1]?.toLowerCase() === 'resolved' ? 'resolved' : 'firing';
      current = null;
      continue;
    }
    const value = /^Value:\s*(.*)$/.exec(line);
    if (value || (/^Labels:\s*$/.test(line) && !current)) {
      current = { status, labels: {}, annotations: {}, ...(value ? { values: value[1] } : {}) };
      blocks.push(current);
      section = value ? null : 'labels';
      continue;
    }
    if (!current) continue;
    if (/^Labels:\s*$/.test(line)) section = 'labels';
    else if (/^Annotations:\s*$/.test(line)) section = 'annotations';
    else if (/^\s+-\s+/.test(line) && section) {
      const pair = /^\s+-\s+([^=]+?)\s=\s(.*)$/.exec(line);
      if (pair) current[section][pair[1] as string] = pair[2] as string;
    } else {
      const link = /^(Source|Silence|Dashboard|Panel):\s*(\S+)/.exec(line);
      if (link?.[1] === 'Source') current.source = link[2] as string;
      section = null;
    }
  }
  return blocks;
}

export const grafanaParser: MessageParser = {
  source: 'grafana',
  parse(message: SlackMessage, context: ParseContext): Alert[] | null {
    const attachments = (message.attachments ?? []).filter((a) => isGrafana(message, a));
    if (attachments.length === 0) return null;
    return attachments.flatMap((attachment) => parseAttachment(attachment, context));
  },
};

function parseAttachment(attachment: SlackAttachment, context: ParseContext): Alert[] {
  const title = parseAlertmanagerTitle(attachment.title?.replace(/, RESOLVED:\d+\]/, ']') ?? '');
  const sentAt = toIso(attachment.ts);
  const blocks = grafanaBlocks(attachment.text ?? '').filter((b) => b.labels.alertname);
  const url = attachment.title_link;
  if (blocks.length > 0) {
    return blocks.map((block) =>
      buildAlert(
        {
          source: 'grafana',
          status: block.status,
          alertname: block.labels.alertname as string,
          labels: block.labels,
          annotations: { ...block.annotations, ...(block.values ? { value: block.values } : {}) },
          startsAt: block.status === 'firing' ? sentAt : null,
          endsAt: block.status === 'resolved' ? sentAt : null,
          ...(title ? { groupKey: `grafana:${title.groupValues.join(' ')}` } : {}),
          ...(block.source ? { generatorURL: block.source } : {}),
          ...(url ? { url } : {}),
        },
        context,
      ),
    );
  }
  if (!title) return [];
  // A custom template without the label list: fall back to the title's values.
  const alertname = title.groupValues[0] ?? 'UnnamedAlert';
  return [
    buildAlert(
      {
        source: 'grafana',
        status: title.status,
        alertname,
        annotations: attachment.text ? { summary: slackToPlain(attachment.text).trim() } : {},
        identity: { alertname, group_values: title.groupValues.join(' ') },
        groupKey: `grafana:${title.groupValues.join(' ')}`,
        count: title.count,
        ...(url ? { url } : {}),
      },
      context,
    ),
  ];
}
