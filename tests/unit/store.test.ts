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
import { ReplyStore } from '../../src/store/replies.js';
import { ThreadStore } from '../../src/store/threads.js';
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

  test('a file database is created in the data dir (made if missing), in WAL mode, at schema version 1', () => {
    const dataDir = join(dir.path, 'nested', 'data');
    const fileDb = openDatabase(dataDir);
    try {
      expect(existsSync(join(dataDir, DATABASE_FILE))).toBe(true);
      expect(fileDb.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(fileDb.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(schemaVersion(fileDb)).toBe(1);
      const rows = fileDb.prepare('SELECT version, name FROM schema_migrations').all();
      expect(rows).toEqual([{ version: 1, name: MIGRATIONS[0]?.name }]);
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
      expect(second.prepare('SELECT COUNT(*) FROM schema_migrations').pluck().get()).toBe(1);
      expect(second.prepare('SELECT body FROM raw_events').pluck().all()).toEqual(['{"kept":true}']);
    } finally {
      second.close();
    }
  });

  test('migrate applies only versions it has not applied, in version order', () => {
    const extra = [
      { version: 3, name: 'third', sql: 'CREATE TABLE t3 (x INTEGER)' },
      { version: 2, name: 'second', sql: 'CREATE TABLE t2 (x INTEGER)' },
    ];
    expect(migrate(db, [...MIGRATIONS, ...extra])).toEqual([2, 3]);
    expect(schemaVersion(db)).toBe(3);
    expect(migrate(db, [...MIGRATIONS, ...extra])).toEqual([]);
  });

  test('a failing migration is rolled back and not recorded', () => {
    const broken = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE half (x INTEGER); SELECT * FROM no_such_table;',
    };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(1);
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
        'alert_threads',
        'alerts',
        'audit_log',
        'raw_events',
        'replies',
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
      replyTs: null,
      plan: null,
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

  test('unfinished lists pending, processing and replying events, oldest first', () => {
    const store = new RawEventStore(db, now);
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'].map(
      (body) => store.insert({ kind: 'slack_event', body })?.id as number,
    );
    const [pending, processing, replying, done, failed, ignored] = ids as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    store.claim(processing);
    store.claim(replying);
    store.savePlan(replying, '[{"part":0}]');
    store.setStatus(done, 'done', { replyTs: '1718.0001' });
    store.setStatus(failed, 'failed', { error: 'boom' });
    store.setStatus(ignored, 'ignored');
    expect(store.unfinished().map((e) => [e.id, e.status])).toEqual([
      [pending, 'pending'],
      [processing, 'processing'],
      [replying, 'replying'],
    ]);
    expect(store.get(replying)?.plan).toBe('[{"part":0}]');
    expect(store.get(done)).toMatchObject({ status: 'done', replyTs: '1718.0001', error: null });
    expect(store.get(failed)).toMatchObject({ status: 'failed', error: 'boom' });
    expect(store.countByStatus()).toEqual({
      pending: 1,
      processing: 1,
      replying: 1,
      done: 1,
      failed: 1,
      ignored: 1,
    });
  });

  test('setStatus keeps an earlier reply ts when none is given', () => {
    const store = new RawEventStore(db, now);
    const id = store.insert({ kind: 'slack_event', body: 'x' })?.id as number;
    store.setStatus(id, 'replying', { replyTs: '111.222' });
    store.setStatus(id, 'done');
    expect(store.get(id)?.replyTs).toBe('111.222');
  });

  test('rejected requests can be stored already settled', () => {
    const store = new RawEventStore(db, now);
    const event = store.insert({ kind: 'rejected', body: 'too big', status: 'failed', error: '413' });
    expect(event).toMatchObject({ status: 'failed', error: '413' });
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

describe('ThreadStore', () => {
  test('open then find returns the thread as firing', () => {
    const threads = new ThreadStore(db, now);
    threads.open(['C1:fp:aaa', 'C1:group:g'], 'C1', '1718.000100', '2024-06-10T11:50:00.000Z');
    expect(threads.find(['C1:fp:aaa'])).toEqual({
      key: 'C1:fp:aaa',
      channel: 'C1',
      threadTs: '1718.000100',
      status: 'firing',
      firingSince: '2024-06-10T11:50:00.000Z',
      resolvedAt: null,
    });
    expect(threads.find(['C1:group:g'])?.threadTs).toBe('1718.000100');
    expect(threads.find(['nope'])).toBeNull();
    expect(threads.find([])).toBeNull();
  });

  test('find returns the thread of the first key that has one, in the order given', () => {
    const threads = new ThreadStore(db, now);
    threads.open(['fp:one'], 'C1', '100.000001', '2024-06-10T11:00:00.000Z');
    threads.open(['group:two'], 'C1', '200.000002', '2024-06-10T11:10:00.000Z');
    expect(threads.find(['missing', 'group:two', 'fp:one'])?.threadTs).toBe('200.000002');
    expect(threads.find(['fp:one', 'group:two'])?.threadTs).toBe('100.000001');
  });

  test('resolve marks the keys resolved; opening again makes them firing in the new thread', () => {
    const threads = new ThreadStore(db, now);
    threads.open(['fp:x', 'group:x'], 'C1', '100.000001', '2024-06-10T11:00:00.000Z');
    threads.resolve(['fp:x', 'group:x'], '2024-06-10T11:30:00.000Z');
    expect(threads.find(['fp:x'])).toMatchObject({
      status: 'resolved',
      resolvedAt: '2024-06-10T11:30:00.000Z',
    });
    threads.open(['fp:x'], 'C2', '300.000003', '2024-06-10T12:00:00.000Z');
    expect(threads.find(['fp:x'])).toMatchObject({
      status: 'firing',
      channel: 'C2',
      threadTs: '300.000003',
      firingSince: '2024-06-10T12:00:00.000Z',
      resolvedAt: null,
    });
    expect(threads.find(['group:x'])?.status).toBe('resolved');
  });

  test('openCount counts distinct firing threads, not keys', () => {
    const threads = new ThreadStore(db, now);
    expect(threads.openCount()).toBe(0);
    threads.open(['a:fp', 'a:group'], 'C1', '100.000001', '2024-06-10T11:00:00.000Z');
    threads.open(['b:fp'], 'C1', '200.000002', '2024-06-10T11:00:00.000Z');
    expect(threads.openCount()).toBe(2);
    threads.resolve(['b:fp'], '2024-06-10T11:30:00.000Z');
    expect(threads.openCount()).toBe(1);
  });
});

describe('ReplyStore', () => {
  test('records each part once and tells what was posted', () => {
    const rawId = new RawEventStore(db, now).insert({ kind: 'slack_event', body: 'x' })?.id as number;
    const replies = new ReplyStore(db, now);
    expect(replies.posted(rawId, 0)).toBeNull();
    replies.record(rawId, 0, 'C1', '100.000001');
    replies.record(rawId, 0, 'C1', '999.999999'); // a retry does not overwrite
    replies.record(rawId, 1, 'C2', '200.000002');
    expect(replies.posted(rawId, 0)).toEqual({ channel: 'C1', ts: '100.000001' });
    expect(replies.posted(rawId, 1)).toEqual({ channel: 'C2', ts: '200.000002' });
    expect(replies.count()).toBe(2);
  });
});
