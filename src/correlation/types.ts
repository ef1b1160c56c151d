import type { AlertStatus, Severity } from '../domain/alert.js';

/** What the correlator needs to know about an alert notification. */
export interface CorrelationInput {
  fingerprint: string;
  alertname: string;
  status: AlertStatus;
  severity: Severity;
  labels: Record<string, string>;
  startsAt: string;
  groupKey?: string | undefined;
  environment: string;
}

export interface CorrelationSettings {
  /** An alert joins an incident only if the incident saw activity this recently. */
  windowMinutes: number;
  /** A resolved incident reopens when one of its alerts fires again within this time. */
  reopenMinutes: number;
  /** Open incidents with no activity for this long leave memory (they stay in SQLite). */
  expireMinutes: number;
  /** Labels that name the service an alert belongs to, first present wins. */
  serviceLabels: string[];
  /** Labels that name the host or instance. */
  hostLabels: string[];
  /** Labels that must not differ between alerts of one incident (two clusters are two incidents). */
  partitionLabels: string[];
  /** service → the services it depends on. */
  topology: Record<string, string[]>;
  /** Minimum relatedness (0..1) for an alert to join an incident. */
  threshold: number;
}

export const DEFAULT_CORRELATION: CorrelationSettings = {
  windowMinutes: 10,
  reopenMinutes: 30,
  expireMinutes: 24 * 60,
  serviceLabels: ['service', 'app', 'app_kubernetes_io_name', 'k8s_app'],
  hostLabels: ['instance', 'host', 'hostname', 'node', 'nodename'],
  partitionLabels: ['cluster', 'region'],
  topology: {},
  threshold: 0.5,
};

export interface IncidentAlert {
  fingerprint: string;
  alertname: string;
  service: string | null;
  instance: string | null;
  namespace: string | null;
  severity: Severity;
  status: AlertStatus;
  /** ms since epoch */
  startsAt: number;
  firstSeen: number;
  lastSeen: number;
  groupKey: string | null;
  /** alertname|service: what co-occurrence learning counts. */
  identity: string;
  hostLevel: boolean;
}

export type IncidentStatus = 'open' | 'resolved';

export interface Incident {
  id: number;
  environment: string;
  status: IncidentStatus;
  openedAt: number;
  /** Last notification of any kind. */
  lastActivity: number;
  /** Last time an alert started firing in it: what "recent" means for joining. */
  lastFiring: number;
  resolvedAt: number | null;
  alerts: Map<string, IncidentAlert>;
  /** Values of the partition labels, from the first alert that had them. */
  partition: Record<string, string>;
  services: Set<string>;
  instances: Set<string>;
  groupKeys: Set<string>;
  identities: Set<string>;
  namespaces: Set<string>;
  /** Incidents folded into this one. */
  mergedFrom: number[];
}

export type CorrelationChange = 'opened' | 'joined' | 'updated' | 'resolved' | 'reopened';

export interface Observation {
  incident: Incident;
  change: CorrelationChange;
  /** Incidents this alert showed to share a cause with `incident`, now folded into it. */
  merged: Incident[];
  /** Why the alert joined (for joined/opened). */
  reason: string;
}

export interface RootCause {
  fingerprint: string;
  alertname: string;
  service: string | null;
  instance: string | null;
  reason: string;
}
