/** Robust statistics shared by the metric analyses. Pure. */

export function median(values: number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const mid = Math.floor(finite.length / 2);
  return finite.length % 2
    ? (finite[mid] as number)
    : ((finite[mid - 1] as number) + (finite[mid] as number)) / 2;
}

/** Median absolute deviation, scaled to estimate a standard deviation for normal data. */
export function mad(values: number[], center = median(values)): number {
  return 1.4826 * median(values.map((v) => Math.abs(v - center)));
}

/** Theil–Sen slope (median of pairwise slopes), robust to outliers; samples at most `limit` points. */
export function theilSen(
  points: Array<{ t: number; v: number }>,
  limit = 120,
): { slope: number; intercept: number } {
  const usable = points.filter((p) => Number.isFinite(p.v));
  const stride = Math.max(1, Math.ceil(usable.length / limit));
  const sample = usable.filter((_, i) => i % stride === 0);
  const slopes: number[] = [];
  for (let i = 0; i < sample.length; i++) {
    for (let j = i + 1; j < sample.length; j++) {
      const a = sample[i] as { t: number; v: number };
      const b = sample[j] as { t: number; v: number };
      if (b.t !== a.t) slopes.push((b.v - a.v) / (b.t - a.t));
    }
  }
  const slope = median(slopes);
  const intercept = median(sample.map((p) => p.v - slope * p.t));
  return { slope: Number.isFinite(slope) ? slope : 0, intercept: Number.isFinite(intercept) ? intercept : 0 };
}
