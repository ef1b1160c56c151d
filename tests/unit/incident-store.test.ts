import { Correlator } from '../../src/correlation/correlator.js';
import { DEFAULT_CORRELATION, type Incident, type IncidentAlert } from '../../src/correlation/types.js';
import type { Alert } from '../../src/domain/alert.js';
import type { AlertPattern } from '../../src/readers/patterns.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';

const START = Date.parse('2026-01-05T09:00:00.000Z');
const MIN = 60_000;
let clockMs: number;
let store: Store;

beforeEach(() => {
  clockMs = START;
  store = new Store(openDatabase(':memory:'), { now: () => new Date(clockMs) });
});

afterEach(() => {
  store.close();
});

const iso = (ms: number) => new Date(ms).toISOString();

function incidentAlert(fingerprint: string, overrides: Partial<IncidentAlert> = {}): IncidentAlert {
  const service = overrides.service === undefined ? 'checkout' : overrides.service;
  const alertname = overrides.alertname ?? 'HighErrorRate';
  return {
    fingerprint,
    alertname,
    service,
    instance: null,
    namespace: null,
    severity: 'critical',
    status: 'firing',
    startsAt: START,
    firstSeen: START,
    lastSeen: START,
    groupKey: null,
    identity: `${alertname}|${service ?? ''}`,
    hostLevel: false,
    ...overrides,
  };
}

function incident(id: number, overrides: Partial<Incident> = {}, alerts: IncidentAlert[] = []): Incident {
  return {
    id,
    environment: 'production',
    status: 'open',
    openedAt: START,
    lastActivity: START,
    lastFiring: START,
    resolvedAt: null,
    alerts: new Map(alerts.map((a) => [a.fingerprint, a])),
    partition: {},
    services: new Set(alerts.map((a) => a.service).filter((s): s is string => Boolean(s))),
    instances: new Set(),
    groupKeys: new Set(alerts.map((a) => a.groupKey).filter((s): s is string => Boolean(s))),
    identities: new Set(alerts.map((a) => a.identity)),
    namespaces: new Set(),
    mergedFrom: [],
    ...overrides,
  };
}

/** Writes an incident and its alerts, as the tracker does. */
function save(inc: Incident): void {
  store.incidents.upsert(inc);
  for (const alert of inc.alerts.values()) store.incidents.upsertAlert(inc.id, alert, null, null);
}

function storedAlert(fingerprint: string, labels: Record<string, string>) {
  const alert: Alert = {
    source: 'alertmanager_webhook',
    status: 'firing',
    alertname: labels.alertname ?? 'HighErrorRate',
    severity: 'critical',
    labels,
    annotations: { summary: 'too many errors' },
    startsAt: iso(START),
    endsAt: null,
    fingerprint,
    count: 1,
    generatorURL: 'http://prometheus/graph',
  };
  return store.alerts.insert(alert, {
    rawEventId: null,
    environment: 'production',
    receivedAt: new Date(START),
  });
}

describe('IncidentStore: incidents and their alerts', () => {
  test('upsert writes the incident, then bumps summary_version on each later call', () => {
    store.incidents.upsert(incident(1));
    expect(store.incidents.get(1)).toMatchObject({
      id: 1,
      environment: 'production',
      status: 'open',
      openedAt: iso(START),
      lastActivity: iso(START),
      resolvedAt: null,
      mergedInto: null,
      channel: null,
      threadTs: null,
      summaryTs: null,
      summaryAttempts: 0,
      summaryVersion: 1,
      postedVersion: 0,
    });
    store.incidents.upsert(incident(1, { lastActivity: START + MIN }));
    expect(store.incidents.get(1)?.summaryVersion).toBe(2);
    store.incidents.upsert(incident(1, { status: 'resolved', resolvedAt: START + 2 * MIN }));
    expect(store.incidents.get(1)).toMatchObject({
      status: 'resolved',
      resolvedAt: iso(START + 2 * MIN),
      summaryVersion: 3,
    });
    expect(store.incidents.get(2)).toBeNull();
    expect(store.incidents.maxId()).toBe(1);
  });

  test('maxId is 0 on an empty store', () => {
    expect(store.incidents.maxId()).toBe(0);
  });

  test('upsertAlert keeps one row per (incident, fingerprint) and updates its status', () => {
    store.incidents.upsert(incident(1));
    store.incidents.upsert(incident(2));
    const stored = storedAlert('f1', {
      alertname: 'HighErrorRate',
      service: 'checkout',
      cluster: 'prod-tokyo',
    });
    const pattern: AlertPattern = {
      duplicate: false,
      recurring: true,
      flapping: false,
      firings: 3,
      transitions: 5,
      firstSeen: new Date(START - 60 * MIN),
    };
    store.incidents.upsertAlert(1, incidentAlert('f1'), stored.id, pattern);
    store.incidents.upsertAlert(
      1,
      incidentAlert('f1', { status: 'resolved', lastSeen: START + 5 * MIN, severity: 'warning' }),
      null,
      null,
    );
    store.incidents.upsertAlert(2, incidentAlert('f1'), null, null);

    const rows = store.incidents.alertsOf(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      incidentId: 1,
      fingerprint: 'f1',
      status: 'resolved',
      severity: 'warning',
      lastSeen: START + 5 * MIN,
      firstSeen: START,
      // The alert id and pattern of the first call survive a call without them.
      alertId: stored.id,
      pattern,
      labels: { alertname: 'HighErrorRate', service: 'checkout', cluster: 'prod-tokyo' },
      annotations: { summary: 'too many errors' },
      generatorURL: 'http://prometheus/graph',
      environment: 'production',
      count: 1,
    });
    expect(rows[0]?.pattern?.firstSeen).toBeInstanceOf(Date);
    // Another incident has its own row for the same fingerprint.
    expect(store.incidents.alertsOf(2).map((a) => [a.incidentId, a.status])).toEqual([[2, 'firing']]);
    expect(store.db.prepare('SELECT COUNT(*) FROM incident_alerts').pluck().get()).toBe(2);
  });

  test('alertsOf lists alerts by first seen; an alert without a stored occurrence has empty labels', () => {
    save(
      incident(1, {}, [
        incidentAlert('late', { firstSeen: START + 2 * MIN }),
        incidentAlert('early', { firstSeen: START }),
      ]),
    );
    const rows = store.incidents.alertsOf(1);
    expect(rows.map((a) => a.fingerprint)).toEqual(['early', 'late']);
    expect(rows[0]).toMatchObject({ alertId: null, pattern: null, labels: {}, annotations: {}, count: 1 });
    expect(rows[0]).not.toHaveProperty('generatorURL');
  });

  test('setThread, noteSummaryAttempt, summaryPosted, summaryUpdated and the to-post / to-update lists', () => {
    for (const id of [1, 2, 3, 4]) store.incidents.upsert(incident(id));
    store.incidents.setThread(1, 'C1', '1700000000.000100');
    // 2 has nowhere to post (a webhook with no notify channel).
    store.incidents.setThread(2, null, null);
    store.incidents.setThread(3, 'C2', null);
    store.incidents.setThread(4, 'C1', '1700000000.000200');
    store.incidents.merge(4, 1);
    expect(store.incidents.summariesToPost().map((i) => i.id)).toEqual([1, 3]);

    store.incidents.noteSummaryAttempt(1);
    store.incidents.noteSummaryAttempt(1);
    expect(store.incidents.get(1)?.summaryAttempts).toBe(2);

    clockMs = START + MIN;
    store.incidents.summaryPosted(1, '1700000000.000300', 1, '1700000000.000300');
    store.incidents.summaryPosted(3, '1700000000.000400', 1, '1700000000.000400');
    // An incident that already has a thread keeps it; one without gets the summary as its thread.
    expect(store.incidents.get(1)).toMatchObject({
      channel: 'C1',
      threadTs: '1700000000.000100',
      summaryTs: '1700000000.000300',
      postedVersion: 1,
      summaryUpdatedAt: iso(START + MIN),
    });
    expect(store.incidents.get(3)).toMatchObject({
      threadTs: '1700000000.000400',
      summaryTs: '1700000000.000400',
    });
    expect(store.incidents.summariesToPost()).toEqual([]);
    expect(store.incidents.summariesToUpdate()).toEqual([]);

    store.incidents.upsert(incident(3));
    store.incidents.upsert(incident(1));
    store.incidents.upsert(incident(1));
    expect(store.incidents.summariesToUpdate().map((i) => [i.id, i.summaryVersion, i.postedVersion])).toEqual(
      [
        [1, 3, 1],
        [3, 2, 1],
      ],
    );
    clockMs = START + 2 * MIN;
    store.incidents.summaryUpdated(1, 3);
    expect(store.incidents.get(1)).toMatchObject({
      postedVersion: 3,
      summaryUpdatedAt: iso(START + 2 * MIN),
    });
    // An older version finishing late does not move posted_version back.
    store.incidents.summaryUpdated(1, 2);
    expect(store.incidents.get(1)?.postedVersion).toBe(3);
    expect(store.incidents.summariesToUpdate().map((i) => i.id)).toEqual([3]);
  });

  test('setRootCause records the ranked root', () => {
    store.incidents.upsert(incident(1));
    store.incidents.setRootCause(1, 'f1', 'orders-db is upstream of checkout');
    expect(store.incidents.get(1)).toMatchObject({
      rootFingerprint: 'f1',
      rootReason: 'orders-db is upstream of checkout',
    });
  });

  test('merge moves the alerts and marks the source merged into the target', () => {
    save(incident(1, {}, [incidentAlert('a1')]));
    save(
      incident(2, {}, [
        incidentAlert('b1', { service: 'payments' }),
        incidentAlert('b2', { service: 'payments' }),
      ]),
    );
    const before = store.incidents.get(2)?.summaryVersion as number;
    store.incidents.merge(2, 1);
    expect(store.incidents.alertsOf(1).map((a) => a.fingerprint)).toEqual(['a1', 'b1', 'b2']);
    expect(store.incidents.alertsOf(2)).toEqual([]);
    expect(store.incidents.get(2)).toMatchObject({
      status: 'merged',
      mergedInto: 1,
      summaryVersion: before + 1,
    });
    expect(store.incidents.get(1)).toMatchObject({ status: 'open', mergedInto: null });
  });

  test('expire only touches open incidents; counts groups by status', () => {
    store.incidents.upsert(incident(1));
    store.incidents.upsert(incident(2));
    store.incidents.upsert(incident(3, { status: 'resolved', resolvedAt: START }));
    store.incidents.upsert(incident(4));
    store.incidents.merge(4, 1);
    store.incidents.expire(2);
    store.incidents.expire(3);
    expect(store.incidents.get(2)?.status).toBe('expired');
    expect(store.incidents.get(3)?.status).toBe('resolved');
    expect(store.incidents.counts()).toEqual({ open: 1, expired: 1, resolved: 1, merged: 1 });
  });

  test('loadActive returns open incidents and those resolved within the reopen window, with their alerts', () => {
    const now = START + 60 * MIN;
    save(
      incident(
        1,
        { partition: { cluster: 'prod-tokyo' }, lastActivity: START + 5 * MIN, lastFiring: START + 4 * MIN },
        [
          incidentAlert('a1', { service: 'orders-db', alertname: 'DatabaseDown', groupKey: 'g1' }),
          incidentAlert('a2', { instance: 'node-1:9100', groupKey: 'g1' }),
        ],
      ),
    );
    save(
      incident(2, { status: 'resolved', resolvedAt: now - 10 * MIN }, [
        incidentAlert('b1', { status: 'resolved' }),
      ]),
    );
    save(
      incident(3, { status: 'resolved', resolvedAt: now - 40 * MIN }, [
        incidentAlert('c1', { status: 'resolved' }),
      ]),
    );
    save(incident(4, {}, [incidentAlert('d1')]));
    save(incident(5, {}, [incidentAlert('e1')]));
    store.incidents.merge(4, 1);
    store.incidents.expire(5);

    const active = store.incidents.loadActive(new Date(now), 30 * MIN);
    expect(active.map((i) => [i.id, i.status]).sort()).toEqual([
      [1, 'open'],
      [2, 'resolved'],
    ]);
    const open = active.find((i) => i.id === 1) as Incident;
    expect(open).toMatchObject({
      environment: 'production',
      openedAt: START,
      lastActivity: START + 5 * MIN,
      lastFiring: START + 4 * MIN,
      resolvedAt: null,
      partition: { cluster: 'prod-tokyo' },
    });
    // The merged incident's alert moved into 1.
    expect([...open.alerts.keys()].sort()).toEqual(['a1', 'a2', 'd1']);
    expect(open.alerts.get('a1')).toEqual(
      incidentAlert('a1', { service: 'orders-db', alertname: 'DatabaseDown', groupKey: 'g1' }),
    );
    expect([...open.services].sort()).toEqual(['checkout', 'orders-db']);
    // Hosts, not exporter endpoints: node-1:9100 and node-1:9187 are one host.
    expect([...open.instances]).toEqual(['node-1']);
    expect([...open.groupKeys]).toEqual(['g1']);
    expect([...open.identities].sort()).toEqual(['DatabaseDown|orders-db', 'HighErrorRate|checkout']);
    const resolved = active.find((i) => i.id === 2) as Incident;
    expect(resolved.resolvedAt).toBe(now - 10 * MIN);
    expect([...resolved.alerts.keys()]).toEqual(['b1']);
  });

  test('what loadActive returns lets a restarted correlator continue the incident', () => {
    const first = new Correlator({ ...DEFAULT_CORRELATION, topology: { checkout: ['orders-db'] } });
    const input = {
      fingerprint: 'db',
      alertname: 'DatabaseDown',
      status: 'firing' as const,
      severity: 'critical' as const,
      labels: { alertname: 'DatabaseDown', service: 'orders-db', cluster: 'prod-tokyo' },
      startsAt: iso(START),
      environment: 'production',
    };
    const { incident: opened } = first.observe(input, START);
    save(opened);

    const second = new Correlator({ ...DEFAULT_CORRELATION, topology: { checkout: ['orders-db'] } });
    second.restore(store.incidents.loadActive(new Date(START + MIN), 30 * MIN));
    const joined = second.observe(
      {
        ...input,
        fingerprint: 'checkout',
        alertname: 'HighErrorRate',
        labels: { alertname: 'HighErrorRate', service: 'checkout', cluster: 'prod-tokyo' },
      },
      START + MIN,
    );
    expect(joined).toMatchObject({ change: 'joined', incident: { id: opened.id } });
    // The restored partition still keeps other clusters out.
    const osaka = second.observe(
      {
        ...input,
        fingerprint: 'osaka',
        alertname: 'HighErrorRate',
        labels: { alertname: 'HighErrorRate', service: 'checkout', cluster: 'prod-osaka' },
      },
      START + MIN,
    );
    expect(osaka.change).toBe('opened');
    expect(osaka.incident.id).toBe(opened.id + 1);
  });

  test('alertsInGroup returns the group’s alerts in the latest incident it fed', () => {
    save(incident(1, {}, [incidentAlert('a1', { groupKey: 'g1' })]));
    save(
      incident(2, {}, [
        incidentAlert('b1', { groupKey: 'g1' }),
        incidentAlert('b2', { groupKey: 'g2' }),
        incidentAlert('b3', { groupKey: 'g1', firstSeen: START + MIN }),
      ]),
    );
    expect(store.incidents.alertsInGroup('g1').map((a) => [a.incidentId, a.fingerprint])).toEqual([
      [2, 'b1'],
      [2, 'b3'],
    ]);
    expect(store.incidents.alertsInGroup('g2').map((a) => a.fingerprint)).toEqual(['b2']);
    expect(store.incidents.alertsInGroup('nope')).toEqual([]);
  });

  test('event records incident events; recent lists newest first', () => {
    for (const id of [1, 2, 3]) store.incidents.upsert(incident(id));
    store.incidents.event(2, 'joined', { fingerprint: 'x', reason: 'same host' });
    expect(store.db.prepare('SELECT incident_id, at, kind, details FROM incident_events').all()).toEqual([
      { incident_id: 2, at: iso(START), kind: 'joined', details: '{"fingerprint":"x","reason":"same host"}' },
    ]);
    expect(store.incidents.recent(2).map((i) => i.id)).toEqual([3, 2]);
  });
});

describe('OutboxStore', () => {
  beforeEach(() => {
    store.incidents.upsert(incident(1));
    store.incidents.upsert(incident(2));
  });

  const notice = (incidentId: number | null, text = 'notice') => ({
    incidentId,
    kind: 'notice' as const,
    channel: 'C1',
    threadTs: null,
    text,
  });
  const pointer = (incidentId: number | null, text = 'pointer') => ({
    incidentId,
    kind: 'pointer' as const,
    channel: 'C1',
    threadTs: '1700000000.000100',
    text,
  });

  const row = (id: number) =>
    store.db.prepare('SELECT status, attempts, ts, error FROM outbox WHERE id = ?').get(id) as {
      status: string;
      attempts: number;
      ts: string | null;
      error: string | null;
    };

  test('ready lists notices before pointers, each oldest first, light; get loads the whole item', () => {
    const p1 = store.outbox.add(pointer(1, 'p1'));
    const n1 = store.outbox.add({ ...notice(1, 'n1'), blocks: [{ type: 'section' }] });
    const p2 = store.outbox.add(pointer(2, 'p2'));
    const n2 = store.outbox.add(notice(2, 'n2'));
    expect([p1, n1, p2, n2]).toEqual([1, 2, 3, 4]);
    const ready = store.outbox.ready();
    expect(ready.map((i) => i.id)).toEqual([n1, n2, p1, p2]);
    // Incident 1 has no thread yet and no attempt to post its summary.
    expect(ready[0]).toEqual({
      id: n1,
      incidentId: 1,
      kind: 'notice',
      channel: 'C1',
      threadTs: null,
      incidentThreadTs: null,
      incidentSummaryAttempts: 0,
    });
    expect(store.outbox.get(n1)).toEqual({
      id: n1,
      createdAt: iso(START),
      incidentId: 1,
      kind: 'notice',
      priority: 1,
      channel: 'C1',
      threadTs: null,
      text: 'n1',
      blocks: [{ type: 'section' }],
      analysisId: null,
      approvalId: null,
      droppable: false,
      status: 'pending',
      attempts: 0,
    });
    expect(store.outbox.get(p1)).toMatchObject({
      kind: 'pointer',
      priority: 2,
      droppable: true,
      blocks: null,
    });
    expect(store.outbox.get(999)).toBeNull();
    expect(store.outbox.ready(3).map((i) => i.id)).toEqual([n1, n2, p1]);
  });

  test("ready carries the incident's thread: its alert's thread, else its summary", () => {
    store.incidents.upsert(incident(1));
    store.incidents.upsert(incident(2));
    store.incidents.setThread(1, 'C1', '111.1');
    store.incidents.setThread(2, 'C1', null);
    const first = store.outbox.add(notice(1, 'a'));
    const second = store.outbox.add(notice(2, 'b'));
    expect(store.outbox.ready().map((e) => [e.id, e.incidentThreadTs, e.incidentSummaryAttempts])).toEqual([
      [first, '111.1', 0],
      [second, null, 0],
    ]);
    store.incidents.noteSummaryAttempt(2);
    store.incidents.summaryPosted(2, '222.2', 1, '222.2');
    expect(store.outbox.ready().map((e) => [e.id, e.incidentThreadTs, e.incidentSummaryAttempts])).toEqual([
      [first, '111.1', 0],
      [second, '222.2', 1],
    ]);
  });

  test('supersede drops only the pending notices of that incident', () => {
    const n1 = store.outbox.add(notice(1, 'n1'));
    const n2 = store.outbox.add(notice(1, 'n2'));
    const sending = store.outbox.add(notice(1, 'sending'));
    const p1 = store.outbox.add(pointer(1, 'p1'));
    const other = store.outbox.add(notice(2, 'other'));
    store.outbox.markSending(sending);
    expect(store.outbox.supersede(1, 'notice')).toBe(2);
    expect(row(n1)).toMatchObject({ status: 'dropped', error: 'superseded' });
    expect(row(n2).status).toBe('dropped');
    expect(row(sending).status).toBe('sending');
    expect(row(p1).status).toBe('pending');
    expect(row(other).status).toBe('pending');
    expect(store.outbox.supersede(1, 'notice')).toBe(0);
  });

  test('dropStalePointers drops only pending pointers created before the cut-off', () => {
    const old = store.outbox.add(pointer(1, 'old'));
    const oldSending = store.outbox.add(pointer(1, 'old-sending'));
    const oldNotice = store.outbox.add(notice(1, 'old-notice'));
    store.outbox.markSending(oldSending);
    clockMs = START + 30_000;
    const fresh = store.outbox.add(pointer(1, 'fresh'));
    expect(store.outbox.dropStalePointers(new Date(START + 10_000))).toBe(1);
    expect(row(old)).toMatchObject({ status: 'dropped', error: 'stale: the channel was busy' });
    expect(row(oldSending).status).toBe('sending');
    expect(row(oldNotice).status).toBe('pending');
    expect(row(fresh).status).toBe('pending');
    expect(store.outbox.ready().map((i) => i.id)).toEqual([oldNotice, oldSending, fresh]);
  });

  test('send, release, sent, dropped and failed transitions', () => {
    const a = store.outbox.add(notice(1, 'a'));
    const b = store.outbox.add(notice(1, 'b'));
    const c = store.outbox.add(pointer(1, 'c'));

    store.outbox.markSending(a);
    expect(row(a)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(store.outbox.ready().map((i) => i.id)).toContain(a);
    expect(store.outbox.get(a)).toMatchObject({ status: 'sending', attempts: 1 });
    store.outbox.release(a, 'will retry');
    expect(row(a)).toMatchObject({ status: 'pending', attempts: 1, error: 'will retry' });
    store.outbox.markSending(a);
    store.outbox.markSent(a, '1700000000.000900');
    expect(row(a)).toMatchObject({ status: 'sent', attempts: 2, ts: '1700000000.000900' });

    store.outbox.markSending(b);
    store.outbox.markFailed(b, 'channel_not_found');
    expect(row(b)).toMatchObject({ status: 'failed', attempts: 1, error: 'channel_not_found' });

    store.outbox.markDropped(c, 'not_in_channel');
    expect(row(c)).toMatchObject({ status: 'dropped', error: 'not_in_channel' });

    expect(store.outbox.ready()).toEqual([]);
    expect(store.outbox.counts()).toEqual({ 'notice.sent': 1, 'notice.failed': 1, 'pointer.dropped': 1 });
  });

  test('counts keys are kind.status', () => {
    store.outbox.add(notice(1));
    store.outbox.add(notice(2));
    store.outbox.add(pointer(null));
    store.outbox.markDropped(store.outbox.add(pointer(1)), 'stale');
    expect(store.outbox.counts()).toEqual({
      'notice.pending': 2,
      'pointer.pending': 1,
      'pointer.dropped': 1,
    });
  });
});

describe('CooccurrenceStore', () => {
  test('save upserts pairs; load returns the strongest first, at most limit', () => {
    store.cooccurrence.save([
      { a: 'A|x', b: 'B|y', count: 1, lastCounted: 100 },
      { a: 'C|x', b: 'D|y', count: 5, lastCounted: 200 },
      { a: 'E|x', b: 'F|y', count: 3, lastCounted: 300 },
    ]);
    expect(store.cooccurrence.load(2)).toEqual([
      { a: 'C|x', b: 'D|y', count: 5, lastCounted: 200 },
      { a: 'E|x', b: 'F|y', count: 3, lastCounted: 300 },
    ]);
    store.cooccurrence.save([{ a: 'A|x', b: 'B|y', count: 7, lastCounted: 400 }]);
    expect(store.cooccurrence.load(1)).toEqual([{ a: 'A|x', b: 'B|y', count: 7, lastCounted: 400 }]);
    expect(store.cooccurrence.load(10)).toHaveLength(3);
  });

  test('an empty table loads nothing', () => {
    expect(store.cooccurrence.load(10)).toEqual([]);
  });
});
