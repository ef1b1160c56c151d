/**
 * What the metric analysis found, each with its evidence (query, series labels, times, values),
 * so the thread and an LLM can say exactly what was seen and check it. Times are ms since epoch.
 */
export interface SeriesRef {
  /** Human name of the query ("CPU usage", "alert expression"). */
  name: string;
  query: string;
  labels: Record<string, string>;
  unit?: string;
  /** The alert's threshold on this series, when its expression had one. */
  threshold?: number;
}

export type Finding =
  | {
      kind: 'anomaly';
      series: SeriesRef;
      start: number;
      end: number;
      peak: { t: number; v: number };
      baseline: number;
      score: number;
    }
  | { kind: 'change_point'; series: SeriesRef; at: number; before: number; after: number; relative: number }
  | {
      kind: 'forecast';
      series: SeriesRef;
      limit: number;
      current: number;
      reachesAt: number;
      perHour: number;
    }
  | {
      kind: 'seasonal';
      series: SeriesRef;
      current: number;
      baseline: number;
      offset: '1d' | '7d';
      deviation: number;
    }
  | {
      kind: 'changed_together';
      anchor: { series: SeriesRef; at: number };
      others: Array<{ series: SeriesRef; at: number; before: number; after: number }>;
    }
  | { kind: 'no_anomaly'; series: SeriesRef; current: number; median: number; mad: number }
  | { kind: 'no_data'; name: string; query: string }
  | { kind: 'query_error'; name: string; query: string; error: string; httpStatus?: number }
  | { kind: 'unreachable'; error: string };

export type FindingKind = Finding['kind'];
