import { Correlator } from './correlator.js';
import { rankRootCauses } from './root-cause.js';
import type { Scenario } from './storm.js';
import type { CorrelationSettings, Incident } from './types.js';

/**
 * Scores the correlator on a labelled scenario: B-cubed precision, recall and F1 of the grouping
 * (over firing notifications) and root-cause accuracy (for true incidents with two or more alerts,
 * whether the incident holding most of them ranks a true root first).
 */
export interface Evaluation {
  precision: number;
  recall: number;
  f1: number;
  rootAccuracy: number;
  rootIncidents: number;
  trueIncidents: number;
  predictedIncidents: number;
  notifications: number;
  millis: number;
}

export function evaluateCorrelation(scenario: Scenario, settings: CorrelationSettings): Evaluation {
  const correlator = new Correlator({ ...settings, topology: scenario.topology });
  const parent = new Map<number, number>();
  const find = (id: number): number => {
    let root = id;
    while (parent.has(root)) root = parent.get(root) as number;
    return root;
  };
  const incidents = new Map<number, Incident>();
  const items: Array<{ truth: string; predicted: number; fingerprint: string }> = [];

  const started = performance.now();
  for (const { at, alert, truth } of scenario.alerts) {
    const observed = correlator.observe(alert, at);
    incidents.set(observed.incident.id, observed.incident);
    for (const merged of observed.merged) parent.set(merged.id, observed.incident.id);
    if (alert.status === 'firing')
      items.push({ truth: truth.incident, predicted: observed.incident.id, fingerprint: alert.fingerprint });
  }
  const millis = performance.now() - started;

  const predictedOf = items.map((item) => find(item.predicted));
  const byTruth = new Map<string, number[]>();
  const byPredicted = new Map<number, number[]>();
  items.forEach((item, i) => {
    byTruth.set(item.truth, [...(byTruth.get(item.truth) ?? []), i]);
    const p = predictedOf[i] as number;
    byPredicted.set(p, [...(byPredicted.get(p) ?? []), i]);
  });
  let precision = 0;
  let recall = 0;
  items.forEach((item, i) => {
    const predicted = byPredicted.get(predictedOf[i] as number) as number[];
    const truth = byTruth.get(item.truth) as number[];
    const both = predicted.filter((j) => items[j]?.truth === item.truth).length;
    precision += both / predicted.length;
    recall += both / truth.length;
  });
  precision /= items.length || 1;
  recall /= items.length || 1;

  let correct = 0;
  let judged = 0;
  for (const [truth, members] of byTruth) {
    const fingerprints = new Set(members.map((i) => items[i]?.fingerprint));
    if (fingerprints.size < 2) continue;
    const votes = new Map<number, number>();
    for (const i of members)
      votes.set(predictedOf[i] as number, (votes.get(predictedOf[i] as number) ?? 0) + 1);
    const [holder] = [...votes.entries()].sort((a, b) => b[1] - a[1])[0] as [number, number];
    const incident = incidents.get(holder);
    judged++;
    const top = incident ? rankRootCauses(incident, correlator.topology, 1)[0] : undefined;
    if (top && scenario.roots.get(truth)?.has(top.fingerprint)) correct++;
  }
  return {
    precision,
    recall,
    f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0,
    rootAccuracy: judged ? correct / judged : 1,
    rootIncidents: judged,
    trueIncidents: byTruth.size,
    predictedIncidents: byPredicted.size,
    notifications: items.length,
    millis,
  };
}
