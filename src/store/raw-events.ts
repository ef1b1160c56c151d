import type { Statement } from 'better-sqlite3';
import { type Db, statementCache } from './database.js';

/**
 * Everything AALS receives is written here first, before any parsing, so nothing that arrives is
 * lost. The row is also the work item: its status moves pending → processing → done (or ignored /
 * unparsed / failed), which is what makes restarts safe.
 */
export type RawEventKind = 'slack_event' | 'alertmanager_webhook' | 'slack_command';
export type RawEventStatus = 'pending' | 'processing' | 'done' | 'ignored' | 'unparsed' | 'failed';

export interface RawEvent {
  id: number;
  receivedAt: string;
  kind: RawEventKind;
  dedupKey: string | null;
  channel: string | null;
  messageTs: string | null;
  body: string;
  size: number;
  status: RawEventStatus;
  attempts: number;
  error: string | null;
}

export interface NewRawEvent {
  kind: RawEventKind;
  body: string;
  dedupKey?: string | null;
  channel?: string | null;
  messageTs?: string | null;
  /** Rows that need no processing (rejected requests) are stored already settled. */
  status?: RawEventStatus;
  error?: string | null;
}

interface Row {
  id: number;
  received_at: string;
  kind: RawEventKind;
  dedup_key: string | null;
  channel: string | null;
  message_ts: string | null;
  body: string;
  size: number;
  status: RawEventStatus;
  attempts: number;
  error: string | null;
}

export class RawEventStore {
  private readonly insertStmt;
  private readonly byIdStmt;
  private readonly setStatusStmt;

  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(this.db);
    this.insertStmt = db.prepare(
      `INSERT INTO raw_events (received_at, kind, dedup_key, channel, message_ts, body, size, status, error, updated_at)
       VALUES (@receivedAt, @kind, @dedupKey, @channel, @messageTs, @body, @size, @status, @error, @receivedAt)
       ON CONFLICT(dedup_key) DO NOTHING`,
    );
    this.byIdStmt = db.prepare('SELECT * FROM raw_events WHERE id = ?');
    this.setStatusStmt = db.prepare(
      'UPDATE raw_events SET status = @status, error = @error, updated_at = @now WHERE id = @id',
    );
  }

  /** Stores the payload; returns null when an event with the same dedup key was stored before. */
  insert(event: NewRawEvent): RawEvent | null {
    const result = this.insertStmt.run({
      receivedAt: this.now().toISOString(),
      kind: event.kind,
      dedupKey: event.dedupKey ?? null,
      channel: event.channel ?? null,
      messageTs: event.messageTs ?? null,
      body: event.body,
      size: Buffer.byteLength(event.body),
      status: event.status ?? 'pending',
      error: event.error ?? null,
    });
    if (result.changes === 0) return null;
    return this.get(Number(result.lastInsertRowid));
  }

  get(id: number): RawEvent | null {
    const row = this.byIdStmt.get(id) as Row | undefined;
    return row ? toRawEvent(row) : null;
  }

  /** Claims a row for processing, counting the attempt. */
  claim(id: number): RawEvent | null {
    this.sql(
      `UPDATE raw_events SET status = 'processing', attempts = attempts + 1, updated_at = ? WHERE id = ?`,
    ).run(this.now().toISOString(), id);
    return this.get(id);
  }

  setStatus(id: number, status: RawEventStatus, error: string | null = null): void {
    this.setStatusStmt.run({ id, status, error, now: this.now().toISOString() });
  }

  /** Work left unfinished by a previous run (crash or restart), oldest first. */
  unfinished(): RawEvent[] {
    const rows = this.sql(
      `SELECT * FROM raw_events WHERE status IN ('pending', 'processing') ORDER BY id`,
    ).all() as Row[];
    return rows.map(toRawEvent);
  }

  countByStatus(): Record<string, number> {
    const rows = this.sql('SELECT status, COUNT(*) AS n FROM raw_events GROUP BY status').all() as Array<{
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  recent(limit: number): RawEvent[] {
    return (this.sql('SELECT * FROM raw_events ORDER BY id DESC LIMIT ?').all(limit) as Row[]).map(
      toRawEvent,
    );
  }
}

function toRawEvent(row: Row): RawEvent {
  return {
    id: row.id,
    receivedAt: row.received_at,
    kind: row.kind,
    dedupKey: row.dedup_key,
    channel: row.channel,
    messageTs: row.message_ts,
    body: row.body,
    size: row.size,
    status: row.status,
    attempts: row.attempts,
    error: row.error,
  };
}
