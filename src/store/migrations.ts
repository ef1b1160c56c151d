/**
 * Versioned schema migrations, applied in order inside one transaction each.
 * Never edit a released migration: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'raw events, alerts, threads, audit',
    sql: `
      CREATE TABLE raw_events (
        id INTEGER PRIMARY KEY,
        received_at TEXT NOT NULL,
        kind TEXT NOT NULL,
        dedup_key TEXT UNIQUE,
        channel TEXT,
        message_ts TEXT,
        body TEXT NOT NULL,
        size INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        reply_ts TEXT,
        plan TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX raw_events_status ON raw_events(status, id);

      CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        raw_event_id INTEGER REFERENCES raw_events(id),
        received_at TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        group_key TEXT,
        source TEXT NOT NULL,
        status TEXT NOT NULL,
        alertname TEXT NOT NULL,
        severity TEXT NOT NULL,
        environment TEXT NOT NULL,
        labels TEXT NOT NULL,
        annotations TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        ends_at TEXT,
        count INTEGER NOT NULL,
        url TEXT,
        channel TEXT,
        message_ts TEXT
      );
      CREATE INDEX alerts_fingerprint ON alerts(fingerprint, received_at);
      CREATE INDEX alerts_received ON alerts(received_at);

      CREATE TABLE alert_threads (
        key TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        thread_ts TEXT NOT NULL,
        status TEXT NOT NULL,
        firing_since TEXT NOT NULL,
        resolved_at TEXT,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE replies (
        raw_event_id INTEGER NOT NULL REFERENCES raw_events(id),
        part INTEGER NOT NULL,
        channel TEXT NOT NULL,
        ts TEXT NOT NULL,
        posted_at TEXT NOT NULL,
        PRIMARY KEY (raw_event_id, part)
      );

      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        subject TEXT,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      );
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
    `,
  },
];
