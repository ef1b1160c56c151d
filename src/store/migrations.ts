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
    name: 'raw events, alerts, incidents, outbox, co-occurrence, audit',
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
        generator_url TEXT,
        channel TEXT,
        message_ts TEXT
      );
      CREATE INDEX alerts_fingerprint ON alerts(fingerprint, received_at);
      CREATE INDEX alerts_received ON alerts(received_at);

      CREATE TABLE incidents (
        id INTEGER PRIMARY KEY,
        environment TEXT NOT NULL,
        status TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        last_activity TEXT NOT NULL,
        last_firing TEXT NOT NULL,
        resolved_at TEXT,
        merged_into INTEGER REFERENCES incidents(id),
        partition TEXT NOT NULL DEFAULT '{}',
        root_fingerprint TEXT,
        root_reason TEXT,
        channel TEXT,
        thread_ts TEXT,
        summary_ts TEXT,
        summary_attempts INTEGER NOT NULL DEFAULT 0,
        summary_version INTEGER NOT NULL DEFAULT 1,
        posted_version INTEGER NOT NULL DEFAULT 0,
        summary_updated_at TEXT,
        similar TEXT,
        resolution TEXT,
        remembered_version INTEGER,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX incidents_status ON incidents(status, last_activity);
      CREATE INDEX incidents_unposted ON incidents(id) WHERE summary_ts IS NULL;
      CREATE INDEX incidents_behind ON incidents(summary_updated_at) WHERE posted_version < summary_version;

      CREATE TABLE incident_alerts (
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        fingerprint TEXT NOT NULL,
        alertname TEXT NOT NULL,
        service TEXT,
        instance TEXT,
        namespace TEXT,
        severity TEXT NOT NULL,
        status TEXT NOT NULL,
        starts_at TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        group_key TEXT,
        identity TEXT NOT NULL,
        host_level INTEGER NOT NULL,
        alert_id INTEGER REFERENCES alerts(id),
        pattern TEXT,
        PRIMARY KEY (incident_id, fingerprint)
      );
      CREATE INDEX incident_alerts_fingerprint ON incident_alerts(fingerprint);

      CREATE TABLE incident_events (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        at TEXT NOT NULL,
        kind TEXT NOT NULL,
        details TEXT NOT NULL
      );
      CREATE INDEX incident_events_incident ON incident_events(incident_id, id);

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        created_at TEXT NOT NULL,
        incident_id INTEGER REFERENCES incidents(id),
        kind TEXT NOT NULL,
        priority INTEGER NOT NULL,
        channel TEXT NOT NULL,
        thread_ts TEXT,
        text TEXT NOT NULL,
        blocks TEXT,
        analysis_id INTEGER REFERENCES analyses(id),
        droppable INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        ts TEXT,
        error TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX outbox_pending ON outbox(status, priority, id);

      CREATE TABLE analyses (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        fingerprint TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        findings TEXT,
        chart BLOB,
        error TEXT,
        millis INTEGER,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX analyses_status ON analyses(status, id);
      CREATE INDEX analyses_incident ON analyses(incident_id, id);

      CREATE TABLE cooccurrence (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        count INTEGER NOT NULL,
        last_counted INTEGER NOT NULL,
        PRIMARY KEY (a, b)
      );

      CREATE TABLE memory_docs (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source TEXT NOT NULL,
        title TEXT NOT NULL,
        body TEXT NOT NULL,
        url TEXT,
        labels TEXT NOT NULL,
        services TEXT NOT NULL,
        alertnames TEXT NOT NULL,
        root_cause TEXT,
        resolution TEXT,
        commands TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        helpful INTEGER NOT NULL DEFAULT 0,
        unhelpful INTEGER NOT NULL DEFAULT 0,
        content_hash TEXT NOT NULL,
        embedded_with TEXT,
        embedding BLOB
      );
      CREATE INDEX memory_docs_source ON memory_docs(source);
      CREATE INDEX memory_docs_stale ON memory_docs(embedded_with);
      -- Contentless: the text lives in memory_docs once; these hold only the inverted indexes.
      CREATE VIRTUAL TABLE memory_fts USING fts5(
        tokens, tokenize = 'unicode61 remove_diacritics 2', content = '', contentless_delete = 1
      );
      CREATE VIRTUAL TABLE memory_fts_vocab USING fts5vocab(memory_fts, 'row');
      CREATE VIRTUAL TABLE memory_tri USING fts5(text, tokenize = 'trigram', content = '', contentless_delete = 1);
      CREATE VIRTUAL TABLE memory_tri_vocab USING fts5vocab(memory_tri, 'row');
      CREATE TABLE memory_feedback (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL,
        incident_id INTEGER,
        user_id TEXT NOT NULL,
        vote INTEGER NOT NULL,
        at TEXT NOT NULL,
        UNIQUE (doc_id, incident_id, user_id)
      );
      CREATE TABLE memory_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

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
  {
    version: 2,
    name: 'diagnoses and LLM usage',
    sql: `
      CREATE TABLE diagnoses (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER NOT NULL REFERENCES incidents(id),
        mode TEXT NOT NULL,
        requested_by TEXT,
        question TEXT,
        status TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        result TEXT,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX diagnoses_status ON diagnoses(status, id);
      CREATE INDEX diagnoses_incident ON diagnoses(incident_id, id);

      CREATE TABLE llm_usage (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        day TEXT NOT NULL,
        month TEXT NOT NULL,
        incident_id INTEGER,
        provider TEXT NOT NULL,
        model TEXT NOT NULL,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        cost_usd REAL NOT NULL
      );
      CREATE INDEX llm_usage_day ON llm_usage(day);
      CREATE INDEX llm_usage_month ON llm_usage(month);
      CREATE INDEX llm_usage_incident ON llm_usage(incident_id);
    `,
  },
  {
    version: 3,
    name: 'command approvals and executions',
    sql: `
      CREATE TABLE approvals (
        id INTEGER PRIMARY KEY,
        incident_id INTEGER REFERENCES incidents(id),
        diagnosis_id INTEGER REFERENCES diagnoses(id),
        command TEXT NOT NULL,
        host TEXT NOT NULL,
        environment TEXT NOT NULL,
        purpose TEXT NOT NULL,
        risk TEXT NOT NULL,
        decision TEXT NOT NULL,
        required INTEGER NOT NULL,
        requested_by TEXT NOT NULL,
        channel TEXT,
        status TEXT NOT NULL,
        reason TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT,
        decided_at TEXT,
        started_at TEXT,
        finished_at TEXT,
        result TEXT,
        full_output BLOB,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX approvals_status ON approvals(status, id);
      CREATE INDEX approvals_incident ON approvals(incident_id, id);
      ALTER TABLE outbox ADD COLUMN approval_id INTEGER REFERENCES approvals(id);
      CREATE TABLE approval_votes (
        approval_id INTEGER NOT NULL REFERENCES approvals(id),
        user_id TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (approval_id, user_id)
      );
    `,
  },
  {
    version: 4,
    name: 'incident alerts by notification group',
    // A resolved Alertmanager Slack message is matched to the alerts of its group: without this
    // index that lookup scanned every incident alert (a quarter of the CPU in a 50,000-message soak).
    sql: `
      CREATE INDEX incident_alerts_group ON incident_alerts(group_key, incident_id) WHERE group_key IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'work queues over incidents index only the work',
    // The runners ask these on every wake; each index holds only the incidents that still need
    // the work (its WHERE is the query's), so a long history does not make the question slower.
    // Merged incidents never get a summary: they left the unposted index too. The outbox's ready
    // items come in send order from their index, so a backlog of pointers is not sorted every pass.
    sql: `
      DROP INDEX incidents_unposted;
      CREATE INDEX incidents_unposted ON incidents(id) WHERE summary_ts IS NULL AND status != 'merged';
      CREATE INDEX outbox_ready ON outbox(priority, id) WHERE status IN ('pending', 'sending');
      CREATE INDEX incidents_to_remember ON incidents(id)
        WHERE (status = 'resolved' OR resolution IS NOT NULL) AND status != 'merged'
          AND (remembered_version IS NULL OR remembered_version < summary_version);
    `,
  },
];
