import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { OpenAiCompatibleProvider } from '../../src/llm/openai.js';
import { type ChatMessage, type ChatRequest, LlmError, type ToolSpec } from '../../src/llm/provider.js';
import { type FakeOpenAi, reply, startFakeOpenAi } from '../../src/testing/fake-openai.js';

const KEY = 'sk-proj-test-0123456789abcdef';

const QUERY_TOOL: ToolSpec = {
  name: 'query_prometheus',
  description: 'Run a PromQL instant query.',
  inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
};

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'gpt-test',
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

let fake: FakeOpenAi;
let open: FakeOpenAi;

beforeAll(async () => {
  fake = await startFakeOpenAi({ apiKey: KEY });
  // A local server without authentication, as Ollama runs.
  open = await startFakeOpenAi();
});
afterAll(async () => {
  await fake.close();
  await open.close();
});
beforeEach(() => {
  fake.reset();
  open.reset();
});

function provider(extra: { timeoutMs?: number; apiKey?: string } = {}) {
  return new OpenAiCompatibleProvider({
    baseUrl: fake.url,
    apiKey: extra.apiKey ?? KEY,
    model: 'gpt-test',
    timeoutMs: extra.timeoutMs,
  });
}

describe('OpenAiCompatibleProvider', () => {
  it('answers text and sends a chat completions request', async () => {
    fake.script(reply.text('The database pool is exhausted.'));
    const response = await provider().complete(chat());
    expect(response).toEqual({
      content: [{ type: 'text', text: 'The database pool is exhausted.' }],
      stopReason: 'end_turn',
      usage: expect.objectContaining({ cacheReadTokens: 0, cacheWriteTokens: 0 }),
      model: 'gpt-test',
    });
    expect(response.usage.inputTokens).toBeGreaterThan(0);

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(request?.body).toEqual({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'You are an SRE assistant.' },
        { role: 'user', content: 'Why is checkout slow?' },
      ],
      max_tokens: 512,
      stream: false,
    });
  });

  it('sends no Authorization header without a key (Ollama)', async () => {
    open.script(reply.text('hi'));
    const local = new OpenAiCompatibleProvider({ baseUrl: `${open.url}/`, model: 'llama3.1' });
    await local.complete(chat({ model: '' }));
    expect(open.requests[0]?.headers.authorization).toBeUndefined();
    expect(open.requests[0]?.authStyle).toBe('none');
    expect(open.requests[0]?.body.model).toBe('llama3.1');
  });

  it('round-trips tool_calls and a tool result', async () => {
    fake.script(
      reply.toolCall(
        'query_prometheus',
        { query: 'up{job="checkout"}' },
        { id: 'call_1', text: 'Checking targets.' },
      ),
      reply.text('Two checkout targets are down.'),
    );
    const llm = provider();
    const first = await llm.complete(chat({ tools: [QUERY_TOOL], cachePrefix: true }));
    expect(first.stopReason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Checking targets.' },
      { type: 'tool_use', id: 'call_1', name: 'query_prometheus', input: { query: 'up{job="checkout"}' } },
    ]);

    const history: ChatMessage[] = [
      ...chat().messages,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [
          { type: 'tool_result', toolUseId: 'call_1', content: 'no data', isError: true },
          { type: 'text', text: 'Also consider the last deploy.' },
        ],
      },
    ];
    const second = await llm.complete(chat({ tools: [QUERY_TOOL], messages: history }));
    expect(second.content).toEqual([{ type: 'text', text: 'Two checkout targets are down.' }]);

    const [one, two] = fake.requests.map((r) => r.body);
    expect(one?.tools).toEqual([
      {
        type: 'function',
        function: {
          name: 'query_prometheus',
          description: QUERY_TOOL.description,
          parameters: QUERY_TOOL.inputSchema,
        },
      },
    ]);
    expect(one?.tool_choice).toBe('auto');
    expect(two?.messages.slice(2)).toEqual([
      {
        role: 'assistant',
        content: 'Checking targets.',
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'query_prometheus', arguments: '{"query":"up{job=\\"checkout\\"}"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'ERROR: no data' },
      { role: 'user', content: 'Also consider the last deploy.' },
    ]);
  });

  it('forces a named tool', async () => {
    fake.script(reply.toolCall('query_prometheus', { query: 'up' }));
    await provider().complete(chat({ tools: [QUERY_TOOL], toolChoice: { name: 'query_prometheus' } }));
    expect(fake.requests[0]?.body.tool_choice).toEqual({
      type: 'function',
      function: { name: 'query_prometheus' },
    });
  });

  it('passes unparseable tool arguments through raw, so the agent can answer with a validation error', async () => {
    fake.script(reply.toolCall('query_prometheus', '{"query": "up{job=', { id: 'call_bad' }));
    const response = await provider().complete(chat({ tools: [QUERY_TOOL] }));
    expect(response.content).toEqual([
      { type: 'tool_use', id: 'call_bad', name: 'query_prometheus', input: '{"query": "up{job=' },
    ]);
    expect(response.stopReason).toBe('tool_use');
  });

  it('reads empty arguments as {} and a tool call under finish_reason "stop" as tool_use', async () => {
    fake.script(reply.toolCall('list_alerts', '', { finishReason: 'stop' }));
    const response = await provider().complete(chat({ tools: [QUERY_TOOL] }));
    expect(response.content[0]).toMatchObject({ type: 'tool_use', name: 'list_alerts', input: {} });
    expect(response.stopReason).toBe('tool_use');
  });

  it('maps finish reasons and null content', async () => {
    fake.script(
      reply.text('cut', { finishReason: 'length' }),
      reply.text('filtered', { finishReason: 'content_filter' }),
      { type: 'message', content: null },
    );
    const llm = provider();
    expect((await llm.complete(chat())).stopReason).toBe('max_tokens');
    expect((await llm.complete(chat())).stopReason).toBe('other');
    expect((await llm.complete(chat())).content).toEqual([]);
  });

  it('maps usage: cached tokens counted apart from input, missing usage as zeros', async () => {
    fake.script(
      reply.text('ok', { usage: { prompt_tokens: 100, completion_tokens: 20, cached_tokens: 60 } }),
      reply.text('ok', { omitUsage: true }),
    );
    const llm = provider();
    expect((await llm.complete(chat())).usage).toEqual({
      inputTokens: 40,
      outputTokens: 20,
      cacheReadTokens: 60,
      cacheWriteTokens: 0,
    });
    expect((await llm.complete(chat())).usage).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
    });
  });

  it('429 → rate_limited with Retry-After, in one request', async () => {
    fake.script(reply.rateLimited({ retryAfter: 3 }));
    const error = await failure(provider().complete(chat()));
    expect(error.kind).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toContain('Rate limit reached');
    expect(fake.requests).toHaveLength(1);
  });

  it('5xx → server, 400 → bad_request, each in one request', async () => {
    const llm = provider();
    for (const [scripted, kind, status] of [
      [reply.serverError(), 'server', 500],
      [reply.error(503, 'Service Unavailable', { errorType: 'server_error' }), 'server', 503],
      [reply.badRequest("Invalid 'max_tokens': too large"), 'bad_request', 400],
    ] as const) {
      fake.reset();
      fake.script(scripted);
      const error = await failure(llm.complete(chat()));
      expect([error.kind, error.status]).toEqual([kind, status]);
      expect(error.message).not.toContain('tool calling');
      expect(fake.requests).toHaveLength(1);
    }
  });

  it('401 → auth, with the key redacted even though the server quotes it', async () => {
    const wrongKey = 'sk-proj-wrong-9876543210';
    const error = await failure(provider({ apiKey: wrongKey }).complete(chat()));
    expect(error.kind).toBe('auth');
    expect(error.status).toBe(401);
    expect(error.message).toContain('Incorrect API key provided');
    expect(error.message).not.toContain(wrongKey);
    expect(error.message).toContain('[redacted]');
    expect(fake.requests).toHaveLength(1);
  });

  it('a server without tool support → bad_request saying so', async () => {
    fake.script(reply.toolsUnsupported('gemma:2b'));
    const error = await failure(provider().complete(chat({ tools: [QUERY_TOOL] })));
    expect(error.kind).toBe('bad_request');
    expect(error.message).toContain('does not support tool calling');
    expect(error.message).toContain('gemma:2b');
  });

  it('a 400 about our tool messages is a plain bad_request, not "unsupported"', async () => {
    const error = await failure(
      provider().complete(
        chat({
          tools: [QUERY_TOOL],
          messages: [
            { role: 'user', content: [{ type: 'tool_result', toolUseId: 'call_x', content: 'orphan' }] },
          ],
        }),
      ),
    );
    expect(error.kind).toBe('bad_request');
    expect(error.message).toContain("role 'tool'");
    expect(error.message).not.toContain('does not support tool calling');
  });

  it("reads Ollama's string error body", async () => {
    fake.script(reply.error(404, '', { body: { error: "model 'llama9' not found, try pulling it first" } }));
    const error = await failure(provider().complete(chat()));
    expect(error.kind).toBe('bad_request');
    expect(error.message).toContain("model 'llama9' not found");
  });

  it('an abort while waiting for a slow answer → timeout, and the fake sees the client leave', async () => {
    fake.script(reply.delayed(10_000, reply.text('too late')));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const error = await failure(provider().complete(chat({ signal: controller.signal })));
    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(3000);
    await until(() => fake.requests[0]?.aborted === true);
    expect(fake.requests[0]?.aborted).toBe(true);
  });

  it('timeoutMs → timeout', async () => {
    fake.script(reply.delayed(10_000, reply.text('too late')));
    const error = await failure(provider({ timeoutMs: 150 }).complete(chat()));
    expect(error.kind).toBe('timeout');
    expect(fake.requests).toHaveLength(1);
  });

  it('a 200 that is not a completion → malformed; a reset mid-body → network', async () => {
    const llm = provider();
    for (const form of ['truncated-json', 'html', 'wrong-shape'] as const) {
      fake.script(reply.malformed(form));
      const error = await failure(llm.complete(chat()));
      expect([form, error.kind]).toEqual([form, 'malformed']);
    }
    fake.script(reply.malformed('reset'));
    expect((await failure(llm.complete(chat()))).kind).toBe('network');
  });

  it('connection refused → network', async () => {
    const port = await closedPort();
    const llm = new OpenAiCompatibleProvider({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      apiKey: KEY,
      model: 'm',
    });
    const error = await failure(llm.complete(chat()));
    expect(error.kind).toBe('network');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(KEY);
  });
});

describe('fake OpenAI wire format', () => {
  it('answers the chat.completion shape and the OpenAI error shape', async () => {
    fake.script(reply.toolCall('query_prometheus', { query: 'up' }, { id: 'call_7' }));
    const ok = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(await ok.json()).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-test',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: 'call_7',
                type: 'function',
                function: { name: 'query_prometheus', arguments: '{"query":"up"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: expect.any(Number),
        completion_tokens: expect.any(Number),
        total_tokens: expect.any(Number),
      },
    });

    const refused = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-test',
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
          { role: 'user', content: 'no tool answer' },
        ],
      }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: {
        message: expect.stringContaining('did not have response messages: c1'),
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
  });
});
