import { PrometheusAnalyzer } from '../../src/analyzers/prometheus/analyzer.js';
import { type ConfigInput, ConfigSchema } from '../../src/config/schema.js';
import {
  createPrometheusAnalyzer,
  createPrometheusClient,
} from '../../src/integrations/prometheus/analyzer-factory.js';
import { MAX_POINTS_PER_SERIES, PrometheusClient } from '../../src/integrations/prometheus/client.js';

/** One request as the fake Prometheus saw it. */
interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  form: URLSearchParams;
}

type Responder = (request: Recorded, index: number) => Response | Promise<Response>;

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const matrix = (result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>) =>
  json(200, { status: 'success', data: { resultType: 'matrix', result } });

const badData = () =>
  json(400, {
    status: 'error',
    errorType: 'bad_data',
    error: 'invalid parameter "query": 1:5: parse error: unexpected end of input',
  });

/** A fetch that records each request and answers with `respond`. */
function fakeFetch(respond: Responder) {
  const requests: Recorded[] = [];
  const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
    const request: Recorded = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      form: new URLSearchParams(String(init?.body ?? '')),
    };
    requests.push(request);
    return respond(request, requests.length - 1);
  }) as typeof fetch;
  return { fetchFn, requests };
}

const START = new Date(1_700_000_000_000);
const END = new Date(1_700_003_600_000);

describe('PrometheusClient: range queries on the wire', () => {
  test('POSTs a form body with query, start, end and step to /api/v1/query_range', async () => {
    const { fetchFn, requests } = fakeFetch(() =>
      matrix([
        {
          metric: { __name__: 'up', instance: 'web-1:9100' },
          values: [
            [1_700_000_000, '1'],
            [1_700_000_060, '0.5'],
          ],
        },
      ]),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090/', fetch: fetchFn });
    const result = await client.queryRange('up{instance="web-1:9100"}', START, END, 60);

    expect(requests).toHaveLength(1);
    const [request] = requests;
    expect(request?.url).toBe('http://prom:9090/api/v1/query_range');
    expect(request?.method).toBe('POST');
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request?.headers.accept).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(Object.fromEntries(request?.form ?? [])).toEqual({
      query: 'up{instance="web-1:9100"}',
      start: '1700000000',
      end: '1700003600',
      step: '60',
    });
    expect(result).toEqual({
      status: 'ok',
      value: [
        {
          labels: { __name__: 'up', instance: 'web-1:9100' },
          points: [
            { t: 1_700_000_000_000, v: 1 },
            { t: 1_700_000_060_000, v: 0.5 },
          ],
        },
      ],
    });
    expect(client.url).toBe('http://prom:9090');
  });

  test('a step below 1 s is raised to 1 s', async () => {
    const { fetchFn, requests } = fakeFetch(() => matrix([]));
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    await client.queryRange('up', START, new Date(START.getTime() + 10_000), 0);
    expect(requests[0]?.form.get('step')).toBe('1');
  });

  test('"NaN", "+Inf" and "-Inf" parse to numbers', async () => {
    const { fetchFn } = fakeFetch(() =>
      matrix([
        {
          metric: { job: 'x' },
          values: [
            [1_700_000_000, 'NaN'],
            [1_700_000_015, '+Inf'],
            [1_700_000_030, '-Inf'],
            [1_700_000_045, '1e3'],
          ],
        },
      ]),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    const result = await client.queryRange('x', START, END, 15);
    expect(result.status).toBe('ok');
    const values = result.status === 'ok' ? result.value[0]?.points.map((p) => p.v) : [];
    expect(values).toHaveLength(4);
    expect(values?.[0]).toBeNaN();
    expect(values?.slice(1)).toEqual([Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1000]);
  });

  test('warnings from Prometheus are passed on', async () => {
    const { fetchFn } = fakeFetch(() =>
      json(200, {
        status: 'success',
        data: { resultType: 'matrix', result: [] },
        warnings: ['PromQL info: metric might not be a counter'],
      }),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    expect(await client.queryRange('x', START, END, 15)).toEqual({
      status: 'ok',
      value: [],
      warnings: ['PromQL info: metric might not be a counter'],
    });
  });

  test('a range longer than 11,000 steps is fetched in chunks that do not overlap, joined per series', async () => {
    const step = 10;
    const start = new Date(1_700_000_000_000);
    // 25,000 steps: three chunks of at most 11,000 points each.
    const end = new Date(start.getTime() + 25_000 * step * 1000);
    const { fetchFn, requests } = fakeFetch((request) => {
      const from = Number(request.form.get('start'));
      const to = Number(request.form.get('end'));
      // Every series answers its first and last point of the chunk; "b" only exists in the last chunk.
      const result = [
        {
          metric: { s: 'a' },
          values: [
            [from, String(from)],
            [to, String(to)],
          ] as Array<[number, string]>,
        },
      ];
      if (to === end.getTime() / 1000) result.push({ metric: { s: 'b' }, values: [[to, '7']] });
      return matrix(result);
    });
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    const result = await client.queryRange('x', start, end, step);

    const chunks = requests.map((r) => [Number(r.form.get('start')), Number(r.form.get('end'))] as const);
    const s0 = start.getTime() / 1000;
    const chunkSeconds = (MAX_POINTS_PER_SERIES - 1) * step;
    expect(chunks).toEqual([
      [s0, s0 + chunkSeconds],
      [s0 + chunkSeconds + step, s0 + 2 * chunkSeconds + step],
      [s0 + 2 * chunkSeconds + 2 * step, end.getTime() / 1000],
    ]);
    for (const [from, to] of chunks)
      expect((to - from) / step + 1).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
    // Consecutive chunks are one step apart: no timestamp is asked for twice, none is skipped.
    for (let i = 1; i < chunks.length; i++)
      expect((chunks[i]?.[0] ?? 0) - (chunks[i - 1]?.[1] ?? 0)).toBe(step);
    expect(requests.every((r) => r.form.get('step') === '10' && r.form.get('query') === 'x')).toBe(true);

    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.value.map((s) => s.labels)).toEqual([{ s: 'a' }, { s: 'b' }]);
    const a = result.value[0]?.points.map((p) => p.t / 1000);
    expect(a).toEqual(chunks.flat());
    expect(result.value[1]?.points).toEqual([{ t: end.getTime(), v: 7 }]);
  });

  test('a chunk that fails fails the whole range query', async () => {
    const { fetchFn, requests } = fakeFetch((_, index) => (index === 0 ? matrix([]) : badData()));
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    const end = new Date(START.getTime() + 20_000 * 1000);
    const result = await client.queryRange('x', START, end, 1);
    expect(requests).toHaveLength(2);
    expect(result).toMatchObject({ status: 'error', httpStatus: 400, errorType: 'bad_data' });
  });
});

describe('PrometheusClient: authentication', () => {
  test('a bearer token is sent as Authorization: Bearer', async () => {
    const { fetchFn, requests } = fakeFetch(() => matrix([]));
    await new PrometheusClient({ url: 'http://prom:9090', bearerToken: 's3cret', fetch: fetchFn }).queryRange(
      'up',
      START,
      END,
      60,
    );
    expect(requests[0]?.headers.authorization).toBe('Bearer s3cret');
  });

  test('basic auth is sent as Authorization: Basic base64(user:password)', async () => {
    const { fetchFn, requests } = fakeFetch(() => matrix([]));
    await new PrometheusClient({
      url: 'http://prom:9090',
      basicAuth: { username: 'aals', password: 'p:ss' },
      fetch: fetchFn,
    }).queryRange('up', START, END, 60);
    expect(requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from('aals:p:ss').toString('base64')}`);
    expect(requests[0]?.headers.authorization).toBe('Basic YWFsczpwOnNz');
  });

  test('a bearer token wins over basic auth', async () => {
    const { fetchFn, requests } = fakeFetch(() => matrix([]));
    await new PrometheusClient({
      url: 'http://prom:9090',
      bearerToken: 'tok',
      basicAuth: { username: 'u', password: 'p' },
      fetch: fetchFn,
    }).queryRange('up', START, END, 60);
    expect(requests[0]?.headers.authorization).toBe('Bearer tok');
  });
});

describe('PrometheusClient: failures', () => {
  test('a 400 is not retried and carries query, params, httpStatus and errorType', async () => {
    const { fetchFn, requests } = fakeFetch(() => badData());
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn, retries: 2 });
    const result = await client.queryRange('rate(x[5m]', START, END, 60);
    expect(requests).toHaveLength(1);
    expect(result).toEqual({
      status: 'error',
      error:
        'Prometheus answered 400 (bad_data: invalid parameter "query": 1:5: parse error: unexpected end of input)',
      query: 'rate(x[5m]',
      params: { query: 'rate(x[5m]', start: '1700000000', end: '1700003600', step: '60' },
      httpStatus: 400,
      errorType: 'bad_data',
    });
  });

  test('a 401 without a Prometheus body is not retried either', async () => {
    const { fetchFn, requests } = fakeFetch(() => new Response('Unauthorized', { status: 401 }));
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn, retries: 2 });
    const result = await client.queryRange('up', START, END, 60);
    expect(requests).toHaveLength(1);
    expect(result).toMatchObject({
      status: 'error',
      error: 'Prometheus answered 401 (HTTP 401 without a Prometheus answer)',
      httpStatus: 401,
    });
    expect(result.status === 'error' && 'errorType' in result).toBe(false);
  });

  test('a 5xx is retried, and the last answer is reported when all attempts fail', async () => {
    const { fetchFn, requests } = fakeFetch(() =>
      json(503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn, retries: 2 });
    const result = await client.queryRange('up', START, END, 60);
    expect(requests).toHaveLength(3);
    expect(result).toMatchObject({
      status: 'error',
      error: 'Prometheus answered 503 (unavailable: TSDB not ready)',
      query: 'up',
      httpStatus: 503,
      errorType: 'unavailable',
    });
  });

  test("the caller's signal stops the retries: the result carries its reason", async () => {
    const deadline = new AbortController();
    const { fetchFn, requests } = fakeFetch(() => {
      deadline.abort(new Error('analysis deadline of 500 ms reached'));
      return json(503, { status: 'error', errorType: 'unavailable', error: 'TSDB not ready' });
    });
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn, retries: 2 });
    const result = await client.queryRange('up', START, END, 60, deadline.signal);
    expect(requests).toHaveLength(1);
    expect(result).toMatchObject({
      status: 'error',
      error: 'analysis deadline of 500 ms reached',
      query: 'up',
    });
  });

  test('a signal that has already fired sends nothing', async () => {
    const { fetchFn, requests } = fakeFetch(() => matrix([]));
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    const result = await client.series(['up'], START, END, AbortSignal.abort(new Error('too late')));
    expect(requests).toHaveLength(0);
    expect(result).toMatchObject({ status: 'error', error: 'too late' });
  });

  test('a 5xx followed by success returns the data', async () => {
    const { fetchFn, requests } = fakeFetch((_, index) =>
      index === 0
        ? new Response('<html>bad gateway</html>', { status: 502 })
        : matrix([{ metric: { a: '1' }, values: [[1_700_000_000, '3']] }]),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn, retries: 1 });
    const result = await client.queryRange('up', START, END, 60);
    expect(requests).toHaveLength(2);
    expect(result).toEqual({
      status: 'ok',
      value: [{ labels: { a: '1' }, points: [{ t: 1_700_000_000_000, v: 3 }] }],
    });
  });

  test('a network error becomes "Prometheus unreachable at <url>: …" and is retried', async () => {
    const { fetchFn, requests } = fakeFetch(() => {
      throw new TypeError('fetch failed');
    });
    const client = new PrometheusClient({ url: 'http://prom.invalid:9090/', fetch: fetchFn, retries: 1 });
    const result = await client.queryRange('up', START, END, 60);
    expect(requests).toHaveLength(2);
    expect(result).toEqual({
      status: 'error',
      error: 'Prometheus unreachable at http://prom.invalid:9090: fetch failed',
      query: 'up',
      params: { query: 'up', start: '1700000000', end: '1700003600', step: '60' },
    });
  });

  test('a Prometheus that does not answer within the timeout is reported as such', async () => {
    const signals: AbortSignal[] = [];
    const fetchFn = ((_: unknown, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        const signal = init?.signal as AbortSignal;
        signals.push(signal);
        signal.addEventListener('abort', () => reject(signal.reason));
      })) as typeof fetch;
    const client = new PrometheusClient({
      url: 'http://prom:9090',
      fetch: fetchFn,
      timeoutMs: 60,
      retries: 0,
    });
    const started = Date.now();
    const result = await client.queryRange('up', START, END, 60);
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(result).toMatchObject({
      status: 'error',
      error: 'Prometheus did not answer within 60 ms',
      query: 'up',
      params: { query: 'up', start: '1700000000', end: '1700003600', step: '60' },
    });
  });
});

describe('PrometheusClient: other endpoints', () => {
  test('alertingRules() asks for alert rules and keeps only alerting rules from all groups', async () => {
    const { fetchFn, requests } = fakeFetch(() =>
      json(200, {
        status: 'success',
        data: {
          groups: [
            {
              name: 'node',
              rules: [
                {
                  type: 'alerting',
                  name: 'HighCPU',
                  query: 'cpu > 90',
                  labels: { severity: 'critical' },
                  state: 'inactive',
                },
                { type: 'recording', name: 'job:cpu:avg', query: 'avg by (job) (cpu)' },
              ],
            },
            { name: 'empty' },
            { name: 'disk', rules: [{ type: 'alerting', name: 'DiskFull', query: 'disk_used > 0.95' }] },
          ],
        },
      }),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    expect(await client.alertingRules()).toEqual({
      status: 'ok',
      value: [
        { name: 'HighCPU', query: 'cpu > 90', labels: { severity: 'critical' } },
        { name: 'DiskFull', query: 'disk_used > 0.95', labels: {} },
      ],
    });
    expect(requests[0]?.url).toBe('http://prom:9090/api/v1/rules');
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({ type: 'alert' });
  });

  test('series() sends every match[] and the time range', async () => {
    const { fetchFn, requests } = fakeFetch(() =>
      json(200, {
        status: 'success',
        data: [
          { __name__: 'node_load1', instance: 'web-1:9100' },
          { __name__: 'process_open_fds', instance: 'web-1:9100' },
        ],
      }),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    const result = await client.series(['{instance="web-1:9100"}', 'up'], START, END);
    expect(requests[0]?.url).toBe('http://prom:9090/api/v1/series');
    expect(requests[0]?.method).toBe('POST');
    expect(requests[0]?.form.getAll('match[]')).toEqual(['{instance="web-1:9100"}', 'up']);
    expect(requests[0]?.form.get('start')).toBe('1700000000');
    expect(requests[0]?.form.get('end')).toBe('1700003600');
    expect(result).toEqual({
      status: 'ok',
      value: [
        { __name__: 'node_load1', instance: 'web-1:9100' },
        { __name__: 'process_open_fds', instance: 'web-1:9100' },
      ],
    });
  });

  test('query() sends query and time to /api/v1/query and parses a vector', async () => {
    const { fetchFn, requests } = fakeFetch(() =>
      json(200, {
        status: 'success',
        data: {
          resultType: 'vector',
          result: [{ metric: { job: 'node' }, value: [1_700_000_000.5, '+Inf'] }],
        },
      }),
    );
    const client = new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn });
    const result = await client.query('up', new Date(1_700_000_000_500));
    expect(requests[0]?.url).toBe('http://prom:9090/api/v1/query');
    expect(Object.fromEntries(requests[0]?.form ?? [])).toEqual({ query: 'up', time: '1700000000.5' });
    expect(result).toEqual({
      status: 'ok',
      value: [{ labels: { job: 'node' }, points: [{ t: 1_700_000_000_500, v: Number.POSITIVE_INFINITY }] }],
    });
  });

  test('buildInfo() returns the version; an error has no query but keeps params', async () => {
    const ok = fakeFetch(() => json(200, { status: 'success', data: { version: '3.5.0', revision: 'abc' } }));
    expect(await new PrometheusClient({ url: 'http://prom:9090', fetch: ok.fetchFn }).buildInfo()).toEqual({
      status: 'ok',
      value: { version: '3.5.0' },
    });
    expect(ok.requests[0]?.url).toBe('http://prom:9090/api/v1/status/buildinfo');

    const failing = fakeFetch(() => new Response('forbidden', { status: 403 }));
    const result = await new PrometheusClient({
      url: 'http://prom:9090',
      fetch: failing.fetchFn,
    }).buildInfo();
    expect(result).toEqual({
      status: 'error',
      error: 'Prometheus answered 403 (HTTP 403 without a Prometheus answer)',
      params: {},
      httpStatus: 403,
    });
  });
});

describe('analyzer factory', () => {
  const configOf = (input: ConfigInput) => ConfigSchema.parse(input);

  test('no URL: no client and no analyzer', () => {
    const config = configOf({});
    expect(createPrometheusClient(config)).toBeNull();
    expect(createPrometheusAnalyzer(config)).toBeNull();
  });

  test('a URL turns the module on; the client drops a trailing slash', () => {
    const config = configOf({ modules: { prometheus: { url: 'http://prom.internal:9090/' } } });
    expect(createPrometheusClient(config)?.url).toBe('http://prom.internal:9090');
    expect(createPrometheusClient(config, 'http://other:9090')?.url).toBe('http://other:9090');
    expect(createPrometheusAnalyzer(config)).toBeInstanceOf(PrometheusAnalyzer);
  });

  test('switched off: no analyzer even with a URL', () => {
    const config = configOf({
      modules: { prometheus: { enabled: false, url: 'http://prom.internal:9090' } },
    });
    expect(createPrometheusAnalyzer(config)).toBeNull();
  });
});

describe('PrometheusClient: regressions', () => {
  test('a scalar +Inf / -Inf parses as infinity', async () => {
    for (const [raw, expected] of [
      ['+Inf', Number.POSITIVE_INFINITY],
      ['-Inf', Number.NEGATIVE_INFINITY],
    ] as const) {
      const { fetchFn } = fakeFetch(() =>
        json(200, { status: 'success', data: { resultType: 'scalar', result: [1700000000, raw] } }),
      );
      const result = await new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn }).query(
        'vector(1)',
        START,
      );
      expect(result.status === 'ok' && result.value[0]?.points[0]?.v).toBe(expected);
    }
  });

  test('an error keeps every repeated match[] parameter', async () => {
    const { fetchFn } = fakeFetch(() => badData());
    const result = await new PrometheusClient({ url: 'http://prom:9090', fetch: fetchFn }).series(
      ['a', 'b'],
      START,
      END,
    );
    expect(result.status === 'error' && result.params['match[]']).toBe('a | b');
  });
});
