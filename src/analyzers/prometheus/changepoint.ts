import type { Sample } from '../../integrations/prometheus/client.js';
import { mad, median } from './stats.js';

/**
 * The most significant shift in level: CUSUM locates the split, then medians on both sides (at least
 * `minSegment` points each) decide whether it is real: the shift must exceed `minRobustShift` pooled
 * MADs and `minRelative` of the earlier level. Returns null when the series is steady. Pure.
 */
export interface ChangePoint {
  index: number;
  at: number;
  before: number;
  after: number;
  /** (after − before) / |before|, or ±Infinity from zero. */
  relative: number;
  /** Shift in pooled MADs. */
  strength: number;
}

export interface ChangePointOptions {
  minSegment: number;
  minRobustShift: number;
  minRelative: number;
}

export const DEFAULT_CHANGE_POINT: ChangePointOptions = {
  minSegment: 6,
  minRobustShift: 4,
  minRelative: 0.2,
};

export function detectChangePoint(
  points: Sample[],
  options: ChangePointOptions = DEFAULT_CHANGE_POINT,
): ChangePoint | null {
  const usable = points.filter((p) => Number.isFinite(p.v));
  const n = usable.length;
  if (n < options.minSegment * 2) return null;
  const mean = usable.reduce((sum, p) => sum + p.v, 0) / n;
  let cumulative = 0;
  let best = -1;
  let bestAbs = -1;
  for (let i = 0; i < n - 1; i++) {
    cumulative += (usable[i] as Sample).v - mean;
    if (i + 1 >= options.minSegment && n - (i + 1) >= options.minSegment && Math.abs(cumulative) > bestAbs) {
      bestAbs = Math.abs(cumulative);
      best = i + 1;
    }
  }
  if (best < 0) return null;
  const left = usable.slice(0, best).map((p) => p.v);
  const right = usable.slice(best).map((p) => p.v);
  const before = median(left);
  const after = median(right);
  const spread = Math.max((mad(left) + mad(right)) / 2, Math.abs(before) * 1e-3, 1e-9);
  const strength = Math.abs(after - before) / spread;
  const relative =
    before === 0
      ? after === 0
        ? 0
        : Math.sign(after) * Number.POSITIVE_INFINITY
      : (after - before) / Math.abs(before);
  if (strength < options.minRobustShift || Math.abs(relative) < options.minRelative) return null;
  return { index: best, at: (usable[best] as Sample).t, before, after, relative, strength };
}
