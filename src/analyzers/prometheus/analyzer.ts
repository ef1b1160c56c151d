import type { PrometheusClient, PromResult, Sample, Series } from '../../integrations/prometheus/client.js';
import { quoteLabelValue, selector } from '../../integrations/prometheus/promql.js';
import type { Finding, SeriesRef } from './findings.js';
import { planQueries, type QuerySpec, type QueryTemplate } from './queries.js';
import { analyzeSeries, changeOf, type Scorer } from './series-analysis.js';
import { median } from './stats.js';
import { changedTogether } from './together.js';

/**
 * Everything AALS looks at in Prometheus for one alert, within a deadline: the planned queries over
 * the window (default 2 h before the alert to now), each series analyzed, the same window a day
 * earlier for the alert's own series, and the other series of the same instance or service whose
 * change points line up with the alert's. Network and query failures become findings.
 */
export interface AnalyzerSettings {
  windowMinutes: number;
  templates: QueryTemplate[];
  builtins: boolean;
  /** How many other series of the instance/service to check for "changed together". */
  relatedSeries: number;
  deadlineMs: number;
  /** At most this many series per query are analyzed (a query can return hundreds). */
  seriesPerQuery: number;
}

export const DEFAULT_ANALYZER: AnalyzerSettings = {
  windowMinutes: 120,
  templates: [],
  builtins: true,
  relatedSeries: 50,
  deadlineMs: 20_000,
  seriesPerQuery: 5,
};

export interface AlertToAnalyze {
  alertname: string;
  labels: Record<string, string>;
  generatorURL?: string | undefined;
  startsAt: string;
}

export interface ChartSeries {
  ref: SeriesRef;
  points: Sample[];
}

export interface Analysis {
  findings: Finding[];
  /** The series worth drawing, most important first. */
  chart: ChartSeries[];
  window: { start: number; end: number; stepSeconds: number };
  queries: number;
  millis: number;
}

export class PrometheusAnalyzer {
  private rules: { at: number; rules: Array<{ name: string; query: string }> } | null = null;

  constructor(
    private readonly client: PrometheusClient,
    private readonly settings: AnalyzerSettings,
    private readonly score: Scorer,
  ) {}

  async analyze(alert: AlertToAnalyze, now: Date): Promise<Analysis> {
    const started = Date.now();
    const alertStart = Math.min(Date.parse(alert.startsAt) || now.getTime(), now.getTime());
    const start = alertStart - this.settings.windowMinutes * 60_000;
    const end = now.getTime();
    const stepSeconds = Math.max(15, Math.ceil((end - start) / 1000 / 480));
    const window = { start, end, stepSeconds };
    const findings: Finding[] = [];
    const chart: ChartSeries[] = [];
    let queries = 0;
    // The deadline also cuts queries already in flight (and their retries), not only new ones.
    const deadlineReached = new AbortController();
    const timer = setTimeout(
      () => deadlineReached.abort(new Error(`analysis deadline of ${this.settings.deadlineMs} ms reached`)),
      this.settings.deadlineMs,
    );
    timer.unref();
    const signal = deadlineReached.signal;
    const run = async (expr: string, from = start, to = end): Promise<PromResult<Series[]>> => {
      queries++;
      return this.client.queryRange(expr, new Date(from), new Date(to), stepSeconds, signal);
    };
    try {
      const specs = planQueries(
        alert,
        await this.ruleExpression(alert.alertname, signal),
        this.settings.templates,
        this.settings.builtins,
      );
      const results = await Promise.all(specs.map((spec) => run(spec.expr)));
      if (results.length > 0 && results.every((r) => r.status === 'error' && isUnreachable(r.error))) {
        const first = results[0] as { error: string };
        return {
          findings: [{ kind: 'unreachable', error: first.error }],
          chart,
          window,
          queries,
          millis: Date.now() - started,
        };
      }

      let anchor: { ref: SeriesRef; points: Sample[] } | null = null;
      specs.forEach((spec, i) => {
        const result = results[i] as PromResult<Series[]>;
        if (result.status === 'error') {
          findings.push({
            kind: 'query_error',
            name: spec.name,
            query: spec.expr,
            error: result.error,
            ...(result.httpStatus ? { httpStatus: result.httpStatus } : {}),
          });
          return;
        }
        const series = result.value.filter((s) => s.points.length > 0).slice(0, this.settings.seriesPerQuery);
        if (series.length === 0) {
          findings.push({ kind: 'no_data', name: spec.name, query: spec.expr });
          return;
        }
        for (const s of series) {
          const ref = refOf(spec, s);
          findings.push(
            ...analyzeSeries({ ref, points: s.points, role: spec.role, limit: spec.limit }, this.score, end),
          );
          if (chart.length < 3 && (spec.role === 'alert' || chart.length < 2))
            chart.push({ ref, points: s.points });
          if (!anchor && (spec.role === 'alert' || specs[0]?.role !== 'alert'))
            anchor = { ref, points: s.points };
        }
      });

      const anchored = anchor as { ref: SeriesRef; points: Sample[] } | null;
      if (anchored) {
        findings.push(...(await this.seasonal(anchored, run, alertStart, end)));
        findings.push(...(await this.changedTogether(anchored, alert.labels, run, start, end, signal)));
      }
      return { findings, chart, window, queries, millis: Date.now() - started };
    } finally {
      clearTimeout(timer);
    }
  }

  /** The alerting rule's expression by alert name, cached for a minute. */
  private async ruleExpression(alertname: string, signal: AbortSignal): Promise<string | null> {
    if (!this.rules || Date.now() - this.rules.at > 60_000) {
      const result = await this.client.alertingRules(signal);
      this.rules = { at: Date.now(), rules: result.status === 'ok' ? result.value : [] };
    }
    return this.rules.rules.find((r) => r.name === alertname)?.query ?? null;
  }

  /** The same window yesterday: is the recent level unusual for this time of day? */
  private async seasonal(
    anchor: { ref: SeriesRef; points: Sample[] },
    run: (expr: string, from?: number, to?: number) => Promise<PromResult<Series[]>>,
    alertStart: number,
    end: number,
  ): Promise<Finding[]> {
    const from = Math.min(alertStart, end - 15 * 60_000);
    // Yesterday at this time; last week when there is no history for yesterday.
    for (const [offset, shift] of [
      ['1d', 24 * 3600_000],
      ['7d', 7 * 24 * 3600_000],
    ] as const) {
      const result = await run(anchor.ref.query, from - shift, end - shift);
      if (result.status === 'error') return [];
      const match =
        result.value.find((s) => JSON.stringify(s.labels) === JSON.stringify(anchor.ref.labels)) ??
        result.value[0];
      if (!match || match.points.length < 5) continue;
      const current = median(anchor.points.filter((p) => p.t >= from).map((p) => p.v));
      const baseline = median(match.points.map((p) => p.v));
      const spread = Math.max(
        median(match.points.map((p) => Math.abs(p.v - baseline))) * 1.4826,
        Math.abs(baseline) * 0.05,
        1e-9,
      );
      const deviation = (current - baseline) / spread;
      if (!Number.isFinite(deviation) || Math.abs(deviation) < 4) return [];
      return [{ kind: 'seasonal', series: anchor.ref, current, baseline, offset, deviation }];
    }
    return [];
  }

  /** Other series of the alert's instance (or service) that changed when the alert's series did. */
  private async changedTogether(
    anchor: { ref: SeriesRef; points: Sample[] },
    labels: Record<string, string>,
    run: (expr: string) => Promise<PromResult<Series[]>>,
    start: number,
    end: number,
    signal: AbortSignal,
  ): Promise<Finding[]> {
    const change = changeOf(anchor.points, this.score);
    if (!change || this.settings.relatedSeries <= 0 || signal.aborted) return [];
    const scope: Record<string, string> | null = labels.instance
      ? { instance: labels.instance }
      : labels.service
        ? { service: labels.service }
        : null;
    if (!scope) return [];
    const listed = await this.client.series([selector(scope)], new Date(start), new Date(end), signal);
    if (listed.status === 'error') return [];
    const names = [...new Set(listed.value.map((s) => s.__name__).filter((n): n is string => Boolean(n)))]
      .filter((name) => !/^(ALERTS|ALERTS_FOR_STATE|up|scrape_.*)$/.test(name))
      .slice(0, this.settings.relatedSeries);
    const [scopeName, scopeValue] = Object.entries(scope)[0] as [string, string];
    const fetched: Array<{ item: { ref: SeriesRef }; change: ReturnType<typeof changeOf> }> = [];
    for (let i = 0; i < names.length; i += 10) {
      const batch = names.slice(i, i + 10);
      const results = await Promise.all(
        batch.map((name) => {
          const inner = `${name}{${scopeName}=${quoteLabelValue(scopeValue)}}`;
          const expr = /(_total|_count|_sum|_bucket)$/.test(name)
            ? `sum(rate(${inner}[5m]))`
            : `sum(${inner})`;
          return run(expr).then((result) => ({ name, expr, result }));
        }),
      );
      for (const { name, expr, result } of results) {
        if (result.status !== 'ok' || !result.value[0] || expr === anchor.ref.query) continue;
        fetched.push({
          item: { ref: { name, query: expr, labels: result.value[0].labels } },
          change: changeOf(result.value[0].points, this.score),
        });
      }
    }
    const together = changedTogether(change, fetched, 3 * 60_000).slice(0, 5);
    if (together.length === 0) return [];
    return [
      {
        kind: 'changed_together',
        anchor: { series: anchor.ref, at: change.at },
        others: together.map(({ item, change: c }) => ({
          series: item.ref,
          at: c.at,
          before: c.before,
          after: c.after,
        })),
      },
    ];
  }
}

function refOf(spec: QuerySpec, series: Series): SeriesRef {
  return {
    name: spec.name,
    query: spec.expr,
    labels: series.labels,
    ...(spec.unit ? { unit: spec.unit } : {}),
    ...(spec.threshold !== undefined ? { threshold: spec.threshold } : {}),
  };
}

function isUnreachable(error: string): boolean {
  return /unreachable|did not answer/.test(error);
}
