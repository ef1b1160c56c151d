/**
 * Online anomaly detector for one metric series. Pure: no I/O, no clock; row t uses rows ≤ t only.
 *
 * Method. Each row is turned into three surprise measures, each judged against its own past:
 *
 * 1. Point surprise: how many robust σ the value sits from the baseline, and the step from the
 *    previous value from the usual steps. The baseline is the median of the last `window` rows
 *    (slowly adapting) with IQR/1.349 as σ (mean absolute deviation when half the window is one
 *    value, as with sparse counts). The level distance is the smaller of the distances to the long
 *    median and to the median of the last `recentWindow` rows, so a level shift alarms when it
 *    happens, not for as long as the long window remembers the old level.
 * 2. Seasonal surprise: the value minus the median of the same time of day on the last
 *    `seasonalDays` days, in robust σ of those residuals. It only counts while the daily profile
 *    explains the series (residual σ < `seasonGate` × the values' σ); otherwise it would add noise.
 *    Needs timestamps at a step between 1 minute and 2 hours.
 * 3. Activity: the mean of the (capped) level distance over the last `activityWindow` rows, for
 *    anomalies no single row shows: bursts of spikes, a noisier regime, a sustained drift.
 *
 * Calibration. Each measure is divided by its own `calibrationQuantile` quantile over its past (an
 * exponentially forgetting log-histogram, memory ≈ 1/(1 − calibrationDecay) rows), floored at
 * `minZ`: a row is anomalous when it is more extreme than almost everything this series has done,
 * whatever its noise, scale or tails. The largest ratio r gives the score r⁴/(1 + r⁴): 0.5 exactly
 * where r = 1, so the product's fixed threshold 0.5 means "beyond the series' own 99.9th
 * percentile, and at least `minZ` σ".
 *
 * Output shaping for alerting and for NAB (which counts only the first detection in an anomaly
 * window and charges for every extra detection outside one): no score before `warmup` rows of
 * history; after a detection the score stays below 0.5 for `cooldown` rows (ramping back from 0),
 * unless something `escalate` times stronger than the detected row arrives.
 *
 * Parameters are fixed (DEFAULT_DETECTOR_OPTIONS), the same for every series; they were chosen on
 * NAB's development corpora (see src/bench/nab.ts), never per file and never from labels.
 */

export interface DetectorOptions {
  /** Rows in the slowly adapting baseline (median and σ of values and of steps). */
  window: number;
  /** Rows in the short-term median a level is also compared with. */
  recentWindow: number;
  /** Past days whose same-time-of-day values form the seasonal baseline. */
  seasonalDays: number;
  /** The seasonal measure counts while residual σ / value σ is below this. */
  seasonGate: number;
  /** Rows averaged by the activity measure. */
  activityWindow: number;
  /** Level distances are capped at this before averaging, so one spike cannot pass for activity. */
  activityCap: number;
  /** Floor of the activity bar, in mean robust σ. */
  activityMinZ: number;
  /** Per-row forgetting of the calibration histograms. */
  calibrationDecay: number;
  /** A measure beyond this quantile of its own past is anomalous. */
  calibrationQuantile: number;
  /** Floor of the point and seasonal bars, in robust σ. */
  minZ: number;
  /** Rows each measure must have seen before it may score. */
  warmup: number;
  /** Rows after a detection during which the score stays below 0.5. */
  cooldown: number;
  /** During the cooldown, a row this many times stronger than the detection is a new detection. */
  escalate: number;
}

export const DEFAULT_DETECTOR_OPTIONS: Readonly<DetectorOptions> = Object.freeze({
  window: 576,
  recentWindow: 48,
  seasonalDays: 3,
  seasonGate: 0.5,
  activityWindow: 12,
  activityCap: 6,
  activityMinZ: 2,
  calibrationDecay: 0.9998,
  calibrationQuantile: 0.999,
  minZ: 5,
  warmup: 100,
  cooldown: 100,
  escalate: 3,
});

const Z_CAP = 1000;
const DAY_MS = 86_400_000;

/** A sliding window of the last `capacity` numbers, kept sorted for O(1) quantiles. */
export class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  push(value: number): void {
    if (this.size === this.capacity) {
      const at = this.lowerBound(this.ring[this.head] as number);
      this.sorted.copyWithin(at, at + 1, this.size);
      this.size--;
    }
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    const at = this.lowerBound(value);
    this.sorted.copyWithin(at + 1, at, this.size);
    this.sorted[at] = value;
    this.size++;
  }

  /** Linear interpolation between order statistics; NaN when empty. */
  quantile(q: number): number {
    if (this.size === 0) return Number.NaN;
    const pos = q * (this.size - 1);
    const lo = Math.floor(pos);
    const a = this.sorted[lo] as number;
    return lo + 1 < this.size ? a + ((this.sorted[lo + 1] as number) - a) * (pos - lo) : a;
  }

  /**
   * Robust σ: IQR/1.349, or when the IQR is 0 (sparse counts) the mean absolute deviation × √(π/2),
   * taken over 64 evenly spaced order statistics so it stays O(1) per row. Never 0.
   */
  scale(center: number): number {
    let s = (this.quantile(0.75) - this.quantile(0.25)) / 1.349;
    if (!(s > 0) && this.size > 0) {
      const samples = Math.min(64, this.size);
      let sum = 0;
      for (let k = 0; k < samples; k++) {
        sum += Math.abs((this.sorted[Math.floor(((k + 0.5) * this.size) / samples)] as number) - center);
      }
      s = (1.2533 * sum) / samples;
    }
    return Math.max(s, Math.abs(center) * 1e-9, 1e-12);
  }

  private lowerBound(value: number): number {
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** |x − median| in robust σ of `window`, capped so a flat window cannot give Infinity. */
function robustZ(window: SortedWindow, x: number): number {
  const median = window.quantile(0.5);
  return Math.min(Math.abs(x - median) / window.scale(median), Z_CAP);
}

/**
 * Upper quantiles of a non-negative measure with exponential forgetting: a histogram over log2 bins
 * (16 per octave, 2^−8 … 2^12). Rather than decaying every bin each row, each new row weighs
 * 1/decay more than the previous one.
 */
export class TailQuantile {
  private static readonly LOW = -8;
  private static readonly PER_OCTAVE = 16;
  private readonly bins = new Float64Array(20 * TailQuantile.PER_OCTAVE + 2);
  private total = 0;
  private weight = 1;
  private top = 0;
  count = 0;

  constructor(private readonly decay: number) {}

  push(value: number): void {
    this.weight /= this.decay;
    if (this.weight > 1e200) {
      for (let i = 0; i < this.bins.length; i++) this.bins[i] = (this.bins[i] as number) / this.weight;
      this.total /= this.weight;
      this.weight = 1;
    }
    const b = this.bin(value);
    this.bins[b] = (this.bins[b] as number) + this.weight;
    this.total += this.weight;
    if (b > this.top) this.top = b;
    this.count++;
  }

  /** Quantile q, assuming values spread log-uniformly within a bin; 0 when empty. */
  quantile(q: number): number {
    const target = (1 - q) * this.total;
    let above = 0;
    for (let i = this.top; i > 0; i--) {
      const w = this.bins[i] as number;
      if (above + w > target) {
        const fraction = (target - above) / w;
        return 2 ** ((i - fraction) / TailQuantile.PER_OCTAVE + TailQuantile.LOW);
      }
      above += w;
    }
    return 0;
  }

  private bin(value: number): number {
    if (!(value > 0)) return 0;
    const b = Math.floor((Math.log2(value) - TailQuantile.LOW) * TailQuantile.PER_OCTAVE) + 1;
    return Math.max(1, Math.min(this.bins.length - 1, b));
  }
}

/** One surprise measure judged against its own past. */
class Calibrated {
  private readonly tail: TailQuantile;

  constructor(
    private readonly quantile: number,
    decay: number,
    private readonly floor: number,
    private readonly warmup: number,
  ) {
    this.tail = new TailQuantile(decay);
  }

  /** measure / max(past quantile, floor), 0 while warming up; then remembers the measure. */
  ratio(measure: number): number {
    const ready = this.tail.count >= this.warmup;
    const bar = ready ? Math.max(this.tail.quantile(this.quantile), this.floor) : 1;
    this.tail.push(measure);
    return ready ? measure / bar : 0;
  }
}

/** Values at the same time of day on previous days, in slots one sampling step wide. */
class DailyProfile {
  private readonly values: Float64Array;
  private readonly days: Float64Array;
  private readonly past: Float64Array;

  constructor(
    private readonly slotMs: number,
    private readonly slots: number,
    private readonly depth: number,
  ) {
    this.values = new Float64Array(slots * depth).fill(Number.NaN);
    this.days = new Float64Array(slots * depth).fill(Number.NEGATIVE_INFINITY);
    this.past = new Float64Array(depth);
  }

  /** value − median of its slot on the last `depth` earlier days (null until there are that many); then remembers value. */
  residual(value: number, timestamp: number): number | null {
    const day = Math.floor(timestamp / DAY_MS);
    const slot = Math.min(this.slots - 1, Math.floor((timestamp - day * DAY_MS) / this.slotMs));
    const base = slot * this.depth;
    let n = 0;
    for (let d = 0; d < this.depth; d++) {
      const v = this.values[base + d] as number;
      if ((this.days[base + d] as number) < day && !Number.isNaN(v)) {
        // insertion sort into the scratch buffer (depth is tiny)
        let j = n++;
        while (j > 0 && (this.past[j - 1] as number) > v) {
          this.past[j] = this.past[j - 1] as number;
          j--;
        }
        this.past[j] = v;
      }
    }
    // A second row in the same slot and day replaces the first rather than ageing the others.
    if (this.days[base] !== day) {
      this.values.copyWithin(base + 1, base, base + this.depth - 1);
      this.days.copyWithin(base + 1, base, base + this.depth - 1);
    }
    this.values[base] = value;
    this.days[base] = day;
    return n < this.depth ? null : value - (this.past[n >> 1] as number);
  }
}

export class OnlineDetector {
  readonly options: DetectorOptions;
  private readonly values: SortedWindow;
  private readonly recent: SortedWindow;
  private readonly steps: SortedWindow;
  private readonly seasonalResiduals: SortedWindow;
  private readonly point: Calibrated;
  private readonly seasonal: Calibrated;
  private readonly activity: Calibrated;
  private readonly activityRing: Float64Array;
  private activitySum = 0;
  private previous = Number.NaN;
  private rows = 0;
  private sinceDetection = Number.POSITIVE_INFINITY;
  private detectedRatio = 0;
  /** undefined: sampling step not known yet; null: no usable daily profile. */
  private profile: DailyProfile | null | undefined;
  private readonly firstTimes: number[] = [];

  constructor(options: Partial<DetectorOptions> = {}) {
    const o = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
    this.options = o;
    this.values = new SortedWindow(o.window);
    this.recent = new SortedWindow(o.recentWindow);
    this.steps = new SortedWindow(o.window);
    this.seasonalResiduals = new SortedWindow(o.window);
    this.point = new Calibrated(o.calibrationQuantile, o.calibrationDecay, o.minZ, o.warmup);
    this.seasonal = new Calibrated(o.calibrationQuantile, o.calibrationDecay, o.minZ, o.warmup);
    this.activity = new Calibrated(o.calibrationQuantile, o.calibrationDecay, o.activityMinZ, o.warmup);
    this.activityRing = new Float64Array(o.activityWindow);
  }

  /** The anomaly score in [0, 1] of this row (≥ 0.5: anomalous). `timestamp` in ms since the epoch. */
  update(value: number, timestamp?: number): number {
    if (!Number.isFinite(value)) return 0; // a gap, not evidence: state untouched
    const o = this.options;
    this.sinceDetection++;
    let ratio = 0;
    if (this.values.size >= 8) {
      const median = this.values.quantile(0.5);
      const sigma = this.values.scale(median);
      let level = Math.abs(value - median) / sigma;
      if (this.recent.size === this.recent.capacity)
        level = Math.min(level, Math.abs(value - this.recent.quantile(0.5)) / sigma);
      level = Math.min(level, Z_CAP);
      const step = this.steps.size >= 8 ? robustZ(this.steps, value - this.previous) : 0;
      ratio = this.point.ratio(Math.max(level, step));

      const slot = this.rows % o.activityWindow;
      const capped = Math.min(level, o.activityCap);
      this.activitySum += capped - (this.activityRing[slot] as number);
      this.activityRing[slot] = capped;
      ratio = Math.max(ratio, this.activity.ratio(this.activitySum / o.activityWindow));

      const residual = timestamp === undefined ? null : this.seasonalResidual(value, timestamp);
      if (residual !== null) {
        if (this.seasonalResiduals.size >= 8) {
          const r = this.seasonal.ratio(robustZ(this.seasonalResiduals, residual));
          const residualSigma = this.seasonalResiduals.scale(this.seasonalResiduals.quantile(0.5));
          if (residualSigma < o.seasonGate * sigma) ratio = Math.max(ratio, r);
        }
        this.seasonalResiduals.push(residual);
      }
    }
    if (this.rows > 0) this.steps.push(value - this.previous);
    this.values.push(value);
    this.recent.push(value);
    this.previous = value;
    this.rows++;

    let score = ratio > 0 ? 1 / (1 + ratio ** -4) : 0;
    const escalated = ratio >= this.detectedRatio * o.escalate;
    if (this.sinceDetection <= o.cooldown && !escalated) {
      score = Math.min(score, 0.49) * (this.sinceDetection / o.cooldown);
    } else if (score >= 0.5) {
      this.sinceDetection = 0;
      this.detectedRatio = ratio;
    }
    return score;
  }

  /** Residual against the daily profile, once the sampling step is known (from the first 32 timestamps). */
  private seasonalResidual(value: number, timestamp: number): number | null {
    if (!Number.isFinite(timestamp) || this.profile === null) return null;
    if (this.profile === undefined) {
      this.firstTimes.push(timestamp);
      if (this.firstTimes.length < 32) return null;
      const gaps = this.firstTimes
        .slice(1)
        .map((t, i) => t - (this.firstTimes[i] as number))
        .filter((g) => g > 0)
        .sort((a, b) => a - b);
      const step = gaps[gaps.length >> 1] ?? 0;
      const slots = step > 0 ? Math.round(DAY_MS / step) : 0;
      // 1-minute to 2-hour steps: finer needs too much memory, coarser has too few slots a day.
      this.profile =
        slots >= 12 && slots <= 1440
          ? new DailyProfile(DAY_MS / slots, slots, this.options.seasonalDays)
          : null;
      if (this.profile === null) return null;
    }
    return this.profile.residual(value, timestamp);
  }
}

/** Scores a whole series with one fresh detector, row by row in order (same result as calling update). */
export function scoreSeries(values: number[], timestamps?: number[]): number[] {
  const detector = new OnlineDetector();
  return values.map((v, i) => detector.update(v, timestamps?.[i]));
}
