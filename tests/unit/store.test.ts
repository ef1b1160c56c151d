import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Alert } from '../../src/domain/alert.js';
import { labelsFingerprint } from '../../src/domain/fingerprint.js';
import { AlertStore } from '../../src/store/alerts.js';
import {
  DATABASE_FILE,
  type Db,
  migrate,
  openDatabase,
  schemaVersion,
  vecVersion,
} from '../../src/store/database.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { RawEventStore } from '../../src/store/raw-events.js';
import { tempDir } from '../support/temp.js';

let db: Db;
let clockMs: number;
const now = () => new Date(clockMs);

beforeEach(() => {
  db = openDatabase(':memory:');
  clockMs = Date.parse('2024-06-10T12:00:00.000Z');
});

afterEach(() => {
  if (db.open) db.close();
});

describe('openDatabase and migrations', () => {
  let dir: ReturnType<typeof tempDir>;

  beforeEach(() => {
    dir = tempDir('aals-store-');
  });

  afterEach(() => {
    dir.cleanup();
  });

  test('a file database is created in the data dir (made if missing), in WAL mode, at the latest schema version', () => {
    const dataDir = join(dir.path, 'nested', 'data');
    const fileDb = openDatabase(dataDir);
    try {
      expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);
      expect(fileDb.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(fileDb.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(schemaVersion(fileDb)).toBe(MIGRATIONS.length);
      const rows = fileDb.prepare('SELECT version, name FROM schema_migrations').all();
      expect(rows).toEqual(MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    } finally {
      fileDb.close();
    }
  });

  test('opening twice applies nothing new and keeps the data', () => {
    const first = openDatabase(dir.path);
    new RawEventStore(first).insert({ kind: 'slack_event', body: '{"kept":true}' });
    first.close();
    const second = openDatabase(dir.path);
    try {
      expect(migrate(second, MIGRATIONS)).toEqual([]);
      expect(second.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
      expect(second.prepare('SELECT body FROM raw_events').pluck().all()).toEqual(['{"kept":true}']);
    } finally {
      second.close();
    }
  });

  test('migrate applies only versions it has not applied, in version order', () => {
    const latest = MIGRATIONS.length;
    const extra = [
      { version: latest + 2, name: 'third', sql: 'CREATE TABLE t3 (x INTEGER)' },
      { version: latest + 1, name: 'second', sql: 'CREATE TABLE t2 (x INTEGER)' },
    ];
    expect(migrate(db, [...MIGRATIONS, ...extra])).toEqual([latest + 1, latest + 2]);
    expect(schemaVersion(db)).toBe(latest + 2);
    expect(migrate(db, [...MIGRATIONS, ...extra])).toEqual([]);
  });

  test('a failing migration is rolled back and not recorded', () => {
    const broken = {
      version: MIGRATIONS.length + 1,
      name: 'broken',
      sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;',
    };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'").pluck().get()).toBe(0);
  });

  test('sqlite-vec is loaded: vec_version() answers', () => {
    expect(vecVersion(db)).toMatch(/^v?\d+\.\d+\.\d+/);
    expect(db.prepare("SELECT vec_length('[1.0, 2.0, 3.0]')").pluck().get()).toBe(3);
  });

  test('the schema has the tables the stores use', () => {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining([
        'alerts',
        'audit_log',
        'cooccurrence',
        'incident_alerts',
        'incident_events',
        'incidents',
        'outbox',
        'raw_events',
        'schema_migrations',
      ]),
    );
  });
});

describe('RawEventStore', () => {
  test('insert stores the event as pending and returns it', () => {
    const store = new RawEventStore(db, now);
    const event = store.insert({
      kind: 'alertmanager_webhook',
      body: '{"alerts":[]}',
      channel: 'C1',
      messageTs: '1.2',
    });
    expect(event).toEqual({
      id: 1,
      receivedAt: '2024-06-10T12:00:00.000Z',
      kind: 'alertmanager_webhook',
      dedupKey: null,
      channel: 'C1',
      messageTs: '1.2',
      body: '{"alerts":[]}',
      size: 13,
      status: 'pending',
      attempts: 0,
      error: null,
    });
  });

  test('insert with a dedup key already stored returns null and keeps the first', () => {
    const store = new RawEventStore(db, now);
    const first = store.insert({ kind: 'slack_event', body: 'first', dedupKey: 'Ev123' });
    expect(first?.id).toBe(1);
    expect(store.insert({ kind: 'slack_event', body: 'second', dedupKey: 'Ev123' })).toBeNull();
    expect(store.recent(10).map((e) => e.body)).toEqual(['first']);
  });

  test('events without a dedup key are never deduplicated', () => {
    const store = new RawEventStore(db, now);
    expect(store.insert({ kind: 'slack_event', body: 'same' })).not.toBeNull();
    expect(store.insert({ kind: 'slack_event', body: 'same' })).not.toBeNull();
    expect(store.recent(10)).toHaveLength(2);
  });

  test('keeps the exact body and its byte size, for Japanese and emoji too', () => {
    const store = new RawEventStore(db, now);
    const body = '{"text":"障害: DBサーバー db-01 応答なし 🔥","nul":"\\u0000","crlf":"a\\r\\nb"}';
    const event = store.insert({ kind: 'slack_event', body });
    expect(event?.body).toBe(body);
    expect(event?.size).toBe(Buffer.byteLength(body, 'utf8'));
    expect(event?.size).toBeGreaterThan(body.length);
    expect(store.get(event?.id as number)?.body).toBe(body);
  });

  test('keeps a 1 MB body byte for byte', () => {
    const store = new RawEventStore(db, now);
    const body = `${'🔥障害 alert line\n'.repeat(50_000)}end`;
    expect(Buffer.byteLength(body)).toBeGreaterThan(1024 * 1024);
    const event = store.insert({ kind: 'slack_event', body });
    const read = store.get(event?.id as number);
    expect(read?.size).toBe(Buffer.byteLength(body));
    expect(read?.body.length).toBe(body.length);
    expect(read?.body === body).toBe(true);
  });

  test('claim moves the event to processing and counts attempts', () => {
    const store = new RawEventStore(db, now);
    const id = store.insert({ kind: 'slack_event', body: 'x' })?.id as number;
    expect(store.claim(id)).toMatchObject({ status: 'processing', attempts: 1 });
    expect(store.claim(id)).toMatchObject({ status: 'processing', attempts: 2 });
    expect(store.claim(999)).toBeNull();
  });

  test('unfinished lists pending and processing events, oldest first', () => {
    const store = new RawEventStore(db, now);
    const ids = ['a', 'b', 'c', 'd', 'e'].map(
      (body) => store.insert({ kind: 'slack_event', body })?.id as number,
    );
    const [pending, processing, done, failed, ignored] = ids as [number, number, number, number, number];
    store.claim(processing);
    store.setStatus(done, 'done');
    store.setStatus(failed, 'failed', 'boom');
    store.setStatus(ignored, 'ignored');
    expect(store.unfinished().map((e) => [e.id, e.status])).toEqual([
      [pending, 'pending'],
      [processing, 'processing'],
    ]);
    expect(store.get(done)).toMatchObject({ status: 'done', error: null });
    expect(store.get(failed)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(store.countByStatus()).toEqual({ pending: 1, processing: 1, done: 1, failed: 1, ignored: 1 });
  });

  test('payloads refused at the door can be stored already settled', () => {
    const store = new RawEventStore(db, now);
    const event = store.insert({
      kind: 'alertmanager_webhook',
      body: 'too big',
      status: 'unparsed',
      error: '413',
    });
    expect(event).toMatchObject({ status: 'unparsed', error: '413' });
    expect(store.unfinished()).toEqual([]);
  });
});

function alert(overrides: Partial<Alert> = {}): Alert {
  const labels = overrides.labels ?? {
    alertname: 'HighCPUUsage',
    instance: 'web-1:9100',
    severity: 'critical',
  };
  return {
    source: 'alertmanager_webhook',
    status: 'firing',
    alertname: labels.alertname ?? 'HighCPUUsage',
    severity: 'critical',
    labels,
    annotations: { summary: 'CPU high' },
    startsAt: '2024-06-10T11:55:00.000Z',
    endsAt: null,
    fingerprint: labelsFingerprint(labels),
    count: 1,
    ...overrides,
  };
}

describe('AlertStore', () => {
  const at = (minutes: number) => new Date(Date.parse('2024-06-10T12:00:00.000Z') + minutes * 60_000);
  const origin = (minutes: number) => ({
    rawEventId: null,
    environment: 'production' as const,
    receivedAt: at(minutes),
  });

  test('insert returns the stored alert and reads back equal', () => {
    const raw = new RawEventStore(db, now).insert({ kind: 'alertmanager_webhook', body: '{}' });
    const alerts = new AlertStore(db);
    const input = alert({
      groupKey: '{}:{alertname="HighCPUUsage"}',
      url: 'http://am/#/alerts',
      endsAt: null,
    });
    const stored = alerts.insert(input, {
      rawEventId: raw?.id as number,
      environment: 'production',
      channel: 'C0ALERTS',
      messageTs: '1718.000100',
      receivedAt: at(0),
    });
    expect(stored).toMatchObject({
      ...input,
      id: 1,
      rawEventId: raw?.id,
      receivedAt: '2024-06-10T12:00:00.000Z',
      environment: 'production',
      channel: 'C0ALERTS',
      messageTs: '1718.000100',
    });
    expect(alerts.byRawEvent(raw?.id as number)).toEqual([stored]);
    expect(alerts.count()).toBe(1);
  });

  test('an unknown raw event id is refused (foreign key)', () => {
    expect(() => new AlertStore(db).insert(alert(), { ...origin(0), rawEventId: 42 })).toThrow(/FOREIGN KEY/);
  });

  test('historyBefore lists earlier occurrences of the same fingerprint since a time, oldest first', () => {
    const alerts = new AlertStore(db);
    const a = alert();
    const other = alert({ labels: { alertname: 'DiskFull', instance: 'db-01' } });
    alerts.insert(a, origin(-120)); // before the window
    alerts.insert(a, origin(-50));
    alerts.insert({ ...a, status: 'resolved', endsAt: at(-40).toISOString() }, origin(-40));
    alerts.insert(other, origin(-30)); // another alert
    const current = alerts.insert(a, origin(0));
    alerts.insert(a, origin(5)); // after the current one
    expect(alerts.historyBefore(current, at(-60))).toEqual([
      { status: 'firing', at: at(-50) },
      { status: 'resolved', at: at(-40) },
    ]);
    expect(alerts.firstSeen(a.fingerprint)).toEqual(at(-120));
    expect(alerts.firstSeen('0000000000000000')).toBeNull();
  });

  test('noisiest ranks fingerprints by firings since a time', () => {
    const alerts = new AlertStore(db);
    const cpu = alert();
    const disk = alert({ labels: { alertname: 'DiskFull', instance: 'db-01' } });
    const mem = alert({ labels: { alertname: 'HighMemory', instance: 'web-2' } });
    for (const minutes of [-10, -8, -6]) alerts.insert(disk, origin(minutes));
    for (const minutes of [-9, -7]) alerts.insert(cpu, origin(minutes));
    alerts.insert({ ...cpu, status: 'resolved' }, origin(-5)); // resolved does not count
    for (const minutes of [-300, -200, -100, -90]) alerts.insert(mem, origin(minutes)); // before `since`
    expect(alerts.noisiest(at(-60), 5)).toEqual([
      { alertname: 'DiskFull', fingerprint: disk.fingerprint, firings: 3 },
      { alertname: 'HighCPUUsage', fingerprint: cpu.fingerprint, firings: 2 },
    ]);
    expect(alerts.noisiest(at(-60), 1)).toHaveLength(1);
  });

  test('recent returns the newest first', () => {
    const alerts = new AlertStore(db);
    alerts.insert(alert({ alertname: 'First' }), origin(-2));
    alerts.insert(alert({ alertname: 'Second' }), origin(-1));
    expect(alerts.recent(5).map((a) => a.alertname)).toEqual(['Second', 'First']);
  });
});
