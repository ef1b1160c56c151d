import type { Alert, AlertStatus } from '../domain/alert.js';
import { labelListsIn } from './label-lists.js';
import { type SlackAttachment, type SlackMessage, slackToPlain, stripMrkdwn } from './message.js';
import { type AlertDraft, buildAlert, type MessageParser, type ParseContext } from './parser.js';
import { severityInText } from './severity.js';

/**
 * Alertmanager's slack_configs notifications. The default template carries only label values:
 *   "[FIRING:2] HighCPUUsage prod-tokyo checkout (production node warning)"
 * i.e. the group labels' values, then in parentheses the other common labels' values. Custom
 * templates often list every label in the text ("• *alertname:* `HighCPUUsage`") or in fields;
 * those give full labels, and so the same fingerprints Alertmanager itself computes.
 */
export const TITLE = /^\[(FIRING|RESOLVED)(?::(\d+))?\]\s*(.*?)\s*$/i;

export interface AlertmanagerTitle {
  status: AlertStatus;
  count: number;
  /** Values of the group labels, in label-name order. */
  groupValues: string[];
  /** Values of the common labels that are not group labels. */
  commonValues: string[];
}

export function parseAlertmanagerTitle(title: string): AlertmanagerTitle | null {
  const match = TITLE.exec(title.split(' | ')[0]?.trim() ?? '');
  if (!match) return null;
  const [, status, count, rest = ''] = match;
  const common = /^(.*?)\s*\(([^()]*)\)\s*$/.exec(rest);
  const groupPart = common ? (common[1] ?? '') : rest;
  return {
    status: status?.toUpperCase() === 'RESOLVED' ? 'resolved' : 'firing',
    count: count ? Number(count) : 1,
    groupValues: groupPart.split(/\s+/).filter(Boolean),
    commonValues: common ? (common[2] ?? '').split(/\s+/).filter(Boolean) : [],
  };
}

function isAlertmanagerAttachment(message: SlackMessage, attachment: SlackAttachment): boolean {
  const fromAlertmanager =
    /alertmanager/i.test(message.username ?? message.bot_profile?.name ?? '') ||
    /#\/alerts/.test(attachment.title_link ?? '') ||
    /\/#\/alerts/.test(attachment.fallback ?? '');
  const titled = TITLE.test(attachment.title ?? '') || TITLE.test(attachment.fallback ?? '');
  return titled && fromAlertmanager;
}

/** Fields such as "Severity: critical", "Instance: web-1" become labels severity, instance. */
function fieldLabels(attachment: SlackAttachment): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const field of attachment.fields ?? []) {
    const name = field.title
      ?.trim()
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
    const value = slackToPlain(field.value ?? '').trim();
    if (!name || !value || value.includes('\n') || !/^[a-z_][a-z0-9_]*$/.test(name)) continue;
    labels[name] = stripMrkdwn(value);
  }
  return labels;
}

/** Per-alert annotations from the popular template's "*Alert:* …" / "*Description:* …" lines. */
function annotationsNear(text: string, labels: Record<string, string>): Record<string, string> {
  const blocks = text.split(/\n(?=\*?Alert:\*?)/);
  const block = blocks.find((b) => Object.values(labels).every((v) => b.includes(v))) ?? '';
  const annotations: Record<string, string> = {};
  const summary = /\*?Alert:\*?\s*(.+?)(?:\s+-\s+`?\w+`?)?\s*$/m.exec(block)?.[1];
  const description = /\*?Description:\*?\s*(.+)$/m.exec(block)?.[1];
  if (summary) annotations.summary = stripMrkdwn(slackToPlain(summary)).trim();
  if (description) annotations.description = stripMrkdwn(slackToPlain(description)).trim();
  return annotations;
}

function firstGeneratorUrl(text: string): string | undefined {
  const match = /<?(https?:\/\/[^\s|>]*[?&]g0\.expr=[^\s|>]*)/.exec(text);
  return match?.[1]?.replace(/&amp;/g, '&');
}

export const alertmanagerSlackParser: MessageParser = {
  source: 'alertmanager',
  parse(message: SlackMessage, context: ParseContext): Alert[] | null {
    const alerts: Alert[] = [];
    let recognized = false;
    for (const attachment of message.attachments ?? []) {
      if (!isAlertmanagerAttachment(message, attachment)) continue;
      recognized = true;
      alerts.push(...parseAttachment(attachment, context));
    }
    return recognized ? alerts : null;
  },
};

function parseAttachment(attachment: SlackAttachment, context: ParseContext): Alert[] {
  // The fallback keeps the default title even when a custom title replaces it.
  const fromFallback = parseAlertmanagerTitle(attachment.fallback ?? '');
  const fromTitle = parseAlertmanagerTitle(attachment.title ?? '');
  const title = fromFallback ?? fromTitle;
  if (!title) return [];
  const status = fromTitle?.status ?? title.status;
  const groupKey = `alertmanager-slack:${title.groupValues.join(' ')}`;
  const url = attachment.title_link;
  const text = attachment.text ?? '';
  const common = {
    source: 'alertmanager' as const,
    status,
    groupKey,
    ...(url ? { url } : {}),
  };

  const labelled = labelListsIn(stripMrkdwn(slackToPlain(text))).filter((labels) => labels.alertname);
  if (labelled.length > 0) {
    const generatorURL = firstGeneratorUrl(text);
    return labelled.map((labels) =>
      buildAlert(
        {
          ...common,
          alertname: labels.alertname as string,
          labels,
          annotations: annotationsNear(text, labels),
          ...(generatorURL ? { generatorURL } : {}),
        },
        context,
      ),
    );
  }

  const alertname = title.groupValues[0] ?? 'UnnamedAlert';
  const labels = fieldLabels(attachment);
  const draft: AlertDraft = {
    ...common,
    alertname,
    labels,
    annotations: text.trim() ? { summary: stripMrkdwn(slackToPlain(text)).trim() } : {},
    severity: labels.severity ?? severityInText(title.commonValues.join(' ')),
    // Only label values are known: identify the alert by its group's values.
    identity: { alertname, group_values: title.groupValues.join(' ') },
    count: status === 'firing' ? title.count : 1,
  };
  return [buildAlert(draft, context)];
}
