import { detectChangePoint } from '../../src/analyzers/prometheus/changepoint.js';
import type { Finding, SeriesRef } from '../../src/analyzers/prometheus/findings.js';
import { forecastLimit } from '../../src/analyzers/prometheus/forecast.js';
import {
  BUILTIN_TEMPLATES,
  planQueries,
  type QueryTemplate,
} from '../../src/analyzers/prometheus/queries.js';
import {
  analyzeSeries,
  changeOf,
  mostAnomalousSpan,
  type Scorer,
} from '../../src/analyzers/prometheus/series-analysis.js';
import { mad, median, theilSen } from '../../src/analyzers/prometheus/stats.js';
import { type Change, changedTogether } from '../../src/analyzers/prometheus/together.js';
import { mulberry32 } from '../../src/correlation/storm.js';
import type { Sample } from '../../src/integrations/prometheus/client.js';
import { findingLines } from '../../src/slack/views/findings.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

/** Samples one minute apart from T0. */
const series = (values: number[], start = T0, stepMs = MIN): Sample[] =>
  values.map((v, i) => ({ t: start + i * stepMs, v }));
const t = (i: number) => T0 + i * MIN;
const repeat = (value: number, count: number) => Array.from({ length: count }, () => value);
const noisy = (level: number, count: number, scale: number, seed: number) => {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => level + (random() - 0.5) * 2 * scale);
};

/** A scorer that fires (1) at the given indexes and records what it was given. */
function scorerAt(
  ...indexes: number[]
): Scorer & { calls: Array<{ values: number[]; timestamps: number[] }> } {
  const calls: Array<{ values: number[]; timestamps: number[] }> = [];
  const score = ((values: number[], timestamps: number[]) => {
    calls.push({ values, timestamps });
    return values.map((_, i) => (indexes.includes(i) ? 1 : 0));
  }) as Scorer & { calls: typeof calls };
  score.calls = calls;
  return score;
}

const REF: SeriesRef = { name: 'CPU usage', query: 'cpu', labels: { instance: 'web-1:9100' }, unit: '%' };

describe('robust statistics', () => {
  test('median of odd and even counts ignores non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([1, Number.NaN, Number.POSITIVE_INFINITY, 3])).toBe(2);
    expect(median([])).toBeNaN();
    expect(median([Number.NaN])).toBeNaN();
  });

  test('mad is 1.4826 × the median absolute deviation, robust to an outlier', () => {
    // median 3, deviations 2,1,0,1,97 → 1
    expect(mad([1, 2, 3, 4, 100])).toBeCloseTo(1.4826, 10);
    expect(mad([5, 5, 5, 5])).toBe(0);
    // Around a given center: deviations from 0 are 1,2,3 → 2
    expect(mad([1, 2, 3], 0)).toBeCloseTo(2.9652, 10);
  });

  test('theilSen recovers a line despite an outlier and when sampling', () => {
    const line = Array.from({ length: 10 }, (_, i) => ({ t: i, v: 2 * i + 3 }));
    expect(theilSen(line)).toEqual({ slope: 2, intercept: 3 });
    const withOutlier = line.map((p) => (p.t === 5 ? { t: 5, v: 1000 } : p));
    expect(theilSen(withOutlier)).toEqual({ slope: 2, intercept: 3 });
    const long = Array.from({ length: 600 }, (_, i) => ({ t: i * 10, v: -0.5 * i * 10 + 7 }));
    const fit = theilSen(long, 50);
    expect(fit.slope).toBeCloseTo(-0.5, 12);
    expect(fit.intercept).toBeCloseTo(7, 9);
  });

  test('theilSen ignores NaN values and is flat for a single point', () => {
    const points = [
      { t: 0, v: 1 },
      { t: 1, v: Number.NaN },
      { t: 2, v: 5 },
      { t: 3, v: 7 },
    ];
    expect(theilSen(points)).toEqual({ slope: 2, intercept: 1 });
    expect(theilSen([{ t: 0, v: 5 }]).slope).toBe(0);
  });
});

describe('detectChangePoint', () => {
  test('finds a clean step: index, time, levels and relative shift', () => {
    const points = series([...repeat(10, 30), ...repeat(20, 30)]);
    const change = detectChangePoint(points);
    expect(change).toMatchObject({ index: 30, at: t(30), before: 10, after: 20, relative: 1 });
    // No spread: the shift is measured against 0.1 % of the earlier level.
    expect(change?.strength).toBeCloseTo(1000, 6);
  });

  test('finds a noisy step and a downward step', () => {
    const up = detectChangePoint(series([...noisy(10, 40, 0.3, 1), ...noisy(20, 40, 0.3, 2)]));
    expect(up?.index).toBe(40);
    expect(up?.at).toBe(t(40));
    expect(up?.before).toBeCloseTo(10, 0);
    expect(up?.after).toBeCloseTo(20, 0);
    expect(up?.relative).toBeCloseTo(1, 1);
    expect(up?.strength).toBeGreaterThan(4);

    const down = detectChangePoint(series([...repeat(20, 20), ...repeat(10, 20)]));
    expect(down).toMatchObject({ index: 20, before: 20, after: 10, relative: -0.5 });
  });

  test('a step up from zero has an infinite relative shift', () => {
    const change = detectChangePoint(series([...repeat(0, 10), ...repeat(5, 10)]));
    expect(change).toMatchObject({ index: 10, before: 0, after: 5, relative: Number.POSITIVE_INFINITY });
  });

  test('NaN samples are skipped; the change time is that of the first sample after the step', () => {
    const values = [...repeat(10, 15), Number.NaN, Number.NaN, ...repeat(30, 15)];
    expect(detectChangePoint(series(values))?.at).toBe(t(17));
  });

  test('returns null for noise', () => {
    expect(detectChangePoint(series(noisy(100, 120, 1, 3)))).toBeNull();
    // Noise around a small level: a large relative wobble but no robust shift.
    expect(detectChangePoint(series(noisy(1, 120, 1, 4)))).toBeNull();
  });

  test('returns null for a series too short to have two segments of 6', () => {
    expect(detectChangePoint(series([...repeat(10, 6), ...repeat(50, 5)]))).toBeNull();
    // Twelve points are enough.
    expect(detectChangePoint(series([...repeat(10, 6), ...repeat(50, 6)]))?.index).toBe(6);
  });

  test('returns null for a tiny relative shift, however clean', () => {
    // 100 → 110: 100 pooled deviations, but only +10 %.
    expect(detectChangePoint(series([...repeat(100, 30), ...repeat(110, 30)]))).toBeNull();
    expect(detectChangePoint(series([...repeat(100, 30), ...repeat(125, 30)]))?.relative).toBe(0.25);
  });

  test('returns null for a flat series', () => {
    expect(detectChangePoint(series(repeat(7, 50)))).toBeNull();
  });
});

describe('forecastLimit', () => {
  // 50 % growing 0.5 points a minute for an hour: 80 % now.
  const now = t(60);
  const growing = series(Array.from({ length: 61 }, (_, i) => 50 + 0.5 * i));

  test('a growing series reaches its limit when the line says', () => {
    const forecast = forecastLimit(growing, 100, now);
    expect(forecast?.current).toBe(80);
    expect(forecast?.perHour).toBeCloseTo(30, 6);
    // 20 more points at 0.5 a minute: 40 minutes.
    expect(Math.abs((forecast?.reachesAt ?? 0) - (now + 40 * MIN))).toBeLessThan(1000);
  });

  test('flat or falling series are not forecast', () => {
    expect(forecastLimit(series(repeat(50, 61)), 100, now)).toBeNull();
    expect(forecastLimit(series(Array.from({ length: 61 }, (_, i) => 80 - 0.5 * i)), 100, now)).toBeNull();
  });

  test('a series already over its limit reaches it now', () => {
    expect(forecastLimit(growing, 70, now)).toEqual({
      current: 80,
      reachesAt: now,
      perHour: expect.any(Number),
    });
    expect(forecastLimit(growing, 80, now)?.reachesAt).toBe(now);
  });

  test('beyond the horizon there is no forecast', () => {
    expect(forecastLimit(growing, 100, now, 30 * MIN)).toBeNull();
    expect(forecastLimit(growing, 100, now, 50 * MIN)).not.toBeNull();
    // The default horizon is a week: 1000 % is 1840 minutes away (within), 10,000 % 13.8 days (beyond).
    expect(forecastLimit(growing, 1000, now)).not.toBeNull();
    expect(forecastLimit(growing, 10_000, now)).toBeNull();
  });

  test('fewer than five usable points: no forecast', () => {
    const four = series([1, 2, 3, 4, Number.NaN, Number.NaN]);
    expect(forecastLimit(four, 10, t(5))).toBeNull();
  });
});

describe('changedTogether', () => {
  const anchor: Change = { at: T0, before: 1, after: 2, strength: 10 };
  const change = (offsetMs: number, strength: number): Change => ({
    at: T0 + offsetMs,
    before: 0,
    after: 1,
    strength,
  });

  test('keeps changes within the tolerance, strongest first, then closest', () => {
    const result = changedTogether(
      anchor,
      [
        { item: 'a', change: change(60_000, 5) },
        { item: 'b', change: change(-170_000, 9) },
        { item: 'too-late', change: change(181_000, 100) },
        { item: 'none', change: null },
        { item: 'e', change: change(30_000, 5) },
        { item: 'edge', change: change(-180_000, 1) },
      ],
      180_000,
    );
    expect(result.map((r) => r.item)).toEqual(['b', 'e', 'a', 'edge']);
    expect(result[0]?.change).toEqual(change(-170_000, 9));
  });

  test('nothing within the tolerance: empty', () => {
    expect(changedTogether(anchor, [{ item: 1, change: change(10 * MIN, 50) }], 3 * MIN)).toEqual([]);
  });
});

describe('planQueries', () => {
  const url = (expr: string) => `http://prom:9090/graph?g0.expr=${encodeURIComponent(expr)}&g0.tab=1`;

  test("the generatorURL's expression comes first, threshold split off", () => {
    const specs = planQueries(
      { alertname: 'HighErrors', labels: {}, generatorURL: url('rate(errors_total[5m]) > 0.5') },
      'ignored_rule_expr > 1',
      [],
      false,
    );
    expect(specs).toEqual([
      { name: 'HighErrors', expr: 'rate(errors_total[5m])', role: 'alert', threshold: 0.5 },
    ]);
  });

  test("the rule's expression is used without a generatorURL; no threshold, no threshold key", () => {
    expect(planQueries({ alertname: 'Load', labels: {} }, 'node_load1 >= 5', [], false)).toEqual([
      { name: 'Load', expr: 'node_load1', role: 'alert', threshold: 5 },
    ]);
    const [spec] = planQueries({ alertname: 'Gone', labels: {} }, 'absent(up{job="x"})', [], false);
    expect(spec).toEqual({ name: 'Gone', expr: 'absent(up{job="x"})', role: 'alert' });
    expect(spec && 'threshold' in spec).toBe(false);
    expect(planQueries({ alertname: 'Nothing', labels: {} }, null, [], false)).toEqual([]);
  });

  const inodes: QueryTemplate = {
    match: { alertname: 'Disk.*', mountpoint: '/var/.+' },
    queries: [
      {
        name: 'inodes free',
        expr: 'node_filesystem_files_free{instance={{instance}}, mountpoint={{mountpoint}}}',
        limit: 100,
      },
      { name: 'needs pod', expr: 'kube_pod_info{pod={{pod}}}' },
    ],
  };

  test('templates match by anchored regex on the labels, including alertname', () => {
    const labels = { instance: 'db-1:9100', mountpoint: '/var/lib' };
    expect(planQueries({ alertname: 'DiskFull', labels }, null, [inodes], false)).toEqual([
      {
        name: 'inodes free',
        expr: 'node_filesystem_files_free{instance="db-1:9100", mountpoint="/var/lib"}',
        role: 'signal',
        unit: undefined,
        limit: 100,
      },
    ]);
    // alertname does not match.
    expect(planQueries({ alertname: 'HighCPU', labels }, null, [inodes], false)).toEqual([]);
    // The regex must match the whole value.
    expect(
      planQueries({ alertname: 'DiskFull', labels: { ...labels, mountpoint: '/' } }, null, [inodes], false),
    ).toEqual([]);
    expect(
      planQueries(
        { alertname: 'X', labels: { instance: 'db-1:9100' } },
        null,
        [{ match: { instance: 'db' }, queries: [{ name: 'q', expr: 'up' }] }],
        false,
      ),
    ).toEqual([]);
    // A broken regex matches nothing rather than throwing.
    expect(
      planQueries(
        { alertname: 'X', labels: { instance: 'db' } },
        null,
        [{ match: { instance: '(' }, queries: [{ name: 'q', expr: 'up' }] }],
        false,
      ),
    ).toEqual([]);
  });

  const names = (specs: ReturnType<typeof planQueries>) => specs.map((s) => s.name);
  const nodeNames = ['CPU usage', 'memory used', 'disk used', 'network received'];
  const serviceNames = ['p99 latency', 'traffic', 'error ratio'];

  test('built-in node queries need an instance label, golden signals a service label', () => {
    expect(
      names(planQueries({ alertname: 'A', labels: { instance: 'web-1:9100' } }, null, [], true)),
    ).toEqual(nodeNames);
    expect(names(planQueries({ alertname: 'A', labels: { service: 'checkout' } }, null, [], true))).toEqual(
      serviceNames,
    );
    expect(
      names(
        planQueries(
          { alertname: 'A', labels: { instance: 'web-1:9100', service: 'checkout' } },
          null,
          [],
          true,
        ),
      ),
    ).toEqual([...nodeNames, ...serviceNames]);
    expect(planQueries({ alertname: 'A', labels: { job: 'x' } }, null, [], true)).toEqual([]);
    // An empty value does not count as having the label.
    expect(planQueries({ alertname: 'A', labels: { instance: '' } }, null, [], true)).toEqual([]);
  });

  test('a built-in query is filled with the quoted label value and keeps its unit and limit', () => {
    const [cpu] = planQueries({ alertname: 'A', labels: { instance: 'web-1:9100' } }, null, [], true);
    expect(cpu).toEqual({
      name: 'CPU usage',
      expr: '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle", instance="web-1:9100"}[5m])))',
      role: 'signal',
      unit: '%',
      limit: 100,
    });
  });

  test('builtins off: only the alert expression and templates', () => {
    expect(
      names(
        planQueries(
          { alertname: 'DiskFull', labels: { instance: 'db-1:9100', mountpoint: '/var/lib', service: 'pg' } },
          'disk > 90',
          [inodes],
          false,
        ),
      ),
    ).toEqual(['DiskFull', 'inodes free']);
  });

  test('templates come before builtins; a query equal to one already planned is dropped', () => {
    const traffic = 'sum(rate(http_requests_total{service="checkout"}[5m]))';
    const duplicate: QueryTemplate = {
      match: { service: 'check.*' },
      queries: [
        { name: 'my traffic', expr: 'sum(rate(http_requests_total{service={{service}}}[5m]))' },
        { name: 'twice', expr: 'sum(rate(http_requests_total{service={{service}}}[5m]))' },
        { name: 'saturation', expr: 'sum(queue_depth{service={{service}}})' },
      ],
    };
    const specs = planQueries(
      { alertname: 'TrafficDrop', labels: { service: 'checkout' }, generatorURL: url(`${traffic} < 10`) },
      null,
      [duplicate],
      true,
    );
    expect(names(specs)).toEqual(['TrafficDrop', 'saturation', 'p99 latency', 'error ratio']);
    expect(specs[0]).toEqual({ name: 'TrafficDrop', expr: traffic, role: 'alert', threshold: 10 });
    expect(new Set(specs.map((s) => s.expr)).size).toBe(specs.length);
  });

  test('a label value with quotes is escaped in every built-in expression', () => {
    const hostile = 'web"} or vector(1) #';
    const specs = planQueries({ alertname: 'A', labels: { instance: hostile } }, null, [], true);
    expect(specs).toHaveLength(4);
    for (const spec of specs) {
      expect(spec.expr).toContain('instance="web\\"} or vector(1) #"');
      expect(spec.expr).not.toContain('instance="web"}');
    }
    expect(specs[1]?.expr).toBe(
      '100 * (1 - node_memory_MemAvailable_bytes{instance="web\\"} or vector(1) #"} / node_memory_MemTotal_bytes{instance="web\\"} or vector(1) #"})',
    );
  });

  test('the built-in templates are the documented two', () => {
    expect(BUILTIN_TEMPLATES.map((b) => b.match)).toEqual([{ instance: '.+' }, { service: '.+' }]);
  });
});

describe('mostAnomalousSpan', () => {
  test('extends from the onset while values stay away from the earlier level; peak and baseline', () => {
    const values = [...repeat(10, 60), ...repeat(40, 10), ...repeat(10, 30)];
    values[65] = 70;
    const points = series(values);
    const scores = values.map((_, i) => (i === 60 ? 0.9 : 0));
    expect(mostAnomalousSpan(points, scores)).toEqual({
      start: t(60),
      end: t(69),
      peak: { t: t(65), v: 70 },
      baseline: 10,
      score: 0.9,
    });
  });

  test('a dip of up to two samples back to the level does not end the span; three do', () => {
    const twoGap = [...repeat(10, 60), ...repeat(40, 10), ...repeat(10, 20)];
    twoGap[63] = 10;
    twoGap[64] = 10;
    const scores = twoGap.map((_, i) => (i === 60 ? 1 : 0));
    expect(mostAnomalousSpan(series(twoGap), scores)?.end).toBe(t(69));

    const threeGap = [...twoGap];
    threeGap[65] = 10;
    expect(mostAnomalousSpan(series(threeGap), scores)?.end).toBe(t(62));
  });

  test('of several onsets, the one that strayed furthest', () => {
    const values = [
      ...repeat(10, 60),
      ...repeat(20, 5),
      ...repeat(10, 35),
      ...repeat(50, 5),
      ...repeat(10, 25),
    ];
    const scores = values.map((_, i) => (i === 60 ? 1 : i === 100 ? 0.6 : 0));
    expect(mostAnomalousSpan(series(values), scores)).toEqual({
      start: t(100),
      end: t(104),
      peak: { t: t(100), v: 50 },
      baseline: 10,
      score: 0.6,
    });
  });

  test('the baseline is the level before the onset, not of the whole series', () => {
    // 60 minutes at 10, then 200 for the rest: the series median is 200, the level before is 10.
    const values = [...repeat(10, 60), ...repeat(200, 100)];
    const scores = values.map((_, i) => (i === 60 ? 1 : 0));
    expect(mostAnomalousSpan(series(values), scores)).toMatchObject({
      start: t(60),
      end: t(159),
      baseline: 10,
    });
  });

  test('a detection that strays less than 4 robust deviations from the earlier level is not reported', () => {
    // Level 10, no spread: the deviation unit is 2 % of the level, 0.2.
    const scores = [...repeat(0, 20), 1, ...repeat(0, 10)];
    const at = (v: number) => [...repeat(10, 20), v, ...repeat(10, 10)];
    // 0.7 away: beyond 3 deviations (part of a span) but short of 4.
    expect(mostAnomalousSpan(series(at(10.7)), scores)).toBeNull();
    expect(mostAnomalousSpan(series(at(10.9)), scores)).toMatchObject({
      start: t(20),
      end: t(20),
      baseline: 10,
    });
    // The scorer fired where the value is at its usual level.
    expect(mostAnomalousSpan(series(at(10)), scores)).toBeNull();
    expect(
      analyzeSeries({ ref: REF, points: series(at(10.7)), role: 'signal' }, () => scores, t(30)),
    ).toEqual([]);
  });

  test('scores below 0.5 are not anomalies; exactly 0.5 is', () => {
    const values = [...repeat(10, 20), 90, ...repeat(10, 10)];
    expect(
      mostAnomalousSpan(
        series(values),
        values.map((_, i) => (i === 20 ? 0.49 : 0)),
      ),
    ).toBeNull();
    expect(
      mostAnomalousSpan(
        series(values),
        values.map((_, i) => (i === 20 ? 0.5 : 0)),
      ),
    ).toEqual({
      start: t(20),
      end: t(20),
      peak: { t: t(20), v: 90 },
      baseline: 10,
      score: 0.5,
    });
  });
});

describe('analyzeSeries', () => {
  const now = t(100);

  test('an anomaly found by the scorer becomes one finding; the scorer sees finite points only', () => {
    const values = [...repeat(10, 60), ...repeat(40, 10), ...repeat(10, 30)];
    values[65] = 70;
    const points = series(values);
    points.splice(10, 0, { t: t(10) + 1, v: Number.NaN });
    const score = scorerAt(60);
    const findings = analyzeSeries({ ref: REF, points, role: 'alert' }, score, now);
    expect(findings).toEqual([
      {
        kind: 'anomaly',
        series: REF,
        start: t(60),
        end: t(69),
        peak: { t: t(65), v: 70 },
        baseline: 10,
        score: 1,
      },
    ]);
    expect(score.calls).toHaveLength(1);
    expect(score.calls[0]?.values).toEqual(values);
    expect(score.calls[0]?.timestamps).toEqual(values.map((_, i) => t(i)));
  });

  test('a step is a change point finding', () => {
    const findings = analyzeSeries(
      { ref: REF, points: series([...repeat(0.2, 40), ...repeat(0.6, 40)]), role: 'signal' },
      scorerAt(),
      now,
    );
    expect(findings).toEqual([
      { kind: 'change_point', series: REF, at: t(40), before: 0.2, after: 0.6, relative: expect.any(Number) },
    ]);
    const [finding] = findings;
    expect(finding?.kind === 'change_point' && finding.relative).toBeCloseTo(2, 10);
  });

  test("nothing unusual: the alert's own series says so with current, median and mad; a signal says nothing", () => {
    const points = series([10, 12, 8, 10, 11, 9, 10]);
    expect(analyzeSeries({ ref: REF, points, role: 'alert' }, scorerAt(), now)).toEqual([
      { kind: 'no_anomaly', series: REF, current: 10, median: 10, mad: 1.4826 },
    ]);
    expect(analyzeSeries({ ref: REF, points, role: 'signal' }, scorerAt(), now)).toEqual([]);
  });

  test('a series of only NaN has no findings, even for the alert', () => {
    expect(
      analyzeSeries({ ref: REF, points: series([Number.NaN, Number.NaN]), role: 'alert' }, scorerAt(0), now),
    ).toEqual([]);
  });

  test('a forecast only when the query has a limit', () => {
    const growing = series(Array.from({ length: 61 }, (_, i) => 50 + 0.5 * i));
    const end = t(60);
    const withLimit = analyzeSeries(
      { ref: REF, points: growing, role: 'signal', limit: 100 },
      scorerAt(),
      end,
    );
    expect(withLimit).toHaveLength(1);
    const [forecast] = withLimit;
    expect(forecast).toMatchObject({ kind: 'forecast', series: REF, limit: 100, current: 80 });
    expect(forecast?.kind === 'forecast' && Math.abs(forecast.reachesAt - (end + 40 * MIN))).toBeLessThan(
      1000,
    );

    expect(analyzeSeries({ ref: REF, points: growing, role: 'signal' }, scorerAt(), end)).toEqual([]);
    expect(
      analyzeSeries({ ref: REF, points: growing, role: 'alert' }, scorerAt(), end).map((f) => f.kind),
    ).toEqual(['no_anomaly']);
  });

  test('the forecast uses the last hour when it has enough points', () => {
    // Two hours flat at 50, then an hour growing 0.5 a minute: 80 now, 100 in 40 minutes.
    const values = [...repeat(50, 120), ...Array.from({ length: 61 }, (_, i) => 50 + 0.5 * i)];
    const end = t(180);
    const findings = analyzeSeries(
      { ref: REF, points: series(values), role: 'signal', limit: 100 },
      scorerAt(),
      end,
    );
    const forecast = findings.find((f) => f.kind === 'forecast');
    expect(forecast?.kind === 'forecast' && forecast.perHour).toBeCloseTo(30, 6);
    expect(forecast?.kind === 'forecast' && Math.abs(forecast.reachesAt - (end + 40 * MIN))).toBeLessThan(
      1000,
    );
  });
});

describe('changeOf', () => {
  test('an anomaly onset: its start, the level before, the median inside, infinitely strong', () => {
    const values = [...repeat(10, 60), ...repeat(40, 10), ...repeat(10, 30)];
    values[65] = 70;
    expect(changeOf(series(values), scorerAt(60))).toEqual({
      at: t(60),
      before: 10,
      after: 40,
      strength: Number.POSITIVE_INFINITY,
    });
  });

  test('else the change point', () => {
    expect(changeOf(series([...repeat(10, 30), ...repeat(20, 30)]), scorerAt())).toEqual({
      at: t(30),
      before: 10,
      after: 20,
      strength: expect.closeTo(1000, 6),
    });
  });

  test('a steady series or no usable points: null', () => {
    expect(changeOf(series(repeat(5, 40)), scorerAt())).toBeNull();
    expect(changeOf([], scorerAt())).toBeNull();
    expect(changeOf(series([Number.NaN]), scorerAt(0))).toBeNull();
  });
});

describe('findingLines', () => {
  const now = new Date(T0 + 60 * MIN);
  const at = (ms: number) =>
    `<!date^${Math.floor(ms / 1000)}^{time}|${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC>`;
  const cpu: SeriesRef = { name: 'CPU usage', query: 'cpu', labels: { instance: 'web-1:9100' }, unit: '%' };
  const latency: SeriesRef = {
    name: 'p99 latency',
    query: 'lat',
    labels: { service: 'checkout' },
    unit: 's',
  };

  const all: Finding[] = [
    { kind: 'no_data', name: 'traffic', query: 'sum(x)' },
    {
      kind: 'no_anomaly',
      series: { name: 'queue depth', query: 'q', labels: { service: 'quiet' } },
      current: 10,
      median: 10,
      mad: 0.5,
    },
    {
      kind: 'query_error',
      name: 'bad <query>',
      query: 'rate(x[5m]',
      error: 'Prometheus answered 400 (bad_data: parse error)',
      httpStatus: 400,
    },
    {
      kind: 'changed_together',
      anchor: { series: cpu, at: T0 + 10 * MIN },
      others: [
        {
          series: { name: 'node_load1', query: 'l', labels: {} },
          at: T0 + 11 * MIN,
          before: 1.2,
          after: 7.5,
        },
        {
          series: { name: 'process_open_fds', query: 'f', labels: {} },
          at: T0 + 9 * MIN,
          before: 120,
          after: 240,
        },
      ],
    },
    {
      kind: 'seasonal',
      series: { name: 'traffic', query: 't', labels: { service: 'checkout' }, unit: 'req/s' },
      current: 500,
      baseline: 120,
      offset: '1d',
      deviation: 9,
    },
    { kind: 'change_point', series: latency, at: T0 + 30 * MIN, before: 0.2, after: 0.6, relative: 2 },
    {
      kind: 'anomaly',
      series: cpu,
      start: T0 + 5 * MIN,
      end: T0 + 25 * MIN,
      peak: { t: T0 + 6 * MIN, v: 95 },
      baseline: 40,
      score: 0.9,
    },
    {
      kind: 'forecast',
      series: {
        name: 'disk used',
        query: 'd',
        labels: { instance: 'db-1:9100', mountpoint: '/var' },
        unit: '%',
      },
      limit: 100,
      current: 80,
      reachesAt: now.getTime() + 3 * 3600_000,
      perHour: 6.6667,
    },
    {
      kind: 'unreachable',
      error: 'Prometheus unreachable at http://prom:9090: connect <ECONNREFUSED> & more',
    },
  ];

  test('one line per finding, most telling first, no_data counted at the end', () => {
    expect(findingLines(all, now, 20)).toEqual([
      ':warning: Prometheus unreachable: Prometheus unreachable at http://prom:9090: connect &lt;ECONNREFUSED&gt; &amp; more',
      ':hourglass_flowing_sand: *disk used* (db-1:9100): reaches 100% in about *3 h* (now 80.0%, +6.7 pt/h)',
      `:chart_with_upwards_trend: *CPU usage* (web-1:9100): unusual from ${at(T0 + 5 * MIN)} to ${at(T0 + 25 * MIN)}, peak 95.0% (usual 40.0%)`,
      `:arrow_heading_up: *p99 latency* (checkout): changed at ${at(T0 + 30 * MIN)} from 0.20 s to 0.60 s (+200 %)`,
      ':calendar: *traffic* (checkout): 500 req/s now vs 120 req/s at this time yesterday',
      `:link: changed together with *CPU usage* (web-1:9100) around ${at(T0 + 10 * MIN)}: \`node_load1\` 1.2→7.5, \`process_open_fds\` 120→240`,
      ':white_check_mark: *queue depth* (quiet): nothing unusual in the window (now 10.0, usual 10.0 ± 0.50)',
      ':warning: bad &lt;query&gt;: query failed (Prometheus answered 400 (bad_data: parse error)) `rate(x[5m]`',
      '_1 queries returned no data_',
    ]);
  });

  test('the time format is a Slack date with a UTC fallback', () => {
    expect(at(T0)).toBe('<!date^1767603600^{time}|2026-01-05 09:00 UTC>');
  });

  test('beyond the limit: "…and N more findings", then the no-data count', () => {
    const lines = findingLines([...all, { kind: 'no_data', name: 'b', query: 'b' }], now, 3);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^:warning: Prometheus unreachable/);
    expect(lines[1]).toMatch(/^:hourglass_flowing_sand:/);
    expect(lines[2]).toMatch(/^:chart_with_upwards_trend:/);
    expect(lines[3]).toBe('…and 5 more findings');
    expect(lines[4]).toBe('_2 queries returned no data_');
    // The default limit is six.
    expect(findingLines(all, now)).toHaveLength(8);
    expect(findingLines(all, now)[6]).toBe('…and 2 more findings');
  });

  test('a forecast already at its limit, an infinite relative change, and no location label', () => {
    const lines = findingLines(
      [
        {
          kind: 'forecast',
          series: { name: 'memory used', query: 'm', labels: { instance: 'app-2:9100' }, unit: '%' },
          limit: 100,
          current: 100,
          reachesAt: now.getTime(),
          perHour: 1,
        },
        {
          kind: 'change_point',
          series: { name: 'errors', query: 'e', labels: {} },
          at: T0,
          before: 0,
          after: 5,
          relative: Number.POSITIVE_INFINITY,
        },
      ],
      now,
    );
    expect(lines).toEqual([
      ':rotating_light: *memory used* (app-2:9100): at its limit 100% now (100%)',
      `:arrow_heading_up: *errors*: changed at ${at(T0)} from 0 to 5.0`,
    ]);
  });

  test('names and locations from labels are Slack-escaped, queries cannot break out of code', () => {
    const lines = findingLines(
      [
        {
          kind: 'no_anomaly',
          series: { name: 'a <b> & c', query: 'q', labels: { pod: '<@U123>' } },
          current: 1,
          median: 1,
          mad: 0,
        },
        { kind: 'query_error', name: 'q', query: 'x`<!here>`', error: 'e' },
      ],
      now,
    );
    expect(lines).toEqual([
      ':white_check_mark: *a &lt;b&gt; &amp; c* (&lt;@U123&gt;): nothing unusual in the window (now 1.0, usual 1.0 ± 0)',
      ":warning: q: query failed (e) `x'&lt;!here&gt;'`",
    ]);
  });

  test('only no_data: just the count; nothing: no lines', () => {
    expect(
      findingLines(
        [
          { kind: 'no_data', name: 'a', query: 'a' },
          { kind: 'no_data', name: 'b', query: 'b' },
          { kind: 'no_data', name: 'c', query: 'c' },
        ],
        now,
      ),
    ).toEqual(['_3 queries returned no data_']);
    expect(findingLines([], now)).toEqual([]);
  });
});
