import { CooccurrenceModel } from '../../src/correlation/cooccurrence.js';
import { Correlator } from '../../src/correlation/correlator.js';
import { evaluateCorrelation } from '../../src/correlation/evaluate.js';
import { rankRootCauses } from '../../src/correlation/root-cause.js';
import { generateStorm, type LabelledAlert, type Scenario } from '../../src/correlation/storm.js';
import { Topology } from '../../src/correlation/topology.js';
import {
  type CorrelationInput,
  type CorrelationSettings,
  DEFAULT_CORRELATION,
  type Incident,
} from '../../src/correlation/types.js';
import type { AlertStatus, Severity } from '../../src/domain/alert.js';
import { labelsFingerprint } from '../../src/domain/fingerprint.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const SEC = 1000;
const MIN = 60_000;

/** checkout → orders-db, payments; payments → orders-db. */
const CASCADE_TOPOLOGY = { checkout: ['orders-db', 'payments'], payments: ['orders-db'] };

const settings = (overrides: Partial<CorrelationSettings> = {}): CorrelationSettings => ({
  ...DEFAULT_CORRELATION,
  ...overrides,
});

interface AlertOptions {
  status?: AlertStatus;
  severity?: Severity;
  groupKey?: string;
  environment?: string;
  /** startsAt in ms; defaults to the observation time given to `fire`. */
  startsAt?: number;
}

/** A correlation input whose fingerprint is derived from its name and labels, as Alertmanager does. */
function alert(
  alertname: string,
  labels: Record<string, string>,
  at: number,
  options: AlertOptions = {},
): CorrelationInput {
  const all = { alertname, ...labels };
  return {
    fingerprint: labelsFingerprint(all),
    alertname,
    status: options.status ?? 'firing',
    severity: options.severity ?? 'critical',
    labels: all,
    startsAt: new Date(options.startsAt ?? at).toISOString(),
    groupKey: options.groupKey,
    environment: options.environment ?? 'production',
  };
}

const resolved = (input: CorrelationInput): CorrelationInput => ({ ...input, status: 'resolved' });
const ids = (incidents: Incident[]) => incidents.map((i) => i.id).sort((a, b) => a - b);

describe('Topology', () => {
  const graph = {
    frontend: ['checkout'],
    checkout: ['orders-db', 'payments'],
    payments: ['orders-db'],
    'orders-db': ['storage'],
  };

  test('neighbourhood counts hops towards dependencies and dependents alike', () => {
    const topology = new Topology(graph);
    expect(Object.fromEntries(topology.neighbourhood('orders-db', 3))).toEqual({
      'orders-db': 0,
      checkout: 1,
      payments: 1,
      storage: 1,
      frontend: 2,
    });
    // From the bottom of the graph: every hop goes towards dependents.
    expect(Object.fromEntries(topology.neighbourhood('storage', 3))).toEqual({
      storage: 0,
      'orders-db': 1,
      checkout: 2,
      payments: 2,
      frontend: 3,
    });
  });

  test('neighbourhood stops at maxHops', () => {
    const topology = new Topology(graph);
    expect(Object.fromEntries(topology.neighbourhood('frontend', 2))).toEqual({
      frontend: 0,
      checkout: 1,
      'orders-db': 2,
      payments: 2,
    });
  });

  test('an unknown service is only its own neighbour', () => {
    const topology = new Topology(graph);
    expect(Object.fromEntries(topology.neighbourhood('billing', 3))).toEqual({ billing: 0 });
    expect(topology.knows('billing')).toBe(false);
    expect(topology.knows('storage')).toBe(true);
    expect(topology.size).toBe(5);
  });

  test('dependentsOf is the transitive closure of "depends on"', () => {
    const topology = new Topology(graph);
    expect([...topology.dependentsOf('storage')].sort()).toEqual([
      'checkout',
      'frontend',
      'orders-db',
      'payments',
    ]);
    expect([...topology.dependentsOf('payments')].sort()).toEqual(['checkout', 'frontend']);
    expect([...topology.dependentsOf('frontend')]).toEqual([]);
    expect([...topology.dependentsOf('unknown')]).toEqual([]);
  });

  test('cycles terminate and a service is never its own dependent', () => {
    const topology = new Topology({ a: ['b'], b: ['c'], c: ['a'], self: ['self'] });
    expect([...topology.dependentsOf('a')].sort()).toEqual(['b', 'c']);
    expect([...topology.dependentsOf('self')]).toEqual([]);
    expect(Object.fromEntries(topology.neighbourhood('a', 10))).toEqual({ a: 0, b: 1, c: 1 });
    expect(Object.fromEntries(topology.neighbourhood('self', 10))).toEqual({ self: 0 });
  });

  test('a cycle among the dependents (not through the service) terminates', () => {
    // a and b depend on each other; b also depends on x.
    const topology = new Topology({ b: ['a', 'x'], a: ['b'] });
    expect([...topology.dependentsOf('x')].sort()).toEqual(['a', 'b']);
  });
});

describe('Correlator: grouping', () => {
  const place = { cluster: 'prod-tokyo' };
  const dbDown = alert('DatabaseDown', { service: 'orders-db', instance: 'db-1:9100', ...place }, T0);
  const checkoutErrors = alert(
    'HighErrorRate',
    { service: 'checkout', instance: 'web-1:8080', ...place },
    T0 + 30 * SEC,
  );
  const paymentsLatency = alert(
    'HighLatency',
    { service: 'payments', instance: 'pay-1:8080', ...place },
    T0 + 60 * SEC,
  );

  function cascade(correlator: Correlator) {
    return [
      correlator.observe(dbDown, T0),
      correlator.observe(checkoutErrors, T0 + 30 * SEC),
      correlator.observe(paymentsLatency, T0 + 60 * SEC),
    ];
  }

  test('a cascade through the topology becomes one incident', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    const [first, second, third] = cascade(correlator);
    expect(first).toMatchObject({ change: 'opened', reason: 'no related incident', merged: [] });
    expect(second?.change).toBe('joined');
    expect(third?.change).toBe('joined');
    expect(second?.incident.id).toBe(first?.incident.id);
    expect(third?.incident.id).toBe(first?.incident.id);
    expect(second?.reason).toMatch(/checkout/);
    expect(second?.reason).toMatch(/orders-db/);
    const incident = first?.incident as Incident;
    expect([...incident.alerts.keys()]).toEqual([
      dbDown.fingerprint,
      checkoutErrors.fingerprint,
      paymentsLatency.fingerprint,
    ]);
    expect([...incident.services].sort()).toEqual(['checkout', 'orders-db', 'payments']);
    expect(incident.status).toBe('open');
    expect(incident.lastFiring).toBe(T0 + 60 * SEC);
    expect(incident.partition).toEqual({ cluster: 'prod-tokyo' });
    expect(correlator.active()).toHaveLength(1);
  });

  test('without the topology the same services stay separate incidents', () => {
    const correlator = new Correlator(settings());
    const observed = cascade(correlator);
    expect(observed.map((o) => o.change)).toEqual(['opened', 'opened', 'opened']);
    expect(new Set(observed.map((o) => o.incident.id)).size).toBe(3);
  });

  test('an unrelated service opens a second incident', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    const [first] = cascade(correlator);
    const search = correlator.observe(
      alert('HighLatency', { service: 'search', instance: 'search-1:8080', ...place }, T0 + 90 * SEC),
      T0 + 90 * SEC,
    );
    expect(search.change).toBe('opened');
    expect(search.incident.id).not.toBe(first?.incident.id);
    expect(first?.incident.alerts.size).toBe(3);
    expect(ids(correlator.active())).toEqual([1, 2]);
  });

  test('the same service in another cluster or another environment never joins', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    const [first] = cascade(correlator);
    const osaka = correlator.observe(
      alert('HighErrorRate', { service: 'checkout', instance: 'web-1:8080', cluster: 'prod-osaka' }, T0),
      T0 + 70 * SEC,
    );
    expect(osaka.change).toBe('opened');
    expect(osaka.incident.id).not.toBe(first?.incident.id);
    expect(osaka.incident.partition).toEqual({ cluster: 'prod-osaka' });

    const staging = correlator.observe(
      alert(
        'HighErrorRate',
        { service: 'checkout', instance: 'web-1:8080', cluster: 'prod-tokyo', env: 'stg' },
        T0,
        {
          environment: 'staging',
        },
      ),
      T0 + 80 * SEC,
    );
    expect(staging.change).toBe('opened');
    expect(staging.incident.environment).toBe('staging');
    expect(new Set([first?.incident.id, osaka.incident.id, staging.incident.id]).size).toBe(3);
    expect(first?.incident.alerts.size).toBe(3);
  });

  test('an alert joins within windowMinutes of the last new firing, not after', () => {
    const lastFiring = T0 + 60 * SEC;
    const late = (at: number) =>
      alert('HighErrorRate', { service: 'checkout', instance: 'web-2:8080', ...place }, at);

    const inside = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    cascade(inside);
    const at = lastFiring + 9 * MIN;
    expect(inside.observe(late(at), at)).toMatchObject({ change: 'joined', incident: { id: 1 } });

    const outside = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    cascade(outside);
    const after = lastFiring + DEFAULT_CORRELATION.windowMinutes * MIN + SEC;
    const observed = outside.observe(late(after), after);
    expect(observed.change).toBe('opened');
    expect(observed.incident.id).toBe(2);
  });

  test('repeat notifications do not count as new firings for the window', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    correlator.observe(dbDown, T0);
    // The database alert keeps being re-notified, but nothing new fires for 15 minutes.
    correlator.observe(dbDown, T0 + 5 * MIN);
    correlator.observe(dbDown, T0 + 14 * MIN);
    const incident = correlator.get(1) as Incident;
    expect(incident.lastFiring).toBe(T0);
    expect(incident.lastActivity).toBe(T0 + 14 * MIN);
    const observed = correlator.observe(checkoutErrors, T0 + 15 * MIN);
    expect(observed.change).toBe('opened');
  });

  test('the same notification group joins, even with unrelated services', () => {
    const correlator = new Correlator(settings());
    const a = correlator.observe(alert('QueueBacklog', { service: 'alpha' }, T0, { groupKey: 'g1' }), T0);
    const b = correlator.observe(
      alert('HighLatency', { service: 'beta' }, T0 + 10 * SEC, { groupKey: 'g1' }),
      T0 + 10 * SEC,
    );
    const c = correlator.observe(
      alert('HighLatency', { service: 'gamma' }, T0 + 20 * SEC, { groupKey: 'g2' }),
      T0 + 20 * SEC,
    );
    expect(b).toMatchObject({ change: 'joined', reason: 'same notification group' });
    expect(b.incident.id).toBe(a.incident.id);
    expect(c.change).toBe('opened');
    expect([...a.incident.groupKeys]).toEqual(['g1']);
  });

  test('the same host joins, even with unrelated services and another exporter port', () => {
    const correlator = new Correlator(settings());
    const a = correlator.observe(
      alert('QueueBacklog', { service: 'alpha', instance: 'node-3:9100' }, T0),
      T0,
    );
    const b = correlator.observe(
      alert('HighLatency', { service: 'beta', instance: 'node-3:9187' }, T0 + 10 * SEC),
      T0 + 10 * SEC,
    );
    const c = correlator.observe(
      alert('HighLatency', { service: 'gamma', instance: 'node-4:9100' }, T0 + 20 * SEC),
      T0 + 20 * SEC,
    );
    expect(b).toMatchObject({ change: 'joined', reason: 'same host node-3' });
    expect(b.incident.id).toBe(a.incident.id);
    expect(c.change).toBe('opened');
  });

  test('a repeat notification of a firing alert is an update of its incident', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    cascade(correlator);
    const again = correlator.observe(checkoutErrors, T0 + 3 * MIN);
    expect(again).toMatchObject({ change: 'updated', reason: 'repeat notification', merged: [] });
    expect(again.incident.id).toBe(1);
    expect(again.incident.alerts.size).toBe(3);
    expect(again.incident.lastActivity).toBe(T0 + 3 * MIN);
    expect(again.incident.alerts.get(checkoutErrors.fingerprint)?.lastSeen).toBe(T0 + 3 * MIN);
  });

  test('resolving alerts updates the incident; the last one resolves it', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    cascade(correlator);
    const r1 = correlator.observe(resolved(dbDown), T0 + 5 * MIN);
    const r2 = correlator.observe(resolved(checkoutErrors), T0 + 6 * MIN);
    expect(r1).toMatchObject({ change: 'updated', reason: 'an alert resolved' });
    expect(r2.change).toBe('updated');
    expect(r2.incident.status).toBe('open');
    const r3 = correlator.observe(resolved(paymentsLatency), T0 + 7 * MIN);
    expect(r3).toMatchObject({ change: 'resolved', reason: 'all its alerts resolved' });
    expect(r3.incident.id).toBe(1);
    expect(r3.incident.status).toBe('resolved');
    expect(r3.incident.resolvedAt).toBe(T0 + 7 * MIN);
    expect([...r3.incident.alerts.values()].map((a) => a.status)).toEqual([
      'resolved',
      'resolved',
      'resolved',
    ]);
  });

  test('an alert that fires again within reopenMinutes reopens the same incident', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    correlator.observe(dbDown, T0);
    const gone = correlator.observe(resolved(dbDown), T0 + 5 * MIN);
    expect(gone.change).toBe('resolved');
    const at = T0 + 5 * MIN + (DEFAULT_CORRELATION.reopenMinutes - 1) * MIN;
    const back = correlator.observe(dbDown, at);
    expect(back).toMatchObject({ change: 'reopened', reason: 'DatabaseDown fired again' });
    expect(back.incident.id).toBe(gone.incident.id);
    expect(back.incident.status).toBe('open');
    expect(back.incident.resolvedAt).toBeNull();
    expect(back.incident.lastFiring).toBe(at);
  });

  test('an alert that fires again after reopenMinutes opens a new incident', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    correlator.observe(dbDown, T0);
    correlator.observe(resolved(dbDown), T0 + 5 * MIN);
    const at = T0 + 5 * MIN + (DEFAULT_CORRELATION.reopenMinutes + 1) * MIN;
    const back = correlator.observe(dbDown, at);
    expect(back.change).toBe('opened');
    expect(back.incident.id).toBe(2);
    expect(correlator.get(1)).toBeUndefined();
  });

  test('an alert related to two open incidents merges them into the lower id', () => {
    // payments and checkout are three hops apart; orders-db is near both.
    const topology = { checkout: ['orders-db'], payments: ['ledger'], ledger: ['orders-db'] };
    const correlator = new Correlator(settings({ topology }));
    const paymentsAlert = alert('HighErrorRate', { service: 'payments' }, T0);
    const checkoutAlert = alert('HighErrorRate', { service: 'checkout' }, T0 + 20 * SEC);
    const payments = correlator.observe(paymentsAlert, T0);
    const checkout = correlator.observe(checkoutAlert, T0 + 20 * SEC);
    expect(payments.change).toBe('opened');
    expect(checkout.change).toBe('opened');
    expect([payments.incident.id, checkout.incident.id]).toEqual([1, 2]);

    const db = alert('DatabaseDown', { service: 'orders-db' }, T0 + 40 * SEC);
    const observed = correlator.observe(db, T0 + 40 * SEC);
    expect(observed.change).toBe('joined');
    // checkout (one hop) is the better match, but the merged incident keeps the lower id.
    expect(observed.incident.id).toBe(1);
    expect(observed.merged.map((i) => i.id)).toEqual([2]);
    expect(observed.reason).toMatch(/orders-db/);
    expect(observed.reason).toMatch(/checkout/);
    expect(observed.incident.mergedFrom).toEqual([2]);
    expect([...observed.incident.alerts.keys()].sort()).toEqual(
      [paymentsAlert.fingerprint, checkoutAlert.fingerprint, db.fingerprint].sort(),
    );
    expect(ids(correlator.active())).toEqual([1]);
    expect(correlator.get(2)).toBeUndefined();
    expect(observed.incident.openedAt).toBe(T0);

    // The merged-away incident's alert now belongs to the survivor.
    const checkoutAgain = correlator.observe(checkoutAlert, T0 + 60 * SEC);
    expect(checkoutAgain).toMatchObject({ change: 'updated', incident: { id: 1 } });
  });
});

describe('Correlator: memory window', () => {
  test('sweep drops resolved incidents past the reopen window and stale open ones', () => {
    const correlator = new Correlator(settings());
    const open = correlator.observe(alert('QueueBacklog', { service: 'alpha' }, T0), T0);
    const beta = alert('QueueBacklog', { service: 'beta' }, T0);
    const done = correlator.observe(beta, T0);
    correlator.observe(resolved(beta), T0 + MIN);
    expect(correlator.get(done.incident.id)?.status).toBe('resolved');

    expect(correlator.sweep(T0 + MIN + 20 * MIN)).toEqual([]);
    expect(ids(correlator.active())).toEqual([open.incident.id, done.incident.id]);

    const afterReopen = T0 + MIN + (DEFAULT_CORRELATION.reopenMinutes + 1) * MIN;
    expect(ids(correlator.sweep(afterReopen))).toEqual([done.incident.id]);
    expect(ids(correlator.active())).toEqual([open.incident.id]);

    expect(correlator.sweep(T0 + DEFAULT_CORRELATION.expireMinutes * MIN - MIN)).toEqual([]);
    expect(ids(correlator.sweep(T0 + DEFAULT_CORRELATION.expireMinutes * MIN + MIN))).toEqual([
      open.incident.id,
    ]);
    expect(correlator.active()).toEqual([]);
  });

  test('drainExpired returns the stale open incidents that left memory, once', () => {
    const correlator = new Correlator(settings());
    const stale = correlator.observe(alert('QueueBacklog', { service: 'alpha' }, T0), T0);
    const beta = alert('QueueBacklog', { service: 'beta' }, T0);
    correlator.observe(beta, T0);
    correlator.observe(resolved(beta), T0 + MIN);
    expect(correlator.drainExpired()).toEqual([]);

    const later = T0 + DEFAULT_CORRELATION.expireMinutes * MIN + 2 * MIN;
    const fresh = correlator.observe(alert('QueueBacklog', { service: 'gamma' }, later), later);
    // The resolved incident left memory too, but only the open one counts as expired.
    expect(ids(correlator.drainExpired())).toEqual([stale.incident.id]);
    expect(correlator.drainExpired()).toEqual([]);
    expect(ids(correlator.active())).toEqual([fresh.incident.id]);
  });

  test('restore puts incidents back so later alerts join them and ids continue', () => {
    const first = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    const db = alert('DatabaseDown', { service: 'orders-db' }, T0);
    first.observe(db, T0);
    first.observe(alert('HighErrorRate', { service: 'checkout' }, T0 + 30 * SEC), T0 + 30 * SEC);
    const saved = structuredClone(first.active());

    const second = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    second.restore(saved);
    expect(ids(second.active())).toEqual([1]);
    const payments = second.observe(
      alert('HighLatency', { service: 'payments' }, T0 + 60 * SEC),
      T0 + 60 * SEC,
    );
    expect(payments).toMatchObject({ change: 'joined', incident: { id: 1 } });
    expect(second.observe(db, T0 + 70 * SEC)).toMatchObject({ change: 'updated', incident: { id: 1 } });
    const other = second.observe(alert('HighLatency', { service: 'search' }, T0 + 80 * SEC), T0 + 80 * SEC);
    expect(other).toMatchObject({ change: 'opened', incident: { id: 2 } });
  });

  test('restore moves the next id past the restored ones', () => {
    const first = new Correlator(settings(), { nextId: 7 });
    const seven = first.observe(alert('QueueBacklog', { service: 'alpha' }, T0), T0);
    expect(seven.incident.id).toBe(7);
    const second = new Correlator(settings());
    second.restore(structuredClone(first.active()));
    expect(second.observe(alert('QueueBacklog', { service: 'beta' }, T0), T0 + SEC).incident.id).toBe(8);
  });
});

describe('Correlator: learned co-occurrence', () => {
  const learning = () =>
    new CooccurrenceModel({ cofireSeconds: 120, minCount: 2, cooldownMinutes: 30, maxPairs: 1000 });
  // No shared labels, no topology: only learning can link these two.
  const disk = (at: number) => alert('DiskSlow', { service: 'alpha', instance: 'h1:9100' }, at);
  const queue = (at: number) => alert('QueueBacklog', { service: 'beta', instance: 'h2:9100' }, at);

  /** One occasion: both start firing a minute apart, then resolve five minutes later. */
  function occasion(correlator: Correlator, at: number) {
    const first = correlator.observe(disk(at), at);
    const second = correlator.observe(queue(at + MIN), at + MIN);
    correlator.observe(resolved(disk(at)), at + 5 * MIN);
    correlator.observe(resolved(queue(at)), at + 5 * MIN);
    return { first, second };
  }

  test('before learning the two are separate incidents; once learned, the second joins the first', () => {
    const correlator = new Correlator(settings(), { cooccurrence: learning() });
    const one = occasion(correlator, T0);
    expect(one.second.change).toBe('opened');
    expect(one.second.incident.id).not.toBe(one.first.incident.id);
    expect(correlator.cooccurrence.count('DiskSlow|alpha', 'QueueBacklog|beta')).toBe(1);
    expect(correlator.cooccurrence.partnersOf('QueueBacklog|beta').size).toBe(0);

    occasion(correlator, T0 + 60 * MIN);
    expect(correlator.cooccurrence.count('DiskSlow|alpha', 'QueueBacklog|beta')).toBe(2);
    expect(correlator.cooccurrence.partnersOf('QueueBacklog|beta').get('DiskSlow|alpha')).toBe(2);

    const three = occasion(correlator, T0 + 120 * MIN);
    expect(three.first.change).toBe('opened');
    expect(three.second.change).toBe('joined');
    expect(three.second.incident.id).toBe(three.first.incident.id);
    expect(three.second.reason).toMatch(/fired with/);
    expect(three.second.reason).toContain('QueueBacklog|beta');
    expect(three.second.reason).toContain('DiskSlow|alpha');
  });

  test('learning is per environment: the same pair in staging and production does not count', () => {
    const correlator = new Correlator(settings(), { cooccurrence: learning() });
    for (const k of [0, 1, 2]) {
      const at = T0 + k * 60 * MIN;
      correlator.observe(disk(at), at);
      correlator.observe({ ...queue(at + MIN), environment: 'staging' }, at + MIN);
      correlator.observe(resolved(disk(at)), at + 5 * MIN);
      correlator.observe({ ...resolved(queue(at)), environment: 'staging' }, at + 5 * MIN);
    }
    expect(correlator.cooccurrence.count('DiskSlow|alpha', 'QueueBacklog|beta')).toBe(0);
  });

  test('alerts further apart than cofireSeconds do not count', () => {
    const model = learning();
    expect(model.record('A|x', 'production', T0)).toEqual([]);
    expect(model.record('B|y', 'production', T0 + 121 * SEC)).toEqual([]);
    expect(model.count('A|x', 'B|y')).toBe(0);
  });

  test('more alerts of an identity that is still firing are not new starts (one storm counts once)', () => {
    const model = new CooccurrenceModel({
      cofireSeconds: 120,
      minCount: 2,
      cooldownMinutes: 0,
      maxPairs: 10,
    });
    model.record('A|x', 'production', T0);
    expect(model.record('B|y', 'production', T0 + 10 * SEC)).toHaveLength(1);
    // Another instance of A|x, and more of B|y: the same occasion, even with no cool-down.
    expect(model.record('A|x', 'production', T0 + 20 * SEC)).toEqual([]);
    expect(model.record('B|y', 'production', T0 + 30 * SEC)).toEqual([]);
    expect(model.count('A|x', 'B|y')).toBe(1);
    // Once both have been quiet for longer than cofireSeconds, a new start counts again.
    model.record('A|x', 'production', T0 + 10 * MIN);
    expect(model.record('B|y', 'production', T0 + 10 * MIN + 5 * SEC)).toHaveLength(1);
    expect(model.count('A|x', 'B|y')).toBe(2);
  });

  test('an occasion within the cool-down does not count again', () => {
    const model = learning();
    model.record('B|y', 'production', T0);
    expect(model.record('A|x', 'production', T0 + 10 * SEC)).toEqual([
      { a: 'A|x', b: 'B|y', count: 1, lastCounted: T0 + 10 * SEC },
    ]);
    // Twenty minutes later: inside the 30 minute cool-down.
    model.record('A|x', 'production', T0 + 20 * MIN);
    expect(model.record('B|y', 'production', T0 + 20 * MIN + 10 * SEC)).toEqual([]);
    expect(model.count('A|x', 'B|y')).toBe(1);
    // Forty minutes after the first count: counted again.
    model.record('A|x', 'production', T0 + 40 * MIN + 10 * SEC);
    expect(model.record('B|y', 'production', T0 + 40 * MIN + 20 * SEC)).toEqual([
      { a: 'A|x', b: 'B|y', count: 2, lastCounted: T0 + 40 * MIN + 20 * SEC },
    ]);
    expect(model.count('B|y', 'A|x')).toBe(2);
    expect([...model.partnersOf('A|x')]).toEqual([['B|y', 2]]);
  });

  test('drainLearned returns the pairs counted since the last drain', () => {
    const correlator = new Correlator(settings(), { cooccurrence: learning() });
    occasion(correlator, T0);
    expect(correlator.drainLearned()).toEqual([
      { a: 'DiskSlow|alpha', b: 'QueueBacklog|beta', count: 1, lastCounted: T0 + MIN },
    ]);
    expect(correlator.drainLearned()).toEqual([]);
    occasion(correlator, T0 + 60 * MIN);
    expect(correlator.drainLearned()).toEqual([
      { a: 'DiskSlow|alpha', b: 'QueueBacklog|beta', count: 2, lastCounted: T0 + 61 * MIN },
    ]);
  });

  test('a loaded model attracts from the start', () => {
    const model = learning();
    model.load([{ a: 'DiskSlow|alpha', b: 'QueueBacklog|beta', count: 3, lastCounted: T0 - 600 * MIN }]);
    const correlator = new Correlator(settings(), { cooccurrence: model });
    const first = correlator.observe(disk(T0), T0);
    const second = correlator.observe(queue(T0 + 5 * MIN), T0 + 5 * MIN);
    expect(second.change).toBe('joined');
    expect(second.incident.id).toBe(first.incident.id);
    expect(second.reason).toMatch(/fired with DiskSlow\|alpha/);
  });

  test('maxPairs eviction keeps the model bounded and forgets the weakest pairs first', () => {
    const model = new CooccurrenceModel({
      cofireSeconds: 120,
      minCount: 2,
      cooldownMinutes: 30,
      maxPairs: 10,
    });
    // A strong pair, counted twice.
    model.record('strong|a', 'production', T0);
    model.record('strong|b', 'production', T0 + SEC);
    model.record('strong|a', 'production', T0 + 40 * MIN);
    model.record('strong|b', 'production', T0 + 40 * MIN + SEC);
    expect(model.count('strong|a', 'strong|b')).toBe(2);
    // Then many weak pairs, one new pair per occasion (each pair three minutes from the next).
    for (let i = 0; i < 30; i++) {
      const at = T0 + 60 * MIN + i * 3 * MIN;
      model.record(`weak|${i}a`, 'production', at);
      model.record(`weak|${i}b`, 'production', at + SEC);
      expect(model.size).toBeLessThanOrEqual(10);
    }
    expect(model.count('strong|a', 'strong|b')).toBe(2);
    expect(model.partnersOf('strong|a').get('strong|b')).toBe(2);
    // The oldest weak pairs were forgotten, the newest kept.
    expect(model.count('weak|0a', 'weak|0b')).toBe(0);
    expect(model.count('weak|29a', 'weak|29b')).toBe(1);
  });
});

describe('rankRootCauses', () => {
  test('the upstream-most service wins and says why', () => {
    const correlator = new Correlator(settings({ topology: CASCADE_TOPOLOGY }));
    const db = alert('DatabaseDown', { service: 'orders-db' }, T0);
    const checkout = alert('HighErrorRate', { service: 'checkout' }, T0 + 30 * SEC);
    const payments = alert('HighLatency', { service: 'payments' }, T0 + 60 * SEC);
    // Arrival order is not start order: the symptom reaches AALS first.
    correlator.observe(checkout, T0 + 30 * SEC);
    correlator.observe(payments, T0 + 60 * SEC);
    const incident = correlator.observe(db, T0 + 90 * SEC).incident;
    expect(incident.alerts.size).toBe(3);
    const ranked = rankRootCauses(incident, correlator.topology);
    expect(ranked.map((r) => r.fingerprint)).toEqual([
      db.fingerprint,
      payments.fingerprint,
      checkout.fingerprint,
    ]);
    expect(ranked[0]).toEqual({
      fingerprint: db.fingerprint,
      alertname: 'DatabaseDown',
      service: 'orders-db',
      instance: null,
      reason: 'orders-db is upstream of checkout and payments, and fired first',
    });
    expect(ranked[1]?.reason).toBe('payments is upstream of checkout');
    expect(rankRootCauses(incident, correlator.topology, 1)).toHaveLength(1);
  });

  test('a host-level alert outranks the service alerts on its host', () => {
    const correlator = new Correlator(settings());
    const host = 'node-7:9100';
    const checkout = alert('HighErrorRate', { service: 'checkout', instance: host }, T0);
    const search = alert('HighLatency', { service: 'search', instance: host }, T0 + 20 * SEC);
    const disk = alert('NodeFilesystemAlmostFull', { instance: host, job: 'node' }, T0 + 40 * SEC);
    correlator.observe(checkout, T0);
    correlator.observe(search, T0 + 20 * SEC);
    const observed = correlator.observe(disk, T0 + 40 * SEC);
    expect(observed.change).toBe('joined');
    const incident = observed.incident;
    expect(incident.alerts.get(disk.fingerprint)?.hostLevel).toBe(true);
    expect(incident.alerts.get(checkout.fingerprint)?.hostLevel).toBe(false);

    const [top, next] = rankRootCauses(incident, correlator.topology);
    expect(top?.fingerprint).toBe(disk.fingerprint);
    expect(top?.service).toBeNull();
    expect(top?.instance).toBe(host);
    expect(top?.reason).toContain(
      `NodeFilesystemAlmostFull on ${host} is a host-level cause of 2 other alerts`,
    );
    expect(top?.reason).not.toContain('fired first');
    expect(next?.fingerprint).toBe(checkout.fingerprint);
  });

  test('with no structure, the earliest start wins', () => {
    const correlator = new Correlator(settings());
    const late = alert('QueueBacklog', { service: 'alpha' }, T0 + 30 * SEC, {
      groupKey: 'g',
      severity: 'critical',
    });
    const early = alert('HighLatency', { service: 'beta' }, T0, { groupKey: 'g', severity: 'warning' });
    correlator.observe(late, T0 + 30 * SEC);
    // Observed later, but it started earlier.
    const incident = correlator.observe(early, T0 + 40 * SEC).incident;
    const ranked = rankRootCauses(incident, correlator.topology);
    expect(ranked.map((r) => r.fingerprint)).toEqual([early.fingerprint, late.fingerprint]);
    expect(ranked[0]?.reason).toBe('fired first');
  });

  test('a single alert is "the only alert"; an empty incident has no candidates', () => {
    const correlator = new Correlator(settings());
    const only = alert('QueueBacklog', { service: 'alpha' }, T0);
    const incident = correlator.observe(only, T0).incident;
    expect(rankRootCauses(incident, correlator.topology)).toEqual([
      {
        fingerprint: only.fingerprint,
        alertname: 'QueueBacklog',
        service: 'alpha',
        instance: null,
        reason: 'the only alert',
      },
    ]);
    expect(rankRootCauses({ ...incident, alerts: new Map() }, correlator.topology)).toEqual([]);
  });
});

describe('generateStorm', () => {
  const serialize = (scenario: Scenario) =>
    JSON.stringify({
      topology: scenario.topology,
      alerts: scenario.alerts,
      roots: [...scenario.roots].map(([id, fps]) => [id, [...fps].sort()]),
      kinds: [...scenario.kinds],
    });
  const options = { incidents: 25, durationMinutes: 120 };

  test('is deterministic for a seed and differs for another seed', () => {
    const a = serialize(generateStorm({ seed: 42, ...options }));
    const b = serialize(generateStorm({ seed: 42, ...options }));
    const c = serialize(generateStorm({ seed: 43, ...options }));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test('the scenario is well formed', () => {
    const scenario = generateStorm({ seed: 7, ...options });
    const { alerts, roots, kinds } = scenario;
    expect(alerts.length).toBeGreaterThan(options.incidents);
    // Every generated incident has a kind and a root set.
    expect([...roots.keys()].sort()).toEqual([...kinds.keys()].sort());
    expect(roots.size).toBeGreaterThanOrEqual(options.incidents);
    for (const kind of kinds.values())
      expect(['cascade', 'host', 'isolated', 'two-clusters', 'staging-and-production']).toContain(kind);

    for (let i = 1; i < alerts.length; i++)
      expect((alerts[i] as LabelledAlert).at).toBeGreaterThanOrEqual((alerts[i - 1] as LabelledAlert).at);

    const firingFingerprints = new Map<string, Set<string>>();
    alerts.forEach(({ at, alert: input, truth }, i) => {
      expect(roots.has(truth.incident)).toBe(true);
      if (input.status === 'firing') {
        const set = firingFingerprints.get(truth.incident) ?? new Set<string>();
        set.add(input.fingerprint);
        firingFingerprints.set(truth.incident, set);
        if (truth.root) expect(roots.get(truth.incident)?.has(input.fingerprint)).toBe(true);
      } else {
        // A resolved notification follows a firing one of the same alert in the same incident.
        const earlier = alerts
          .slice(0, i)
          .some(
            (other) =>
              other.alert.status === 'firing' &&
              other.alert.fingerprint === input.fingerprint &&
              other.truth.incident === truth.incident &&
              other.at <= at,
          );
        expect(earlier).toBe(true);
      }
    });
    let multi = 0;
    for (const [incident, fingerprints] of firingFingerprints) {
      const rootSet = roots.get(incident) as Set<string>;
      for (const root of rootSet) expect(fingerprints.has(root)).toBe(true);
      if (fingerprints.size >= 2) {
        multi++;
        expect(rootSet.size).toBeGreaterThanOrEqual(1);
      }
    }
    expect(multi).toBeGreaterThan(0);
  });
});

describe('evaluateCorrelation', () => {
  const db = alert('DatabaseDown', { service: 'orders-db' }, T0, { groupKey: 'g-db' });
  const checkout = alert('HighErrorRate', { service: 'checkout' }, T0 + 30 * SEC, { groupKey: 'g-checkout' });
  const search = (groupKey: string) =>
    alert('HighLatency', { service: 'search' }, T0 + 60 * SEC, { groupKey });

  /** Two true incidents: orders-db (root) with checkout, and search on its own. */
  function scenario(searchGroup: string): Scenario {
    const alerts: LabelledAlert[] = [
      { at: T0, alert: db, truth: { incident: 'x', root: true } },
      { at: T0 + 30 * SEC, alert: checkout, truth: { incident: 'x', root: false } },
      { at: T0 + 60 * SEC, alert: search(searchGroup), truth: { incident: 'y', root: true } },
      { at: T0 + 5 * MIN, alert: resolved(db), truth: { incident: 'x', root: true } },
      { at: T0 + 5 * MIN, alert: resolved(checkout), truth: { incident: 'x', root: false } },
    ];
    return {
      seed: 0,
      topology: { checkout: ['orders-db'] },
      alerts,
      roots: new Map([
        ['x', new Set([db.fingerprint])],
        ['y', new Set([search(searchGroup).fingerprint])],
      ]),
      kinds: new Map([
        ['x', 'cascade'],
        ['y', 'isolated'],
      ]),
    };
  }

  test('a perfect grouping scores 1 everywhere', () => {
    const result = evaluateCorrelation(scenario('g-search'), settings());
    expect(result).toMatchObject({
      precision: 1,
      recall: 1,
      f1: 1,
      rootAccuracy: 1,
      rootIncidents: 1,
      trueIncidents: 2,
      predictedIncidents: 2,
      notifications: 3,
    });
  });

  test('nothing joins with threshold above 1: precision 1, recall 2/3', () => {
    const result = evaluateCorrelation(scenario('g-search'), settings({ threshold: 1.01 }));
    expect(result.precision).toBe(1);
    // x's two alerts each see half of their incident; y's alert sees all of its own.
    expect(result.recall).toBeCloseTo((0.5 + 0.5 + 1) / 3, 10);
    expect(result.f1).toBeCloseTo(0.8, 10);
    expect(result.predictedIncidents).toBe(3);
    expect(result.trueIncidents).toBe(2);
    expect(result.notifications).toBe(3);
  });

  test('over-grouping lowers precision, not recall', () => {
    // search shares orders-db's notification group, so everything lands in one incident.
    const result = evaluateCorrelation(scenario('g-db'), settings());
    expect(result.predictedIncidents).toBe(1);
    expect(result.precision).toBeCloseTo((2 / 3 + 2 / 3 + 1 / 3) / 3, 10);
    expect(result.recall).toBe(1);
    expect(result.f1).toBeCloseTo(5 / 7, 10);
    expect(result.rootAccuracy).toBe(1);
  });
});

describe('regressions', () => {
  test('learning attracts only on the occasion after minCount earlier ones (this start cannot vouch for itself)', () => {
    const correlator = new Correlator(settings(), {
      cooccurrence: new CooccurrenceModel({
        cofireSeconds: 120,
        minCount: 2,
        cooldownMinutes: 30,
        maxPairs: 1000,
      }),
    });
    const disk = (at: number) => alert('DiskSlow', { service: 'alpha', instance: 'h1:9100' }, at);
    const queue = (at: number) => alert('QueueBacklog', { service: 'beta', instance: 'h2:9100' }, at);
    const results: string[] = [];
    for (const start of [T0, T0 + 60 * MIN, T0 + 120 * MIN]) {
      correlator.observe(disk(start), start);
      results.push(correlator.observe(queue(start + MIN), start + MIN).change);
      correlator.observe(resolved(disk(start)), start + 5 * MIN);
      correlator.observe(resolved(queue(start)), start + 5 * MIN);
    }
    expect(results).toEqual(['opened', 'opened', 'joined']);
  });

  test('an alert without a cluster label does not merge incidents of two clusters', () => {
    const correlator = new Correlator(settings({ topology: { checkout: ['orders-db'] } }));
    const tokyo = correlator.observe(
      alert('HighErrorRate', { service: 'checkout', cluster: 'prod-tokyo' }, T0),
      T0,
    );
    const osaka = correlator.observe(
      alert('HighErrorRate', { service: 'checkout', cluster: 'prod-osaka' }, T0 + SEC),
      T0 + SEC,
    );
    expect(osaka.incident.id).not.toBe(tokyo.incident.id);
    const db = correlator.observe(
      alert('DatabaseDown', { service: 'orders-db' }, T0 + 2 * SEC),
      T0 + 2 * SEC,
    );
    expect(db.merged).toEqual([]);
    const clusters = new Set([...db.incident.alerts.values()].map((a) => a.fingerprint));
    expect(clusters.size).toBe(2);
    expect(correlator.active()).toHaveLength(2);
  });

  test('neighbourhood is cached per hop limit', () => {
    const topology = new Topology({ a: ['b'], b: ['c'], c: ['d'] });
    expect(topology.neighbourhood('a').size).toBe(4);
    expect(topology.neighbourhood('a', 1).size).toBe(2);
    expect(topology.neighbourhood('a', 3).size).toBe(4);
  });

  test('maxPairs holds even when one start adds many pairs', () => {
    const model = new CooccurrenceModel({
      cofireSeconds: 120,
      minCount: 2,
      cooldownMinutes: 30,
      maxPairs: 10,
    });
    for (let i = 0; i < 8; i++) model.record(`alert-${i}|svc`, 'production', T0 + i * SEC);
    expect(model.size).toBeLessThanOrEqual(10);
  });

  test('in a storm of new identities a start pairs only with the latest few others', () => {
    const model = new CooccurrenceModel({ maxPartnersPerStart: 4, maxPairs: 1000 });
    for (let i = 0; i < 10; i++) model.record(`alert-${i}|svc`, 'production', T0 + i * SEC);
    const counted = model.record('late|svc', 'production', T0 + 10 * SEC);
    expect(counted.map((p) => (p.a === 'late|svc' ? p.b : p.a)).sort()).toEqual([
      'alert-6|svc',
      'alert-7|svc',
      'alert-8|svc',
      'alert-9|svc',
    ]);
    // 10 starts: each paired with at most 4 before it (0+1+2+3+4×6), then the late one with 4.
    expect(model.size).toBe(34);
  });

  test('starts that arrive out of order only pair when they are close in time', () => {
    const model = new CooccurrenceModel({
      cofireSeconds: 120,
      minCount: 1,
      cooldownMinutes: 30,
      maxPairs: 100,
    });
    model.record('X|a', 'production', T0 + 600 * SEC);
    model.record('Y|b', 'production', T0);
    model.record('Z|c', 'production', T0 + 630 * SEC);
    expect(model.count('Y|b', 'Z|c')).toBe(0);
    expect(model.count('X|a', 'Z|c')).toBe(1);
  });

  test('the join reason states the dependency in the right direction', () => {
    const correlator = new Correlator(settings({ topology: { checkout: ['orders-db'] } }));
    correlator.observe(alert('DatabaseDown', { service: 'orders-db' }, T0), T0);
    const joined = correlator.observe(alert('HighErrorRate', { service: 'checkout' }, T0 + SEC), T0 + SEC);
    expect(joined.reason).toBe('checkout depends on orders-db');
  });

  test('rankRootCauses never claims "fired earliest" for a later alert', () => {
    const topology = new Topology({});
    const at = (alertname: string, labels: Record<string, string>, startsAt: number, severity: Severity) => {
      const input = alert(alertname, labels, startsAt, { severity });
      return [
        input.fingerprint,
        {
          ...input,
          startsAt,
          firstSeen: startsAt,
          lastSeen: startsAt,
          service: labels.service ?? null,
          instance: labels.instance ?? null,
          namespace: null,
          groupKey: null,
          identity: `${alertname}|${labels.service ?? ''}`,
          hostLevel: !labels.service,
        },
      ] as const;
    };
    const alerts = new Map([
      at('HighLatency', { service: 'alpha' }, T0, 'warning'),
      at('NodeDown', { instance: 'n1:9100' }, T0 + 5 * SEC, 'critical'),
    ]);
    const incident = {
      ...new Correlator(settings()).observe(alert('x', {}, T0), T0).incident,
      alerts,
    } as unknown as Incident;
    const [top] = rankRootCauses(incident, topology, 1);
    expect(top?.alertname).toBe('NodeDown');
    expect(top?.reason).toMatch(/host-level alert on n1:9100/);
    expect(top?.reason).not.toMatch(/earliest/);
  });
});
