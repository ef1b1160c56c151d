import { formatNumber } from '../../analyzers/prometheus/chart.js';
import type { Finding, SeriesRef } from '../../analyzers/prometheus/findings.js';
import { formatDuration, slackDate } from '../../util/time.js';
import { code, escapeMrkdwn, truncate } from './text.js';

/** One line per metric finding, most telling first, for the incident summary. Pure. */
export const FINDING_ORDER: Finding['kind'][] = [
  'unreachable',
  'forecast',
  'anomaly',
  'change_point',
  'seasonal',
  'changed_together',
  'no_anomaly',
  'query_error',
  'no_data',
];

export function findingLines(findings: Finding[], now: Date, limit = 6): string[] {
  const sorted = [...findings].sort((a, b) => FINDING_ORDER.indexOf(a.kind) - FINDING_ORDER.indexOf(b.kind));
  const lines = sorted.map((finding) => findingLine(finding, now)).filter((l): l is string => l !== null);
  const noData = findings.filter((f) => f.kind === 'no_data').length;
  const shown = lines.slice(0, limit);
  if (lines.length > limit) shown.push(`…and ${lines.length - limit} more findings`);
  if (noData > 0 && !shown.some((l) => l.includes('no data')))
    shown.push(`_${noData} queries returned no data_`);
  return shown;
}

function findingLine(finding: Finding, now: Date): string | null {
  switch (finding.kind) {
    case 'unreachable':
      return `:warning: Prometheus unreachable: ${escapeMrkdwn(truncate(finding.error, 300))}`;
    case 'query_error':
      return `:warning: ${escapeMrkdwn(finding.name)}: query failed (${escapeMrkdwn(truncate(finding.error, 200))}) ${code(truncate(finding.query, 200))}`;
    case 'no_data':
      return null;
    case 'anomaly':
      return `:chart_with_upwards_trend: ${name(finding.series)}: unusual from ${time(finding.start)} to ${time(finding.end)}, peak ${value(finding.peak.v, finding.series)} (usual ${value(finding.baseline, finding.series)})`;
    case 'change_point': {
      const change = Number.isFinite(finding.relative)
        ? ` (${finding.relative > 0 ? '+' : ''}${Math.round(finding.relative * 100)} %)`
        : '';
      return `:arrow_heading_up: ${name(finding.series)}: changed at ${time(finding.at)} from ${value(finding.before, finding.series)} to ${value(finding.after, finding.series)}${change}`;
    }
    case 'forecast':
      return finding.reachesAt <= now.getTime()
        ? `:rotating_light: ${name(finding.series)}: at its limit ${value(finding.limit, finding.series)} now (${value(finding.current, finding.series)})`
        : `:hourglass_flowing_sand: ${name(finding.series)}: reaches ${value(finding.limit, finding.series)} in about *${formatDuration(finding.reachesAt - now.getTime())}* (now ${value(finding.current, finding.series)}, ${signed(finding.perHour)}${unitOf(finding.series)}/h)`;
    case 'seasonal':
      return `:calendar: ${name(finding.series)}: ${value(finding.current, finding.series)} now vs ${value(finding.baseline, finding.series)} at this time ${finding.offset === '1d' ? 'yesterday' : 'last week'}`;
    case 'changed_together':
      return `:link: changed together with ${name(finding.anchor.series)} around ${time(finding.anchor.at)}: ${finding.others
        .map((o) => `${code(o.series.name)} ${formatNumber(o.before)}→${formatNumber(o.after)}`)
        .join(', ')}`;
    case 'no_anomaly':
      return `:white_check_mark: ${name(finding.series)}: nothing unusual in the window (now ${value(finding.current, finding.series)}, usual ${value(finding.median, finding.series)} ± ${formatNumber(finding.mad)})`;
  }
}

function name(series: SeriesRef): string {
  const where =
    series.labels.instance ?? series.labels.mountpoint ?? series.labels.service ?? series.labels.pod;
  return `*${escapeMrkdwn(series.name)}*${where ? ` (${escapeMrkdwn(where)})` : ''}`;
}

function unitOf(series: SeriesRef): string {
  return series.unit === '%' ? ' pt' : series.unit ? ` ${series.unit}` : '';
}

function value(v: number, series: SeriesRef): string {
  return `${formatNumber(v)}${series.unit === '%' ? '%' : series.unit ? ` ${series.unit}` : ''}`;
}

function signed(v: number): string {
  return `${v >= 0 ? '+' : ''}${formatNumber(v)}`;
}

function time(t: number): string {
  return slackDate(new Date(t).toISOString(), '{time}');
}

/** A finding line without Slack markup (dates as written, no emoji, no bold), for prompts and memory. */
export function plainLine(line: string): string {
  return line
    .replace(/<!date\^\d+\^[^|]*\|([^>]*)>/g, '$1')
    .replace(/:[a-z_]+: /g, '')
    .replace(/\*/g, '');
}
