/**
 * Online anomaly detector for one metric series (prototype v3).
 */

export interface DetectorOptions {
  window: number;
  warmup: number;
  featureWarmup: number;
  calibrationDecay: number;
  calibrationQuantile: number;
  margin: number;
  minZ: number;
  steepness: number;
  cooldown: number;
  seasonalDays: number;
  seasonGate: number;
  activityWindow: number;
  activityCap: number;
  activityMinZ: number;
  useSeasonal: boolean;
  useActivity: boolean;
  binsPerOctave: number;
  escalate: number;
  recentWindow: number;
}

export const DEFAULT_DETECTOR_OPTIONS: DetectorOptions = {
  window: 288,
  warmup: 60,
  featureWarmup: 100,
  calibrationDecay: 0.9998,
  calibrationQuantile: 0.995,
  margin: 1.2,
  minZ: 5,
  steepness: 4,
  cooldown: 100,
  seasonalDays: 3,
  seasonGate: 0.5,
  activityWindow: 12,
  activityCap: 6,
  activityMinZ: 2,
  useSeasonal: true,
  useActivity: true,
  binsPerOctave: 16,
  escalate: 0,
  recentWindow: 0,
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

  /** Robust spread: IQR/1.349 (σ for normal data), else the mean absolute deviation when half the window is one value. */
  scale(center: number): number {
    const iqr = this.quantile(0.75) - this.quantile(0.25);
    if (iqr > 0) return iqr / 1.349;
    let sum = 0;
    for (let i = 0; i < this.size; i++) sum += Math.abs((this.sorted[i] as number) - center);
    return this.size ? (1.2533 * sum) / this.size : 0;
  }

  /** |x − median| in robust σ, capped so one flat window cannot give Infinity. */
  z(x: number): number {
    const median = this.quantile(0.5);
    const scale = Math.max(this.scale(median), Math.abs(median) * 1e-9, 1e-12);
    return Math.min(Math.abs(x - median) / scale, Z_CAP);
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

const Z_CAP = 1000;

/**
 * Upper quantiles of a non-negative quantity with exponential forgetting: a histogram over log2 bins
 * (2^−8 … 2^12); instead of decaying every bin each row, new rows weigh 1/decay more than the last.
 */
export class TailQuantile {
  private static readonly LOW = -8;
  private static readonly OCTAVES = 20;
  private readonly bins: Float64Array;
  private total = 0;
  private weight = 1;
  private top = 0;
  count = 0;

  constructor(
    private readonly decay: number,
    private readonly perOctave = 8,
  ) {
    this.bins = new Float64Array(TailQuantile.OCTAVES * perOctave + 2);
  }

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

  /** The upper edge of the bin holding quantile q; 0 when empty. */
  quantile(q: number): number {
    const target = (1 - q) * this.total;
    let acc = 0;
    for (let i = this.top; i > 0; i--) {
      const w = this.bins[i] as number;
      if (acc + w > target) {
        // log-uniform within the bin
        const f = (target - acc) / w;
        return 2 ** ((i - f) / this.perOctave + TailQuantile.LOW);
      }
      acc += w;
    }
    return 0;
  }

  private bin(value: number): number {
    if (!(value > 0)) return 0;
    const b = Math.floor((Math.log2(value) - TailQuantile.LOW) * this.perOctave) + 1;
    return Math.max(1, Math.min(this.bins.length - 1, b));
  }
}

/** One surprise measure judged against its own past: how far above its usual extremes is it now? */
class Calibrated {
  private readonly tail: TailQuantile;
  constructor(
    private readonly o: DetectorOptions,
    private readonly minZ: number,
  ) {
    this.tail = new TailQuantile(o.calibrationDecay, o.binsPerOctave);
  }

  ratio(z: number): number {
    const ready = this.tail.count >= this.o.featureWarmup;
    const bar = Math.max(this.tail.quantile(this.o.calibrationQuantile) * this.o.margin, this.minZ);
    this.tail.push(z);
    return ready ? z / bar : 0;
  }
}

/** Same time of day on previous days: slots of the series' usual step, `days` past values per slot. */
class DailyProfile {
  private readonly values: Float64Array;
  private readonly days: Int32Array;

  constructor(
    private readonly slotMs: number,
    readonly slots: number,
    private readonly depth: number,
  ) {
    this.values = new Float64Array(slots * depth).fill(Number.NaN);
    this.days = new Int32Array(slots * depth).fill(-2147483648);
  }

  /** value − median of the slot on the last `depth` earlier days (null until there are that many); then remembers value. */
  residual(value: number, timestamp: number): number | null {
    const day = Math.floor(timestamp / 86_400_000);
    const slot = Math.min(this.slots - 1, Math.floor((timestamp - day * 86_400_000) / this.slotMs));
    const base = slot * this.depth;
    const past: number[] = [];
    for (let d = 0; d < this.depth; d++) {
      const v = this.values[base + d] as number;
      if ((this.days[base + d] as number) < day && !Number.isNaN(v)) past.push(v);
    }
    if (this.days[base] !== day) {
      this.values.copyWithin(base + 1, base, base + this.depth - 1);
      this.days.copyWithin(base + 1, base, base + this.depth - 1);
    }
    this.values[base] = value;
    this.days[base] = day;
    if (past.length < this.depth) return null;
    past.sort((a, b) => a - b);
    return value - (past[past.length >> 1] as number);
  }
}

export class OnlineDetector {
  readonly options: DetectorOptions;
  private readonly values: SortedWindow;
  private readonly diffs: SortedWindow;
  private readonly seasonalResiduals: SortedWindow;
  private readonly point: Calibrated;
  private readonly seasonalFeature: Calibrated;
  private readonly activityFeature: Calibrated;
  private readonly activity: Float64Array;
  private activitySum = 0;
  private previous = Number.NaN;
  private seen = 0;
  private sinceDetection = Number.POSITIVE_INFINITY;
  private detectedRatio = 0;
  private profile: DailyProfile | null = null;
  private seasonalOff = false;
  private readonly firstTimes: number[] = [];
  lastParts: number[] = [];
  private readonly recent: SortedWindow | null;

  constructor(options: Partial<DetectorOptions> = {}) {
    const o = { ...DEFAULT_DETECTOR_OPTIONS, ...options };
    this.options = o;
    this.values = new SortedWindow(o.window);
    this.diffs = new SortedWindow(o.window);
    this.seasonalResiduals = new SortedWindow(o.window);
    this.point = new Calibrated(o, o.minZ);
    this.seasonalFeature = new Calibrated(o, o.minZ);
    this.activityFeature = new Calibrated(o, o.activityMinZ);
    this.activity = new Float64Array(o.activityWindow);
    this.seasonalOff = !o.useSeasonal;
    this.recent = o.recentWindow > 0 ? new SortedWindow(o.recentWindow) : null;
  }

  update(value: number, timestamp?: number): number {
    if (!Number.isFinite(value)) return 0;
    const o = this.options;
    this.sinceDetection++;
    let ratio = 0;
    const parts: number[] = [];
    if (this.values.size >= 8) {
      let zLevel = this.values.z(value);
      if (this.recent && this.recent.size >= this.recent.capacity) {
        const median = this.values.quantile(0.5);
        const scale = Math.max(this.values.scale(median), Math.abs(median) * 1e-9, 1e-12);
        zLevel = Math.min(zLevel, Math.abs(value - this.recent.quantile(0.5)) / scale);
      }
      const zDiff = this.diffs.size >= 8 ? this.diffs.z(value - this.previous) : 0;
      parts.push(this.point.ratio(Math.max(zLevel, zDiff)));
      if (timestamp !== undefined && Number.isFinite(timestamp)) {
        const r = this.seasonalResidual(value, timestamp);
        if (r !== null) {
          if (this.seasonalResiduals.size >= 8) {
            const zSeason = this.seasonalResiduals.z(r);
            const strong = this.seasonStrength() < o.seasonGate;
            const s = this.seasonalFeature.ratio(zSeason);
            if (strong) parts.push(s);
          }
          this.seasonalResiduals.push(r);
        }
      }
      if (o.useActivity) {
        const slot = this.seen % o.activityWindow;
        const clipped = Math.min(zLevel, o.activityCap);
        this.activitySum += clipped - (this.activity[slot] as number);
        this.activity[slot] = clipped;
        parts.push(this.activityFeature.ratio(this.activitySum / o.activityWindow));
      }
      for (const p of parts) if (p > ratio) ratio = p;
    }
    this.lastParts = parts;
    let score = 0;
    if (this.seen >= o.warmup && ratio > 0) score = 1 / (1 + ratio ** -o.steepness);
    if (Number.isFinite(this.previous)) this.diffs.push(value - this.previous);
    this.values.push(value);
    this.recent?.push(value);
    this.previous = value;
    this.seen++;
    const escalated = o.escalate > 0 && ratio >= this.detectedRatio * o.escalate;
    if (this.sinceDetection <= o.cooldown && !escalated)
      score = Math.min(score, 0.49) * (this.sinceDetection / o.cooldown);
    else if (score >= 0.5) {
      this.sinceDetection = 0;
      this.detectedRatio = ratio;
    }
    return score;
  }

  seasonStrength(): number {
    const scale = (w: SortedWindow) => w.scale(w.quantile(0.5));
    return scale(this.seasonalResiduals) / scale(this.values);
  }

  private seasonalResidual(value: number, timestamp: number): number | null {
    if (this.seasonalOff) return null;
    if (this.profile === null) {
      this.firstTimes.push(timestamp);
      if (this.firstTimes.length < 32) return null;
      const gaps = this.firstTimes
        .slice(1)
        .map((t, i) => t - (this.firstTimes[i] as number))
        .filter((g) => g > 0)
        .sort((a, b) => a - b);
      const step = gaps[gaps.length >> 1] ?? 0;
      const slots = step > 0 ? Math.round(86_400_000 / step) : 0;
      if (slots < 12 || slots > 1440) {
        this.seasonalOff = true;
        return null;
      }
      this.profile = new DailyProfile(86_400_000 / slots, slots, this.options.seasonalDays);
    }
    return this.profile.residual(value, timestamp);
  }
}

export function scoreSeries(values: number[], timestamps?: number[]): number[] {
  const detector = new OnlineDetector();
  return values.map((v, i) => detector.update(v, timestamps?.[i]));
}
