import type { Statement } from 'better-sqlite3';
import type { EnvironmentName } from '../config/schema.js';
import type { Alert, AlertStatus } from '../domain/alert.js';
import type { Occurrence } from '../readers/patterns.js';
import { type Db, statementCache } from './database.js';

/** Every alert occurrence AALS has read, one row per alert per notification. */
export interface StoredAlert extends Alert {
  id: number;
  rawEventId: number | null;
  receivedAt: string;
  environment: EnvironmentName;
  channel: string | null;
  messageTs: string | null;
}

export interface AlertOrigin {
  rawEventId: number | null;
  environment: EnvironmentName;
  channel?: string | null;
  messageTs?: string | null;
  receivedAt: Date;
}

interface Row {
  id: number;
  raw_event_id: number | null;
  received_at: string;
  fingerprint: string;
  group_key: string | null;
  source: Alert['source'];
  status: AlertStatus;
  alertname: string;
  severity: Alert['severity'];
  environment: EnvironmentName;
  labels: string;
  annotations: string;
  starts_at: string;
  ends_at: string | null;
  count: number;
  url: string | null;
  generator_url: string | null;
  channel: string | null;
  message_ts: string | null;
}

export class AlertStore {
  private readonly insertStmt;
  private readonly historyStmt;

  private readonly sql: (sql: string) => Statement;

  constructor(private readonly db: Db) {
    this.sql = statementCache(this.db);
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (raw_event_id, received_at, fingerprint, group_key, source, status, alertname, severity,
         environment, labels, annotations, starts_at, ends_at, count, url, generator_url, channel, message_ts)
       VALUES (@rawEventId, @receivedAt, @fingerprint, @groupKey, @source, @status, @alertname, @severity,
         @environment, @labels, @annotations, @startsAt, @endsAt, @count, @url, @generatorUrl, @channel, @messageTs)`,
    );
    this.historyStmt = db.prepare(
      `SELECT status, received_at FROM alerts WHERE fingerprint = ? AND received_at >= ? AND id < ?
       ORDER BY received_at, id`,
    );
  }

  insert(alert: Alert, origin: AlertOrigin): StoredAlert {
    const receivedAt = origin.receivedAt.toISOString();
    const result = this.insertStmt.run({
      rawEventId: origin.rawEventId,
      receivedAt,
      fingerprint: alert.fingerprint,
      groupKey: alert.groupKey ?? null,
      source: alert.source,
      status: alert.status,
      alertname: alert.alertname,
      severity: alert.severity,
      environment: origin.environment,
      labels: JSON.stringify(alert.labels),
      annotations: JSON.stringify(alert.annotations),
      startsAt: alert.startsAt,
      endsAt: alert.endsAt,
      count: alert.count,
      url: alert.url ?? null,
      generatorUrl: alert.generatorURL ?? null,
      channel: origin.channel ?? null,
      messageTs: origin.messageTs ?? null,
    });
    return {
      ...alert,
      id: Number(result.lastInsertRowid),
      rawEventId: origin.rawEventId,
      receivedAt,
      environment: origin.environment,
      channel: origin.channel ?? null,
      messageTs: origin.messageTs ?? null,
    };
  }

  /** Earlier occurrences of the same alert since `since`, oldest first. */
  historyBefore(alert: StoredAlert, since: Date): Occurrence[] {
    const rows = this.historyStmt.all(alert.fingerprint, since.toISOString(), alert.id) as Array<{
      status: AlertStatus;
      received_at: string;
    }>;
    return rows.map((r) => ({ status: r.status, at: new Date(r.received_at) }));
  }

  firstSeen(fingerprint: string): Date | null {
    const value = this.sql('SELECT MIN(received_at) FROM alerts WHERE fingerprint = ?')
      .pluck()
      .get(fingerprint);
    return typeof value === 'string' ? new Date(value) : null;
  }

  byRawEvent(rawEventId: number): StoredAlert[] {
    return (this.sql('SELECT * FROM alerts WHERE raw_event_id = ? ORDER BY id').all(rawEventId) as Row[]).map(
      toStored,
    );
  }

  recent(limit: number): StoredAlert[] {
    return (this.sql('SELECT * FROM alerts ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(toStored);
  }

  count(): number {
    return Number(this.sql('SELECT COUNT(*) FROM alerts').pluck().get());
  }

  /** Alert identities by how often they fired since `since`: the noisiest first. */
  noisiest(since: Date, limit: number): Array<{ alertname: string; fingerprint: string; firings: number }> {
    return this.sql(
      `SELECT alertname, fingerprint, COUNT(*) AS firings FROM alerts
         WHERE status = 'firing' AND received_at >= ? GROUP BY fingerprint ORDER BY firings DESC LIMIT ?`,
    ).all(since.toISOString(), limit) as Array<{ alertname: string; fingerprint: string; firings: number }>;
  }
}

function toStored(row: Row): StoredAlert {
  const alert: StoredAlert = {
    id: row.id,
    rawEventId: row.raw_event_id,
    receivedAt: row.received_at,
    environment: row.environment,
    channel: row.channel,
    messageTs: row.message_ts,
    source: row.source,
    status: row.status,
    alertname: row.alertname,
    severity: row.severity,
    labels: JSON.parse(row.labels),
    annotations: JSON.parse(row.annotations),
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    fingerprint: row.fingerprint,
    count: row.count,
  };
  if (row.group_key) alert.groupKey = row.group_key;
  if (row.url) alert.url = row.url;
  if (row.generator_url) alert.generatorURL = row.generator_url;
  return alert;
}
