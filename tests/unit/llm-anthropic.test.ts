import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { AnthropicProvider } from '../../src/llm/anthropic.js';
import { type ChatMessage, type ChatRequest, LlmError, type ToolSpec } from '../../src/llm/provider.js';
import { type FakeAnthropic, reply, startFakeAnthropic } from '../../src/testing/fake-anthropic.js';

// Built at run time so no key-shaped literal sits in the repository.
const KEY = ['sk', 'ant', 'test', '0123456789abcdef'].join('-');

const QUERY_TOOL: ToolSpec = {
  name: 'query_prometheus',
  description: 'Run a PromQL instant query.',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};
const LOGS_TOOL: ToolSpec = {
  name: 'read_logs',
  description: 'Tail a log file on a host.',
  inputSchema: { type: 'object', properties: { host: { type: 'string' } }, required: ['host'] },
};

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'claude-test-1',
    system: 'You are an SRE assistant.',
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Why is checkout slow?' }] }],
    tools: [],
    maxOutputTokens: 512,
    ...overrides,
  };
}

async function failure(promise: Promise<unknown>): Promise<LlmError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof LlmError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

async function until(condition: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
}

let fake: FakeAnthropic;

beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

function provider(streaming: boolean, extra: { timeoutMs?: number; apiKey?: string } = {}) {
  return new AnthropicProvider({
    apiKey: extra.apiKey ?? KEY,
    baseURL: fake.url,
    model: 'claude-test-1',
    streaming,
    timeoutMs: extra.timeoutMs,
  });
}

describe.each([
  ['JSON', false],
  ['streaming', true],
])('AnthropicProvider (%s)', (_mode, streaming) => {
  it('answers text and sends the Messages API request the SDK builds', async () => {
    fake.script(reply.text('Checkout is slow because the database pool is exhausted.'));
    const response = await provider(streaming).complete(chat());

    expect(response.content).toEqual([
      { type: 'text', text: 'Checkout is slow because the database pool is exhausted.' },
    ]);
    expect(response.stopReason).toBe('end_turn');
    expect(response.model).toBe('claude-test-1');
    expect(response.usage.inputTokens).toBeGreaterThan(0);
    expect(response.usage.outputTokens).toBeGreaterThan(0);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.path).toBe('/v1/messages');
    expect(request?.authStyle).toBe('bearer');
    expect(request?.apiKey).toBe(KEY);
    expect(request?.headers['anthropic-version']).toBeTruthy();
    expect(request?.body.stream ?? false).toBe(streaming);
    expect(request?.body.max_tokens).toBe(512);
    expect(request?.body.system).toEqual([{ type: 'text', text: 'You are an SRE assistant.' }]);
    expect(request?.body.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Why is checkout slow?' }] },
    ]);
    expect(request?.body.tools).toBeUndefined();
    expect(request?.body.tool_choice).toBeUndefined();
  });

  it('round-trips a tool_use turn and its tool_result, with the prompt cache', async () => {
    fake.script(
      reply.toolUse(
        'query_prometheus',
        { query: 'rate(http_requests_total{job="checkout"}[5m])' },
        {
          id: 'toolu_01',
          text: 'Let me look at the request rate.',
        },
      ),
      reply.text('The rate tripled at 10:02; the pool is too small.'),
    );
    const llm = provider(streaming);
    const tools = [LOGS_TOOL, QUERY_TOOL];
    const first = await llm.complete(chat({ tools, cachePrefix: true }));

    expect(first.stopReason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me look at the request rate.' },
      {
        type: 'tool_use',
        id: 'toolu_01',
        name: 'query_prometheus',
        input: { query: 'rate(http_requests_total{job="checkout"}[5m])' },
      },
    ]);
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(0);
    expect(first.usage.cacheReadTokens).toBe(0);

    const history: ChatMessage[] = [
      ...chat().messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', toolUseId: 'toolu_01', content: 'query timed out', isError: true }],
      },
    ];
    const second = await llm.complete(chat({ tools, cachePrefix: true, messages: history }));
    expect(second.content).toEqual([
      { type: 'text', text: 'The rate tripled at 10:02; the pool is too small.' },
    ]);
    expect(second.usage.cacheReadTokens).toBe(first.usage.cacheWriteTokens);
    expect(second.usage.cacheWriteTokens).toBe(0);

    const [one, two] = fake.requests.map((r) => r.body);
    expect(one?.system).toEqual([
      { type: 'text', text: 'You are an SRE assistant.', cache_control: { type: 'ephemeral' } },
    ]);
    expect(one?.tools).toEqual([
      { name: 'read_logs', description: LOGS_TOOL.description, input_schema: LOGS_TOOL.inputSchema },
      {
        name: 'query_prometheus',
        description: QUERY_TOOL.description,
        input_schema: QUERY_TOOL.inputSchema,
        cache_control: { type: 'ephemeral' },
      },
    ]);
    expect(one?.tool_choice).toEqual({ type: 'auto' });
    expect(two?.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'text', text: 'Let me look at the request rate.' },
        {
          type: 'tool_use',
          id: 'toolu_01',
          name: 'query_prometheus',
          input: { query: 'rate(http_requests_total{job="checkout"}[5m])' },
        },
      ],
    });
    expect(two?.messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'query timed out', is_error: true }],
    });
  });

  it('forces a named tool and sends no cache_control without cachePrefix', async () => {
    fake.script(reply.toolUse('read_logs', { host: 'web-1' }));
    const response = await provider(streaming).complete(
      chat({ tools: [QUERY_TOOL, LOGS_TOOL], toolChoice: { name: 'read_logs' } }),
    );
    expect(response.content[0]).toMatchObject({
      type: 'tool_use',
      name: 'read_logs',
      input: { host: 'web-1' },
    });
    const body = fake.requests[0]?.body;
    expect(body?.tool_choice).toEqual({ type: 'tool', name: 'read_logs' });
    expect(JSON.stringify(body)).not.toContain('cache_control');
  });

  it('maps usage, cache tokens included, and nulls to 0', async () => {
    fake.script(
      reply.text('ok', {
        usage: {
          input_tokens: 12,
          output_tokens: 34,
          cache_read_input_tokens: 56,
          cache_creation_input_tokens: 78,
        },
      }),
      reply.text('ok', { usage: { cache_read_input_tokens: null, cache_creation_input_tokens: null } }),
    );
    const llm = provider(streaming);
    expect((await llm.complete(chat())).usage).toEqual({
      inputTokens: 12,
      outputTokens: 34,
      cacheReadTokens: 56,
      cacheWriteTokens: 78,
    });
    const nulls = (await llm.complete(chat())).usage;
    expect(nulls.cacheReadTokens).toBe(0);
    expect(nulls.cacheWriteTokens).toBe(0);
  });

  it('maps stop reasons', async () => {
    fake.script(reply.text('cut', { stopReason: 'max_tokens' }), reply.text('no', { stopReason: 'refusal' }));
    const llm = provider(streaming);
    expect((await llm.complete(chat())).stopReason).toBe('max_tokens');
    expect((await llm.complete(chat())).stopReason).toBe('other');
  });

  it('429 → rate_limited with retry-after, in one request', async () => {
    fake.script(reply.rateLimited({ retryAfter: 7 }));
    const error = await failure(provider(streaming).complete(chat()));
    expect(error.kind).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(7000);
    expect(error.retryable).toBe(true);
    expect(fake.requests).toHaveLength(1);
  });

  it('429 → retry-after-ms wins over retry-after', async () => {
    fake.script(reply.rateLimited({ retryAfter: 7, retryAfterMs: 1500 }));
    const error = await failure(provider(streaming).complete(chat()));
    expect(error.retryAfterMs).toBe(1500);
  });

  it('529 → overloaded, 500 → server, 400 → bad_request, each in one request', async () => {
    const llm = provider(streaming);
    for (const [scripted, kind, status] of [
      [reply.overloaded(), 'overloaded', 529],
      [reply.serverError(), 'server', 500],
      [reply.badRequest('max_tokens: too large'), 'bad_request', 400],
    ] as const) {
      fake.requests.length = 0;
      fake.script(scripted);
      const error = await failure(llm.complete(chat()));
      expect(error.kind).toBe(kind);
      expect(error.status).toBe(status);
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('401 → auth, and the key never appears in the message', async () => {
    const wrongKey = ['sk', 'ant', 'wrong', 'key', '9876543210'].join('-');
    const error = await failure(provider(streaming, { apiKey: wrongKey }).complete(chat()));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toContain('authentication_error');
    expect(error.message).not.toContain(wrongKey);
    expect(fake.requests).toHaveLength(1);

    // Even when the server quotes the key back.
    fake.script((request) => reply.error(401, 'authentication_error', `key ${request.apiKey} is revoked`));
    const quoted = await failure(provider(streaming).complete(chat()));
    expect(quoted.message).not.toContain(KEY);
    expect(quoted.message).toContain('[redacted]');
  });

  it('an abort while waiting for a slow answer → timeout, and the fake sees the client leave', async () => {
    fake.script(reply.delayed(10_000, reply.text('too late')));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(provider(streaming).complete(chat({ signal: controller.signal })));
    expect(error.kind).toBe('timeout');
    expect(error.retryable).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
    await until(() => fake.requests[0]?.aborted === true);
    expect(fake.requests[0]?.aborted).toBe(true);
  });

  it('an already aborted signal sends nothing', async () => {
    const error = await failure(provider(streaming).complete(chat({ signal: AbortSignal.abort() })));
    expect(error.kind).toBe('timeout');
    expect(fake.requests).toHaveLength(0);
  });

  it('the client timeout → timeout', async () => {
    fake.script(reply.delayed(10_000, reply.text('too late')));
    const error = await failure(provider(streaming, { timeoutMs: 150 }).complete(chat()));
    expect(error.kind).toBe('timeout');
    expect(fake.requests).toHaveLength(1);
  });

  it('a connection reset mid-answer → network', async () => {
    fake.script(reply.malformed('reset'));
    const error = await failure(provider(streaming).complete(chat()));
    expect(error.kind).toBe('network');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 200 that is not a message → malformed', async () => {
    const llm = provider(streaming);
    for (const form of ['truncated-json', 'html', 'wrong-shape'] as const) {
      fake.script(reply.malformed(form));
      const error = await failure(llm.complete(chat()));
      expect([form, error.kind]).toEqual([form, 'malformed']);
    }
  });

  it('an unscripted request gets the fake’s 500', async () => {
    const error = await failure(provider(streaming).complete(chat()));
    expect(error.kind).toBe('server');
    expect(error.message).toContain('no reply scripted');
  });

  it('a tool_result without its tool_use is refused as the API does', async () => {
    const error = await failure(
      provider(streaming).complete(
        chat({
          messages: [
            { role: 'user', content: [{ type: 'tool_result', toolUseId: 'toolu_missing', content: 'x' }] },
          ],
        }),
      ),
    );
    expect(error.kind).toBe('bad_request');
    expect(error.message).toContain('toolu_missing');
  });
});

describe('AnthropicProvider streaming faults', () => {
  it('an SSE stream that ends before message_stop → malformed', async () => {
    fake.script(reply.malformed('truncated-stream'));
    const error = await failure(provider(true).complete(chat()));
    expect(error.kind).toBe('malformed');
    expect(fake.requests).toHaveLength(1);
  });

  it('an SSE event whose data is not JSON → malformed', async () => {
    fake.script(reply.malformed('bad-event'));
    const error = await failure(provider(true).complete(chat()));
    expect(error.kind).toBe('malformed');
  });

  it('overloaded_error sent as an SSE event after a 200 → overloaded', async () => {
    fake.script(reply.overloaded({ midStream: true }));
    const error = await failure(provider(true).complete(chat()));
    expect(error.kind).toBe('overloaded');
    expect(error.status).toBeUndefined();
  });

  it('an abort in the middle of a slow stream → timeout', async () => {
    fake.script(reply.text('a long answer that trickles in', { eventDelayMs: 200 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 500);
    const error = await failure(provider(true).complete(chat({ signal: controller.signal })));
    expect(error.kind).toBe('timeout');
    await until(() => fake.requests[0]?.aborted === true);
    expect(fake.requests[0]?.aborted).toBe(true);
  });

  it('a large maxOutputTokens is accepted without streaming', async () => {
    fake.script(reply.text('ok'));
    const response = await provider(false).complete(chat({ maxOutputTokens: 32_000 }));
    expect(response.content).toEqual([{ type: 'text', text: 'ok' }]);
  });
});

describe('AnthropicProvider without a server', () => {
  it('connection refused → network', async () => {
    const port = await closedPort();
    const llm = new AnthropicProvider({
      apiKey: KEY,
      baseURL: `http://127.0.0.1:${port}`,
      model: 'claude-test-1',
    });
    const error = await failure(llm.complete(chat()));
    expect(error.kind).toBe('network');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(KEY);
  });
});

describe('fake Anthropic wire format', () => {
  const body = JSON.stringify({
    model: 'claude-test-1',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
  });

  async function post(headers: Record<string, string>, payload = body) {
    return fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: payload,
    });
  }

  it('accepts the key as x-api-key or as Authorization: Bearer', async () => {
    fake.script(reply.text('one'), reply.text('two'));
    const viaHeader = await post({ 'x-api-key': KEY, 'anthropic-version': '2023-06-01' });
    const viaBearer = await post({ authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01' });
    expect([viaHeader.status, viaBearer.status]).toEqual([200, 200]);
    expect(fake.requests.map((r) => r.authStyle)).toEqual(['x-api-key', 'bearer']);
    const message = (await viaHeader.json()) as Record<string, unknown>;
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: 'claude-test-1',
      content: [{ type: 'text', text: 'one' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
    });
    expect(Object.keys(message.usage as object).sort()).toEqual([
      'cache_creation_input_tokens',
      'cache_read_input_tokens',
      'input_tokens',
      'output_tokens',
    ]);
  });

  it('answers 401 in the API error shape for a wrong key, 400 without anthropic-version', async () => {
    const wrong = await post({ 'x-api-key': 'nope', 'anthropic-version': '2023-06-01' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: expect.any(String) },
    });
    const noVersion = await post({ 'x-api-key': KEY });
    expect(noVersion.status).toBe(400);
    expect(await noVersion.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('streams SSE with pings, chunked text_delta and input_json_delta', async () => {
    fake.script(
      reply.toolUse(
        'query_prometheus',
        { query: 'up{job="checkout"}' },
        { text: 'Checking the targets now.' },
      ),
    );
    const response = await post(
      { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' },
      JSON.stringify({ ...JSON.parse(body), stream: true }),
    );
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)$/gm)].map((m) => m[1]);
    expect(events[0]).toBe('message_start');
    expect(events).toContain('ping');
    expect(events.filter((e) => e === 'content_block_start')).toHaveLength(2);
    expect(events.filter((e) => e === 'content_block_delta').length).toBeGreaterThanOrEqual(4);
    expect(events.slice(-2)).toEqual(['message_delta', 'message_stop']);
    const partials = [...text.matchAll(/"partial_json":("(?:[^"\\]|\\.)*")/g)].map((m) =>
      JSON.parse(m[1] ?? '""'),
    );
    expect(partials.length).toBeGreaterThan(1);
    expect(JSON.parse(partials.join(''))).toEqual({ query: 'up{job="checkout"}' });
    expect(text).toContain('"stop_reason":"tool_use"');
  });
});
