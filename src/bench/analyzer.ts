import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreSeries } from '../analyzers/anomaly/detector.js';
import { DEFAULT_ANALYZER, PrometheusAnalyzer } from '../analyzers/prometheus/analyzer.js';
import { renderChart } from '../analyzers/prometheus/chart.js';
import { PrometheusClient } from '../integrations/prometheus/client.js';
import { ms, stats } from './stats.js';

/**
 * Analyzer latency against the real Prometheus binary: one alert, a 1 h window, 50 series of its
 * instance (the "changed together" scan), repeated; and chart rendering on its own.
 */
const PROMETHEUS = '/usr/bin/prometheus';
const PROMTOOL = '/usr/bin/promtool';

export async function analyzerBenchmark(print: (line: string) => void): Promise<void> {
  chartBenchmark(print);
  const done = await withBenchPrometheus(async (url, { now, alertAt }) => {
    const analyzer = new PrometheusAnalyzer(
      new PrometheusClient({ url }),
      { ...DEFAULT_ANALYZER, windowMinutes: 60, relatedSeries: 50 },
      scoreSeries,
    );
    const alert = {
      alertname: 'BenchAlert',
      labels: { instance: 'bench-1:9100' },
      startsAt: new Date(alertAt).toISOString(),
      generatorURL: `http://p/graph?g0.expr=${encodeURIComponent('bench_metric_0{instance="bench-1:9100"} > 80')}`,
    };
    const samples: number[] = [];
    let queries = 0;
    let together = 0;
    for (let i = 0; i < 25; i++) {
      const analysis = await analyzer.analyze(alert, new Date(now));
      if (i >= 5) samples.push(analysis.millis);
      queries = analysis.queries;
      const found = analysis.findings.find((f) => f.kind === 'changed_together');
      together = found?.kind === 'changed_together' ? found.others.length : 0;
    }
    const s = stats(samples);
    print(
      `analyzer, one alert, 1 h window, ${queries} queries (50 series of its instance) on real Prometheus: p50 ${ms(s.p50)} p95 ${ms(s.p95)} max ${ms(s.max)}; changed together found ${together}   [target p95 ≤ 500 ms]`,
    );
    return true;
  });
  if (!done)
    print('analyzer latency: skipped: /usr/bin/prometheus is not installed (apt-get install prometheus)');
}

/**
 * A real Prometheus on a free port with 3 h of history for instance bench-1:9100 (50 gauges, a few
 * jumping 20 min ago), for benchmarks; null when Prometheus is not installed.
 */
export async function withBenchPrometheus<T>(
  work: (url: string, times: { now: number; alertAt: number }) => Promise<T>,
): Promise<T | null> {
  if (!existsSync(PROMETHEUS) || !existsSync(PROMTOOL)) return null;
  const dir = mkdtempSync(join(tmpdir(), 'aals-bench-prom-'));
  const now = Date.now();
  const alertAt = now - 20 * 60_000;
  const lines: string[] = [];
  for (let m = 0; m < 50; m++) {
    lines.push(`# TYPE bench_metric_${m} gauge`);
    for (let t = now - 3 * 3600_000; t <= now - 60_000; t += 15_000) {
      const jump = m % 10 === 0 && t >= alertAt ? 40 : 0;
      lines.push(
        `bench_metric_${m}{instance="bench-1:9100"} ${(50 + 5 * Math.sin(t / 600_000 + m) + jump).toFixed(3)} ${(t / 1000).toFixed(3)}`,
      );
    }
  }
  lines.push('# EOF');
  writeFileSync(join(dir, 'history.om'), `${lines.join('\n')}\n`);
  execFileSync(
    PROMTOOL,
    [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--max-block-duration=24h',
      join(dir, 'history.om'),
      join(dir, 'data'),
    ],
    { stdio: 'pipe' },
  );
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
  const port = await freePort();
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=10y',
      '--log.level=error',
    ],
    { stdio: 'ignore' },
  );
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      if (
        await fetch(`${url}/-/ready`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return await work(url, { now, alertAt });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

function chartBenchmark(print: (line: string) => void): void {
  const now = Date.now();
  const points = Array.from({ length: 480 }, (_, i) => ({
    t: now - (480 - i) * 15_000,
    v: 40 + 10 * Math.sin(i / 20) + (i > 400 ? 45 : 0),
  }));
  const samples: number[] = [];
  for (let i = 0; i < 60; i++) {
    const started = performance.now();
    renderChart({
      title: 'CPU usage · web-1:9100',
      unit: '%',
      series: [
        { label: 'web-1', points },
        { label: 'web-2', points: points.map((p) => ({ t: p.t, v: p.v / 2 })) },
      ],
      span: { start: points[400]?.t ?? now, end: now },
      alertAt: points[405]?.t,
      threshold: 80,
    });
    if (i >= 10) samples.push(performance.now() - started);
  }
  const s = stats(samples);
  print(
    `chart render (960×480 PNG, 2 series, 480 points): p50 ${ms(s.p50)} p95 ${ms(s.p95)}   [target p95 ≤ 200 ms]`,
  );
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}
