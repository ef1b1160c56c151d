import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/**
 * The Numenta Anomaly Benchmark scorer (Lavin & Ahmad 2015) as specified in
 * `shared/datasets/README.md`, and loaders for the two labelled corpora there.
 *
 * Per file: rows of the probation period are not scored; the first (= best) detection inside a window
 * earns a scaled sigmoid of its position (1 at the window's start); a window without one costs
 * fnWeight; every detection outside all windows costs fpWeight, less when it comes soon after a
 * window. S, S_null and S_perfect are summed over the files, then normalized to 100 · (S − S_null) /
 * (S_perfect − S_null), as NAB does for a corpus.
 */

export interface CostProfile {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

export type ProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

export const PROFILES: Record<ProfileName, CostProfile> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

export const PROFILE_NAMES = Object.keys(PROFILES) as ProfileName[];

/** An anomaly window as inclusive row indices [left, right]. */
export type Window = readonly [number, number];

export interface LabelledSeries {
  /** `<corpus or group>/<file>.csv` */
  name: string;
  /** ms since epoch (UTC when the file has no zone). */
  timestamps: number[];
  values: number[];
  /** Sorted, non-overlapping. */
  windows: Window[];
}

export function probationRows(length: number): number {
  return Math.min(Math.floor(0.15 * length), 750);
}

/** NAB's scaled sigmoid: 2/(1+e^(5y)) − 1, and −1 beyond y = 3. */
export function scaledSigmoid(y: number): number {
  if (y > 3) return -1;
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/**
 * What a detection at each row would score under `profile`: NaN in probation; inside a window its
 * (positive) true-positive value; outside, its (negative) false-positive value. `windowOf[i]` is the
 * window index of row i, or −1.
 */
export function rowValues(
  length: number,
  windows: readonly Window[],
  profile: CostProfile,
): { value: Float64Array; windowOf: Int32Array } {
  const value = new Float64Array(length);
  const windowOf = new Int32Array(length).fill(-1);
  const probation = probationRows(length);
  let next = 0; // the first window not yet entered
  let previous: Window | undefined;
  for (let i = 0; i < length; i++) {
    while (next < windows.length && (windows[next] as Window)[1] < i) previous = windows[next++];
    const current = windows[next];
    if (current && current[0] <= i) {
      windowOf[i] = next;
      const [left, right] = current;
      value[i] = (scaledSigmoid(-(right - i + 1) / (right - left + 1)) / MAX_TP) * profile.tpWeight;
    } else if (previous) {
      // A one-row window gives 0/0 or x/0: treat as "far away", the full false-positive cost.
      const width = previous[1] - previous[0] + 1;
      const y = width > 1 ? Math.abs(previous[1] - i) / (width - 1) : Number.POSITIVE_INFINITY;
      value[i] = scaledSigmoid(y) * profile.fpWeight;
    } else {
      value[i] = -profile.fpWeight;
    }
    if (i < probation) value[i] = Number.NaN;
  }
  return { value, windowOf };
}

export interface FileScore {
  /** S for this file. */
  score: number;
  /** S_perfect = tpWeight × windows. */
  perfect: number;
  /** S_null = −fnWeight × windows. */
  null: number;
  windows: number;
  /** Windows with at least one scored detection. */
  detectedWindows: number;
  /** Scored detections outside every window. */
  falsePositives: number;
  /** Scored detections (probation excluded). */
  detections: number;
  /** What the detected windows earned. */
  truePositiveScore: number;
  /** What the false positives cost (≤ 0). */
  falsePositiveScore: number;
}

/** NAB's score for one file, given which rows are detections. */
export function scoreFile(
  detections: ArrayLike<boolean>,
  windows: readonly Window[],
  profile: CostProfile,
): FileScore {
  const { value, windowOf } = rowValues(detections.length, windows, profile);
  const best = new Float64Array(windows.length).fill(Number.NaN);
  let fpScore = 0;
  let tpScore = 0;
  let falsePositives = 0;
  let count = 0;
  for (let i = 0; i < detections.length; i++) {
    const v = value[i] as number;
    if (!detections[i] || Number.isNaN(v)) continue;
    count++;
    const w = windowOf[i] as number;
    if (w < 0) {
      fpScore += v;
      falsePositives++;
    } else if (Number.isNaN(best[w] as number)) {
      best[w] = v; // rows come in order, so the first detection is the earliest and best
    }
  }
  let detectedWindows = 0;
  for (const b of best) {
    if (Number.isNaN(b)) continue;
    tpScore += b;
    detectedWindows++;
  }
  return {
    score: tpScore + fpScore - profile.fnWeight * (windows.length - detectedWindows),
    perfect: profile.tpWeight * windows.length,
    null: -profile.fnWeight * windows.length,
    windows: windows.length,
    detectedWindows,
    falsePositives,
    detections: count,
    truePositiveScore: tpScore,
    falsePositiveScore: fpScore,
  };
}

/** 100 · (ΣS − ΣS_null) / (ΣS_perfect − ΣS_null); NaN for a corpus without windows (undefined there). */
export function normalizedScore(files: readonly Pick<FileScore, 'score' | 'perfect' | 'null'>[]): number {
  let s = 0;
  let perfect = 0;
  let nil = 0;
  for (const f of files) {
    s += f.score;
    perfect += f.perfect;
    nil += f.null;
  }
  return perfect === nil ? Number.NaN : (100 * (s - nil)) / (perfect - nil);
}

export interface ThresholdChoice {
  threshold: number;
  score: number;
}

/**
 * The threshold maximizing the corpus score. NAB's optimizer searches a grid; this sweeps every
 * distinct anomaly score instead, which covers any grid (a threshold between two score values flags
 * the same rows as the next value up): lowering the threshold past a value turns those rows into
 * detections, a window keeps the best of its detections, false positives add up. Infinity when
 * flagging nothing is best.
 */
export function bestThreshold(
  corpus: readonly LabelledSeries[],
  scores: readonly ArrayLike<number>[],
  profile: CostProfile,
): ThresholdChoice {
  const values: number[] = [];
  const windowIds: number[] = [];
  const rowScores: number[] = [];
  let windowCount = 0;
  let perfect = 0;
  let nil = 0;
  corpus.forEach((series, f) => {
    const { value, windowOf } = rowValues(series.values.length, series.windows, profile);
    const s = scores[f] as ArrayLike<number>;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as number;
      const score = s[i] as number;
      if (Number.isNaN(v) || !(score > 0)) continue; // a threshold of 0 would flag every row
      values.push(v);
      const w = windowOf[i] as number;
      windowIds.push(w < 0 ? -1 : windowCount + w);
      rowScores.push(score);
    }
    windowCount += series.windows.length;
    perfect += profile.tpWeight * series.windows.length;
    nil -= profile.fnWeight * series.windows.length;
  });
  const order = Uint32Array.from(rowScores.keys()).sort(
    (a, b) => (rowScores[b] as number) - (rowScores[a] as number),
  );
  const best = new Float64Array(windowCount).fill(Number.NaN);
  let total = nil;
  // No detections at all: any threshold above the highest score.
  let choice: ThresholdChoice = { threshold: Number.POSITIVE_INFINITY, score: total };
  for (let k = 0; k < order.length; ) {
    const level = rowScores[order[k] as number] as number;
    for (; k < order.length && rowScores[order[k] as number] === level; k++) {
      const row = order[k] as number;
      const v = values[row] as number;
      const w = windowIds[row] as number;
      if (w < 0) total += v;
      else {
        const current = best[w] as number;
        if (Number.isNaN(current)) {
          total += v + profile.fnWeight;
          best[w] = v;
        } else if (v > current) {
          total += v - current;
          best[w] = v;
        }
      }
    }
    if (total > choice.score) choice = { threshold: level, score: total };
  }
  return {
    threshold: choice.threshold,
    score: normalizedScore([{ score: choice.score, perfect, null: nil }]),
  };
}

export interface CorpusEvaluation {
  files: number;
  windows: number;
  rows: number;
  /** Detector throughput over the whole corpus. */
  rowsPerSecond: number;
  threshold: number;
  /** At the fixed threshold (probation excluded). */
  detections: number;
  detectedWindows: number;
  falsePositives: number;
  /** Normalized scores at the fixed threshold. */
  fixed: Record<ProfileName, number>;
  /** Normalized scores at each profile's best threshold. */
  best: Record<ProfileName, ThresholdChoice>;
  /** Per-file standard-profile results at the fixed threshold, for inspection. */
  perFile: Array<{ name: string } & FileScore>;
}

export interface Scorer {
  update(value: number, timestamp?: number): number;
}

/** Runs a fresh detector over each file of the corpus, in order, and scores it NAB's way. */
export function evaluateDetector(
  corpus: readonly LabelledSeries[],
  createDetector: () => Scorer,
  threshold = 0.5,
): CorpusEvaluation {
  const scores: Float64Array[] = [];
  let rows = 0;
  const started = performance.now();
  for (const series of corpus) {
    const detector = createDetector();
    const out = new Float64Array(series.values.length);
    for (let i = 0; i < out.length; i++)
      out[i] = detector.update(series.values[i] as number, series.timestamps[i]);
    scores.push(out);
    rows += out.length;
  }
  const seconds = (performance.now() - started) / 1000;

  const fixed = {} as Record<ProfileName, number>;
  const best = {} as Record<ProfileName, ThresholdChoice>;
  let perFile: Array<{ name: string } & FileScore> = [];
  for (const name of PROFILE_NAMES) {
    const profile = PROFILES[name];
    const results = corpus.map((series, f) => ({
      name: series.name,
      ...scoreFile(
        Array.from(scores[f] as Float64Array, (s) => s >= threshold),
        series.windows,
        profile,
      ),
    }));
    fixed[name] = normalizedScore(results);
    best[name] = bestThreshold(corpus, scores, profile);
    if (name === 'standard') perFile = results;
  }
  return {
    files: corpus.length,
    windows: perFile.reduce((n, f) => n + f.windows, 0),
    rows,
    rowsPerSecond: rows / Math.max(seconds, 1e-9),
    threshold,
    detections: perFile.reduce((n, f) => n + f.detections, 0),
    detectedWindows: perFile.reduce((n, f) => n + f.detectedWindows, 0),
    falsePositives: perFile.reduce((n, f) => n + f.falsePositives, 0),
    fixed,
    best,
    perFile,
  };
}

// ---------------------------------------------------------------------------------------------------
// Loaders

/** ISO-8601-ish timestamps ("2014-04-10 07:15:00.000000", "2018-04-25T00:00:00Z"); UTC unless zoned. */
export function parseTimestamp(text: string): number {
  const m =
    /^\s*"?(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?"?\s*$/.exec(
      text,
    );
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms);
  if (zone && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return t;
}

interface Table {
  header: string[];
  rows: string[][];
}

/** Plain comma-separated rows with optional double quotes around fields (no embedded commas in these files). */
function readCsv(path: string): Table {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const split = (line: string) => line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
  return { header: split(lines[0] ?? '').map((h) => h.toLowerCase()), rows: lines.slice(1).map(split) };
}

function column(table: Table, name: string, path: string): number {
  const index = table.header.indexOf(name);
  if (index < 0) throw new Error(`${path}: no "${name}" column (header: ${table.header.join(',')})`);
  return index;
}

/** Thrown by the loaders when the datasets folder, or a corpus in it, is not there. */
export class DatasetMissingError extends Error {
  constructor(readonly path: string) {
    super(`dataset folder not found: ${path} does not exist`);
    this.name = 'DatasetMissingError';
  }
}

function requireDir(path: string): void {
  if (!existsSync(path)) throw new DatasetMissingError(path);
}

function csvFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort();
}

/** Timestamp window → inclusive row range: the rows whose timestamps fall inside it. */
export function windowRows(timestamps: readonly number[], start: number, end: number): Window | null {
  let left = -1;
  let right = -1;
  for (let i = 0; i < timestamps.length; i++) {
    const t = timestamps[i] as number;
    if (t >= start && t <= end) {
      if (left < 0) left = i;
      right = i;
    }
  }
  return left < 0 ? null : [left, right];
}

/**
 * NAB's development corpora: `nab-dev/data/<corpus>/*.csv` (timestamp,value) and `nab-dev/windows.json`
 * mapping `<corpus>/<file>.csv` to `[[start, end], …]` timestamps. Files missing from windows.json are
 * skipped (NAB scores only labelled files).
 */
export function loadNabCorpus(datasetsDir: string): LabelledSeries[] {
  const root = join(datasetsDir, 'nab-dev');
  requireDir(join(root, 'data'));
  const labels = JSON.parse(readFileSync(join(root, 'windows.json'), 'utf8')) as Record<
    string,
    [string, string][]
  >;
  const out: LabelledSeries[] = [];
  for (const corpus of readdirSync(join(root, 'data')).sort()) {
    for (const file of csvFiles(join(root, 'data', corpus))) {
      const name = `${corpus}/${file}`;
      const spans = labels[name];
      if (!spans) continue;
      const path = join(root, 'data', corpus, file);
      const table = readCsv(path);
      const ti = column(table, 'timestamp', path);
      const vi = column(table, 'value', path);
      const timestamps = table.rows.map((r) => parseTimestamp(r[ti] ?? ''));
      const values = table.rows.map((r) => Number.parseFloat(r[vi] ?? ''));
      const windows = spans
        .map(([start, end]) => windowRows(timestamps, parseTimestamp(start), parseTimestamp(end)))
        .filter((w): w is Window => w !== null);
      out.push({ name, timestamps, values, windows: mergeWindows(windows) });
    }
  }
  return out;
}

/**
 * Microsoft's cloud monitoring dataset: `ms-cloud-monitoring/data/<group>/*.csv` with TimeStamp,
 * Value, Label (1 = anomalous point), turned into NAB windows by `labelWindows`.
 */
export function loadMsCloudCorpus(datasetsDir: string): LabelledSeries[] {
  const root = join(datasetsDir, 'ms-cloud-monitoring', 'data');
  requireDir(root);
  const out: LabelledSeries[] = [];
  for (const group of readdirSync(root).sort()) {
    for (const file of csvFiles(join(root, group))) {
      const path = join(root, group, file);
      const table = readCsv(path);
      const ti = column(table, 'timestamp', path);
      const vi = column(table, 'value', path);
      const li = column(table, 'label', path);
      const timestamps = table.rows.map((r) => parseTimestamp(r[ti] ?? ''));
      const values = table.rows.map((r) => Number.parseFloat(r[vi] ?? ''));
      const labels = table.rows.map((r) => Number(r[li]) === 1);
      out.push({ name: `${group}/${file}`, timestamps, values, windows: labelWindows(labels) });
    }
  }
  return out;
}

/**
 * Labelled points → NAB windows. NAB's labeller gives each anomaly a window of w = 10 % of the file's
 * length divided by the number of anomalies, centred on it, and merges windows that overlap. Here one
 * anomaly is a run of consecutive labelled rows (these experts mark every row of an incident, NAB's
 * mark one point per incident), so w uses the number of runs; the window pads the run by
 * ceil((w − run length)/2) rows on each side (a lone point gets [i − w/2, i + w/2], as in NAB; a run
 * longer than w is its own window), clipped to the file. Runs that end inside the probation period
 * are dropped: no detection is scored there, so they would only be a fixed penalty.
 */
export function labelWindows(labels: readonly boolean[]): Window[] {
  const n = labels.length;
  const runs: Window[] = [];
  for (let i = 0; i < n; i++) {
    if (!labels[i]) continue;
    let j = i;
    while (j + 1 < n && labels[j + 1]) j++;
    runs.push([i, j]);
    i = j;
  }
  if (runs.length === 0) return [];
  const width = Math.floor((0.1 * n) / runs.length);
  const probation = probationRows(n);
  const scored = runs.filter(([, r]) => r >= probation);
  const windows = scored.map(([l, r]): Window => {
    // ceil: a single point gets [i − w/2, i + w/2] like NAB's labeller
    const pad = Math.ceil(Math.max(0, width - (r - l + 1)) / 2);
    return [Math.max(0, l - pad), Math.min(n - 1, r + pad)];
  });
  return mergeWindows(windows);
}

/** Sorts windows and merges those that overlap. */
export function mergeWindows(windows: readonly Window[]): Window[] {
  const sorted = [...windows].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [l, r] of sorted) {
    const last = out[out.length - 1];
    if (last && l <= last[1]) last[1] = Math.max(last[1], r);
    else out.push([l, r]);
  }
  return out;
}
