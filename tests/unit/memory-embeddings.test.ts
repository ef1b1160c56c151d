import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AalsError, ErrorCode } from '../../src/errors.js';
import { HashedEmbedding, normalizeVector, OpenAiCompatibleEmbedding } from '../../src/memory/embeddings.js';

const norm = (v: Float32Array) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * (b[i] as number), 0);

describe('HashedEmbedding', () => {
  const provider = new HashedEmbedding();

  test('384 dimensions by default, the id names version and size, lexical', () => {
    expect(provider.dimensions).toBe(384);
    expect(provider.id).toBe('hashed-v2-384');
    expect(provider.lexical).toBe(true);
    const custom = new HashedEmbedding(64);
    expect(custom.id).toBe('hashed-v2-64');
    expect(custom.embedOne('disk full')).toHaveLength(64);
  });

  test('deterministic: same text, same vector, also across instances', async () => {
    const text = 'NodeFilesystemAlmostFull on db-01: pg_wal growing';
    const [a, b] = await provider.embed([text, text]);
    expect(Array.from(a as Float32Array)).toEqual(Array.from(b as Float32Array));
    expect(Array.from(new HashedEmbedding().embedOne(text))).toEqual(Array.from(a as Float32Array));
  });

  test('unit norm, and different texts give different vectors', async () => {
    const [a, b] = await provider.embed(['disk full on db-01', 'Kafka consumer lag on orders']);
    expect(a).toHaveLength(384);
    expect(norm(a as Float32Array)).toBeCloseTo(1, 5);
    expect(norm(b as Float32Array)).toBeCloseTo(1, 5);
    expect(cosine(a as Float32Array, b as Float32Array)).toBeLessThan(0.5);
  });

  test('text without any token embeds to the zero vector, not NaN', () => {
    const vector = provider.embedOne('   ');
    expect(vector.every((x) => x === 0)).toBe(true);
  });

  test('an English text is closer to its Japanese paraphrase than to an unrelated English text', () => {
    const en = provider.embedOne('Disk usage almost full on the database server, WAL archive failing');
    const ja = provider.embedOne('データベースサーバのディスク使用率が逼迫、WAL のアーカイブが失敗');
    const unrelated = provider.embedOne('Kafka consumer group rebalance loop after the deploy');
    const paraphrase = cosine(en, ja);
    expect(paraphrase).toBeGreaterThan(cosine(en, unrelated) + 0.2);
    expect(paraphrase).toBeGreaterThan(cosine(ja, unrelated) + 0.2);
  });

  test('normalizeVector scales to unit length and leaves a zero vector alone', () => {
    expect(Array.from(normalizeVector(Float32Array.from([3, 4])))).toEqual([
      expect.closeTo(0.6, 6),
      expect.closeTo(0.8, 6),
    ]);
    expect(Array.from(normalizeVector(new Float32Array(3)))).toEqual([0, 0, 0]);
  });
});

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: { model: string; input: string[]; dimensions: number };
}

type Handler = (request: Received, response: ServerResponse) => void;

/** A local server speaking the OpenAI `/v1/embeddings` wire format, recording what it was sent. */
class FakeEmbeddingServer {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private readonly open = new Set<ServerResponse>();
  handler: Handler = (request, response) =>
    this.answer(response, request.body.input.map(FakeEmbeddingServer.vector));

  /** A deterministic 4-dimensional vector for a text, not unit length (the client normalizes). */
  static vector(text: string): number[] {
    return [text.length, 1, text.charCodeAt(0) % 7, 2];
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        this.open.add(res);
        res.on('close', () => this.open.delete(res));
        const request: Received = {
          method: req.method,
          url: req.url,
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
        };
        this.received.push(request);
        this.handler(request, res);
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  answer(response: ServerResponse, vectors: number[][], order?: number[]): void {
    const indexes = order ?? vectors.map((_, i) => i);
    const body = {
      object: 'list',
      data: indexes.map((index) => ({ object: 'embedding', index, embedding: vectors[index] })),
      model: 'test-embed',
      usage: { prompt_tokens: 5, total_tokens: 5 },
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async stop(): Promise<void> {
    for (const response of this.open) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('OpenAiCompatibleEmbedding against a local /v1/embeddings server', () => {
  let server: FakeEmbeddingServer;
  let url: string;

  beforeEach(async () => {
    server = new FakeEmbeddingServer();
    url = await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  const provider = (options: Partial<ConstructorParameters<typeof OpenAiCompatibleEmbedding>[0]> = {}) =>
    new OpenAiCompatibleEmbedding({ url, model: 'test-embed', dimensions: 4, ...options });

  test('id names model and dimensions; not lexical', () => {
    const p = provider();
    expect(p.id).toBe('openai:test-embed:4');
    expect(p.dimensions).toBe(4);
    expect(p.lexical).toBe(false);
  });

  test('POSTs {model, input, dimensions} as JSON to {url}/v1/embeddings and returns unit vectors in order', async () => {
    const vectors = await provider().embed(['disk full', 'cpu']);
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/v1/embeddings');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual({ model: 'test-embed', input: ['disk full', 'cpu'], dimensions: 4 });
    expect(vectors).toHaveLength(2);
    for (const [i, text] of ['disk full', 'cpu'].entries()) {
      const expected = normalizeVector(Float32Array.from(FakeEmbeddingServer.vector(text)));
      expect(Array.from(vectors[i] as Float32Array)).toEqual(Array.from(expected));
      expect(norm(vectors[i] as Float32Array)).toBeCloseTo(1, 5);
    }
  });

  test('a trailing slash on the base URL does not double the slash', async () => {
    await provider({ url: `${url}/` }).embed(['x']);
    expect(server.received[0]?.url).toBe('/v1/embeddings');
  });

  test('sends the API key as a Bearer token', async () => {
    await provider({ apiKey: 'test-key-123' }).embed(['x']);
    expect(server.received[0]?.headers.authorization).toBe('Bearer test-key-123');
  });

  test('batches: batchSize texts per request, results concatenated in input order', async () => {
    const texts = ['a', 'bb', 'ccc', 'dddd', 'eeeee'];
    const vectors = await provider({ batchSize: 2 }).embed(texts);
    expect(server.received.map((r) => r.body.input)).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['eeeee']]);
    expect(vectors.map((v) => Array.from(v))).toEqual(
      texts.map((t) => Array.from(normalizeVector(Float32Array.from(FakeEmbeddingServer.vector(t))))),
    );
  });

  test('no texts, no request', async () => {
    expect(await provider().embed([])).toEqual([]);
    expect(server.received).toHaveLength(0);
  });

  test('data in any order is put back in input order by `index`', async () => {
    server.handler = (request, response) =>
      server.answer(response, request.body.input.map(FakeEmbeddingServer.vector), [2, 0, 1]);
    const texts = ['one', 'three', 'seventeen'];
    const vectors = await provider().embed(texts);
    expect(vectors.map((v) => Array.from(v))).toEqual(
      texts.map((t) => Array.from(normalizeVector(Float32Array.from(FakeEmbeddingServer.vector(t))))),
    );
  });

  test('a 5xx answer is an error naming the status and the body', async () => {
    server.handler = (_request, response) => {
      response.writeHead(503, { 'content-type': 'text/plain' });
      response.end('model is loading');
    };
    const error = await provider()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AalsError);
    expect((error as AalsError).code).toBe(ErrorCode.IntegrationUnavailable);
    expect((error as AalsError).message).toMatch(
      /^embeddings endpoint http:\/\/127\.0\.0\.1:\d+\/v1\/embeddings answered 503: model is loading$/,
    );
  });

  test('no answer within timeoutMs is an error naming the endpoint', async () => {
    server.handler = () => {
      // never answers
    };
    const started = Date.now();
    const error = await provider({ timeoutMs: 300 })
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(error).toBeInstanceOf(AalsError);
    expect((error as AalsError).code).toBe(ErrorCode.IntegrationUnavailable);
    expect((error as AalsError).message).toContain(`embeddings endpoint unreachable at ${url}/v1/embeddings`);
    expect((error as AalsError).message).toMatch(/timeout|timed out|aborted/i);
  });

  test('headers sent but the body stalls past timeoutMs: still an error naming the endpoint', async () => {
    server.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write('{"object":"list","data":[');
      // the rest never comes
    };
    const error = await provider({ timeoutMs: 300 })
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AalsError);
    expect((error as AalsError).message).toContain('embeddings endpoint');
  });

  test('a 200 answer that is not JSON (a proxy login page) is an error naming the endpoint', async () => {
    server.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>Please sign in</html>');
    };
    const error = await provider()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AalsError);
    expect((error as AalsError).message).toContain('embeddings endpoint');
  });

  test('a JSON answer in another format (no `data`) is an error', async () => {
    server.handler = (_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ embedding: [1, 2, 3, 4] }));
    };
    await expect(provider().embed(['x'])).rejects.toThrow(
      'embeddings endpoint returned 0 vectors of the wrong size (expected 1 × 4)',
    );
  });

  test('nothing listening is an error naming the endpoint', async () => {
    await server.stop();
    const error = await provider()
      .embed(['x'])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AalsError);
    expect((error as AalsError).message).toContain(`embeddings endpoint unreachable at ${url}/v1/embeddings`);
  });

  test('vectors of the wrong size are an error', async () => {
    server.handler = (request, response) =>
      server.answer(
        response,
        request.body.input.map(() => [1, 2, 3]),
      );
    await expect(provider().embed(['x', 'y'])).rejects.toThrow(
      'embeddings endpoint returned 2 vectors of the wrong size (expected 2 × 4)',
    );
  });

  test('fewer vectors than texts is an error', async () => {
    server.handler = (request, response) =>
      server.answer(response, request.body.input.slice(1).map(FakeEmbeddingServer.vector));
    await expect(provider().embed(['x', 'y'])).rejects.toThrow(/returned 1 vectors .*expected 2 × 4/);
  });

  test('an injected fetch is used instead of the global one', async () => {
    const calls: string[] = [];
    const fetchSpy: typeof fetch = async (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    await provider({ fetch: fetchSpy }).embed(['x']);
    expect(calls).toEqual([`${url}/v1/embeddings`]);
  });
});
