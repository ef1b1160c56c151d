import type { Statement } from 'better-sqlite3';
import type { Diagnosis } from '../domain/diagnosis.js';
import { type Db, statementCache } from './database.js';

/**
 * Diagnosis jobs and their results. A job is queued when an incident opens (normal) or someone
 * asks for a deep one; the runner picks up pending and crash-interrupted jobs after a restart.
 */
export type DiagnosisMode = 'normal' | 'deep';
export type DiagnosisStatus = 'pending' | 'running' | 'done' | 'failed';

export interface DiagnosisJob {
  id: number;
  incidentId: number;
  mode: DiagnosisMode;
  requestedBy: string | null;
  question: string | null;
  status: DiagnosisStatus;
  attempts: number;
  result: Diagnosis | null;
  error: string | null;
  createdAt: string;
}

interface Row {
  id: number;
  incident_id: number;
  mode: DiagnosisMode;
  requested_by: string | null;
  question: string | null;
  status: DiagnosisStatus;
  attempts: number;
  result: string | null;
  error: string | null;
  created_at: string;
}

export class DiagnosisStore {
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(this.db);
  }

  enqueue(incidentId: number, mode: DiagnosisMode, requestedBy?: string, question?: string): number {
    const now = this.now().toISOString();
    return Number(
      this.sql(
        `INSERT INTO diagnoses (incident_id, mode, requested_by, question, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(incidentId, mode, requestedBy ?? null, question ?? null, now, now).lastInsertRowid,
    );
  }

  unfinished(limit = 20): DiagnosisJob[] {
    return (
      this.sql(`SELECT * FROM diagnoses WHERE status IN ('pending', 'running') ORDER BY id LIMIT ?`).all(
        limit,
      ) as Row[]
    ).map(toJob);
  }

  start(id: number): void {
    this.sql(
      `UPDATE diagnoses SET status = 'running', attempts = attempts + 1, updated_at = ? WHERE id = ?`,
    ).run(this.now().toISOString(), id);
  }

  finish(id: number, result: Diagnosis): void {
    this.sql(
      `UPDATE diagnoses SET status = 'done', result = ?, error = NULL, updated_at = ? WHERE id = ?`,
    ).run(JSON.stringify(result), this.now().toISOString(), id);
  }

  fail(id: number, error: string): void {
    this.sql(`UPDATE diagnoses SET status = 'failed', error = ?, updated_at = ? WHERE id = ?`).run(
      error,
      this.now().toISOString(),
      id,
    );
  }

  /** The newest finished diagnosis of an incident (what its summary shows). */
  latestFor(incidentId: number): DiagnosisJob | null {
    const row = this.sql(
      `SELECT * FROM diagnoses WHERE incident_id = ? AND result IS NOT NULL ORDER BY id DESC LIMIT 1`,
    ).get(incidentId) as Row | undefined;
    return row ? toJob(row) : null;
  }

  /** Whether a diagnosis of this incident is queued or running (the summary says "diagnosing…"). */
  pendingFor(incidentId: number): DiagnosisJob | null {
    const row = this.sql(
      `SELECT * FROM diagnoses WHERE incident_id = ? AND status IN ('pending', 'running') ORDER BY id DESC LIMIT 1`,
    ).get(incidentId) as Row | undefined;
    return row ? toJob(row) : null;
  }

  get(id: number): DiagnosisJob | null {
    const row = this.sql('SELECT * FROM diagnoses WHERE id = ?').get(id) as Row | undefined;
    return row ? toJob(row) : null;
  }
}

function toJob(row: Row): DiagnosisJob {
  return {
    id: row.id,
    incidentId: row.incident_id,
    mode: row.mode,
    requestedBy: row.requested_by,
    question: row.question,
    status: row.status,
    attempts: row.attempts,
    result: row.result ? (JSON.parse(row.result) as Diagnosis) : null,
    error: row.error,
    createdAt: row.created_at,
  };
}
