/**
 * Online anomaly detector (prototype v2).
 */

export interface DetectorOptions {
  window: number;
  warmup: number;
  /** Decay per row of the calibration histograms (memory ≈ 1/(1−decay) rows). */
  calibrationDecay: number;
  calibrationQuantile: number;
  margin: number;
  minZ: number;
  steepness: number;
  cooldown: number;
  useDiff: boolean;
  useSeasonal: boolean;
  seasonalDays: number;
  useActivity: boolean;
  activityWindow: number;
  activityCap: number;
  activityMinZ: number;
  /** After a detection the bar rises to this × the detection's ratio, decaying back. */
  raise: number;
  raiseDecay: number;
  power: number;
  combine: 'max' | 'min' | 'season';
  seasonWeight: number;
  seasonSeparate: boolean;
  activityOnCombined: boolean;
  localWindow: number;
  useValue: boolean;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  window: 288,
  warmup: 60,
  calibrationDecay: 0.9995,
  calibrationQuantile: 0.995,
  margin: 1.2,
  minZ: 5,
  steepness: 4,
  cooldown: 100,
  useDiff: true,
  useSeasonal: false,
  seasonalDays: 3,
  useActivity: false,
  activityWindow: 12,
  activityCap: 6,
  activityMinZ: 2,
  raise: 0,
  raiseDecay: 0.99,
  power: 1,
  combine: 'max',
  seasonWeight: 1,
  seasonSeparate: false,
  activityOnCombined: false,
  localWindow: 0,
  useValue: true,
};

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
      const old = this.ring[this.head] as number;
      const at = this.lowerBound(old);
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

  /** Mean absolute deviation from `center`. */
  meanAbsDeviation(center: number): number {
    let sum = 0;
    for (let i = 0; i < this.size; i++) sum += Math.abs((this.sorted[i] as number) - center);
    return this.size ? sum / this.size : 0;
  }

  quantile(q: number): number {
    if (this.size === 0) return Number.NaN;
    const pos = q * (this.size - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, this.size - 1);
    const a = this.sorted[lo] as number;
    return a + ((this.sorted[hi] as number) - a) * (pos - lo);
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

/**
 * Upper quantiles of a non-negative quantity with exponential forgetting: a histogram over log2
 * bins (8 per octave, 2^−8 … 2^12); weights grow by 1/decay per row instead of decaying every bin.
 */
export class TailQuantile {
  private static readonly PER_OCTAVE = 8;
  private static readonly LOW = -8;
  private static readonly BINS = 20 * 8 + 2;
  private readonly bins = new Float64Array(TailQuantile.BINS);
  private total = 0;
  private weight = 1;
  count = 0;

  constructor(private readonly decay: number) {}

  push(value: number): void {
    this.weight /= this.decay;
    if (this.weight > 1e200) {
      for (let i = 0; i < this.bins.length; i++) (this.bins[i] as number) /= this.weight;
      this.total /= this.weight;
      this.weight = 1;
    }
    (this.bins[this.bin(value)] as number) += this.weight;
    this.total += this.weight;
    this.count++;
  }

  /** Quantile q (upper tail, bin upper edge); 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = (1 - q) * this.total;
    let acc = 0;
    for (let i = this.bins.length - 1; i > 0; i--) {
      acc += this.bins[i] as number;
      if (acc > target) return 2 ** ((i - 1) / TailQuantile.PER_OCTAVE + TailQuantile.LOW);
    }
    return 0;
  }

  private bin(value: number): number {
    if (!(value > 0)) return 0;
    const b = Math.floor((Math.log2(value) - TailQuantile.LOW) * TailQuantile.PER_OCTAVE) + 1;
    return Math.max(1, Math.min(TailQuantile.BINS - 1, b));
  }
}

const Z_CAP = 1000;

function robustScale(window: SortedWindow, med: number): number {
  let scale = (window.quantile(0.75) - window.quantile(0.25)) / 1.349;
  if (!(scale > 0)) scale = window.meanAbsDeviation(med) * 1.2533;
  return Math.max(scale, Math.abs(med) * 1e-9, 1e-12);
}

function robustZ(window: SortedWindow, x: number): number {
  const med = window.quantile(0.5);
  return Math.min(Math.abs(x - med) / robustScale(window, med), Z_CAP);
}

/** One surprise feature calibrated against its own past. */
class Feature {
  readonly tail: TailQuantile;
  constructor(decay: number) {
    this.tail = new TailQuantile(decay);
  }
  /** z relative to max(margin × past quantile, minZ); then remember z. */
  ratio(z: number, o: DetectorOptions, minZ: number): number {
    const bar = Math.max(this.tail.quantile(o.calibrationQuantile) * o.margin, minZ);
    this.tail.push(z);
    return z / bar;
  }
}

export class OnlineDetector {
  readonly options: DetectorOptions;
  private readonly values: SortedWindow;
  private readonly diffs: SortedWindow;
  private readonly fValue: Feature;
  private readonly fDiff: Feature;
  private readonly fSeason: Feature;
  private readonly fActivity: Feature;
  private readonly seasonalResiduals: SortedWindow;
  private readonly activity: Float64Array;
  private activitySum = 0;
  private previous = Number.NaN;
  private seen = 0;
  private sinceDetection = Number.POSITIVE_INFINITY;
  private bar = 1;
  // seasonal state
  private slotSeconds = 0;
  private slots = 0;
  private slotValues: Float64Array | null = null;
  private firstTimes: number[] = [];
  lastParts: number[] = [];
  private readonly local: SortedWindow | null;
  private readonly localResiduals: SortedWindow | null;

  constructor(options: Partial<DetectorOptions> = {}) {
    const o = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
    this.options = o;
    this.values = new SortedWindow(o.window);
    this.diffs = new SortedWindow(o.window);
    this.seasonalResiduals = new SortedWindow(o.window);
    this.fValue = new Feature(o.calibrationDecay);
    this.fDiff = new Feature(o.calibrationDecay);
    this.fSeason = new Feature(o.calibrationDecay);
    this.fActivity = new Feature(o.calibrationDecay);
    this.activity = new Float64Array(o.activityWindow);
    this.local = o.localWindow > 0 ? new SortedWindow(o.localWindow) : null;
    this.localResiduals = o.localWindow > 0 ? new SortedWindow(o.window) : null;
  }

  update(value: number, timestamp?: number): number {
    if (!Number.isFinite(value)) return 0;
    const o = this.options;
    if (o.power !== 1) value = Math.sign(value) * Math.abs(value) ** o.power;
    this.sinceDetection++;
    let ratio = 0;
    if (this.values.size >= 8) {
      const zv = robustZ(this.values, value);
      const zs: number[] = o.useValue ? [zv] : [];
      if (this.local && this.local.size >= Math.min(4, o.localWindow)) {
        const res = value - this.local.quantile(0.5);
        if (this.localResiduals && this.localResiduals.size >= 8) zs.push(robustZ(this.localResiduals, res));
        this.localResiduals?.push(res);
      }
      if (o.useDiff && this.diffs.size >= 8) zs.push(robustZ(this.diffs, value - this.previous));
      let zSeason = Number.NaN;
      if (o.useSeasonal && timestamp !== undefined && Number.isFinite(timestamp)) {
        const r = this.seasonal(value, timestamp);
        if (r !== null) {
          if (this.seasonalResiduals.size >= 8) zSeason = robustZ(this.seasonalResiduals, r);
          this.seasonalResiduals.push(r);
        }
      }
      let z: number;
      if (o.combine === 'max') z = Math.max(...zs, Number.isNaN(zSeason) ? 0 : zSeason);
      else if (o.combine === 'min') z = Math.min(...zs, Number.isNaN(zSeason) ? Z_CAP : zSeason);
      else {
        // local models: max; then min with the seasonal model (anomalous only if the season can't explain it)
        z = Math.max(...zs);
        if (!Number.isNaN(zSeason)) z = Math.min(z, zSeason * o.seasonWeight);
      }
      const parts = [this.fValue.ratio(z, o, o.minZ)];
      if (o.seasonSeparate && !Number.isNaN(zSeason)) parts.push(this.fSeason.ratio(zSeason, o, o.minZ));
      if (o.useActivity) {
        const slot = this.seen % o.activityWindow;
        const clipped = Math.min(o.activityOnCombined ? z : zv, o.activityCap);
        this.activitySum += clipped - (this.activity[slot] as number);
        this.activity[slot] = clipped;
        const mean = this.activitySum / o.activityWindow;
        parts.push(this.fActivity.ratio(mean, o, o.activityMinZ));
      }
      ratio = Math.max(...parts);
      this.lastParts = parts;
    }
    let score = 0;
    if (this.seen >= o.warmup) {
      const r = ratio / this.bar;
      score = r <= 0 ? 0 : 1 / (1 + r ** -o.steepness);
    }
    if (Number.isFinite(this.previous)) this.diffs.push(value - this.previous);
    this.values.push(value);
    this.local?.push(value);
    this.previous = value;
    this.seen++;
    this.bar = 1 + (this.bar - 1) * o.raiseDecay;
    if (this.sinceDetection <= o.cooldown) score = Math.min(score, 0.49) * (this.sinceDetection / o.cooldown);
    else if (score >= 0.5) {
      this.sinceDetection = 0;
      if (o.raise > 0) this.bar = Math.max(this.bar, (ratio / this.bar) * o.raise * this.bar);
    }
    return score;
  }

  /** Residual against the same time of day on previous days; null until known. */
  private seasonal(value: number, timestamp: number): number | null {
    if (this.slotValues === null) {
      this.firstTimes.push(timestamp);
      if (this.firstTimes.length < 32) return null;
      const gaps = this.firstTimes
        .slice(1)
        .map((t, i) => t - (this.firstTimes[i] as number))
        .filter((g) => g > 0)
        .sort((a, b) => a - b);
      const step = (gaps[Math.floor(gaps.length / 2)] ?? 0) / 1000;
      const slots = step > 0 ? Math.round(86400 / step) : 0;
      if (slots < 12 || slots > 1440) {
        this.options.useSeasonal = false;
        return null;
      }
      this.slotSeconds = step;
      this.slots = slots;
      this.slotValues = new Float64Array(slots * this.options.seasonalDays).fill(Number.NaN);
    }
    const days = this.options.seasonalDays;
    const secondOfDay = (((timestamp / 1000) % 86400) + 86400) % 86400;
    const slot = Math.min(this.slots - 1, Math.floor(secondOfDay / this.slotSeconds));
    const base = slot * days;
    const past: number[] = [];
    for (let d = 0; d < days; d++) {
      const v = this.slotValues[base + d] as number;
      if (!Number.isNaN(v)) past.push(v);
    }
    // Shift the slot's history and remember today's value.
    for (let d = days - 1; d > 0; d--) this.slotValues[base + d] = this.slotValues[base + d - 1] as number;
    this.slotValues[base] = value;
    if (past.length < days) return null;
    past.sort((a, b) => a - b);
    return value - (past[Math.floor(past.length / 2)] as number);
  }
}

export function scoreSeries(values: number[], timestamps?: number[]): number[] {
  const detector = new OnlineDetector();
  return values.map((v, i) => detector.update(v, timestamps?.[i]));
}
