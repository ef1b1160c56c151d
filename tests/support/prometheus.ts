import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { freePort, requireBinary, type Spawned, spawnProcess, waitForHttp } from './processes.js';
import { tempDir } from './temp.js';

/**
 * The real Debian `prometheus` binary on a loopback port: history backfilled with
 * `promtool tsdb create-blocks-from openmetrics`, and a tiny live exporter scraped every second
 * for the recent part.
 */
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const PROMTOOL_BIN = '/usr/bin/promtool';

/** One backfilled sample: metric name, labels, value at a time (ms). */
export interface HistorySample {
  name: string;
  labels: Record<string, string>;
  t: number;
  v: number;
}

export interface RunningPrometheus {
  url: string;
  /** Sets what the live exporter serves (metric line → value). */
  setLive(lines: Record<string, number>): void;
  stop(): Promise<void>;
}

const labelText = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');

/** OpenMetrics text of the samples (timestamps in seconds, `# EOF` last), grouped per metric. */
export function openMetrics(samples: HistorySample[], types: Record<string, 'gauge' | 'counter'>): string {
  const byName = new Map<string, HistorySample[]>();
  for (const s of samples) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  const lines: string[] = [];
  for (const [name, list] of byName) {
    const type = types[name] ?? 'gauge';
    const family = type === 'counter' ? name.replace(/_total$/, '') : name;
    lines.push(`# TYPE ${family} ${type}`);
    for (const s of list.sort((a, b) => a.t - b.t))
      lines.push(`${s.name}{${labelText(s.labels)}} ${s.v} ${(s.t / 1000).toFixed(3)}`);
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Optional extras; without them Prometheus only scrapes the live exporter. */
export interface PrometheusOptions {
  /** Listen here instead of a fresh free port (when something must know the URL before it starts). */
  port?: number;
  /**
   * A rule file (YAML, `groups: …`), evaluated every second. Firing alerts are re-sent every
   * second too (`--rules.alert.resend-delay=1s`), so one dropped before Alertmanager is
   * discovered is sent again at once rather than a minute later.
   */
  rules?: string;
  /** Alertmanager's base URL, where firing and resolved alerts are sent. */
  alertmanagerUrl?: string;
}

export async function startPrometheus(
  history: HistorySample[],
  types: Record<string, 'gauge' | 'counter'> = {},
  options: PrometheusOptions = {},
): Promise<RunningPrometheus> {
  const prometheus = requireBinary(PROMETHEUS_BIN, 'prometheus');
  const promtool = requireBinary(PROMTOOL_BIN, 'prometheus');
  const dir = tempDir('aals-prom-');
  const data = join(dir.path, 'data');
  if (history.length > 0) {
    const input = join(dir.path, 'history.om');
    writeFileSync(input, openMetrics(history, types));
    execFileSync(
      promtool,
      ['tsdb', 'create-blocks-from', 'openmetrics', '--max-block-duration=24h', input, data],
      {
        stdio: 'pipe',
      },
    );
  }
  let live: Record<string, number> = {};
  const exporter: Server = createServer((_req, res) => {
    const body = Object.entries(live)
      .map(([line, value]) => `${line} ${value}`)
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end(`${body}\n`);
  });
  await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
  const exporterPort = (exporter.address() as AddressInfo).port;
  const config = join(dir.path, 'prometheus.yml');
  const extra: string[] = [];
  if (options.rules !== undefined) {
    const rules = join(dir.path, 'rules.yml');
    writeFileSync(rules, options.rules);
    extra.push('  evaluation_interval: 1s', `rule_files: ['${rules}']`);
  }
  if (options.alertmanagerUrl) {
    const am = new URL(options.alertmanagerUrl);
    extra.push(
      'alerting:',
      '  alertmanagers:',
      `    - scheme: ${am.protocol.replace(':', '')}`,
      ...(am.pathname !== '/' ? [`      path_prefix: '${am.pathname}'`] : []),
      '      static_configs:',
      `        - targets: ['${am.host}']`,
    );
  }
  writeFileSync(
    config,
    `global:\n  scrape_interval: 1s\n${extra.map((l) => `${l}\n`).join('')}scrape_configs:\n  - job_name: live\n    honor_labels: true\n    static_configs:\n      - targets: ['127.0.0.1:${exporterPort}']\n`,
  );
  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const process: Spawned = spawnProcess(prometheus, [
    `--config.file=${config}`,
    `--storage.tsdb.path=${data}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=10y',
    ...(options.rules !== undefined ? ['--rules.alert.resend-delay=1s'] : []),
    '--log.level=warn',
  ]);
  try {
    await waitForHttp(`${url}/-/ready`, 20_000, process.child);
  } catch (error) {
    await process.stop();
    exporter.close();
    dir.cleanup();
    throw new Error(`${(error as Error).message}\n${process.output()}`);
  }
  return {
    url,
    setLive(lines) {
      live = lines;
    },
    async stop() {
      await process.stop();
      await new Promise<void>((resolve) => exporter.close(() => resolve()));
      dir.cleanup();
    },
  };
}
