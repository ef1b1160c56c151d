import type { Alert } from '../../domain/alert.js';
import { buildAlert } from '../../readers/parser.js';
import type { AlertmanagerClient } from './client.js';

/**
 * Alertmanager's default Slack message names label values only. While the alerts are active,
 * Alertmanager itself knows their full labels: look them up by alert name and keep the ones whose
 * labels contain every value of the notification's group. Returns the input when nothing matches.
 */
export async function resolveFromAlertmanager(
  alert: Alert,
  client: AlertmanagerClient,
  receivedAt: Date,
): Promise<Alert[]> {
  const prefix = 'alertmanager-slack:';
  if (alert.source !== 'alertmanager' || !alert.groupKey?.startsWith(prefix)) return [alert];
  if (Object.keys(alert.labels).length > 1) return [alert];
  const groupValues = alert.groupKey.slice(prefix.length).split(' ').filter(Boolean);
  const candidates = await client.alerts({ alertname: alert.alertname });
  const matching = candidates.filter((candidate) => {
    const values = new Set(Object.values(candidate.labels));
    return groupValues.every((v) => values.has(v));
  });
  if (matching.length === 0) return [alert];
  return matching.map((candidate) =>
    buildAlert(
      {
        source: 'alertmanager',
        status: alert.status,
        alertname: candidate.labels.alertname ?? alert.alertname,
        labels: candidate.labels,
        annotations: candidate.annotations,
        startsAt: candidate.startsAt,
        endsAt: alert.status === 'resolved' ? alert.endsAt : null,
        fingerprint: candidate.fingerprint,
        groupKey: alert.groupKey as string,
        ...(candidate.generatorURL ? { generatorURL: candidate.generatorURL } : {}),
        ...(alert.url ? { url: alert.url } : {}),
      },
      { receivedAt },
    ),
  );
}

/**
 * A RESOLVED default Slack message names its group's label values only, and Alertmanager no longer
 * lists resolved alerts. The alerts that fired in that group are known, though: resolve those.
 */
export function resolveFromKnownGroup(
  alert: Alert,
  known: Array<{
    fingerprint: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: number;
    generatorURL?: string | undefined;
  }>,
  receivedAt: Date,
): Alert[] {
  if (alert.status !== 'resolved' || !alert.groupKey?.startsWith('alertmanager-slack:') || known.length === 0)
    return [alert];
  if (Object.keys(alert.labels).length > 1) return [alert];
  return known.map((k) =>
    buildAlert(
      {
        source: 'alertmanager',
        status: 'resolved',
        alertname: k.labels.alertname ?? alert.alertname,
        labels: k.labels,
        annotations: k.annotations,
        startsAt: new Date(k.startsAt),
        endsAt: alert.endsAt,
        fingerprint: k.fingerprint,
        groupKey: alert.groupKey as string,
        ...(alert.url ? { url: alert.url } : {}),
        // The resolved alert keeps its graph link, or the resolved incident's summary loses it.
        ...(k.generatorURL ? { generatorURL: k.generatorURL } : {}),
      },
      { receivedAt },
    ),
  );
}
