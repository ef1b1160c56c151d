import { Correlator } from '../correlation/correlator.js';
import { evaluateCorrelation } from '../correlation/evaluate.js';
import { generateStorm } from '../correlation/storm.js';
import { DEFAULT_CORRELATION } from '../correlation/types.js';
import { pct } from './stats.js';

/**
 * Correlation quality on generated, labelled storms: B-cubed precision/recall/F1 of the grouping and
 * root-cause accuracy. Seeds 1–10 with 60 services were used while developing the correlator; the
 * figures that count are the unseen seeds (1000–1029) and topologies (40, 100, 150 services).
 */
export function correlationQuality(print: (line: string) => void): void {
  const sets: Array<[string, number[], number]> = [
    ['development seeds 1–10, 60 services', range(1, 10), 60],
    ['unseen seeds 1000–1029, 40 services', range(1000, 1029), 40],
    ['unseen seeds 1000–1029, 60 services', range(1000, 1029), 60],
    ['unseen seeds 2000–2029, 100 services', range(2000, 2029), 100],
    ['unseen seeds 3000–3029, 150 services', range(3000, 3029), 150],
  ];
  for (const [name, seeds, services] of sets) {
    let precision = 0;
    let recall = 0;
    let f1 = 0;
    let root = 0;
    let worst = 1;
    let notifications = 0;
    for (const seed of seeds) {
      const e = evaluateCorrelation(
        generateStorm({ seed, incidents: 60, durationMinutes: 24 * 60, services }),
        DEFAULT_CORRELATION,
      );
      precision += e.precision;
      recall += e.recall;
      f1 += e.f1;
      root += e.rootAccuracy;
      worst = Math.min(worst, e.f1);
      notifications += e.notifications;
    }
    const n = seeds.length;
    print(
      `correlation, ${name} (${n} scenarios, ${notifications} alerts): B-cubed P ${(precision / n).toFixed(3)} R ${(recall / n).toFixed(3)} F1 ${(f1 / n).toFixed(3)} (worst ${worst.toFixed(3)}), root cause ${pct(root / n)}`,
    );
  }
}

/** 100,000+ alert notifications through the correlator: time, and memory held by the sliding window. */
export function correlationThroughput(print: (line: string) => void): void {
  const scenario = generateStorm({
    seed: 424242,
    incidents: 11_000,
    durationMinutes: 60 * 24 * 60,
    services: 120,
  });
  const correlator = new Correlator({ ...DEFAULT_CORRELATION, topology: scenario.topology });
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let maxActive = 0;
  const started = performance.now();
  scenario.alerts.forEach(({ at, alert }, i) => {
    correlator.observe(alert, at);
    if (i % 1000 === 0) maxActive = Math.max(maxActive, correlator.active().length);
  });
  const seconds = (performance.now() - started) / 1000;
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  print(
    `correlation throughput: ${scenario.alerts.length.toLocaleString('en-US')} alerts (60 days, 11,000 incidents) in ${seconds.toFixed(2)} s = ${Math.round(scenario.alerts.length / seconds).toLocaleString('en-US')} alerts/s; incidents in memory at most ${maxActive}, at the end ${correlator.active().length}; learned pairs ${correlator.cooccurrence.size} (capped); heap growth ${((heapAfter - heapBefore) / 2 ** 20).toFixed(1)} MiB`,
  );
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
