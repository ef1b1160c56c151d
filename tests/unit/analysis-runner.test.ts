import type {
  AlertToAnalyze,
  Analysis,
  PrometheusAnalyzer,
} from '../../src/analyzers/prometheus/analyzer.js';
import type { Finding } from '../../src/analyzers/prometheus/findings.js';
import { DEFAULT_CORRELATION } from '../../src/correlation/types.js';
import { labelsFingerprint } from '../../src/domain/fingerprint.js';
import { silentLogger } from '../../src/observability/logger.js';
import { AnalysisRunner } from '../../src/pipeline/analysis-runner.js';
import { IncidentTracker, type Origin } from '../../src/pipeline/incident-tracker.js';
import { openDatabase } from '../../src/store/database.js';
import { Store } from '../../src/store/store.js';
import { ingestAlert } from '../../src/testing/ingest.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const STARTS_AT = '2026-01-05T09:00:00.000Z';
const GENERATOR = 'http://prom:9090/graph?g0.expr=cpu+%3E+90&g0.tab=1';

let store: Store;
let tracker: IncidentTracker;
let runners: AnalysisRunner[];

beforeEach(() => {
  store = new Store(openDatabase(':memory:'));
  tracker = new IncidentTracker(store, DEFAULT_CORRELATION, { analyze: true });
  runners = [];
});

afterEach(async () => {
  for (const runner of runners) await runner.stop();
  store.close();
});

const slack = (channel: string, messageTs: string): Origin => ({ kind: 'slack', channel, messageTs });

/** Stores one firing alert and correlates it in one transaction, as the processor does. */
function ingest(
  alertname: string,
  labels: Record<string, string>,
  origin: Origin = slack('C1', '1700000000.000100'),
) {
  return ingestAlert(store, tracker, {
    alertname,
    labels,
    origin,
    startsAt: STARTS_AT,
    generatorURL: GENERATOR,
  });
}

const T = Date.parse(STARTS_AT);
const FINDINGS: Finding[] = [
  {
    kind: 'anomaly',
    series: { name: 'CPU usage', query: 'cpu', labels: { instance: 'web-1:9100' }, unit: '%' },
    start: T + 60_000,
    end: T + 600_000,
    peak: { t: T + 120_000, v: 97 },
    baseline: 40,
    score: 0.9,
  },
  { kind: 'no_data', name: 'traffic', query: 'sum(rate(http_requests_total[5m]))' },
];

function analysis(withChart = true): Analysis {
  return {
    findings: FINDINGS,
    chart: withChart
      ? [
          {
            ref: {
              name: 'CPU usage',
              query: 'cpu',
              labels: { instance: 'web-1:9100' },
              unit: '%',
              threshold: 90,
            },
            points: Array.from({ length: 60 }, (_, i) => ({
              t: T - 1800_000 + i * 60_000,
              v: i < 30 ? 40 : 97,
            })),
          },
        ]
      : [],
    window: { start: T - 7200_000, end: T + 1800_000, stepSeconds: 15 },
    queries: 8,
    millis: 1234,
  };
}

/** A stand-in for PrometheusAnalyzer: records its calls, answers with `respond`. */
function fakeAnalyzer(respond: (alert: AlertToAnalyze) => Promise<Analysis>) {
  const calls: Array<{ alert: AlertToAnalyze; now: Date }> = [];
  const analyzer = {
    analyze: (alert: AlertToAnalyze, now: Date) => {
      calls.push({ alert, now });
      return respond(alert);
    },
  } as unknown as PrometheusAnalyzer;
  return { analyzer, calls };
}

function runner(analyzer: PrometheusAnalyzer, concurrency?: number) {
  const stored: number[] = [];
  const created = new AnalysisRunner({
    store,
    analyzer,
    logger: silentLogger(),
    onStored: () => stored.push(Date.now()),
    ...(concurrency ? { concurrency } : {}),
  });
  runners.push(created);
  return { runner: created, stored };
}

const outboxRows = () =>
  store.db
    .prepare('SELECT kind, channel, thread_ts, text, analysis_id, incident_id FROM outbox ORDER BY id')
    .all();

describe('AnalysisRunner', () => {
  test('an enqueued analysis runs once, stores its findings and chart, bumps the summary, queues the chart', async () => {
    const observed = ingest('HighCPU', { instance: 'web-1:9100' });
    const incidentId = observed.incident.id;
    const [job] = store.analyses.unfinished();
    expect(job).toMatchObject({ incidentId, status: 'pending', attempts: 0 });
    const versionBefore = store.incidents.get(incidentId)?.summaryVersion ?? -1;

    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r, stored } = runner(analyzer);
    r.wake();
    await r.idle();
    r.wake();
    await r.idle();

    expect(calls).toHaveLength(1);
    expect(calls[0]?.alert).toEqual({
      alertname: 'HighCPU',
      labels: { alertname: 'HighCPU', instance: 'web-1:9100' },
      generatorURL: GENERATOR,
      startsAt: STARTS_AT,
    });
    expect(stored).toHaveLength(1);

    const id = job?.id ?? -1;
    expect(store.analyses.get(id)).toEqual({
      id,
      incidentId,
      fingerprint: labelsFingerprint({ alertname: 'HighCPU', instance: 'web-1:9100' }),
      status: 'done',
      attempts: 1,
      findings: FINDINGS,
      error: null,
      millis: 1234,
    });
    expect(store.analyses.latestFor(incidentId)?.id).toBe(id);
    expect(store.incidents.get(incidentId)?.summaryVersion).toBe(versionBefore + 1);

    const png = store.analyses.chart(id);
    expect(png?.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(png?.readUInt32BE(16)).toBe(960);

    expect(outboxRows()).toEqual([
      {
        kind: 'chart',
        channel: 'C1',
        thread_ts: null,
        text: 'CPU usage · web-1:9100',
        analysis_id: id,
        incident_id: incidentId,
      },
    ]);
    expect(store.analyses.unfinished()).toEqual([]);
  });

  test('no chart series: findings stored, no chart and no chart message', async () => {
    const observed = ingest('HighCPU', { instance: 'web-1:9100' });
    const versionBefore = store.incidents.get(observed.incident.id)?.summaryVersion ?? -1;
    const { analyzer } = fakeAnalyzer(async () => analysis(false));
    const { runner: r } = runner(analyzer);
    await r.idle();
    const row = store.analyses.latestFor(observed.incident.id);
    expect(row).toMatchObject({ status: 'done', findings: FINDINGS });
    expect(store.analyses.chart(row?.id ?? -1)).toBeNull();
    expect(outboxRows()).toEqual([]);
    expect(store.incidents.get(observed.incident.id)?.summaryVersion).toBe(versionBefore + 1);
  });

  test('an incident without a channel gets its chart stored but no chart message', async () => {
    const observed = ingest('HighCPU', { instance: 'web-1:9100' }, { kind: 'webhook', notifyChannel: null });
    const { analyzer } = fakeAnalyzer(async () => analysis());
    const { runner: r } = runner(analyzer);
    await r.idle();
    const row = store.analyses.latestFor(observed.incident.id);
    expect(row?.status).toBe('done');
    expect(
      store.analyses
        .chart(row?.id ?? -1)
        ?.subarray(0, 8)
        .equals(PNG_SIGNATURE),
    ).toBe(true);
    expect(outboxRows()).toEqual([]);
  });

  test('an analyzer that throws: the analysis fails with its message, the summary is still bumped', async () => {
    const observed = ingest('HighCPU', { instance: 'web-1:9100' });
    const versionBefore = store.incidents.get(observed.incident.id)?.summaryVersion ?? -1;
    const { analyzer, calls } = fakeAnalyzer(async () => {
      throw new Error('Prometheus exploded');
    });
    const { runner: r, stored } = runner(analyzer);
    await r.idle();
    expect(calls).toHaveLength(1);
    expect(store.analyses.latestFor(observed.incident.id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'Prometheus exploded',
      findings: null,
    });
    expect(store.incidents.get(observed.incident.id)?.summaryVersion).toBe(versionBefore + 1);
    expect(stored).toHaveLength(1);
    expect(outboxRows()).toEqual([]);
    // A failed analysis is not retried.
    r.wake();
    await r.idle();
    expect(calls).toHaveLength(1);
  });

  test('a job a crash left running is picked up again by a new runner', async () => {
    const observed = ingest('HighCPU', { instance: 'web-1:9100' });
    const [job] = store.analyses.unfinished();
    // The previous process started it and died.
    store.analyses.start(job?.id ?? -1);
    expect(store.analyses.get(job?.id ?? -1)).toMatchObject({ status: 'running', attempts: 1 });

    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r } = runner(analyzer);
    await r.idle();
    expect(calls).toHaveLength(1);
    expect(store.analyses.get(job?.id ?? -1)).toMatchObject({
      incidentId: observed.incident.id,
      status: 'done',
      attempts: 2,
      findings: FINDINGS,
    });
  });

  test('a job that crashed twice gets a third attempt', async () => {
    ingest('HighCPU', { instance: 'web-1:9100' });
    const id = store.analyses.unfinished()[0]?.id ?? -1;
    store.analyses.start(id);
    store.analyses.start(id);
    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r } = runner(analyzer);
    await r.idle();
    expect(calls).toHaveLength(1);
    expect(store.analyses.get(id)).toMatchObject({ status: 'done', attempts: 3 });
  });

  test('after 3 attempts it gives up without calling the analyzer', async () => {
    ingest('HighCPU', { instance: 'web-1:9100' });
    const id = store.analyses.unfinished()[0]?.id ?? -1;
    for (let i = 0; i < 3; i++) store.analyses.start(id);
    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r } = runner(analyzer);
    await r.idle();
    expect(calls).toHaveLength(0);
    expect(store.analyses.get(id)).toMatchObject({
      status: 'failed',
      attempts: 3,
      error: 'gave up after 3 attempts',
    });
    expect(store.analyses.unfinished()).toEqual([]);
    expect(outboxRows()).toEqual([]);
  });

  test('an analysis whose alert is not part of the incident fails without calling the analyzer', async () => {
    const observed = ingest('HighCPU', { instance: 'web-1:9100' });
    const [queued] = store.analyses.unfinished();
    store.analyses.fail(queued?.id ?? -1, 'not this one');
    const id = store.analyses.enqueue(observed.incident.id, '0123456789abcdef');
    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r } = runner(analyzer);
    await r.idle();
    expect(calls).toHaveLength(0);
    expect(store.analyses.get(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: 'the alert is no longer part of the incident',
    });
  });

  test('idle() resolves at once when there is nothing to do', async () => {
    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r } = runner(analyzer);
    await expect(r.idle()).resolves.toBeUndefined();
    expect(calls).toHaveLength(0);
  });

  test('several incidents: at most `concurrency` analyses at once, idle() waits for all of them', async () => {
    ingest('HighCPU', { instance: 'a:9100' });
    ingest('DiskFull', { instance: 'b:9100' }, slack('C2', '1700000000.000200'));
    ingest('HighLatency', { service: 'checkout' }, slack('C3', '1700000000.000300'));
    ingest('QueueBacklog', { service: 'queue' }, slack('C4', '1700000000.000400'));
    expect(store.analyses.unfinished()).toHaveLength(4);

    let inFlight = 0;
    let maxInFlight = 0;
    const { analyzer, calls } = fakeAnalyzer(async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return analysis(false);
    });
    const { runner: r, stored } = runner(analyzer, 2);
    await r.idle();
    expect(calls.map((c) => c.alert.alertname).sort()).toEqual([
      'DiskFull',
      'HighCPU',
      'HighLatency',
      'QueueBacklog',
    ]);
    expect(maxInFlight).toBe(2);
    expect(stored).toHaveLength(4);
    expect(store.analyses.unfinished()).toEqual([]);
    const statuses = store.db.prepare('SELECT status FROM analyses ORDER BY id').pluck().all();
    expect(statuses).toEqual(['done', 'done', 'done', 'done']);
  });

  test('a stopped runner starts nothing new', async () => {
    ingest('HighCPU', { instance: 'web-1:9100' });
    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r } = runner(analyzer);
    await r.stop();
    r.wake();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toHaveLength(0);
    expect(store.analyses.unfinished()).toHaveLength(1);
  });
});

describe('AnalysisRunner: regressions', () => {
  test('with concurrency 1, idle() waits for every queued analysis', async () => {
    ingest('HighCPU', { instance: 'web-1:9100' });
    ingest('HighCPU', { instance: 'other-cluster:9100', cluster: 'b' });
    const { analyzer } = fakeAnalyzer(async () => {
      await new Promise((r) => setTimeout(r, 30));
      return analysis();
    });
    const { runner: r } = runner(analyzer, 1);
    r.wake();
    await r.idle();
    expect(store.analyses.unfinished()).toEqual([]);
  });

  test('giving up after three attempts is shown: the summary is marked behind and Slack is told', async () => {
    const observed = ingest('HighCPU', { instance: 'web-1:9100' });
    const [job] = store.analyses.unfinished();
    for (let i = 0; i < 3; i++) store.analyses.start(job?.id as number);
    const before = store.incidents.get(observed.incident.id)?.summaryVersion ?? -1;
    const { analyzer, calls } = fakeAnalyzer(async () => analysis());
    const { runner: r, stored } = runner(analyzer);
    r.wake();
    await r.idle();
    expect(calls).toHaveLength(0);
    expect(store.analyses.get(job?.id as number)).toMatchObject({
      status: 'failed',
      error: 'gave up after 3 attempts',
    });
    expect(store.incidents.get(observed.incident.id)?.summaryVersion).toBe(before + 1);
    expect(stored).toHaveLength(1);
  });
});
