import type { RootCause } from '../../correlation/types.js';
import { type Severity, severityRank } from '../../domain/alert.js';
import type { Diagnosis } from '../../domain/diagnosis.js';
import type { Similar } from '../../memory/service.js';
import type { AlertPattern } from '../../readers/patterns.js';
import type { AnalysisRow } from '../../store/analyses.js';
import type { ApprovalRow } from '../../store/approvals.js';
import type { IncidentAlertRow, IncidentRow } from '../../store/incidents.js';
import { formatDuration, slackDate } from '../../util/time.js';
import { fitBlocks } from '../block-kit-limits.js';
import { diagnosisBlocks } from './diagnosis.js';
import { findingLines } from './findings.js';
import { similarBlocks } from './similar.js';
import { code, context, escapeMrkdwn, section, truncate } from './text.js';

/**
 * The incident's summary message (posted in its thread, then updated in place), the notices posted
 * when it resolves, reopens or merges, and the one-line pointer other alert messages get.
 */
export interface SlackText {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

export interface IncidentView {
  incident: IncidentRow;
  alerts: IncidentAlertRow[];
  roots: RootCause[];
  mergedFrom: number[];
  /** The latest finished metric analysis, if the Prometheus module ran one. */
  analysis?: AnalysisRow | null;
  /** Similar past incidents and runbooks from incident memory, once looked up. */
  similar?: Similar | null;
  /** The latest diagnosis; pending while a fuller one (the LLM's) is still running. */
  diagnosis?: { result: Diagnosis; pending: boolean } | null;
  /** Requests to run the diagnosis' commands, and where each stands. */
  approvals?: ApprovalRow[];
}

export interface ViewOptions {
  now: Date;
  recurringWindowMinutes: number;
  flappingWindowMinutes: number;
  /** A link to a message, for pointers and merge notices. */
  permalink?: (channel: string, ts: string) => string;
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
const MAX_ALERTS_LISTED = 8;

export function whereOf(labels: Record<string, string>): string {
  const parts = WHERE_LABELS.filter((name) => labels[name]).map(
    (name) => `${name} ${code(labels[name] as string)}`,
  );
  return parts.slice(0, 6).join(', ');
}

export function patternLine(
  pattern: AlertPattern,
  options: Pick<ViewOptions, 'recurringWindowMinutes' | 'flappingWindowMinutes'>,
) {
  const notes: string[] = [];
  if (pattern.flapping) {
    notes.push(
      `:twisted_rightwards_arrows: *flapping*: ${pattern.transitions} state changes in ${formatDuration(options.flappingWindowMinutes * 60_000)}`,
    );
  }
  if (pattern.recurring) {
    notes.push(
      `:repeat: *recurring*: fired ${pattern.firings} times in ${formatDuration(options.recurringWindowMinutes * 60_000)}`,
    );
  }
  if (pattern.duplicate) notes.push(':arrows_counterclockwise: repeat notification: already firing');
  if (notes.length === 0) {
    notes.push(
      pattern.firings <= 1
        ? ':new: first time AALS has seen it fire'
        : `seen before (${pattern.firings} firings in the window)`,
    );
  }
  return notes.join(' · ');
}

/** What fired, where, how severe, since when, summary, pattern and links: one alert in detail. */
function alertDetail(alert: IncidentAlertRow, options: ViewOptions): string {
  const since = new Date(alert.startsAt).toISOString();
  const age = formatDuration(options.now.getTime() - alert.startsAt);
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
  const summary =
    alert.annotations.summary ??
    alert.annotations.description ??
    alert.annotations.reason ??
    alert.annotations.text;
  if (summary) lines.push(`*Summary:* ${escapeMrkdwn(truncate(summary, 500))}`);
  if (alert.pattern) lines.push(`*Pattern:* ${patternLine(alert.pattern, options)}`);
  const links = [
    alert.generatorURL && `<${alert.generatorURL}|graph>`,
    alert.url && `<${alert.url}|source>`,
  ].filter(Boolean);
  if (links.length) lines.push(links.join(' · '));
  return lines.join('\n');
}

function statusLine(view: IncidentView, options: ViewOptions): string {
  const { incident, alerts } = view;
  const firing = alerts.filter((a) => a.status === 'firing').length;
  const services = new Set(alerts.map((a) => a.service).filter(Boolean));
  const opened = Date.parse(incident.openedAt);
  const state =
    incident.status === 'resolved'
      ? `:white_check_mark: *resolved* after ${formatDuration(Date.parse(incident.resolvedAt ?? incident.lastActivity) - opened)}`
      : incident.status === 'merged'
        ? `:twisted_rightwards_arrows: *merged* into #${incident.mergedInto}`
        : `*open* for ${formatDuration(options.now.getTime() - opened)}`;
  return `${state} · ${incident.environment} · *${alerts.length} alerts* (${firing} firing, ${alerts.length - firing} resolved)${
    services.size ? ` across ${services.size} service${services.size === 1 ? '' : 's'}` : ''
  } · since ${slackDate(incident.openedAt)}`;
}

export function incidentTitle(view: IncidentView): string {
  const root = view.roots[0];
  const where = root ? (root.service ?? root.instance) : null;
  const name = root ? `${root.alertname}${where ? ` on ${where}` : ''}` : 'Incident';
  const others = view.alerts.length - 1;
  return `Incident #${view.incident.id}: ${name}${others > 0 ? ` (+${others} alert${others === 1 ? '' : 's'})` : ''}`;
}

/** The summary message: one alert in detail, or the incident with its likely root cause and top alerts. */
export function incidentSummary(view: IncidentView, options: ViewOptions): SlackText {
  const { alerts, roots, incident } = view;
  const worst = [...alerts].sort((a, b) => severityRank(a.severity) - severityRank(b.severity))[0];
  const emoji =
    incident.status === 'resolved' ? ':white_check_mark:' : SEVERITY_EMOJI[worst?.severity ?? 'unknown'];
  const title = incidentTitle(view);
  const text = escapeMrkdwn(truncate(`${title} (${incident.status})`, 300));
  if (alerts.length === 1 && alerts[0]) {
    return {
      text,
      blocks: fitBlocks([
        section(alertDetail(alerts[0], options)),
        ...metricsBlocks(view, options),
        ...diagnosisPart(view),
        context(`Incident #${incident.id} · ${statusLine(view, options)}`),
        ...similarBlocks(incident.id, view.similar ?? null, incident.resolution),
      ]),
    };
  }
  const blocks: Array<Record<string, unknown>> = [
    section(`${emoji} *${escapeMrkdwn(title)}*\n${statusLine(view, options)}`),
  ];
  const root = roots[0];
  if (root) {
    const rootAlert = alerts.find((a) => a.fingerprint === root.fingerprint);
    const where = rootAlert ? whereOf(rootAlert.labels) : '';
    blocks.push(
      section(
        `*Likely root cause:* ${escapeMrkdwn(root.alertname)}${where ? ` (${where})` : ''}\n_${escapeMrkdwn(root.reason)}_${
          roots[1]
            ? `\nNext candidate: ${escapeMrkdwn(roots[1].alertname)}${roots[1].service ? ` on ${code(roots[1].service)}` : ''}`
            : ''
        }`,
      ),
    );
    if (rootAlert) blocks.push(section(alertDetail(rootAlert, options)));
  }
  const listed = [...alerts]
    .filter((a) => a.fingerprint !== root?.fingerprint)
    .sort(
      (a, b) =>
        Number(b.status === 'firing') - Number(a.status === 'firing') ||
        severityRank(a.severity) - severityRank(b.severity) ||
        a.startsAt - b.startsAt,
    )
    .slice(0, MAX_ALERTS_LISTED);
  if (listed.length > 0) {
    const lines = listed.map(
      (a) =>
        `${a.status === 'firing' ? SEVERITY_EMOJI[a.severity] : ':white_check_mark:'} ${escapeMrkdwn(a.alertname)}${
          a.service ? ` · ${code(a.service)}` : ''
        }${a.instance ? ` · ${code(a.instance)}` : ''} · ${a.status} · since ${slackDate(new Date(a.startsAt).toISOString(), '{time}')}`,
    );
    const more = alerts.length - 1 - listed.length;
    if (more > 0) lines.push(`…and ${more} more`);
    blocks.push(section(`*Alerts:*\n${lines.join('\n')}`));
  }
  blocks.push(...metricsBlocks(view, options));
  blocks.push(...diagnosisPart(view));
  const notes = [`Incident #${incident.id}`];
  if (view.mergedFrom.length) notes.push(`merged from ${view.mergedFrom.map((id) => `#${id}`).join(', ')}`);
  notes.push(`updated ${slackDate(options.now.toISOString(), '{time}')}`);
  blocks.push(context(notes.join(' · ')));
  blocks.push(...similarBlocks(incident.id, view.similar ?? null, incident.resolution));
  return { text, blocks: fitBlocks(blocks) };
}

function diagnosisPart(view: IncidentView): Array<Record<string, unknown>> {
  return view.diagnosis
    ? diagnosisBlocks(view.diagnosis.result, view.diagnosis.pending, view.approvals ?? [])
    : [];
}

/** What the metric analysis found, or why it could not run. */
function metricsBlocks(view: IncidentView, options: ViewOptions): Array<Record<string, unknown>> {
  const analysis = view.analysis;
  if (!analysis) return [];
  if (analysis.status === 'failed') {
    return [
      section(
        `*Metrics:* :warning: analysis failed: ${escapeMrkdwn(truncate(analysis.error ?? 'unknown error', 500))}`,
      ),
    ];
  }
  const lines = findingLines(analysis.findings ?? [], options.now);
  if (lines.length === 0) return [section('*Metrics:* no query returned data for this alert')];
  return [section(`*Metrics* (Prometheus, ${analysis.millis ?? '?'} ms):\n${lines.join('\n')}`)];
}

/** "✅ HighCPUUsage resolved after 12 m" or "✅ Incident #12 resolved after 42 m: all 37 alerts resolved". */
export function resolvedNotice(view: IncidentView): SlackText {
  const { incident, alerts } = view;
  const duration = formatDuration(
    Date.parse(incident.resolvedAt ?? incident.lastActivity) - Date.parse(incident.openedAt),
  );
  const single = alerts.length === 1 ? alerts[0] : undefined;
  const line = single
    ? `:white_check_mark: *${escapeMrkdwn(single.alertname)}* resolved after *${duration}*${whereOf(single.labels) ? ` (${whereOf(single.labels)})` : ''}`
    : `:white_check_mark: *Incident #${incident.id}* resolved after *${duration}*: all ${alerts.length} alerts resolved`;
  return {
    text: escapeMrkdwn(single ? `${single.alertname} resolved` : `Incident #${incident.id} resolved`),
    blocks: [section(line)],
  };
}

export function reopenedNotice(view: IncidentView, reason: string): SlackText {
  const line = `:repeat: *Incident #${view.incident.id} reopened*: ${escapeMrkdwn(reason)}`;
  return { text: escapeMrkdwn(`Incident #${view.incident.id} reopened`), blocks: [section(line)] };
}

export function mergedAwayNotice(
  fromId: number,
  intoId: number,
  reason: string,
  link: string | null,
): SlackText {
  const target = link ? `<${link}|incident #${intoId}>` : `incident #${intoId}`;
  const line = `:twisted_rightwards_arrows: Incident #${fromId} is part of ${target}: ${escapeMrkdwn(reason)}. Updates continue there.`;
  return { text: `Incident #${fromId} merged into #${intoId}`, blocks: [section(line)] };
}

export function mergedInNotice(fromIds: number[], intoId: number, reason: string): SlackText {
  const line = `:twisted_rightwards_arrows: Merged ${fromIds.map((id) => `incident #${id}`).join(', ')} into this one: ${escapeMrkdwn(reason)}`;
  return { text: `Incidents merged into #${intoId}`, blocks: [section(line)] };
}

/** The one line a later alert message gets: where its incident's thread is. */
export function pointer(
  incidentId: number,
  title: string,
  link: string | null,
  alertCount: number,
): SlackText {
  const target = link ? `<${link}|incident #${incidentId}>` : `incident #${incidentId}`;
  const line = `:link: Part of ${target} (${escapeMrkdwn(title)}, ${alertCount} alerts): updates are in its thread.`;
  return { text: escapeMrkdwn(`Part of incident #${incidentId}`), blocks: [context(line)] };
}
