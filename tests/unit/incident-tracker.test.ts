import { DEFAULT_CORRELATION } from '../../src/correlation/types.js';
import type { AlertStatus } from '../../src/domain/alert.js';
import { IncidentTracker } from '../../src/pipeline/incident-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { ingestAlert } from '../../src/testing/ingest.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const MIN = 60_000;

describe('IncidentTracker: resolved incidents leave memory but can still reopen', () => {
  let store: Store;
  let tracker: IncidentTracker;

  beforeEach(() => {
    store = new Store(openDatabase(':memory:'));
    tracker = new IncidentTracker(store, DEFAULT_CORRELATION);
  });
  afterEach(() => store.close());

  const ingest = (service: string, status: AlertStatus, at: number) =>
    ingestAlert(store, tracker, {
      alertname: 'HighErrorRate',
      labels: { service },
      status,
      origin: { kind: 'slack', channel: 'C1', messageTs: `${at / 1000}.000100` },
      at: new Date(at),
      startsAt: new Date(T0).toISOString(),
    });

  test('after a few minutes only the store holds it; firing again within reopenMinutes reopens it', () => {
    const opened = ingest('checkout', 'firing', T0);
    expect(ingest('checkout', 'resolved', T0 + MIN).change).toBe('resolved');
    // Something else keeps the correlator busy (its sweep runs as alerts arrive).
    ingest('search', 'firing', T0 + 10 * MIN);
    expect(tracker.correlator.get(opened.incident.id)).toBeUndefined();

    const back = ingest('checkout', 'firing', T0 + 20 * MIN);
    expect(back).toMatchObject({ change: 'reopened', incident: { id: opened.incident.id, status: 'open' } });
    expect(store.incidents.get(opened.incident.id)?.status).toBe('open');
  });

  test('a late resolved message for an incident no longer in memory updates it, opening nothing', () => {
    const opened = ingest('checkout', 'firing', T0);
    ingest('checkout', 'resolved', T0 + MIN);
    ingest('search', 'firing', T0 + 10 * MIN);
    const late = ingest('checkout', 'resolved', T0 + 11 * MIN);
    expect(late).toMatchObject({
      change: 'updated',
      incident: { id: opened.incident.id, status: 'resolved' },
    });
    expect(store.incidents.maxId()).toBe(2);
  });

  test('past reopenMinutes the same alert opens a new incident', () => {
    const opened = ingest('checkout', 'firing', T0);
    ingest('checkout', 'resolved', T0 + MIN);
    const later = ingest('checkout', 'firing', T0 + MIN + (DEFAULT_CORRELATION.reopenMinutes + 1) * MIN);
    expect(later.change).toBe('opened');
    expect(later.incident.id).not.toBe(opened.incident.id);
  });
});
