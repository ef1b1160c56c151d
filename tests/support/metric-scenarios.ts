import { mulberry32 } from '../../src/correlation/storm.js';
import type { HistorySample } from './prometheus.js';

/**
 * Deterministic metric histories for the analyzer's scenarios, relative to `now`: a CPU spike
 * around the alert, a slow memory leak, a filling disk, a latency step after a deploy, a quiet
 * series. Samples every 30 s from 6 h before `now` to 2 min before it.
 */
export const STEP = 30_000;
export const MIN = 60_000;

export interface Scenarios {
  now: number;
  /** When every scenario's alert started (40 min before now). */
  alertAt: number;
  history: HistorySample[];
  types: Record<string, 'gauge' | 'counter'>;
}

export function buildScenarios(now: number, seed = 7): Scenarios {
  const random = mulberry32(seed);
  const noise = (scale: number) => (random() - 0.5) * 2 * scale;
  const alertAt = now - 40 * MIN;
  const start = now - 6 * 60 * MIN;
  const end = now - 2 * MIN;
  const history: HistorySample[] = [];
  const add = (name: string, labels: Record<string, string>, t: number, v: number) =>
    history.push({ name, labels, t, v });
  let idle = 0;
  let leakAvailable = 10 * 2 ** 30;
  for (let t = start; t <= end; t += STEP) {
    // CPU spike on web-1: idle 60 % normally, 5 % from 5 min before the alert to 15 min after.
    const spiking = t >= alertAt - 5 * MIN && t <= alertAt + 15 * MIN;
    idle += (STEP / 1000) * (spiking ? 0.05 : 0.6 + noise(0.03));
    add('node_cpu_seconds_total', { instance: 'web-1:9100', cpu: '0', mode: 'idle' }, t, idle);
    add('node_load1', { instance: 'web-1:9100' }, t, spiking ? 7.5 + noise(0.3) : 1.2 + noise(0.2));
    add('process_open_fds', { instance: 'web-1:9100' }, t, 120 + noise(2));
    // A slow memory leak on app-2: available memory falls 0.5 GiB an hour out of 16 GiB.
    leakAvailable -= (0.5 * 2 ** 30 * STEP) / 3600_000;
    add('node_memory_MemTotal_bytes', { instance: 'app-2:9100' }, t, 16 * 2 ** 30);
    add('node_memory_MemAvailable_bytes', { instance: 'app-2:9100' }, t, leakAvailable + noise(2 ** 24));
    // A filling disk on db-1: 2 GB an hour, 10 GB left at the alert.
    const fs = {
      instance: 'db-1:9100',
      mountpoint: '/var/lib/postgresql',
      fstype: 'ext4',
      device: '/dev/vdb',
    };
    add('node_filesystem_size_bytes', fs, t, 100e9);
    add('node_filesystem_avail_bytes', fs, t, 10e9 + ((alertAt - t) / 3600_000) * 2e9 + noise(5e7));
    // Latency of checkout steps from 0.2 s to 0.6 s at a deploy 30 min before the alert.
    const deployed = t >= alertAt - 30 * MIN;
    add(
      'app_request_latency_seconds',
      { service: 'checkout' },
      t,
      deployed ? 0.6 + noise(0.03) : 0.2 + noise(0.015),
    );
    // Nothing happens to this queue.
    add('queue_depth', { service: 'quiet' }, t, 10 + noise(0.5));
  }
  // Orders are low all afternoon today (30/min) where yesterday at this time they were 100/min:
  // no change inside the window, only the comparison with yesterday shows it.
  for (let t = now - 26 * 60 * MIN; t <= end; t += 2 * STEP) {
    const today = t >= now - 5 * 60 * MIN;
    add('orders_per_minute', { service: 'shop' }, t, (today ? 30 : 100) + noise(2));
  }
  return { now, alertAt, history, types: { node_cpu_seconds_total: 'counter' } };
}
