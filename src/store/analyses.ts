import type { Statement } from 'better-sqlite3';
import type { Finding } from '../analyzers/prometheus/findings.js';
import { type Db, statementCache } from './database.js';

/**
 * Metric analyses of incidents: queued when an incident opens, run by the analysis runner, their
 * findings shown in the incident summary and their chart uploaded into its thread.
 */
export type AnalysisStatus = 'pending' | 'running' | 'done' | 'failed';

export interface AnalysisRow {
  id: number;
  incidentId: number;
  fingerprint: string;
  status: AnalysisStatus;
  attempts: number;
  findings: Finding[] | null;
  error: string | null;
  millis: number | null;
}

interface Row {
  id: number;
  incident_id: number;
  fingerprint: string;
  status: AnalysisStatus;
  attempts: number;
  findings: string | null;
  error: string | null;
  millis: number | null;
}

export class AnalysisStore {
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(this.db);
  }

  enqueue(incidentId: number, fingerprint: string): number {
    const now = this.now().toISOString();
    return Number(
      this.sql(
        `INSERT INTO analyses (incident_id, fingerprint, status, created_at, updated_at) VALUES (?, ?, 'pending', ?, ?)`,
      ).run(incidentId, fingerprint, now, now).lastInsertRowid,
    );
  }

  /** Pending analyses and those a crash left running, oldest first. */
  unfinished(limit = 20): AnalysisRow[] {
    return (
      this.sql(`SELECT * FROM analyses WHERE status IN ('pending', 'running') ORDER BY id LIMIT ?`).all(
        limit,
      ) as Row[]
    ).map(toRow);
  }

  start(id: number): void {
    this.sql(
      `UPDATE analyses SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?`,
    ).run(this.now().toISOString(), id);
  }

  finish(id: number, findings: Finding[], chart: Buffer | null, millis: number): void {
    this.sql(
      `UPDATE analyses SET status = 'done', findings = ?, chart = ?, millis = ?, error = NULL, updated_at = ? WHERE id = ?`,
    ).run(JSON.stringify(findings), chart, millis, this.now().toISOString(), id);
  }

  fail(id: number, error: string): void {
    this.sql(`UPDATE analyses SET status = 'failed', error = ?, updated_at = ? WHERE id = ?`).run(
      error,
      this.now().toISOString(),
      id,
    );
  }

  /** The latest finished analysis of an incident. */
  latestFor(incidentId: number): AnalysisRow | null {
    const row = this.sql(
      `SELECT * FROM analyses WHERE incident_id = ? AND status IN ('done', 'failed') ORDER BY id DESC LIMIT 1`,
    ).get(incidentId) as Row | undefined;
    return row ? toRow(row) : null;
  }

  /** Whether an analysis of the incident is still queued or running. */
  pendingFor(incidentId: number): boolean {
    return (
      this.sql(
        `SELECT 1 FROM analyses WHERE incident_id = ? AND status IN ('pending', 'running') LIMIT 1`,
      ).get(incidentId) !== undefined
    );
  }

  chart(id: number): Buffer | null {
    const value = this.sql('SELECT chart FROM analyses WHERE id = ?').pluck().get(id);
    return Buffer.isBuffer(value) ? value : null;
  }

  get(id: number): AnalysisRow | null {
    const row = this.sql('SELECT * FROM analyses WHERE id = ?').get(id) as Row | undefined;
    return row ? toRow(row) : null;
  }
}

function toRow(row: Row): AnalysisRow {
  return {
    id: row.id,
    incidentId: row.incident_id,
    fingerprint: row.fingerprint,
    status: row.status,
    attempts: row.attempts,
    findings: row.findings ? JSON.parse(row.findings) : null,
    error: row.error,
    millis: row.millis,
  };
}
