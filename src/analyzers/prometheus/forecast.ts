import type { Sample } from '../../integrations/prometheus/client.js';
import { theilSen } from './stats.js';

/**
 * When a growing series will reach its limit ("disk full in about 3 h"): a Theil–Sen line through
 * the recent points, extrapolated. Null when it is not growing or would take longer than `horizonMs`.
 */
export interface Forecast {
  current: number;
  reachesAt: number;
  perHour: number;
}

export function forecastLimit(
  points: Sample[],
  limit: number,
  now: number,
  horizonMs = 7 * 24 * 3600_000,
): Forecast | null {
  const usable = points.filter((p) => Number.isFinite(p.v));
  if (usable.length < 5) return null;
  const { slope, intercept } = theilSen(usable);
  if (slope <= 0) return null;
  const current = (usable[usable.length - 1] as Sample).v;
  if (current >= limit) return { current, reachesAt: now, perHour: slope * 3600_000 };
  const reachesAt = (limit - intercept) / slope;
  if (!Number.isFinite(reachesAt) || reachesAt - now > horizonMs) return null;
  return { current, reachesAt: Math.max(now, reachesAt), perHour: slope * 3600_000 };
}
