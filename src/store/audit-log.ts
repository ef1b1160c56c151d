import { createHash, createHmac } from 'node:crypto';
import { redact } from '../observability/redact.js';
import { canonicalJson } from '../util/canonical-json.js';
import type { Db } from './database.js';

/**
 * Append-only, tamper-evident audit trail: each record's hash covers its content and the previous
 * record's hash, so changing or removing any record breaks every hash after it. With a key the
 * hashes are HMACs, so someone with write access to the file cannot recompute the chain.
 */
export interface AuditEntry {
  actor: string;
  action: string;
  subject?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditRecord {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | { ok: true; records: number; head: string }
  | { ok: false; records: number; brokenAt: number; reason: string };

const GENESIS = '0'.repeat(64);

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

export class AuditLog {
  private readonly insert;
  private readonly last;

  constructor(
    private readonly db: Db,
    private readonly key?: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.insert = db.prepare(
      'INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.last = db.prepare('SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1');
  }

  append(entry: AuditEntry): AuditRecord {
    return this.db
      .transaction(() => {
        const previous = this.last.get() as { id: number; hash: string } | undefined;
        const record = {
          id: (previous?.id ?? 0) + 1,
          at: this.now().toISOString(),
          actor: entry.actor,
          action: entry.action,
          subject: entry.subject ?? null,
          details: redact(entry.details ?? {}),
          prevHash: previous?.hash ?? GENESIS,
        };
        const hash = this.hashOf(record);
        this.insert.run(
          record.id,
          record.at,
          record.actor,
          record.action,
          record.subject,
          canonicalJson(record.details),
          record.prevHash,
          hash,
        );
        return { ...record, hash };
      })
      .immediate();
  }

  tail(limit = 20): AuditRecord[] {
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as AuditRow[];
    return rows.reverse().map(toRecord);
  }

  /** Walks the chain from the start; reports the first record whose link or content does not hold. */
  verify(): AuditVerification {
    let expectedPrev = GENESIS;
    let expectedId = 1;
    let count = 0;
    for (const row of this.db
      .prepare('SELECT * FROM audit_log ORDER BY id')
      .iterate() as Iterable<AuditRow>) {
      count++;
      if (row.id !== expectedId) {
        return { ok: false, records: count, brokenAt: expectedId, reason: `record ${expectedId} is missing` };
      }
      if (row.prev_hash !== expectedPrev) {
        return {
          ok: false,
          records: count,
          brokenAt: row.id,
          reason: 'its link to the previous record is broken',
        };
      }
      let details: Record<string, unknown>;
      try {
        details = JSON.parse(row.details);
      } catch {
        return { ok: false, records: count, brokenAt: row.id, reason: 'its details are not valid JSON' };
      }
      const record = { ...toRecord({ ...row, details: '{}' }), details };
      if (this.hashOf(record) !== row.hash) {
        return { ok: false, records: count, brokenAt: row.id, reason: 'its content does not match its hash' };
      }
      expectedPrev = row.hash;
      expectedId++;
    }
    return { ok: true, records: count, head: expectedPrev };
  }

  private hashOf(record: Omit<AuditRecord, 'hash'>): string {
    const content = canonicalJson({
      id: record.id,
      at: record.at,
      actor: record.actor,
      action: record.action,
      subject: record.subject,
      details: record.details,
      prevHash: record.prevHash,
    });
    return this.key
      ? createHmac('sha256', this.key).update(content).digest('hex')
      : createHash('sha256').update(content).digest('hex');
  }
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    details: JSON.parse(row.details),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
