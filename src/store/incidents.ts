import type { Statement } from 'better-sqlite3';
import { hostOf } from '../correlation/root-cause.js';
import type { Incident, IncidentAlert, IncidentStatus } from '../correlation/types.js';
import type { AlertStatus, Severity } from '../domain/alert.js';
import type { AlertPattern } from '../readers/patterns.js';
import { type Db, statementCache } from './database.js';

/**
 * Incidents and their alerts as the correlator sees them, plus where each incident's Slack thread
 * and summary message are and whether the summary is behind (summary_version > posted_version).
 */
export type StoredIncidentStatus = IncidentStatus | 'merged' | 'expired';

export interface IncidentRow {
  id: number;
  environment: string;
  status: StoredIncidentStatus;
  openedAt: string;
  lastActivity: string;
  resolvedAt: string | null;
  mergedInto: number | null;
  channel: string | null;
  threadTs: string | null;
  summaryTs: string | null;
  summaryAttempts: number;
  summaryVersion: number;
  postedVersion: number;
  summaryUpdatedAt: string | null;
  rootFingerprint: string | null;
  rootReason: string | null;
  /** Similar past incidents found for it (JSON from incident memory), null until looked up. */
  similar: string | null;
  /** How it was resolved, as told by a person ("Resolved — how?"). */
  resolution: string | null;
}

export interface IncidentAlertRow extends IncidentAlert {
  incidentId: number;
  alertId: number | null;
  pattern: AlertPattern | null;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  environment: string;
  generatorURL?: string;
  url?: string;
  count: number;
}

interface Row {
  id: number;
  environment: string;
  status: StoredIncidentStatus;
  opened_at: string;
  last_activity: string;
  last_firing: string;
  resolved_at: string | null;
  merged_into: number | null;
  partition: string;
  root_fingerprint: string | null;
  root_reason: string | null;
  channel: string | null;
  thread_ts: string | null;
  summary_ts: string | null;
  summary_attempts: number;
  summary_version: number;
  posted_version: number;
  summary_updated_at: string | null;
  similar: string | null;
  resolution: string | null;
}

interface AlertRowData {
  incident_id: number;
  fingerprint: string;
  alertname: string;
  service: string | null;
  instance: string | null;
  namespace: string | null;
  severity: Severity;
  status: AlertStatus;
  starts_at: string;
  first_seen: string;
  last_seen: string;
  group_key: string | null;
  identity: string;
  host_level: number;
  alert_id: number | null;
  pattern: string | null;
  labels: string | null;
  annotations: string | null;
  url: string | null;
  generator_url: string | null;
  count: number | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** An incident's alerts with the labels and annotations of their latest occurrence (`?` is the incident). */
const INCIDENT_ALERTS = `SELECT ia.*, a.labels, a.annotations, a.url, a.generator_url, a.count, i.environment
  FROM incident_alerts ia JOIN incidents i ON i.id = ia.incident_id LEFT JOIN alerts a ON a.id = ia.alert_id
  WHERE ia.incident_id = ?`;

export class IncidentStore {
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(this.db);
  }

  /** Writes the incident's own state (not its alerts) and marks its summary as behind. */
  upsert(incident: Incident): void {
    this.sql(
      `INSERT INTO incidents (id, environment, status, opened_at, last_activity, last_firing, resolved_at, partition, updated_at)
         VALUES (@id, @environment, @status, @openedAt, @lastActivity, @lastFiring, @resolvedAt, @partition, @now)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, opened_at = excluded.opened_at,
           last_activity = excluded.last_activity, last_firing = excluded.last_firing, resolved_at = excluded.resolved_at,
           partition = excluded.partition, summary_version = summary_version + 1, updated_at = excluded.updated_at`,
    ).run({
      id: incident.id,
      environment: incident.environment,
      status: incident.status,
      openedAt: iso(incident.openedAt),
      lastActivity: iso(incident.lastActivity),
      lastFiring: iso(incident.lastFiring),
      resolvedAt: incident.resolvedAt === null ? null : iso(incident.resolvedAt),
      partition: JSON.stringify(incident.partition),
      now: this.now().toISOString(),
    });
  }

  upsertAlert(
    incidentId: number,
    alert: IncidentAlert,
    alertId: number | null,
    pattern: AlertPattern | null,
  ): void {
    this.sql(
      `INSERT INTO incident_alerts (incident_id, fingerprint, alertname, service, instance, namespace, severity, status,
           starts_at, first_seen, last_seen, group_key, identity, host_level, alert_id, pattern)
         VALUES (@incidentId, @fingerprint, @alertname, @service, @instance, @namespace, @severity, @status,
           @startsAt, @firstSeen, @lastSeen, @groupKey, @identity, @hostLevel, @alertId, @pattern)
         ON CONFLICT(incident_id, fingerprint) DO UPDATE SET status = excluded.status, severity = excluded.severity,
           starts_at = excluded.starts_at, last_seen = excluded.last_seen,
           alert_id = COALESCE(excluded.alert_id, alert_id), pattern = COALESCE(excluded.pattern, pattern)`,
    ).run({
      incidentId,
      fingerprint: alert.fingerprint,
      alertname: alert.alertname,
      service: alert.service,
      instance: alert.instance,
      namespace: alert.namespace,
      severity: alert.severity,
      status: alert.status,
      startsAt: iso(alert.startsAt),
      firstSeen: iso(alert.firstSeen),
      lastSeen: iso(alert.lastSeen),
      groupKey: alert.groupKey,
      identity: alert.identity,
      hostLevel: alert.hostLevel ? 1 : 0,
      alertId,
      pattern: pattern ? JSON.stringify(pattern) : null,
    });
  }

  /** Where the incident's thread is: an alert message's thread, or (webhook) a channel to post into. */
  setThread(id: number, channel: string | null, threadTs: string | null): void {
    this.sql('UPDATE incidents SET channel = ?, thread_ts = ? WHERE id = ?').run(channel, threadTs, id);
  }

  merge(fromId: number, intoId: number): void {
    this.sql('UPDATE incident_alerts SET incident_id = ? WHERE incident_id = ?').run(intoId, fromId);
    this.sql(
      `UPDATE incidents SET status = 'merged', merged_into = ?, summary_version = summary_version + 1, updated_at = ?
         WHERE id = ?`,
    ).run(intoId, this.now().toISOString(), fromId);
  }

  expire(id: number): void {
    this.sql(`UPDATE incidents SET status = 'expired', updated_at = ? WHERE id = ? AND status = 'open'`).run(
      this.now().toISOString(),
      id,
    );
  }

  event(incidentId: number, kind: string, details: Record<string, unknown>): void {
    this.sql('INSERT INTO incident_events (incident_id, at, kind, details) VALUES (?, ?, ?, ?)').run(
      incidentId,
      this.now().toISOString(),
      kind,
      JSON.stringify(details),
    );
  }

  /** The incidents merged into this one, oldest first. */
  mergedInto(id: number): number[] {
    return this.sql('SELECT id FROM incidents WHERE merged_into = ? ORDER BY id').pluck().all(id) as number[];
  }

  get(id: number): IncidentRow | null {
    const row = this.sql('SELECT * FROM incidents WHERE id = ?').get(id) as Row | undefined;
    return row ? toIncidentRow(row) : null;
  }

  /** The incident's alerts with the labels and annotations of their latest occurrence. */
  alertsOf(id: number): IncidentAlertRow[] {
    const rows = this.sql(`${INCIDENT_ALERTS} ORDER BY ia.first_seen, ia.fingerprint`).all(id) as Array<
      AlertRowData & { environment: string }
    >;
    return rows.map((row) => toAlertRow(row));
  }

  /** The alerts of the latest incident that the given notification group fed. */
  alertsInGroup(groupKey: string): IncidentAlertRow[] {
    const id = this.sql('SELECT MAX(incident_id) FROM incident_alerts WHERE group_key = ?')
      .pluck()
      .get(groupKey) as number | null;
    if (id === null) return [];
    const rows = this.sql(
      `${INCIDENT_ALERTS} AND ia.group_key = ? ORDER BY ia.first_seen, ia.fingerprint`,
    ).all(id, groupKey) as Array<AlertRowData & { environment: string }>;
    return rows.map((row) => toAlertRow(row));
  }

  /** Rebuilds the correlator's in-memory incidents: open ones and those resolved within `reopenMs`. */
  loadActive(now: Date, reopenMs: number): Incident[] {
    const rows = this.sql(
      `SELECT * FROM incidents WHERE status = 'open' OR (status = 'resolved' AND resolved_at >= ?)`,
    ).all(new Date(now.getTime() - reopenMs).toISOString()) as Row[];
    return rows.map((row) => this.toIncident(row));
  }

  /**
   * The incident resolved since `since` that holds the alert with this fingerprint, rebuilt for the
   * correlator (which keeps resolved incidents only briefly, and asks here when one may reopen).
   */
  resolvedWith(fingerprint: string, since: Date): Incident | null {
    const row = this.sql(
      // CROSS JOIN keeps this order: from the alert's few rows, never from every resolved incident.
      `SELECT i.* FROM incident_alerts ia CROSS JOIN incidents i ON i.id = ia.incident_id
       WHERE ia.fingerprint = ? AND i.status = 'resolved' AND i.resolved_at >= ? ORDER BY i.id DESC LIMIT 1`,
    ).get(fingerprint, since.toISOString()) as Row | undefined;
    return row ? this.toIncident(row) : null;
  }

  private toIncident(row: Row): Incident {
    const alerts = this.alertsOf(row.id);
    return {
      id: row.id,
      environment: row.environment,
      status: row.status === 'resolved' ? 'resolved' : 'open',
      openedAt: Date.parse(row.opened_at),
      lastActivity: Date.parse(row.last_activity),
      lastFiring: Date.parse(row.last_firing),
      resolvedAt: row.resolved_at ? Date.parse(row.resolved_at) : null,
      alerts: new Map(alerts.map((a) => [a.fingerprint, stripRow(a)])),
      partition: JSON.parse(row.partition),
      services: new Set(alerts.map((a) => a.service).filter((s): s is string => Boolean(s))),
      instances: new Set(alerts.map((a) => hostOf(a.instance)).filter((s): s is string => Boolean(s))),
      groupKeys: new Set(alerts.map((a) => a.groupKey).filter((s): s is string => Boolean(s))),
      identities: new Set(alerts.map((a) => a.identity)),
      namespaces: new Set(
        alerts.filter((a) => a.namespace).map((a) => `${a.labels.cluster ?? ''}/${a.namespace}`),
      ),
      mergedFrom: [],
    };
  }

  maxId(): number {
    return Number(this.sql('SELECT COALESCE(MAX(id), 0) FROM incidents').pluck().get());
  }

  // ---- the summary message ---------------------------------------------------------------------

  /** Incidents whose summary message is not posted yet (oldest first). */
  summariesToPost(): IncidentRow[] {
    return (
      this.sql(
        `SELECT * FROM incidents WHERE summary_ts IS NULL AND status != 'merged' AND channel IS NOT NULL ORDER BY id`,
      ).all() as Row[]
    ).map(toIncidentRow);
  }

  /** Incidents whose posted summary is behind their state, least recently updated first. */
  summariesToUpdate(limit = 50): IncidentRow[] {
    return (
      this.sql(
        `SELECT * FROM incidents WHERE summary_ts IS NOT NULL AND posted_version < summary_version
         ORDER BY summary_updated_at, id LIMIT ?`,
      ).all(limit) as Row[]
    ).map(toIncidentRow);
  }

  /** Open incidents that have not been looked up in incident memory yet. */
  withoutSimilar(limit = 10): IncidentRow[] {
    return (
      this.sql(
        `SELECT * FROM incidents WHERE similar IS NULL AND status = 'open' AND channel IS NOT NULL ORDER BY id LIMIT ?`,
      ).all(limit) as Row[]
    ).map(toIncidentRow);
  }

  setSimilar(id: number, similar: string): void {
    this.sql('UPDATE incidents SET similar = ?, summary_version = summary_version + 1 WHERE id = ?').run(
      similar,
      id,
    );
  }

  /**
   * Incidents incident memory should (re)learn: resolved ones, or ones someone said how they were
   * resolved, that changed since they were last remembered.
   */
  toRemember(limit = 10): IncidentRow[] {
    return (
      this.sql(
        `SELECT * FROM incidents WHERE (status = 'resolved' OR resolution IS NOT NULL) AND status != 'merged'
           AND (remembered_version IS NULL OR remembered_version < summary_version) ORDER BY id LIMIT ?`,
      ).all(limit) as Row[]
    ).map(toIncidentRow);
  }

  remembered(id: number, version: number): void {
    this.sql(
      'UPDATE incidents SET remembered_version = MAX(COALESCE(remembered_version, 0), ?) WHERE id = ?',
    ).run(version, id);
  }

  /** Records how the incident was resolved; it is (re)indexed into incident memory. */
  setResolution(id: number, resolution: string): void {
    this.sql('UPDATE incidents SET resolution = ?, summary_version = summary_version + 1 WHERE id = ?').run(
      resolution,
      id,
    );
  }

  /** Something the summary shows changed (e.g. a metric analysis finished). */
  bumpSummary(id: number): void {
    this.sql('UPDATE incidents SET summary_version = summary_version + 1 WHERE id = ?').run(id);
  }

  /** The summary cannot be posted (e.g. the channel is gone): stop trying. */
  abandonSummary(id: number): void {
    this.sql('UPDATE incidents SET summary_attempts = 99 WHERE id = ?').run(id);
  }

  noteSummaryAttempt(id: number): void {
    this.sql('UPDATE incidents SET summary_attempts = summary_attempts + 1 WHERE id = ?').run(id);
  }

  summaryPosted(id: number, ts: string, version: number, threadTs: string): void {
    this.sql(
      `UPDATE incidents SET summary_ts = ?, thread_ts = COALESCE(thread_ts, ?), posted_version = ?, summary_updated_at = ?
         WHERE id = ?`,
    ).run(ts, threadTs, version, this.now().toISOString(), id);
  }

  summaryUpdated(id: number, version: number): void {
    this.sql(
      'UPDATE incidents SET posted_version = MAX(posted_version, ?), summary_updated_at = ? WHERE id = ?',
    ).run(version, this.now().toISOString(), id);
  }

  setRootCause(id: number, fingerprint: string | null, reason: string | null): void {
    this.sql('UPDATE incidents SET root_fingerprint = ?, root_reason = ? WHERE id = ?').run(
      fingerprint,
      reason,
      id,
    );
  }

  counts(): Record<string, number> {
    const rows = this.sql('SELECT status, COUNT(*) AS n FROM incidents GROUP BY status').all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  recent(limit: number): IncidentRow[] {
    return (this.sql('SELECT * FROM incidents ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(
      toIncidentRow,
    );
  }
}

function toIncidentRow(row: Row): IncidentRow {
  return {
    id: row.id,
    environment: row.environment,
    status: row.status,
    openedAt: row.opened_at,
    lastActivity: row.last_activity,
    resolvedAt: row.resolved_at,
    mergedInto: row.merged_into,
    channel: row.channel,
    threadTs: row.thread_ts,
    summaryTs: row.summary_ts,
    summaryAttempts: row.summary_attempts,
    summaryVersion: row.summary_version,
    postedVersion: row.posted_version,
    summaryUpdatedAt: row.summary_updated_at,
    rootFingerprint: row.root_fingerprint,
    rootReason: row.root_reason,
    similar: row.similar,
    resolution: row.resolution,
  };
}

function toAlertRow(row: AlertRowData & { environment: string }): IncidentAlertRow {
  const result: IncidentAlertRow = {
    incidentId: row.incident_id,
    fingerprint: row.fingerprint,
    alertname: row.alertname,
    service: row.service,
    instance: row.instance,
    namespace: row.namespace,
    severity: row.severity,
    status: row.status,
    startsAt: Date.parse(row.starts_at),
    firstSeen: Date.parse(row.first_seen),
    lastSeen: Date.parse(row.last_seen),
    groupKey: row.group_key,
    identity: row.identity,
    hostLevel: row.host_level === 1,
    alertId: row.alert_id,
    pattern: row.pattern ? revivePattern(JSON.parse(row.pattern)) : null,
    labels: row.labels ? JSON.parse(row.labels) : {},
    annotations: row.annotations ? JSON.parse(row.annotations) : {},
    environment: row.environment,
    count: row.count ?? 1,
  };
  if (row.url) result.url = row.url;
  if (row.generator_url) result.generatorURL = row.generator_url;
  return result;
}

function revivePattern(pattern: AlertPattern & { firstSeen: string | Date }): AlertPattern {
  return { ...pattern, firstSeen: new Date(pattern.firstSeen) };
}

function stripRow(row: IncidentAlertRow): IncidentAlert {
  return {
    fingerprint: row.fingerprint,
    alertname: row.alertname,
    service: row.service,
    instance: row.instance,
    namespace: row.namespace,
    severity: row.severity,
    status: row.status,
    startsAt: row.startsAt,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
    groupKey: row.groupKey,
    identity: row.identity,
    hostLevel: row.hostLevel,
  };
}
