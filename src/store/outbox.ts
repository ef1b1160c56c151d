import type { Statement } from 'better-sqlite3';
import { type Db, statementCache } from './database.js';

/**
 * Messages waiting to be posted to Slack, written in the same transaction as the state they report.
 * Notices (incident resolved, reopened) and merge notices must go out; pointers ("part of incident #12") are
 * droppable when the channel is busy. A row being sent is 'sending', so a restart can check Slack
 * for it before posting again.
 */
/** result: a command's outcome, never superseded or dropped; output: its full output as a file. */
export type OutboxKind = 'notice' | 'merge' | 'chart' | 'pointer' | 'result' | 'output';
export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'dropped' | 'failed';

export const PRIORITY = { notice: 1, merge: 1, chart: 1, pointer: 2, result: 1, output: 1 } as const;

export interface OutboxItem {
  id: number;
  createdAt: string;
  incidentId: number | null;
  kind: OutboxKind;
  priority: number;
  channel: string;
  /** null: post into the incident's thread, wherever it is by then. */
  threadTs: string | null;
  text: string;
  blocks: Array<Record<string, unknown>> | null;
  /** For charts: the analysis whose PNG to upload. */
  analysisId: number | null;
  /** For command output files: the request whose full output to upload. */
  approvalId: number | null;
  droppable: boolean;
  status: OutboxStatus;
  attempts: number;
}

/** An item waiting to be sent, as the dispatcher sees it when deciding what goes next. */
export interface OutboxEntry extends Pick<OutboxItem, 'id' | 'incidentId' | 'kind' | 'channel' | 'threadTs'> {
  /** The incident's thread (or its summary, which becomes it); null until the summary is posted. */
  incidentThreadTs: string | null;
  /** null when the item has no incident, or its incident is gone. */
  incidentSummaryAttempts: number | null;
}

export interface NewOutboxItem {
  incidentId: number | null;
  kind: OutboxKind;
  channel: string;
  threadTs: string | null;
  text: string;
  blocks?: Array<Record<string, unknown>>;
  analysisId?: number;
  approvalId?: number;
}

interface Row {
  id: number;
  created_at: string;
  incident_id: number | null;
  kind: OutboxKind;
  priority: number;
  channel: string;
  thread_ts: string | null;
  text: string;
  blocks: string | null;
  analysis_id: number | null;
  approval_id: number | null;
  droppable: number;
  status: OutboxStatus;
  attempts: number;
}

export class OutboxStore {
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(this.db);
  }

  add(item: NewOutboxItem): number {
    const now = this.now().toISOString();
    const result = this.sql(
      `INSERT INTO outbox (created_at, incident_id, kind, priority, channel, thread_ts, text, blocks, analysis_id, approval_id, droppable, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      now,
      item.incidentId,
      item.kind,
      PRIORITY[item.kind],
      item.channel,
      item.threadTs,
      item.text,
      item.blocks ? JSON.stringify(item.blocks) : null,
      item.analysisId ?? null,
      item.approvalId ?? null,
      item.kind === 'pointer' ? 1 : 0,
      now,
    );
    return Number(result.lastInsertRowid);
  }

  /** Drops pending notices of an incident that a newer one makes stale (a flapping incident posts its latest state once). */
  supersede(incidentId: number, kind: OutboxKind): number {
    return this.sql(
      `UPDATE outbox SET status = 'dropped', error = 'superseded', updated_at = ? WHERE incident_id = ? AND kind = ? AND status = 'pending'`,
    ).run(this.now().toISOString(), incidentId, kind).changes;
  }

  /**
   * What is not yet sent or given up, by priority then age: only what deciding needs (the dispatcher
   * looks at a hundred of these many times a second during a storm; `get` loads the one it sends).
   * The index holds only these rows in this order (without it SQLite sorts the whole backlog).
   */
  ready(limit = 1000): OutboxEntry[] {
    const rows = this.sql(
      `SELECT o.id, o.incident_id, o.kind, o.channel, o.thread_ts,
         COALESCE(i.thread_ts, i.summary_ts) AS incident_thread, i.summary_attempts
       FROM outbox o INDEXED BY outbox_ready LEFT JOIN incidents i ON i.id = o.incident_id
       WHERE o.status IN ('pending', 'sending') ORDER BY o.priority, o.id LIMIT ?`,
    ).all(limit) as Array<
      Pick<Row, 'id' | 'incident_id' | 'kind' | 'channel' | 'thread_ts'> & {
        incident_thread: string | null;
        summary_attempts: number | null;
      }
    >;
    return rows.map((row) => ({
      id: row.id,
      incidentId: row.incident_id,
      kind: row.kind,
      channel: row.channel,
      threadTs: row.thread_ts,
      incidentThreadTs: row.incident_thread,
      incidentSummaryAttempts: row.summary_attempts,
    }));
  }

  get(id: number): OutboxItem | null {
    const row = this.sql('SELECT * FROM outbox WHERE id = ?').get(id) as Row | undefined;
    return row ? toItem(row) : null;
  }

  /** Pointers that waited too long are no longer worth a message: the summary already counts them. */
  dropStalePointers(before: Date): number {
    return this.sql(
      `UPDATE outbox SET status = 'dropped', error = 'stale: the channel was busy', updated_at = ?
         WHERE kind = 'pointer' AND status = 'pending' AND created_at < ?`,
    ).run(this.now().toISOString(), before.toISOString()).changes;
  }

  markSending(id: number): void {
    this.sql(
      `UPDATE outbox SET status = 'sending', attempts = attempts + 1, updated_at = ? WHERE id = ?`,
    ).run(this.now().toISOString(), id);
  }

  markSent(id: number, ts: string): void {
    this.sql(`UPDATE outbox SET status = 'sent', ts = ?, updated_at = ? WHERE id = ?`).run(
      ts,
      this.now().toISOString(),
      id,
    );
  }

  markDropped(id: number, reason: string): void {
    this.sql(`UPDATE outbox SET status = 'dropped', error = ?, updated_at = ? WHERE id = ?`).run(
      reason,
      this.now().toISOString(),
      id,
    );
  }

  markFailed(id: number, error: string): void {
    this.sql(`UPDATE outbox SET status = 'failed', error = ?, updated_at = ? WHERE id = ?`).run(
      error,
      this.now().toISOString(),
      id,
    );
  }

  release(id: number, error: string): void {
    this.sql(`UPDATE outbox SET status = 'pending', error = ?, updated_at = ? WHERE id = ?`).run(
      error,
      this.now().toISOString(),
      id,
    );
  }

  counts(): Record<string, number> {
    const rows = this.sql(
      'SELECT kind, status, COUNT(*) AS n FROM outbox GROUP BY kind, status',
    ).all() as Array<{
      kind: string;
      status: string;
      n: number;
    }>;
    return Object.fromEntries(rows.map((r) => [`${r.kind}.${r.status}`, r.n]));
  }
}

function toItem(row: Row): OutboxItem {
  return {
    id: row.id,
    createdAt: row.created_at,
    incidentId: row.incident_id,
    kind: row.kind,
    priority: row.priority,
    channel: row.channel,
    threadTs: row.thread_ts,
    text: row.text,
    blocks: row.blocks ? JSON.parse(row.blocks) : null,
    analysisId: row.analysis_id,
    approvalId: row.approval_id,
    droppable: row.droppable === 1,
    status: row.status,
    attempts: row.attempts,
  };
}
