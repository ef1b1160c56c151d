import type { Sample } from '../../integrations/prometheus/client.js';
import { detectChangePoint } from './changepoint.js';
import type { Finding, SeriesRef } from './findings.js';
import { forecastLimit } from './forecast.js';
import { mad, median } from './stats.js';

/**
 * Findings for one fetched series: anomalous spans (online scores ≥ 0.5), the most significant
 * change point, and, for series with a ceiling, when they will reach it. The alert's own series
 * says so explicitly when nothing is unusual. Pure: points in, findings out.
 */
export interface SeriesInput {
  ref: SeriesRef;
  points: Sample[];
  role: 'alert' | 'signal';
  limit?: number | undefined;
}

export type Scorer = (values: number[], timestamps: number[]) => number[];

export const ANOMALY_THRESHOLD = 0.5;
const MIN_DEVIATION = 4;

export function analyzeSeries(input: SeriesInput, score: Scorer, now: number): Finding[] {
  const points = input.points.filter((p) => Number.isFinite(p.v));
  if (points.length === 0) return [];
  const findings: Finding[] = [];
  const scores = score(
    points.map((p) => p.v),
    points.map((p) => p.t),
  );
  const span = mostAnomalousSpan(points, scores);
  if (span) findings.push({ kind: 'anomaly', series: input.ref, ...span });
  const change = detectChangePoint(points);
  if (change) {
    findings.push({
      kind: 'change_point',
      series: input.ref,
      at: change.at,
      before: change.before,
      after: change.after,
      relative: change.relative,
    });
  }
  if (input.limit !== undefined) {
    const recent = points.filter((p) => p.t >= now - 3600_000);
    const forecast = forecastLimit(recent.length >= 5 ? recent : points, input.limit, now);
    if (forecast) findings.push({ kind: 'forecast', series: input.ref, limit: input.limit, ...forecast });
  }
  if (findings.length === 0 && input.role === 'alert') {
    const values = points.map((p) => p.v);
    const center = median(values);
    findings.push({
      kind: 'no_anomaly',
      series: input.ref,
      current: (points[points.length - 1] as Sample).v,
      median: center,
      mad: mad(values, center),
    });
  }
  return findings;
}

/**
 * The anomaly worth reporting: where the detector fired (it flags onsets), extended for as long as
 * the values stay away from the level before the onset (more than 3 robust deviations), with its
 * peak. Of several, the one that strayed furthest.
 */
export function mostAnomalousSpan(points: Sample[], scores: number[]) {
  let best: {
    start: number;
    end: number;
    peak: Sample;
    baseline: number;
    score: number;
    size: number;
  } | null = null;
  for (let i = 0; i < points.length; i++) {
    if ((scores[i] ?? 0) < ANOMALY_THRESHOLD) continue;
    const before = points.slice(Math.max(0, i - 60), i).map((p) => p.v);
    const baseline = before.length >= 5 ? median(before) : median(points.map((p) => p.v));
    const spread = Math.max(before.length >= 5 ? mad(before, baseline) : 0, Math.abs(baseline) * 0.02, 1e-9);
    let end = i;
    let gap = 0;
    let peak = points[i] as Sample;
    for (let j = i; j < points.length && gap <= 2; j++) {
      const p = points[j] as Sample;
      if (Math.abs(p.v - baseline) > 3 * spread) {
        end = j;
        gap = 0;
        if (Math.abs(p.v - baseline) > Math.abs(peak.v - baseline)) peak = p;
      } else gap++;
    }
    const size = Math.abs(peak.v - baseline) / spread;
    // A detection that never strays 4 robust deviations from the earlier level is noise, not a finding.
    if (size >= MIN_DEVIATION && (!best || size > best.size)) {
      best = {
        start: (points[i] as Sample).t,
        end: (points[end] as Sample).t,
        peak,
        baseline,
        score: scores[i] ?? 0,
        size,
      };
    }
    i = end;
  }
  return best
    ? { start: best.start, end: best.end, peak: best.peak, baseline: best.baseline, score: best.score }
    : null;
}

/** When a series changed: its anomaly onset if any, else its change point. */
export function changeOf(
  points: Sample[],
  score: Scorer,
): { at: number; before: number; after: number; strength: number } | null {
  const usable = points.filter((p) => Number.isFinite(p.v));
  if (usable.length === 0) return null;
  const span = mostAnomalousSpan(
    usable,
    score(
      usable.map((p) => p.v),
      usable.map((p) => p.t),
    ),
  );
  if (span) {
    const inside = usable.filter((p) => p.t >= span.start && p.t <= span.end).map((p) => p.v);
    return {
      at: span.start,
      before: span.baseline,
      after: median(inside),
      strength: Number.POSITIVE_INFINITY,
    };
  }
  const change = detectChangePoint(usable);
  return change
    ? { at: change.at, before: change.before, after: change.after, strength: change.strength }
    : null;
}
