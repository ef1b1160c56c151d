import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_DETECTOR_OPTIONS,
  OnlineDetector,
  scoreSeries,
} from '../../src/analyzers/anomaly/detector.js';
import {
  bestThreshold,
  DatasetMissingError,
  evaluateDetector,
  type LabelledSeries,
  labelWindows,
  loadMsCloudCorpus,
  loadNabCorpus,
  mergeWindows,
  normalizedScore,
  PROFILES,
  parseTimestamp,
  probationRows,
  scaledSigmoid,
  scoreFile,
  type Window,
} from '../../src/analyzers/anomaly/nab.js';
import { nabBenchmark } from '../../src/bench/nab.js';
import { tempDir } from '../support/temp.js';

/** Deterministic standard normal noise (LCG + Box–Muller). */
function noise(seed: number): () => number {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

const series = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const FIVE_MIN = 300_000;
const T0 = Date.UTC(2024, 0, 1);
const times = (n: number) => series(n, (i) => T0 + i * FIVE_MIN);
const detections = (scores: number[]) => scores.flatMap((s, i) => (s >= 0.5 ? [i] : []));

describe('OnlineDetector', () => {
  test('is online: appending rows never changes the scores of earlier rows', () => {
    const g = noise(7);
    // daily pattern, noise, a spike, a level shift, a gap: exercises every measure
    const values = series(
      3000,
      (i) => 10 * Math.sin((2 * Math.PI * i) / 288) + g() + (i === 1500 ? 15 : 0) + (i >= 2200 ? 6 : 0),
    );
    values[1700] = Number.NaN;
    const ts = times(values.length);
    const full = scoreSeries(values, ts);
    for (const cut of [1, 99, 100, 101, 577, 1000, 1501, 2201, 2999]) {
      expect(scoreSeries(values.slice(0, cut), ts.slice(0, cut))).toEqual(full.slice(0, cut));
    }
  });

  test('scores are always in [0, 1], whatever the input', () => {
    const g = noise(11);
    const nasty = [
      0,
      -0,
      1e300,
      -1e300,
      5e-324,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
    ];
    const values = series(4000, (i) => (i % 37 === 0 ? (nasty[i % nasty.length] as number) : g() ** 3 * 1e6));
    for (const s of [...scoreSeries(values), ...scoreSeries(values, times(values.length))]) {
      expect(Number.isFinite(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  test('constant, NaN-only, empty and very short series score 0 without throwing', () => {
    expect(scoreSeries([])).toEqual([]);
    expect(scoreSeries([5])).toEqual([0]);
    expect(scoreSeries(series(20, (i) => i))).toEqual(series(20, () => 0));
    expect(
      scoreSeries(
        series(2000, () => 42),
        times(2000),
      ),
    ).toEqual(series(2000, () => 0));
    expect(scoreSeries(series(2000, () => 0))).toEqual(series(2000, () => 0));
    expect(scoreSeries(series(500, () => Number.NaN))).toEqual(series(500, () => 0));
    const detector = new OnlineDetector();
    expect(detector.update(Number.POSITIVE_INFINITY)).toBe(0);
    expect(detector.update(1, Number.NaN)).toBe(0);
  });

  test('NaN rows are gaps: they score 0 and leave the state as it was', () => {
    const g = noise(3);
    const values = series(1500, () => g());
    const withGaps = values.flatMap((v, i) => (i % 100 === 50 ? [Number.NaN, v] : [v]));
    const scores = scoreSeries(withGaps).filter((_, i) => !Number.isNaN(withGaps[i] as number));
    expect(scores).toEqual(scoreSeries(values));
  });

  test('a clear spike in noise is detected; plain noise mostly stays below 0.5', () => {
    const g = noise(42);
    const quiet = series(5000, () => 100 + g());
    const quietScores = scoreSeries(quiet, times(quiet.length));
    expect(detections(quietScores).length).toBeLessThanOrEqual(2);
    expect(quietScores.filter((s) => s < 0.5).length / quiet.length).toBeGreaterThan(0.999);

    const spiked = [...quiet];
    spiked[3000] = 112; // 12σ
    const scores = scoreSeries(spiked, times(spiked.length));
    expect(scores[3000]).toBeGreaterThanOrEqual(0.5);
    expect(detections(scores).filter((i) => Math.abs(i - 3000) > 2).length).toBeLessThanOrEqual(2);
  });

  test('a level shift is detected when it happens, and alarms once', () => {
    const g = noise(5);
    const values = series(5000, (i) => 50 + 2 * g() + (i >= 2500 ? 16 : 0)); // +8σ
    const found = detections(scoreSeries(values, times(values.length)));
    expect(found.filter((i) => i >= 2500 && i <= 2505).length).toBe(1);
    expect(found.filter((i) => i > 2505)).toEqual([]);
  });

  test('a missing daily peak (values still in the usual range) is caught by the seasonal measure', () => {
    const g = noise(9);
    const day = 288;
    const values = series(12 * day, (i) => {
      const hour = ((i % day) / day) * 24;
      const peak = hour >= 9 && hour < 17 && Math.floor(i / day) !== 8;
      return (peak ? 80 : 20) + g();
    });
    const found = detections(scoreSeries(values, times(values.length)));
    const peakStart = 8 * day + (9 / 24) * day;
    expect(found.some((i) => i >= peakStart && i < peakStart + 12)).toBe(true);
    expect(found.filter((i) => i >= 6 * day && (i < 8 * day || i >= 10 * day))).toEqual([]);
  });

  test('fixed parameters are exported and the same for every detector', () => {
    expect(Object.isFrozen(DEFAULT_DETECTOR_OPTIONS)).toBe(true);
    expect(new OnlineDetector().options).toEqual(DEFAULT_DETECTOR_OPTIONS);
    expect(new OnlineDetector({ cooldown: 5 }).options.cooldown).toBe(5);
  });

  test('scores at least 200k rows/s (compiled, outside Jest, whose sandbox slows Math calls ~6×)', () => {
    // The global setup has just built dist/.
    const module = pathToFileURL(
      join(import.meta.dirname, '..', '..', 'dist', 'analyzers', 'anomaly', 'detector.js'),
    );
    const script = `
      const { OnlineDetector } = await import(${JSON.stringify(module.href)});
      const n = 300000, values = [], times = [];
      let state = 1;
      for (let i = 0; i < n; i++) {
        state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
        values.push(10 * Math.sin((2 * Math.PI * i) / 288) + state / 2 ** 32);
        times.push(${T0} + i * ${FIVE_MIN});
      }
      const warm = new OnlineDetector();
      for (let i = 0; i < 20000; i++) warm.update(values[i], times[i]);
      const detector = new OnlineDetector();
      const started = performance.now();
      for (let i = 0; i < n; i++) detector.update(values[i], times[i]);
      process.stdout.write(String(n / ((performance.now() - started) / 1000)));`;
    const rate = Number(
      execFileSync(process.execPath, ['--input-type=module', '-e', script], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH },
      }),
    );
    expect(rate).toBeGreaterThan(200_000);
  });
});

describe('NAB scorer', () => {
  // 100 rows: probation is the first floor(0.15·100) = 15 rows; one window at rows 40..49 (width 10).
  const N = 100;
  const WINDOW: Window[] = [[40, 49]];
  const at = (...rows: number[]) => series(N, (i) => rows.includes(i));
  const standard = PROFILES.standard;
  // σ(y) = 2/(1+e^(5y)) − 1; σ(−1) = 2/(1+e^−5) − 1 = 0.986614…
  const sigmaMinusOne = 2 / (1 + Math.exp(-5)) - 1;

  test('probation period and scaled sigmoid', () => {
    expect(probationRows(100)).toBe(15);
    expect(probationRows(4032)).toBe(604);
    expect(probationRows(15_902)).toBe(750);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(-1)).toBeCloseTo(0.986614, 6);
    expect(scaledSigmoid(3.01)).toBe(-1);
  });

  test('a detection at the start of the window earns the full true-positive weight', () => {
    const r = scoreFile(at(40), WINDOW, standard);
    expect(r.score).toBeCloseTo(1, 12);
    expect(r).toMatchObject({ detectedWindows: 1, falsePositives: 0, perfect: 1, null: -1 });
  });

  test('a detection at the end of the window earns σ(−1/10)/σ(−1) ≈ 0.2482', () => {
    // σ(−0.1) = 2/(1+e^−0.5) − 1 = 0.244919; / 0.986614 = 0.248242
    const r = scoreFile(at(49), WINDOW, standard);
    expect(r.score).toBeCloseTo((2 / (1 + Math.exp(-0.5)) - 1) / sigmaMinusOne, 12);
    expect(r.score).toBeCloseTo(0.248242, 5);
  });

  test('only the earliest detection in a window counts; the others cost nothing', () => {
    expect(scoreFile(at(45, 40, 49), WINDOW, standard).score).toBeCloseTo(1, 12);
    // middle of the window: σ(−(49−45+1)/10) = σ(−0.5) = 2/(1+e^−2.5) − 1 = 0.848284; / σ(−1) = 0.859792
    expect(scoreFile(at(45, 47), WINDOW, standard).score).toBeCloseTo(0.859792, 5);
  });

  test('a false positive before any window costs the full fpWeight; the window is missed', () => {
    const r = scoreFile(at(20), WINDOW, standard);
    expect(r.score).toBeCloseTo(-0.11 - 1, 12);
    expect(r).toMatchObject({ falsePositives: 1, detectedWindows: 0 });
    expect(scoreFile(at(20), WINDOW, PROFILES.reward_low_FP_rate).score).toBeCloseTo(-0.22 - 1, 12);
  });

  test('a false positive after a window costs σ(distance/(width−1)) × fpWeight', () => {
    // row 60: y = |49 − 60| / (10 − 1) = 1.2222; σ(y) = 2/(1+e^6.1111) − 1 = −0.995565; × 0.11 = −0.109512
    const r = scoreFile(at(40, 60), WINDOW, standard);
    expect(r.score).toBeCloseTo(1 + 0.11 * (2 / (1 + Math.exp(5 * (11 / 9))) - 1), 12);
    expect(r.score).toBeCloseTo(1 - 0.109512, 5);
    // right after the window it is nearly free: y = 1/9, σ = −0.272; × 0.11 = −0.0299
    expect(scoreFile(at(40, 50), WINDOW, standard).score).toBeCloseTo(
      1 + 0.11 * (2 / (1 + Math.exp(5 / 9)) - 1),
      12,
    );
    // beyond 3 widths σ is −1
    expect(scoreFile(at(40, 90), WINDOW, standard).score).toBeCloseTo(1 - 0.11, 12);
  });

  test('a missed window costs fnWeight', () => {
    expect(scoreFile(at(), WINDOW, standard).score).toBe(-1);
    expect(scoreFile(at(), WINDOW, PROFILES.reward_low_FN_rate).score).toBe(-2);
    expect(scoreFile(at(), [], standard).score).toBe(0);
  });

  test('detections in the probation period are ignored', () => {
    const r = scoreFile(at(3, 14, 40), WINDOW, standard);
    expect(r.score).toBeCloseTo(1, 12);
    expect(r).toMatchObject({ detections: 1, falsePositives: 0 });
    expect(scoreFile(at(14), WINDOW, standard).score).toBe(-1);
  });

  test('normalized score: a perfect detector scores 100, a null detector 0, summed over files', () => {
    const windows: Window[][] = [
      [[40, 49]],
      [
        [30, 39],
        [70, 79],
      ],
      [],
    ];
    const perfect = windows.map((w) => scoreFile(at(...w.map(([l]) => l)), w, standard));
    const nothing = windows.map((w) => scoreFile(at(), w, standard));
    expect(normalizedScore(perfect)).toBeCloseTo(100, 10);
    expect(normalizedScore(nothing)).toBe(0);
    // one file perfect, the others silent: (3 windows) S = 1 − 2 → 100 · (−1 + 3)/(3 + 3)
    expect(normalizedScore([perfect[0], nothing[1], nothing[2]] as typeof perfect)).toBeCloseTo(100 / 3, 10);
    expect(normalizedScore([])).toBeNaN();
  });

  test('best threshold: sweeps every score value', () => {
    const file: LabelledSeries = {
      name: 'a.csv',
      timestamps: times(N),
      values: series(N, () => 0),
      windows: WINDOW,
    };
    // 0.9 on a false positive before the window, 0.6 at the window's start, 0.3 later in it, 0.01 on
    // every other row. Threshold 0.9: S = −0.11 − 1; 0.6: S = −0.11 + 1 (best); 0.3: the same S (the
    // window keeps its earliest detection); 0.01: dozens more false positives.
    const scores = series(N, (i) => (i === 20 ? 0.9 : i === 40 ? 0.6 : i === 45 ? 0.3 : 0.01));
    const best = bestThreshold([file], [scores], standard);
    expect(best.threshold).toBe(0.6);
    expect(best.score).toBeCloseTo((100 * (1 - 0.11 + 1)) / 2, 10);
    // scores only on FPs: flag nothing
    const fpOnly = series(N, (i) => (i === 20 ? 0.9 : 0));
    expect(bestThreshold([file], [fpOnly], standard)).toEqual({
      threshold: Number.POSITIVE_INFINITY,
      score: 0,
    });
  });

  test('evaluateDetector runs a fresh detector per file and reports counts', () => {
    const file: LabelledSeries = {
      name: 'a.csv',
      timestamps: times(N),
      values: series(N, () => 0),
      windows: WINDOW,
    };
    const script = (i: number) => (i === 20 || i === 41 ? 0.8 : 0);
    const e = evaluateDetector([file, { ...file, name: 'b.csv' }], () => {
      let row = 0;
      return { update: () => script(row++) };
    });
    expect(e).toMatchObject({
      files: 2,
      windows: 2,
      rows: 200,
      detections: 4,
      detectedWindows: 2,
      falsePositives: 2,
    });
    const s = 2 * (-0.11 + (2 / (1 + Math.exp(-5 * 0.9)) - 1) / sigmaMinusOne);
    expect(e.fixed.standard).toBeCloseTo((100 * (s + 2)) / 4, 10);
  });
});

describe('dataset loaders', () => {
  test('timestamps parse as UTC', () => {
    expect(parseTimestamp('2014-04-10 07:15:00.000000')).toBe(Date.UTC(2014, 3, 10, 7, 15));
    expect(parseTimestamp('"2018-04-25T00:01:00Z"')).toBe(Date.UTC(2018, 3, 25, 0, 1));
    expect(parseTimestamp('2018-04-25T02:00:00+02:00')).toBe(Date.UTC(2018, 3, 25, 0, 0));
    expect(parseTimestamp('not a time')).toBeNaN();
  });

  test('labelled points become NAB windows: 10 % of the file per anomaly, centred, merged', () => {
    const labels = (n: number, rows: number[]) => series(n, (i) => rows.includes(i));
    // 200 rows, one anomaly (rows 100–101): width floor(0.1·200/1) = 20, centred → [91, 110]
    expect(labelWindows(labels(200, [100, 101]))).toEqual([[91, 110]]);
    // two anomalies: w = 10, a lone point gets i ± 5; [95, 105] and [101, 111] overlap → merged
    expect(labelWindows(labels(200, [100, 106]))).toEqual([[95, 111]]);
    // an anomaly inside the probation period (30 rows) is dropped; w still counts it
    expect(labelWindows(labels(200, [10, 150]))).toEqual([[145, 155]]);
    expect(labelWindows(labels(200, []))).toEqual([]);
    expect(
      mergeWindows([
        [5, 8],
        [1, 3],
        [3, 4],
        [9, 9],
      ]),
    ).toEqual([
      [1, 4],
      [5, 8],
      [9, 9],
    ]);
  });

  test('read nab-dev and ms-cloud-monitoring layouts; say plainly when the folder is missing', () => {
    const dir = tempDir('aals-nab-');
    try {
      mkdirSync(join(dir.path, 'nab-dev', 'data', 'demo'), { recursive: true });
      const rows = series(10, (i) => `2024-01-01 00:0${i}:00,${i}`);
      writeFileSync(
        join(dir.path, 'nab-dev', 'data', 'demo', 'a.csv'),
        `timestamp,value\n${rows.join('\n')}\n`,
      );
      writeFileSync(join(dir.path, 'nab-dev', 'data', 'demo', 'unlabelled.csv'), 'timestamp,value\n');
      writeFileSync(
        join(dir.path, 'nab-dev', 'windows.json'),
        JSON.stringify({ 'demo/a.csv': [['2024-01-01 00:02:00.000000', '2024-01-01 00:04:00.000000']] }),
      );
      const [a, ...rest] = loadNabCorpus(dir.path);
      expect(rest).toEqual([]);
      expect(a).toMatchObject({ name: 'demo/a.csv', windows: [[2, 4]] });
      expect(a?.values).toEqual(series(10, (i) => i));

      mkdirSync(join(dir.path, 'ms-cloud-monitoring', 'data', 'g'), { recursive: true });
      const ms = series(
        100,
        (i) => `"2018-07-03 ${String(i % 24).padStart(2, '0')}:00:00",${i},${i === 60 ? 1 : 0}`,
      );
      writeFileSync(
        join(dir.path, 'ms-cloud-monitoring', 'data', 'g', 'x.csv'),
        `TimeStamp,Value,Label\n${ms.join('\n')}\n`,
      );
      const [x] = loadMsCloudCorpus(dir.path);
      expect(x).toMatchObject({ name: 'g/x.csv', windows: [[55, 65]] });

      expect(() => loadNabCorpus(join(dir.path, 'nope'))).toThrow(DatasetMissingError);
      expect(() => loadMsCloudCorpus(join(dir.path, 'nope'))).toThrow(/does not exist/);
      const lines: string[] = [];
      nabBenchmark((line) => lines.push(line), join(dir.path, 'nope'));
      expect(lines).toEqual([expect.stringMatching(/datasets folder .*nope does not exist/)]);
    } finally {
      dir.cleanup();
    }
  });
});
