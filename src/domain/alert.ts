/** The normalized alert every reader produces and every later stage consumes. */

export const ALERT_SOURCES = [
  'alertmanager',
  'alertmanager_webhook',
  'grafana',
  'datadog',
  'pagerduty',
  'cloudwatch',
  'text',
] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

export type AlertStatus = 'firing' | 'resolved';

/** Ordered from most to least severe; `unknown` when the source gave no hint. */
export const SEVERITIES = ['critical', 'error', 'warning', 'info', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface Alert {
  source: AlertSource;
  status: AlertStatus;
  alertname: string;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** ISO-8601. When the source does not say, the time AALS received it. */
  startsAt: string;
  /** ISO-8601, or null while firing with no known end. */
  endsAt: string | null;
  /** Alertmanager-compatible fingerprint of the labels (16 hex chars). */
  fingerprint: string;
  /** How many alerts this one stands for (a grouped notification without labels per alert). */
  count: number;
  /** Identity of the notification group this alert came in (Alertmanager groupKey or the title). */
  groupKey?: string;
  generatorURL?: string;
  /** Link back to the alert in its source system. */
  url?: string;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function mostSevere(severities: Severity[]): Severity {
  return severities.reduce<Severity>(
    (worst, s) => (severityRank(s) < severityRank(worst) ? s : worst),
    'unknown',
  );
}
