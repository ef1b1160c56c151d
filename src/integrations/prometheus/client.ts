import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent } from 'undici';
import { errorMessage } from '../../errors.js';

/**
 * Prometheus HTTP API client (https://prometheus.io/docs/prometheus/latest/querying/api/): instant
 * and range queries, series, rules, alerts. Timeouts and retries on network errors and 5xx; range
 * queries never ask for more than 11,000 points per series (they chunk). Failures are results with
 * the query, parameters and upstream status, not exceptions, so the thread can say what failed.
 */
export interface PrometheusOptions {
  url: string;
  timeoutMs?: number;
  retries?: number;
  bearerToken?: string | undefined;
  basicAuth?: { username: string; password: string } | undefined;
  tls?: { caFile?: string | undefined; insecureSkipVerify?: boolean | undefined } | undefined;
  fetch?: typeof fetch;
}

export interface Sample {
  t: number;
  v: number;
}

export interface Series {
  labels: Record<string, string>;
  points: Sample[];
}

export type PromResult<T> =
  | { status: 'ok'; value: T; warnings?: string[] }
  | {
      status: 'error';
      error: string;
      query?: string;
      params: Record<string, string>;
      httpStatus?: number;
      errorType?: string;
    };

export const MAX_POINTS_PER_SERIES = 11_000;

interface ApiBody {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

export class PrometheusClient {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Agent | undefined;
  private readonly fetchFn: typeof fetch;

  constructor(options: PrometheusOptions) {
    this.base = options.url.replace(/\/$/, '');
    this.timeoutMs = options.timeoutMs ?? 5000;
    this.retries = options.retries ?? 2;
    this.fetchFn = options.fetch ?? fetch;
    this.headers = { accept: 'application/json' };
    if (options.bearerToken) this.headers.authorization = `Bearer ${options.bearerToken}`;
    else if (options.basicAuth) {
      const { username, password } = options.basicAuth;
      this.headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const tls = options.tls;
    this.dispatcher =
      tls && (tls.caFile || tls.insecureSkipVerify)
        ? new Agent({
            connect: {
              ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
              rejectUnauthorized: !tls.insecureSkipVerify,
            },
          })
        : undefined;
  }

  get url(): string {
    return this.base;
  }

  async query(expr: string, time: Date): Promise<PromResult<Series[]>> {
    const params = { query: expr, time: seconds(time) };
    const result = await this.call('/api/v1/query', params);
    return result.status === 'ok' ? { ...result, value: toSeries(result.value) } : result;
  }

  /**
   * Range query. The step is at least what keeps each series under 11,000 points; a range that
   * would still be too long at the requested step is fetched in chunks and joined.
   */
  async queryRange(
    expr: string,
    start: Date,
    end: Date,
    stepSeconds: number,
    signal?: AbortSignal,
  ): Promise<PromResult<Series[]>> {
    const step = Math.max(1, stepSeconds);
    const span = (end.getTime() - start.getTime()) / 1000;
    const chunkSeconds = step * (MAX_POINTS_PER_SERIES - 1);
    const merged = new Map<string, Series>();
    const warnings: string[] = [];
    for (let from = start.getTime() / 1000; from <= end.getTime() / 1000; from += chunkSeconds + step) {
      const to = Math.min(end.getTime() / 1000, from + chunkSeconds);
      const params = { query: expr, start: String(from), end: String(to), step: String(step) };
      const result = await this.call('/api/v1/query_range', params, signal);
      if (result.status === 'error') return result;
      warnings.push(...(result.warnings ?? []));
      for (const series of toSeries(result.value)) {
        const key = JSON.stringify(series.labels);
        const existing = merged.get(key);
        if (existing) existing.points.push(...series.points);
        else merged.set(key, series);
      }
      if (span <= 0) break;
    }
    return { status: 'ok', value: [...merged.values()], ...(warnings.length ? { warnings } : {}) };
  }

  async series(
    match: string[],
    start: Date,
    end: Date,
    signal?: AbortSignal,
  ): Promise<PromResult<Array<Record<string, string>>>> {
    const params = new URLSearchParams({ start: seconds(start), end: seconds(end) });
    for (const m of match) params.append('match[]', m);
    return this.call('/api/v1/series', params, signal) as Promise<PromResult<Array<Record<string, string>>>>;
  }

  /** Alerting rules, to find an alert's expression by name. */
  async alertingRules(
    signal?: AbortSignal,
  ): Promise<PromResult<Array<{ name: string; query: string; labels: Record<string, string> }>>> {
    const result = await this.call('/api/v1/rules', { type: 'alert' }, signal);
    if (result.status === 'error') return result;
    const groups =
      (
        result.value as {
          groups?: Array<{
            rules?: Array<{ name: string; query: string; labels?: Record<string, string>; type?: string }>;
          }>;
        }
      ).groups ?? [];
    const rules = groups
      .flatMap((g) => g.rules ?? [])
      .filter((r) => r.type === undefined || r.type === 'alerting');
    return {
      status: 'ok',
      value: rules.map((r) => ({ name: r.name, query: r.query, labels: r.labels ?? {} })),
    };
  }

  async alerts(): Promise<
    PromResult<Array<{ labels: Record<string, string>; state: string; activeAt?: string }>>
  > {
    const result = await this.call('/api/v1/alerts', {});
    if (result.status === 'error') return result;
    return { status: 'ok', value: (result.value as { alerts?: [] }).alerts ?? [] };
  }

  async buildInfo(): Promise<PromResult<{ version: string }>> {
    const result = await this.call('/api/v1/status/buildinfo', {});
    return result.status === 'ok'
      ? {
          status: 'ok',
          value: { version: String((result.value as { version?: string }).version ?? 'unknown') },
        }
      : result;
  }

  /**
   * `signal` is the caller's deadline: once it fires, the request in flight is cut and no retry
   * starts, and the result carries the signal's reason.
   */
  private async call(
    path: string,
    params: Record<string, string> | URLSearchParams,
    signal?: AbortSignal,
  ): Promise<PromResult<unknown>> {
    const search = params instanceof URLSearchParams ? params : new URLSearchParams(params);
    // Repeated parameters (match[]) are kept, joined, so an error shows all of them.
    const flat: Record<string, string> = {};
    for (const [key, value] of search.entries()) flat[key] = key in flat ? `${flat[key]} | ${value}` : value;
    const query = flat.query;
    const fail = (
      error: string,
      extra: { httpStatus?: number; errorType?: string } = {},
    ): PromResult<unknown> => ({
      status: 'error',
      error,
      ...(query ? { query } : {}),
      params: flat,
      ...extra,
    });
    const cut = () => fail(errorMessage(signal?.reason ?? 'aborted'));
    let last: PromResult<unknown> = fail('no attempt made');
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      // The backoff ends early if the deadline fires; the check below then returns at once.
      if (attempt > 0) await delay(200 * 2 ** (attempt - 1), undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) return cut();
      let response: Response;
      try {
        // POST keeps long queries out of URLs and logs; Prometheus accepts form bodies on every read endpoint.
        response = await this.fetchFn(`${this.base}${path}`, {
          method: 'POST',
          headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: search.toString(),
          signal: signal
            ? AbortSignal.any([AbortSignal.timeout(this.timeoutMs), signal])
            : AbortSignal.timeout(this.timeoutMs),
          ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}),
        } as RequestInit);
      } catch (error) {
        if (signal?.aborted) return cut();
        // AbortSignal.timeout rejects with a DOMException, which is not always an Error instance.
        const name = (error as { name?: string } | null)?.name;
        const timedOut = name === 'TimeoutError' || name === 'AbortError';
        last = fail(
          timedOut
            ? `Prometheus did not answer within ${this.timeoutMs} ms`
            : `Prometheus unreachable at ${this.base}: ${errorMessage(error)}`,
        );
        continue;
      }
      let body: ApiBody | undefined;
      try {
        body = (await response.json()) as ApiBody;
      } catch {
        if (signal?.aborted) return cut();
        body = undefined;
      }
      if (response.ok && body?.status === 'success') {
        return {
          status: 'ok',
          value: body.data,
          ...(body.warnings?.length ? { warnings: body.warnings } : {}),
        };
      }
      const reason = body?.error
        ? `${body.errorType ?? 'error'}: ${body.error}`
        : `HTTP ${response.status} without a Prometheus answer`;
      last = fail(`Prometheus answered ${response.status} (${reason})`, {
        httpStatus: response.status,
        ...(body?.errorType ? { errorType: body.errorType } : {}),
      });
      // 4xx (bad query, auth) will not get better by retrying.
      if (response.status < 500) break;
    }
    return last;
  }
}

const seconds = (date: Date) => String(date.getTime() / 1000);

function toSeries(data: unknown): Series[] {
  const result = data as { resultType?: string; result?: unknown };
  const items = (result?.result ?? []) as Array<{
    metric?: Record<string, string>;
    values?: Array<[number, string]>;
    value?: [number, string];
  }>;
  if (result?.resultType === 'scalar' || result?.resultType === 'string') {
    const [t, v] = result.result as [number, string];
    return [{ labels: {}, points: [{ t: t * 1000, v: parseValue(v) }] }];
  }
  return items.map((item) => ({
    labels: item.metric ?? {},
    points: (item.values ?? (item.value ? [item.value] : [])).map(([t, v]) => ({
      t: t * 1000,
      v: parseValue(v),
    })),
  }));
}

/** Prometheus sends numbers as strings, including "NaN", "+Inf" and "-Inf". */
function parseValue(v: string): number {
  if (v === '+Inf') return Number.POSITIVE_INFINITY;
  if (v === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(v);
}
