import type { Statement } from 'better-sqlite3';
import type { Decision, RiskLevel } from '../domain/risk.js';
import { type Db, statementCache } from './database.js';

/**
 * Commands AALS may run and where each stands: proposed → pending (approvals) → approved →
 * executing → executed / failed, or manual / denied / rejected / expired / blocked / interrupted.
 * Every transition is a compare-and-set on the status, so two clicks, two approvers or two
 * processes can never move one command twice — in particular never run it twice.
 */
export type ApprovalStatus =
  | 'pending'
  | 'approved'
  | 'executing'
  | 'executed'
  | 'failed'
  | 'rejected'
  | 'expired'
  | 'manual'
  | 'denied'
  | 'blocked'
  | 'interrupted';

export interface CommandOutcome {
  status: string;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  truncated: boolean;
  outputSha256: string | null;
  durationMs: number;
  error?: string | undefined;
}

export interface ApprovalRow {
  id: number;
  incidentId: number | null;
  diagnosisId: number | null;
  command: string;
  host: string;
  environment: string;
  purpose: string;
  risk: RiskLevel;
  decision: Decision;
  required: number;
  requestedBy: string;
  /** Where results go when the request belongs to no incident (`/aals run`). */
  channel: string | null;
  status: ApprovalStatus;
  reason: string | null;
  createdAt: string;
  expiresAt: string | null;
  result: CommandOutcome | null;
  approvers: string[];
}

export type NewApproval = Omit<
  ApprovalRow,
  'id' | 'createdAt' | 'result' | 'approvers' | 'channel' | 'reason'
> & {
  channel?: string | null;
  reason?: string | null;
};

interface Row {
  id: number;
  incident_id: number | null;
  diagnosis_id: number | null;
  command: string;
  host: string;
  environment: string;
  purpose: string;
  risk: RiskLevel;
  decision: Decision;
  required: number;
  requested_by: string;
  channel: string | null;
  status: ApprovalStatus;
  reason: string | null;
  created_at: string;
  expires_at: string | null;
  result: string | null;
}

export class ApprovalStore {
  private readonly sql: (sql: string) => Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.sql = statementCache(this.db);
  }

  create(item: NewApproval): number {
    const now = this.now().toISOString();
    return Number(
      this.sql(
        `INSERT INTO approvals (incident_id, diagnosis_id, command, host, environment, purpose, risk, decision, required,
           requested_by, channel, status, reason, created_at, expires_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        item.incidentId,
        item.diagnosisId,
        item.command,
        item.host,
        item.environment,
        item.purpose,
        item.risk,
        item.decision,
        item.required,
        item.requestedBy,
        item.channel ?? null,
        item.status,
        item.reason ?? null,
        now,
        item.expiresAt,
        now,
      ).lastInsertRowid,
    );
  }

  get(id: number): ApprovalRow | null {
    const row = this.sql('SELECT * FROM approvals WHERE id = ?').get(id) as Row | undefined;
    return row ? this.toApproval(row) : null;
  }

  forIncident(incidentId: number): ApprovalRow[] {
    return (
      this.sql('SELECT * FROM approvals WHERE incident_id = ? ORDER BY id').all(incidentId) as Row[]
    ).map((row) => this.toApproval(row));
  }

  /** One vote per person; false when this person had already approved. */
  vote(id: number, userId: string): boolean {
    return (
      this.sql('INSERT OR IGNORE INTO approval_votes (approval_id, user_id, at) VALUES (?, ?, ?)').run(
        id,
        userId,
        this.now().toISOString(),
      ).changes === 1
    );
  }

  approvers(id: number): string[] {
    return this.sql('SELECT user_id FROM approval_votes WHERE approval_id = ? ORDER BY at, user_id')
      .pluck()
      .all(id) as string[];
  }

  /** Moves `from` → `to`; true only for the one caller whose change took effect. */
  transition(id: number, from: ApprovalStatus, to: ApprovalStatus, reason?: string): boolean {
    const now = this.now().toISOString();
    const stamp = to === 'executing' ? 'started_at' : 'decided_at';
    return (
      this.sql(
        `UPDATE approvals SET status = ?, reason = COALESCE(?, reason), ${stamp} = ?, updated_at = ? WHERE id = ? AND status = ?`,
      ).run(to, reason ?? null, now, now, id, from).changes === 1
    );
  }

  finish(id: number, status: 'executed' | 'failed', result: CommandOutcome): boolean {
    const now = this.now().toISOString();
    return (
      this.sql(
        `UPDATE approvals SET status = ?, result = ?, finished_at = ?, updated_at = ? WHERE id = ? AND status = 'executing'`,
      ).run(status, JSON.stringify(result), now, now, id).changes === 1
    );
  }

  /** The whole (redacted) output of a command whose message had to cut it, for the attachment. */
  saveFullOutput(id: number, output: Buffer): void {
    this.sql('UPDATE approvals SET full_output = ? WHERE id = ?').run(output, id);
  }

  fullOutput(id: number): Buffer | null {
    const value = this.sql('SELECT full_output FROM approvals WHERE id = ?').pluck().get(id);
    return Buffer.isBuffer(value) ? value : null;
  }

  /** Approved commands waiting for the executor, oldest first. */
  toExecute(limit = 20): ApprovalRow[] {
    return (
      this.sql(`SELECT * FROM approvals WHERE status = 'approved' ORDER BY id LIMIT ?`).all(limit) as Row[]
    ).map((row) => this.toApproval(row));
  }

  /** Pending requests past their expiry. */
  due(): ApprovalRow[] {
    return (
      this.sql(
        `SELECT * FROM approvals WHERE status = 'pending' AND expires_at IS NOT NULL AND expires_at <= ?`,
      ).all(this.now().toISOString()) as Row[]
    ).map((row) => this.toApproval(row));
  }

  /** Commands a crash left running: their outcome is unknown. */
  executing(): ApprovalRow[] {
    return (this.sql(`SELECT * FROM approvals WHERE status = 'executing' ORDER BY id`).all() as Row[]).map(
      (row) => this.toApproval(row),
    );
  }

  private toApproval(row: Row): ApprovalRow {
    return {
      id: row.id,
      incidentId: row.incident_id,
      diagnosisId: row.diagnosis_id,
      command: row.command,
      host: row.host,
      environment: row.environment,
      purpose: row.purpose,
      risk: row.risk,
      decision: row.decision,
      required: row.required,
      requestedBy: row.requested_by,
      channel: row.channel,
      status: row.status,
      reason: row.reason,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      result: row.result ? (JSON.parse(row.result) as CommandOutcome) : null,
      approvers: this.approvers(row.id),
    };
  }
}
