import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { scoreSeries } from '../../src/analyzers/anomaly/detector.js';
import { DEFAULT_ANALYZER, PrometheusAnalyzer } from '../../src/analyzers/prometheus/analyzer.js';
import type { Finding } from '../../src/analyzers/prometheus/findings.js';
import { PrometheusClient } from '../../src/integrations/prometheus/client.js';
import { buildScenarios, MIN, type Scenarios } from '../support/metric-scenarios.js';
import { freePort } from '../support/processes.js';
import { type RunningPrometheus, startPrometheus } from '../support/prometheus.js';
import { tempDir } from '../support/temp.js';

/** The analyzer against the real Prometheus binary, on backfilled and live scenario data. */
const ROOT = join(import.meta.dirname, '..', '..');
const gen = (expr: string) =>
  `http://prometheus.example:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

const of = <K extends Finding['kind']>(findings: Finding[], kind: K) =>
  findings.filter((f): f is Extract<Finding, { kind: K }> => f.kind === kind);

describe('Prometheus analyzer on real Prometheus', () => {
  let prometheus: RunningPrometheus;
  let scenarios: Scenarios;
  let analyzer: PrometheusAnalyzer;

  beforeAll(async () => {
    scenarios = buildScenarios(Date.now());
    prometheus = await startPrometheus(scenarios.history, scenarios.types);
    // The live exporter continues the filling disk, so the recent part is scraped, not backfilled.
    prometheus.setLive({
      'node_filesystem_avail_bytes{instance="db-1:9100",mountpoint="/var/lib/postgresql",fstype="ext4",device="/dev/vdb"}': 8.7e9,
      'node_filesystem_size_bytes{instance="db-1:9100",mountpoint="/var/lib/postgresql",fstype="ext4",device="/dev/vdb"}': 100e9,
    });
    analyzer = new PrometheusAnalyzer(
      new PrometheusClient({ url: prometheus.url, timeoutMs: 5000 }),
      DEFAULT_ANALYZER,
      scoreSeries,
    );
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  const analyze = (alertname: string, labels: Record<string, string>, expr?: string) =>
    analyzer.analyze(
      {
        alertname,
        labels,
        startsAt: new Date(scenarios.alertAt).toISOString(),
        ...(expr ? { generatorURL: gen(expr) } : {}),
      },
      new Date(scenarios.now),
    );
  test('CPU spike: the built-in CPU query shows it, with its span, and load changed together', async () => {
    const analysis = await analyze('HighCPUUsage', { instance: 'web-1:9100' });
    const cpu = of(analysis.findings, 'anomaly').find((f) => f.series.name === 'CPU usage');
    expect(cpu).toBeDefined();
    expect(cpu?.peak.v).toBeGreaterThan(85);
    expect(cpu?.baseline).toBeLessThan(50);
    expect(Math.abs((cpu?.start ?? 0) - (scenarios.alertAt - 5 * MIN))).toBeLessThan(6 * MIN);
    const together = of(analysis.findings, 'changed_together')[0];
    expect(together?.others.map((o) => o.series.name)).toContain('node_load1');
    expect(together?.others.map((o) => o.series.name)).not.toContain('process_open_fds');
    expect(analysis.chart[0]?.ref.name).toBe('CPU usage');
  });

  test('a slow memory leak is forecast to run out', async () => {
    const analysis = await analyze('MemoryFillingUp', { instance: 'app-2:9100' });
    const forecast = of(analysis.findings, 'forecast').find((f) => f.series.name === 'memory used');
    expect(forecast).toBeDefined();
    const hours = ((forecast?.reachesAt ?? 0) - scenarios.now) / 3600_000;
    // 16 GiB total, about 7.3 GiB available at `now`, falling 0.5 GiB/h: about 14.6 h.
    expect(hours).toBeGreaterThan(10);
    expect(hours).toBeLessThan(20);
  });

  test('a filling disk is forecast to be full in hours, using the scraped recent points too', async () => {
    const analysis = await analyze('DiskFillingUp', { instance: 'db-1:9100' });
    const forecast = of(analysis.findings, 'forecast').find(
      (f) => f.series.labels.mountpoint === '/var/lib/postgresql',
    );
    expect(forecast).toBeDefined();
    const hours = ((forecast?.reachesAt ?? 0) - scenarios.now) / 3600_000;
    expect(hours).toBeGreaterThan(2);
    expect(hours).toBeLessThan(8);
    expect(forecast?.perHour).toBeGreaterThan(1);
  });

  test('latency: the change point after the deploy, from the alert expression (threshold split off)', async () => {
    const analysis = await analyze(
      'HighLatency',
      { service: 'checkout' },
      'app_request_latency_seconds{service="checkout"} > 0.5',
    );
    const change = of(analysis.findings, 'change_point').find((f) => f.series.name === 'HighLatency');
    expect(change).toBeDefined();
    expect(Math.abs((change?.at ?? 0) - (scenarios.alertAt - 30 * MIN))).toBeLessThan(3 * MIN);
    expect(change?.before).toBeCloseTo(0.2, 1);
    expect(change?.after).toBeCloseTo(0.6, 1);
    expect(change?.series.threshold).toBe(0.5);
    expect(change?.series.query).toBe('app_request_latency_seconds{service="checkout"}');
  });

  test('same time yesterday: a level that is steady today but far from yesterday is reported', async () => {
    const analysis = await analyze(
      'OrdersLow',
      { service: 'shop' },
      'orders_per_minute{service="shop"} < 50',
    );
    const seasonal = of(analysis.findings, 'seasonal')[0];
    expect(seasonal?.offset).toBe('1d');
    expect(seasonal?.current).toBeCloseTo(30, -1);
    expect(seasonal?.baseline).toBeCloseTo(100, -1);
  });

  test('a quiet series: no anomaly is reported, and the finding says so', async () => {
    const analysis = await analyze(
      'QueueDepthHigh',
      { service: 'quiet' },
      'queue_depth{service="quiet"} > 12',
    );
    const own = analysis.findings.filter((f) => 'series' in f && f.series.name === 'QueueDepthHigh');
    expect(own.map((f) => f.kind)).toEqual(['no_anomaly']);
    const quiet = own[0] as Extract<Finding, { kind: 'no_anomaly' }>;
    expect(quiet.median).toBeGreaterThan(9);
    expect(quiet.median).toBeLessThan(11);
  });

  test('a query that Prometheus rejects: the error text and the query reach the finding', async () => {
    const analysis = await analyze('Broken', {}, 'rate(node_cpu_seconds_total[5m]');
    const error = of(analysis.findings, 'query_error')[0];
    expect(error?.query).toBe('rate(node_cpu_seconds_total[5m]');
    expect(error?.error).toMatch(/400.*bad_data|parse error/);
    expect(error?.httpStatus).toBe(400);
  });

  test('`aals analyze --alert` prints the findings and writes the chart', () => {
    const dir = tempDir();
    try {
      const alertFile = join(dir.path, 'alert.json');
      writeFileSync(
        alertFile,
        JSON.stringify({
          alerts: [
            {
              alertname: 'HighCPUUsage',
              labels: { instance: 'web-1:9100' },
              startsAt: new Date(scenarios.alertAt).toISOString(),
            },
          ],
        }),
      );
      const run = (extra: string[]) =>
        spawnSync(
          'node',
          [
            join(ROOT, 'bin', 'aals.js'),
            'analyze',
            '--alert',
            alertFile,
            '--now',
            new Date(scenarios.now).toISOString(),
            ...extra,
          ],
          {
            cwd: dir.path,
            encoding: 'utf8',
            env: { PATH: process.env.PATH, PROMETHEUS_URL: prometheus.url },
          },
        );
      const json = run(['--json', '--chart', 'cpu.png']);
      expect(json.status).toBe(0);
      const kinds = (JSON.parse(json.stdout).findings as Finding[]).map((f) => f.kind);
      expect(kinds).toContain('anomaly');
      const png = readFileSync(join(dir.path, 'cpu.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const text = run([]);
      expect(text.stdout).toMatch(/CPU usage \(web-1:9100\): unusual from/);
    } finally {
      dir.cleanup();
    }
  });

  test('a series with no data is reported as such, not as an error', async () => {
    const analysis = await analyze('Missing', {}, 'metric_that_does_not_exist{job="x"}');
    expect(of(analysis.findings, 'no_data').map((f) => f.query)).toContain(
      'metric_that_does_not_exist{job="x"}',
    );
  });
});

describe('Prometheus analyzer when Prometheus fails', () => {
  test('unreachable: one finding says so, nothing is invented', async () => {
    const port = await freePort();
    const analyzer = new PrometheusAnalyzer(
      new PrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 500, retries: 0 }),
      DEFAULT_ANALYZER,
      scoreSeries,
    );
    const analysis = await analyzer.analyze(
      { alertname: 'HighCPUUsage', labels: { instance: 'web-1:9100' }, startsAt: new Date().toISOString() },
      new Date(),
    );
    expect(analysis.findings).toEqual([
      { kind: 'unreachable', error: expect.stringMatching(/unreachable at http:\/\/127\.0\.0\.1/) },
    ]);
  });

  test('slow: a Prometheus that does not answer in time is reported as timing out', async () => {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const analyzer = new PrometheusAnalyzer(
        new PrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 300, retries: 0 }),
        DEFAULT_ANALYZER,
        scoreSeries,
      );
      const started = Date.now();
      const analysis = await analyzer.analyze(
        { alertname: 'X', labels: { instance: 'a:1' }, startsAt: new Date().toISOString() },
        new Date(),
      );
      expect(analysis.findings).toEqual([
        { kind: 'unreachable', error: 'Prometheus did not answer within 300 ms' },
      ]);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
  test('the analysis deadline cuts queries already in flight and their retries', async () => {
    let queries = 0;
    const server: Server = createServer((req, res) => {
      if (req.url?.startsWith('/api/v1/rules')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ status: 'success', data: { groups: [] } }));
        return;
      }
      queries++; // the queries are never answered
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // Each query alone could take 3 × 5 s with its retries; the deadline is 500 ms.
      const analyzer = new PrometheusAnalyzer(
        new PrometheusClient({ url: `http://127.0.0.1:${port}`, timeoutMs: 5000, retries: 2 }),
        { ...DEFAULT_ANALYZER, deadlineMs: 500 },
        scoreSeries,
      );
      const started = Date.now();
      const analysis = await analyzer.analyze(
        { alertname: 'X', labels: { instance: 'a:1' }, startsAt: new Date().toISOString() },
        new Date(),
      );
      const elapsed = Date.now() - started;
      const errors = of(analysis.findings, 'query_error');
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.length).toBe(analysis.findings.length);
      for (const finding of errors) expect(finding.error).toBe('analysis deadline of 500 ms reached');
      expect(elapsed).toBeGreaterThanOrEqual(450);
      expect(elapsed).toBeLessThan(2000);
      expect(queries).toBe(errors.length); // one request per query: no retries after the deadline
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
