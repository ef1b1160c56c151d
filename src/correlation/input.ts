import type { CorrelationInput } from './types.js';

/** What correlating a normalized alert needs, and the moment it counts from (resolved: its end). */
export type CorrelatableAlert = Omit<CorrelationInput, 'environment'> & {
  endsAt?: string | null | undefined;
};

export function correlationInput(alert: CorrelatableAlert, environment: string): CorrelationInput {
  return {
    fingerprint: alert.fingerprint,
    alertname: alert.alertname,
    status: alert.status,
    severity: alert.severity,
    labels: alert.labels,
    startsAt: alert.startsAt,
    groupKey: alert.groupKey,
    environment,
  };
}

export function observedAt(alert: CorrelatableAlert, fallback = Date.now()): number {
  const at = Date.parse(alert.status === 'resolved' ? (alert.endsAt ?? alert.startsAt) : alert.startsAt);
  return Number.isNaN(at) ? fallback : at;
}
