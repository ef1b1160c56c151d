import { createHash, createHmac } from 'node:crypto';
import { AuditLog } from '../../src/store/audit-log.js';
import { type Db, openDatabase } from '../../src/store/database.js';
import { canonicalJson } from '../../src/util/canonical-json.js';
import { tempDir } from '../support/temp.js';

const GENESIS = '0'.repeat(64);
const KEY = 'an-audit-hmac-key-of-32-characters';

let db: Db;
let tick: number;
const clock = () => new Date(Date.UTC(2024, 5, 10, 12, 0, tick++));

beforeEach(() => {
  db = openDatabase(':memory:');
  tick = 0;
});

afterEach(() => {
  if (db.open) db.close();
});

function appendSome(log: AuditLog, n: number) {
  return Array.from({ length: n }, (_, i) =>
    log.append({
      actor: `U0USER${i}`,
      action: 'command.approved',
      subject: `cmd-${i}`,
      details: { step: i },
    }),
  );
}

interface Row {
  id: number;
  at: string;
  actor: string;
  action: string;
  subject: string | null;
  details: string;
  prev_hash: string;
  hash: string;
}

/** What an attacker with write access but without the key would do: rebuild the chain with SHA-256. */
function rehashWithoutKey(database: Db) {
  const rows = database.prepare('SELECT * FROM audit_log ORDER BY id').all() as Row[];
  database.exec('DROP TRIGGER audit_log_no_update');
  let prev = GENESIS;
  const update = database.prepare('UPDATE audit_log SET details = ?, prev_hash = ?, hash = ? WHERE id = ?');
  for (const row of rows) {
    const details = row.id === 2 ? { step: 1, approvedBy: 'attacker' } : JSON.parse(row.details);
    const content = canonicalJson({
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      subject: row.subject,
      details,
      prevHash: prev,
    });
    const hash = createHash('sha256').update(content).digest('hex');
    update.run(canonicalJson(details), prev, hash, row.id);
    prev = hash;
  }
}

describe('AuditLog.append', () => {
  test('chains records: the first links to 64 zeros, each next to the previous hash', () => {
    const log = new AuditLog(db, undefined, clock);
    const records = appendSome(log, 4);
    expect(records.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(records[0]?.prevHash).toBe(GENESIS);
    for (let i = 1; i < records.length; i++) expect(records[i]?.prevHash).toBe(records[i - 1]?.hash);
    for (const record of records) expect(record.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(records.map((r) => r.hash)).size).toBe(4);
  });

  test('without a key the hash is SHA-256 of the canonical record', () => {
    const log = new AuditLog(db, undefined, clock);
    const record = log.append({
      actor: 'U0ALICE',
      action: 'alert.silenced',
      subject: 'HighCPUUsage',
      details: { b: 2, a: 1 },
    });
    const content = canonicalJson({
      id: 1,
      at: '2024-06-10T12:00:00.000Z',
      actor: 'U0ALICE',
      action: 'alert.silenced',
      subject: 'HighCPUUsage',
      details: { a: 1, b: 2 },
      prevHash: GENESIS,
    });
    expect(record.at).toBe('2024-06-10T12:00:00.000Z');
    expect(record.hash).toBe(createHash('sha256').update(content).digest('hex'));
  });

  test('with a key the hash is an HMAC, different from the plain hash', () => {
    const plain = new AuditLog(db, undefined, () => new Date('2024-06-10T12:00:00Z'));
    const otherDb = openDatabase(':memory:');
    try {
      const keyed = new AuditLog(otherDb, KEY, () => new Date('2024-06-10T12:00:00Z'));
      const entry = { actor: 'U0ALICE', action: 'x', details: { n: 1 } };
      const a = plain.append(entry);
      const b = keyed.append(entry);
      expect(b.hash).not.toBe(a.hash);
      const content = canonicalJson({
        id: 1,
        at: b.at,
        actor: 'U0ALICE',
        action: 'x',
        subject: null,
        details: { n: 1 },
        prevHash: GENESIS,
      });
      expect(b.hash).toBe(createHmac('sha256', KEY).update(content).digest('hex'));
    } finally {
      otherDb.close();
    }
  });

  test('subject and details default to null and {}', () => {
    const record = new AuditLog(db, undefined, clock).append({ actor: 'system', action: 'started' });
    expect(record.subject).toBeNull();
    expect(record.details).toEqual({});
  });

  test('secrets in details are redacted before they are stored', () => {
    const log = new AuditLog(db, undefined, clock);
    const record = log.append({
      actor: 'U0ALICE',
      action: 'integration.configured',
      details: {
        token: 'xox' + 'b-1234567890-abcdefghij',
        note: 'dsn postgres://app:hunter2pw@db/app',
        nested: { password: 'p' },
      },
    });
    expect(record.details).toEqual({
      token: '[REDACTED]',
      note: 'dsn postgres://app:[REDACTED]@db/app',
      nested: { password: '[REDACTED]' },
    });
    const stored = db.prepare('SELECT details FROM audit_log WHERE id = 1').pluck().get() as string;
    expect(stored).not.toContain('xoxb-');
    expect(stored).not.toContain('hunter2pw');
    expect(JSON.parse(stored)).toEqual(record.details);
    expect(log.verify().ok).toBe(true);
  });

  test('the chain continues across AuditLog instances on the same database', () => {
    const first = new AuditLog(db, KEY, clock).append({ actor: 'a', action: 'one' });
    const second = new AuditLog(db, KEY, clock).append({ actor: 'b', action: 'two' });
    expect(second.id).toBe(2);
    expect(second.prevHash).toBe(first.hash);
  });
});

describe('AuditLog.verify', () => {
  test('an empty log verifies with head = genesis', () => {
    expect(new AuditLog(db).verify()).toEqual({ ok: true, records: 0, head: GENESIS });
  });

  test('an intact chain verifies with its count and head', () => {
    const log = new AuditLog(db, KEY, clock);
    const records = appendSome(log, 5);
    expect(log.verify()).toEqual({ ok: true, records: 5, head: records[4]?.hash });
  });

  test('UPDATE and DELETE are refused by triggers', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 2);
    expect(() => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE id = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = 2').run()).toThrow(/append-only/);
    expect(db.prepare('SELECT COUNT(*) FROM audit_log').pluck().get()).toBe(2);
    expect(db.prepare('SELECT actor FROM audit_log WHERE id = 1').pluck().get()).toBe('U0USER0');
    expect(log.verify().ok).toBe(true);
  });

  test('changed details after dropping the trigger: verify names that record', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 5);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare('UPDATE audit_log SET details = ? WHERE id = 3').run(JSON.stringify({ step: 99 }));
    const result = log.verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 3, records: 3 });
    expect(result.ok === false && result.reason).toContain('does not match its hash');
  });

  test('changed actor is detected too', () => {
    const log = new AuditLog(db, KEY, clock);
    appendSome(log, 3);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET actor = 'U0MALLORY' WHERE id = 2").run();
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 2 });
  });

  test('details that are no longer JSON are reported', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 2);
    db.exec('DROP TRIGGER audit_log_no_update');
    db.prepare("UPDATE audit_log SET details = '{not json' WHERE id = 2").run();
    const result = log.verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 2 });
    expect(result.ok === false && result.reason).toContain('not valid JSON');
  });

  test('a deleted middle record is reported missing', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 5);
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE id = 3').run();
    const result = log.verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 3 });
    expect(result.ok === false && result.reason).toBe('record 3 is missing');
  });

  test('a deleted first record is reported missing', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 3);
    db.exec('DROP TRIGGER audit_log_no_delete');
    db.prepare('DELETE FROM audit_log WHERE id = 1').run();
    expect(log.verify()).toMatchObject({ ok: false, brokenAt: 1 });
  });

  test('with an HMAC key, a chain re-hashed with plain SHA-256 fails verify', () => {
    const log = new AuditLog(db, KEY, clock);
    appendSome(log, 3);
    rehashWithoutKey(db);
    const result = log.verify();
    expect(result).toMatchObject({ ok: false, brokenAt: 1 });
    expect(result.ok === false && result.reason).toContain('does not match its hash');
  });

  test('without a key the same re-hash goes unnoticed (which is why the key matters)', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 3);
    rehashWithoutKey(db);
    expect(log.verify()).toMatchObject({ ok: true, records: 3 });
    expect(log.tail(3)[1]?.details).toEqual({ step: 1, approvedBy: 'attacker' });
  });

  test('verifying with the wrong key fails at the first record', () => {
    appendSome(new AuditLog(db, KEY, clock), 2);
    expect(new AuditLog(db, 'a-different-key-0123456789').verify()).toMatchObject({ ok: false, brokenAt: 1 });
  });

  test('works on a file database reopened from disk', () => {
    const dir = tempDir('aals-audit-');
    try {
      const fileDb = openDatabase(dir.path);
      const head = appendSome(new AuditLog(fileDb, KEY, clock), 3)[2]?.hash;
      fileDb.close();
      const reopened = openDatabase(dir.path);
      expect(new AuditLog(reopened, KEY).verify()).toEqual({ ok: true, records: 3, head });
      reopened.close();
    } finally {
      dir.cleanup();
    }
  });
});

describe('AuditLog.tail', () => {
  test('returns the newest N records, oldest first', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 6);
    const tail = log.tail(3);
    expect(tail.map((r) => r.id)).toEqual([4, 5, 6]);
    expect(tail.map((r) => r.subject)).toEqual(['cmd-3', 'cmd-4', 'cmd-5']);
    expect(tail[0]?.details).toEqual({ step: 3 });
    expect(tail[1]?.prevHash).toBe(tail[0]?.hash);
  });

  test('returns everything when N exceeds the count, and 20 by default', () => {
    const log = new AuditLog(db, undefined, clock);
    appendSome(log, 2);
    expect(log.tail(10).map((r) => r.id)).toEqual([1, 2]);
    appendSome(log, 23);
    const tail = log.tail();
    expect(tail).toHaveLength(20);
    expect(tail[0]?.id).toBe(6);
    expect(tail[19]?.id).toBe(25);
  });
});
