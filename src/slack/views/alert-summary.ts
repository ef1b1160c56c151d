import type { Severity } from '../../domain/alert.js';
import type { AlertPattern } from '../../readers/patterns.js';
import type { StoredAlert } from '../../store/alerts.js';
import { formatDuration, slackDate } from '../../util/time.js';
import { BLOCK_KIT_LIMITS } from '../block-kit-limits.js';
import { code, escapeMrkdwn, truncate } from './text.js';

/** The threaded reply to an alert: what fired, where, how severe, since when, and its pattern. */

export interface AnalyzedAlert {
  alert: StoredAlert;
  pattern: AlertPattern;
  /** When an earlier notification opened a thread for this alert: that thread's start. */
  firingSince?: string;
}

export interface SlackText {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  error: ':large_orange_circle:',
  warning: ':large_yellow_circle:',
  info: ':large_blue_circle:',
  unknown: ':white_circle:',
};

/** Labels that say where something is, most specific first. */
const WHERE_LABELS = [
  'service',
  'namespace',
  'pod',
  'deployment',
  'container',
  'instance',
  'host',
  'hostname',
  'node',
  'device',
  'mountpoint',
  'cluster',
  'region',
  'zone',
  'job',
  'account',
  'incident_number',
];
const MAX_ALERTS_SHOWN = 10;

export function whereOf(labels: Record<string, string>): string {
  const parts = WHERE_LABELS.filter((name) => labels[name]).map(
    (name) => `${name} ${code(labels[name] as string)}`,
  );
  return parts.slice(0, 6).join(', ');
}

export function patternLine(
  pattern: AlertPattern,
  settings: { recurringWindowMinutes: number; flappingWindowMinutes: number },
) {
  const notes: string[] = [];
  if (pattern.flapping) {
    notes.push(
      `:twisted_rightwards_arrows: *flapping*: ${pattern.transitions} state changes in ${formatDuration(settings.flappingWindowMinutes * 60_000)}`,
    );
  }
  if (pattern.recurring) {
    notes.push(
      `:repeat: *recurring*: fired ${pattern.firings} times in ${formatDuration(settings.recurringWindowMinutes * 60_000)}`,
    );
  }
  if (pattern.duplicate) notes.push(':arrows_counterclockwise: repeat notification: already firing');
  if (notes.length === 0) {
    notes.push(
      pattern.firings <= 1 && !pattern.recurring
        ? ':new: first time AALS has seen it fire'
        : `seen before (${pattern.firings} firings in the window)`,
    );
  }
  return notes.join(' · ');
}

export interface SummaryOptions {
  now: Date;
  recurringWindowMinutes: number;
  flappingWindowMinutes: number;
}

function alertSection(item: AnalyzedAlert, options: SummaryOptions): Record<string, unknown> {
  const { alert, pattern } = item;
  const since = item.firingSince ?? alert.startsAt;
  const age = formatDuration(options.now.getTime() - new Date(since).getTime());
  const title =
    alert.status === 'firing'
      ? `${SEVERITY_EMOJI[alert.severity]} *${escapeMrkdwn(alert.alertname)}* is *firing*`
      : `:white_check_mark: *${escapeMrkdwn(alert.alertname)}* is *resolved*`;
  const lines = [
    `${title} · severity *${alert.severity}* · ${alert.environment}${alert.count > 1 ? ` · ${alert.count} alerts` : ''}`,
  ];
  const where = whereOf(alert.labels);
  if (where) lines.push(`*Where:* ${where}`);
  if (alert.status === 'firing') lines.push(`*Since:* ${slackDate(since)} (${age} ago)`);
  const summary = alert.annotations.summary ?? alert.annotations.description ?? alert.annotations.reason;
  if (summary) lines.push(`*Summary:* ${escapeMrkdwn(truncate(summary, 500))}`);
  lines.push(`*Pattern:* ${patternLine(pattern, options)}`);
  const links = [
    alert.generatorURL && `<${alert.generatorURL}|graph>`,
    alert.url && `<${alert.url}|source>`,
  ].filter(Boolean);
  if (links.length) lines.push(links.join(' · '));
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: truncate(lines.join('\n'), BLOCK_KIT_LIMITS.sectionText) },
  };
}

/** One section per alert (at most ten, then a count), within Block Kit's limits. */
export function alertSummary(items: AnalyzedAlert[], options: SummaryOptions): SlackText {
  const shown = items.slice(0, MAX_ALERTS_SHOWN);
  const blocks: Array<Record<string, unknown>> = shown.map((item) => alertSection(item, options));
  if (items.length > shown.length) {
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: `…and ${items.length - shown.length} more alerts in this notification` },
      ],
    });
  }
  const firing = items.filter((i) => i.alert.status === 'firing');
  const first = items[0]?.alert;
  const text = first
    ? `${firing.length ? 'Firing' : 'Resolved'}: ${first.alertname}${items.length > 1 ? ` and ${items.length - 1} more` : ''} (${first.severity})`
    : 'Alert';
  return { text: escapeMrkdwn(truncate(text, 300)), blocks };
}

/** "✅ HighCPUUsage resolved after 12 m" in the firing alert's thread. */
export function resolvedNotice(items: AnalyzedAlert[], now: Date): SlackText {
  const lines = items.slice(0, 20).map(({ alert, firingSince }) => {
    const start = firingSince ?? alert.startsAt;
    const end = alert.endsAt ?? now.toISOString();
    const duration = formatDuration(new Date(end).getTime() - new Date(start).getTime());
    const where = whereOf(alert.labels);
    return `:white_check_mark: *${escapeMrkdwn(alert.alertname)}* resolved after *${duration}*${where ? ` (${where})` : ''}`;
  });
  if (items.length > 20) lines.push(`…and ${items.length - 20} more resolved`);
  const first = items[0]?.alert;
  const text = first ? escapeMrkdwn(`${first.alertname} resolved`) : 'Resolved';
  return {
    text,
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: truncate(lines.join('\n'), BLOCK_KIT_LIMITS.sectionText) },
      },
    ],
  };
}
