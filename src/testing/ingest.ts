import type { Alert, AlertStatus } from '../domain/alert.js';
import { labelsFingerprint } from '../domain/fingerprint.js';
import type { IncidentTracker, Origin } from '../pipeline/incident-tracker.js';
import type { AlertPattern } from '../readers/patterns.js';
import type { Store } from '../store/store.js';

/** The pattern of an alert seen for the first time. */
export const FIRST_FIRING: AlertPattern = {
  duplicate: false,
  recurring: false,
  flapping: false,
  firings: 1,
  transitions: 0,
  firstSeen: new Date(0),
};

export interface Ingested {
  alertname: string;
  labels: Record<string, string>;
  origin: Origin;
  status?: AlertStatus;
  /** When AALS receives it (default: now). */
  at?: Date;
  startsAt?: string;
  generatorURL?: string;
}

/** Stores one production alert and correlates it in one transaction, as the processor does (for tests). */
export function ingestAlert(store: Store, tracker: IncidentTracker, ingested: Ingested) {
  const { alertname, origin, status = 'firing', at = new Date() } = ingested;
  const labels = { alertname, ...ingested.labels };
  const alert: Alert = {
    source: 'alertmanager',
    status,
    alertname,
    severity: 'critical',
    labels,
    annotations: {},
    startsAt: ingested.startsAt ?? at.toISOString(),
    endsAt: status === 'resolved' ? at.toISOString() : null,
    fingerprint: labelsFingerprint(labels),
    count: 1,
    ...(ingested.generatorURL ? { generatorURL: ingested.generatorURL } : {}),
  };
  return store.transaction(() => {
    tracker.beginEvent();
    const stored = store.alerts.insert(alert, {
      rawEventId: null,
      environment: 'production',
      channel: origin.kind === 'slack' ? origin.channel : null,
      messageTs: origin.kind === 'slack' ? origin.messageTs : null,
      receivedAt: at,
    });
    return tracker.track(stored, FIRST_FIRING, origin, at);
  });
}
