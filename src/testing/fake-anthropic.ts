import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  fakeId,
  type Handler,
  header,
  pause,
  type RecordedRequest,
  record,
  roughTokens,
  Script,
  sendJson,
  sendRaw,
  sendThenReset,
  startHttpServer,
  watchAbort,
} from './fake-http.js';

/**
 * A fake Anthropic Messages API (`POST /v1/messages`) on a loopback port, for the real
 * `@anthropic-ai/sdk` with `baseURL: fake.url`. It speaks the wire format: JSON answers, SSE
 * streams (message_start, content_block_start/delta/stop with text_delta and input_json_delta in
 * several chunks, ping, message_delta, message_stop), the error body
 * `{"type":"error","error":{"type","message"}}`, and checks what the real API checks and agents
 * get wrong: key (`x-api-key` or `Authorization: Bearer`), `anthropic-version`, non-empty text
 * blocks, every tool_use answered by a tool_result in the next message and no tool_result without
 * its tool_use, tool_choice naming a tool. Violations get the API's 400.
 *
 * Replies are scripted: `fake.script(...)` queues them, `fake.handle(fn)` answers the rest; an
 * unscripted request gets a 500 api_error saying so. Usage defaults to about 4 characters a token;
 * with `cache_control` on the system prompt or tools, the first request writes the prefix to the
 * cache and later ones with the same prefix read it.
 */

export interface AnthropicTextBlockParam {
  type: 'text';
  text: string;
  cache_control?: { type: string };
}

export type AnthropicContentBlockParam =
  | AnthropicTextBlockParam
  | { type: 'tool_use'; id: string; name: string; input: unknown; cache_control?: { type: string } }
  | {
      type: 'tool_result';
      tool_use_id: string;
      content?: string | AnthropicTextBlockParam[];
      is_error?: boolean;
      cache_control?: { type: string };
    };

/** The request body as the fake parsed it. */
export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  messages: Array<{ role: 'user' | 'assistant'; content: string | AnthropicContentBlockParam[] }>;
  system?: string | AnthropicTextBlockParam[];
  tools?: Array<{
    name: string;
    description?: string;
    input_schema: Record<string, unknown>;
    cache_control?: { type: string };
  }>;
  tool_choice?: { type: 'auto' | 'any' | 'none' | 'tool'; name?: string };
  stream?: boolean;
  [key: string]: unknown;
}

export type AnthropicRecordedRequest = RecordedRequest<AnthropicRequestBody>;

export type FakeBlock =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id?: string; name: string; input: unknown }
  /** Adaptive thinking (on by default on current models); `thinking` is empty when display is omitted. */
  | { type: 'thinking'; thinking: string; signature: string };

export interface AnthropicUsage {
  input_tokens: number;
  output_tokens: number;
  /** The API may send null for these. */
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
}

interface Timing {
  /** Wait before answering; the wait ends when the client aborts. */
  delayMs?: number;
}

export interface MessageReply extends Timing {
  type: 'message';
  content: FakeBlock[];
  /** Default: tool_use when a block is a tool_use, else end_turn. */
  stopReason?: string;
  /** Fields given replace the computed ones. */
  usage?: Partial<AnthropicUsage>;
  /** Default: the requested model. */
  model?: string;
  /** Streaming only: wait between SSE events (slow streams, abort mid-stream). */
  eventDelayMs?: number;
}

export interface ErrorReply extends Timing {
  type: 'error';
  status: number;
  errorType: string;
  message: string;
  headers?: Record<string, string>;
  /** On a streaming request: answer 200, message_start, then `event: error` (as overloads arrive mid-stream). */
  midStream?: boolean;
}

export type MalformedForm =
  /** 200, application/json, body cut in the middle. */
  | 'truncated-json'
  /** 200, text/html: a proxy's page. */
  | 'html'
  /** 200, valid JSON that is not a message. */
  | 'wrong-shape'
  /** 200 SSE ending cleanly after the first delta, without message_stop. */
  | 'truncated-stream'
  /** 200 SSE whose second event's data is not JSON. */
  | 'bad-event'
  /** Part of the body (SSE when streaming, JSON otherwise), then the socket is destroyed. */
  | 'reset';

export interface MalformedReply extends Timing {
  type: 'malformed';
  form: MalformedForm;
}

export type AnthropicReply = MessageReply | ErrorReply | MalformedReply;

type MessageExtras = Omit<MessageReply, 'type' | 'content'>;

/** Concise reply builders. */
export const reply = {
  message(content: FakeBlock[], extras: MessageExtras = {}): MessageReply {
    return { type: 'message', content, ...extras };
  },
  text(text: string, extras: MessageExtras = {}): MessageReply {
    return reply.message([{ type: 'text', text }], extras);
  },
  /** A turn calling one tool, optionally with text before the call. */
  toolUse(
    name: string,
    input: unknown,
    extras: MessageExtras & { id?: string; text?: string } = {},
  ): MessageReply {
    const { id, text, ...rest } = extras;
    const call: FakeBlock = id ? { type: 'tool_use', id, name, input } : { type: 'tool_use', name, input };
    return reply.message(text ? [{ type: 'text', text }, call] : [call], rest);
  },
  error(
    status: number,
    errorType: string,
    message: string,
    extras: Omit<ErrorReply, 'type' | 'status' | 'errorType' | 'message'> = {},
  ): ErrorReply {
    return { type: 'error', status, errorType, message, ...extras };
  },
  /** 429 rate_limit_error; `retryAfter` in seconds, as the API sends it. */
  rateLimited(options: { retryAfter?: number; retryAfterMs?: number } = {}): ErrorReply {
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
    return reply.error(
      429,
      'rate_limit_error',
      'Number of request tokens has exceeded your per-minute rate limit',
      {
        headers,
      },
    );
  },
  overloaded(extras: { midStream?: boolean } = {}): ErrorReply {
    return reply.error(529, 'overloaded_error', 'Overloaded', extras);
  },
  serverError(message = 'Internal server error'): ErrorReply {
    return reply.error(500, 'api_error', message);
  },
  badRequest(message: string): ErrorReply {
    return reply.error(400, 'invalid_request_error', message);
  },
  malformed(form: MalformedForm): MalformedReply {
    return { type: 'malformed', form };
  },
  /** Any reply, answered after `ms` (or never, if the client gives up first). */
  delayed<R extends AnthropicReply>(ms: number, inner: R): R {
    return { ...inner, delayMs: ms };
  },
};

export interface FakeAnthropicOptions {
  /** The accepted key; any non-empty key when omitted. */
  apiKey?: string;
  /** Answers requests the queue does not cover. */
  handler?: Handler<AnthropicRequestBody, AnthropicReply>;
}

export interface FakeAnthropic {
  /** The SDK's `baseURL` (no `/v1`). */
  url: string;
  /** Every request, in arrival order, including rejected ones. */
  requests: AnthropicRecordedRequest[];
  /** Queues replies (or one-shot handlers) for the next requests. */
  script(...replies: Array<AnthropicReply | Handler<AnthropicRequestBody, AnthropicReply>>): void;
  /** Answers every request the queue does not cover; undefined removes it. */
  handle(handler: Handler<AnthropicRequestBody, AnthropicReply> | undefined): void;
  /** Replies queued and not yet used. */
  readonly pending: number;
  /** Forgets requests, queued replies, the handler and the prompt cache (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const requests: AnthropicRecordedRequest[] = [];
  const script = new Script<AnthropicRequestBody, AnthropicReply>(() =>
    reply.serverError('fake-anthropic: no reply scripted for this request'),
  );
  if (options.handler) script.handle(options.handler);
  const cachedPrefixes = new Set<string>();

  const server = await startHttpServer(async (request, response, raw) => {
    const recorded = record<AnthropicRequestBody>(request, raw);
    requests.push(recorded);
    watchAbort(response, recorded);
    response.setHeader('request-id', fakeId('req_'));

    const rejection = checkRequest(request, recorded, options.apiKey);
    if (rejection) return sendReply(response, recorded, rejection, cachedPrefixes);
    const chosen = await script.next(recorded);
    if (!(await pause(chosen.delayMs ?? 0, response))) return;
    await sendReply(response, recorded, chosen, cachedPrefixes);
  });

  return {
    url: server.origin,
    requests,
    script: (...replies) => script.push(...replies),
    handle: (handler) => script.handle(handler),
    get pending() {
      return script.pending;
    },
    reset: () => {
      requests.length = 0;
      script.clear();
      cachedPrefixes.clear();
    },
    close: () => server.close(),
  };
}

/** What the real API refuses before any model runs. */
function checkRequest(
  request: IncomingMessage,
  recorded: AnthropicRecordedRequest,
  apiKey: string | undefined,
): ErrorReply | undefined {
  if (request.method !== 'POST' || recorded.path.split('?')[0] !== '/v1/messages') {
    return reply.error(404, 'not_found_error', `Not Found: ${request.method} ${recorded.path}`);
  }
  if (!recorded.apiKey) return reply.error(401, 'authentication_error', 'x-api-key header is required');
  if (apiKey !== undefined && recorded.apiKey !== apiKey) {
    return reply.error(401, 'authentication_error', 'invalid x-api-key');
  }
  if (!header(request.headers, 'anthropic-version')) {
    return reply.badRequest('anthropic-version: header is required');
  }
  const body = recorded.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return reply.badRequest('The request body is not valid JSON');
  }
  if (typeof body.model !== 'string' || !body.model) return reply.badRequest('model: Field required');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) {
    return reply.badRequest('max_tokens: Field required');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return reply.badRequest('messages: at least one message is required');
  }
  return checkConversation(body);
}

function blocksOf(content: string | AnthropicContentBlockParam[]): AnthropicContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

function checkConversation(body: AnthropicRequestBody): ErrorReply | undefined {
  const systemBlocks = typeof body.system === 'string' ? [] : (body.system ?? []);
  if (systemBlocks.some((b) => !b.text))
    return reply.badRequest('system: text content blocks must be non-empty');
  for (const [i, message] of body.messages.entries()) {
    const blocks = blocksOf(message.content);
    for (const [j, block] of blocks.entries()) {
      if (block.type === 'text' && !block.text) {
        return reply.badRequest(`messages.${i}.content.${j}.text: text content blocks must be non-empty`);
      }
      if (block.type === 'tool_result') {
        const previous = i > 0 ? blocksOf(body.messages[i - 1]?.content ?? []) : [];
        const answered = previous.some((p) => p.type === 'tool_use' && p.id === block.tool_use_id);
        if (message.role !== 'user' || !answered) {
          return reply.badRequest(
            `messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${block.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`,
          );
        }
      }
    }
    if (message.role === 'assistant') {
      const next = body.messages[i + 1];
      const results = new Set(
        blocksOf(next?.content ?? []).flatMap((b) => (b.type === 'tool_result' ? [b.tool_use_id] : [])),
      );
      const missing = blocks.flatMap((b) => (b.type === 'tool_use' && !results.has(b.id) ? [b.id] : []));
      // The last assistant message may be a prefill; only an answered conversation needs results.
      if (missing.length > 0 && next) {
        return reply.badRequest(
          `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`,
        );
      }
    }
  }
  const tools = body.tools ?? [];
  for (const [i, tool] of tools.entries()) {
    if (!tool.name || tool.input_schema?.type !== 'object') {
      return reply.badRequest(`tools.${i}: a tool needs a name and an input_schema of type object`);
    }
  }
  if (body.tool_choice?.type === 'tool' && !tools.some((t) => t.name === body.tool_choice?.name)) {
    return reply.badRequest(`tool_choice: tool \`${body.tool_choice.name}\` is not among the tools`);
  }
  return undefined;
}

/** About 4 characters a token; a cache_control'd prefix is written once, then read. */
function computeUsage(
  body: AnthropicRequestBody,
  content: FakeBlock[],
  cachedPrefixes: Set<string>,
): AnthropicUsage {
  const prefixText = JSON.stringify([body.system ?? '', body.tools ?? []]);
  const total = roughTokens(prefixText + JSON.stringify(body.messages ?? []));
  const output = roughTokens(JSON.stringify(content));
  const systemCached = Array.isArray(body.system) && body.system.some((b) => b.cache_control);
  const toolsCached = (body.tools ?? []).some((t) => t.cache_control);
  if (!systemCached && !toolsCached) {
    return {
      input_tokens: total,
      output_tokens: output,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    };
  }
  const prefix = roughTokens(prefixText);
  const key = createHash('sha256').update(prefixText).digest('hex');
  const hit = cachedPrefixes.has(key);
  cachedPrefixes.add(key);
  return {
    input_tokens: Math.max(1, total - prefix),
    output_tokens: output,
    cache_creation_input_tokens: hit ? 0 : prefix,
    cache_read_input_tokens: hit ? prefix : 0,
  };
}

function buildMessage(body: AnthropicRequestBody, chosen: MessageReply, cachedPrefixes: Set<string>) {
  const content = chosen.content.map((block) =>
    block.type === 'text'
      ? { type: 'text' as const, text: block.text }
      : block.type === 'thinking'
        ? { type: 'thinking' as const, thinking: block.thinking, signature: block.signature }
        : {
            type: 'tool_use' as const,
            id: block.id ?? fakeId('toolu_'),
            name: block.name,
            input: block.input,
          },
  );
  const stopReason =
    chosen.stopReason ?? (content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
  return {
    id: fakeId('msg_'),
    type: 'message' as const,
    role: 'assistant' as const,
    model: chosen.model ?? body.model,
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { ...computeUsage(body, chosen.content, cachedPrefixes), ...chosen.usage },
  };
}

function errorBody(errorType: string, message: string) {
  return { type: 'error', error: { type: errorType, message }, request_id: fakeId('req_') };
}

async function sendReply(
  response: ServerResponse,
  recorded: AnthropicRecordedRequest,
  chosen: AnthropicReply,
  cachedPrefixes: Set<string>,
): Promise<void> {
  const body = recorded.body;
  const streaming = body?.stream === true;
  if (chosen.type === 'error') {
    if (chosen.midStream && streaming) {
      const sse = openSse(response);
      sse.event('message_start', { type: 'message_start', message: emptyMessage(body) });
      sse.event('error', errorBody(chosen.errorType, chosen.message));
      response.end();
      return;
    }
    sendJson(response, chosen.status, errorBody(chosen.errorType, chosen.message), chosen.headers);
    return;
  }
  if (chosen.type === 'malformed') return sendMalformed(response, body, chosen.form, streaming);
  const message = buildMessage(body, chosen, cachedPrefixes);
  if (!streaming) return sendJson(response, 200, message);
  await streamMessage(response, message, chosen.eventDelayMs ?? 0);
}

function emptyMessage(body: AnthropicRequestBody | undefined) {
  return {
    id: fakeId('msg_'),
    type: 'message',
    role: 'assistant',
    model: body?.model ?? 'unknown',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

function openSse(response: ServerResponse) {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  return {
    event(name: string, data: unknown) {
      response.write(`event: ${name}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
    },
  };
}

/** Splits a string into up to `parts` non-empty chunks, as the API splits deltas. */
function chunks(text: string, parts = 3): string[] {
  const size = Math.max(1, Math.ceil(text.length / parts));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

async function streamMessage(
  response: ServerResponse,
  message: ReturnType<typeof buildMessage>,
  eventDelayMs: number,
): Promise<void> {
  const sse = openSse(response);
  const step = async (name: string, data: unknown) => {
    if (response.destroyed) return false;
    sse.event(name, data);
    return eventDelayMs > 0 ? pause(eventDelayMs, response) : true;
  };
  const events: Array<[string, unknown]> = [
    [
      'message_start',
      {
        type: 'message_start',
        message: {
          ...message,
          content: [],
          stop_reason: null,
          usage: { ...message.usage, output_tokens: 1 },
        },
      },
    ],
    ['ping', { type: 'ping' }],
  ];
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push([
        'content_block_start',
        { type: 'content_block_start', index, content_block: { type: 'text', text: '' } },
      ]);
      for (const text of chunks(block.text)) {
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'text_delta', text } },
        ]);
      }
    } else if (block.type === 'thinking') {
      events.push(
        [
          'content_block_start',
          {
            type: 'content_block_start',
            index,
            content_block: { type: 'thinking', thinking: '', signature: '' },
          },
        ],
        ...chunks(block.thinking).map((thinking): [string, unknown] => [
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking } },
        ]),
        [
          'content_block_delta',
          {
            type: 'content_block_delta',
            index,
            delta: { type: 'signature_delta', signature: block.signature },
          },
        ],
      );
    } else {
      events.push([
        'content_block_start',
        {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        },
      ]);
      for (const partial_json of chunks(JSON.stringify(block.input ?? {}))) {
        events.push([
          'content_block_delta',
          { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json } },
        ]);
      }
    }
    events.push(['content_block_stop', { type: 'content_block_stop', index }]);
  });
  events.push(
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: message.stop_reason, stop_sequence: null },
        usage: { output_tokens: message.usage.output_tokens },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  );
  for (const [name, data] of events) {
    if (!(await step(name, data))) return;
  }
  response.end();
}

function sendMalformed(
  response: ServerResponse,
  body: AnthropicRequestBody | undefined,
  form: MalformedForm,
  streaming: boolean,
) {
  const start = JSON.stringify({ type: 'message_start', message: emptyMessage(body) });
  const whole = JSON.stringify({ ...emptyMessage(body), content: [{ type: 'text', text: 'cut here' }] });
  switch (form) {
    case 'truncated-json':
      return sendRaw(response, 200, 'application/json', whole.slice(0, Math.floor(whole.length / 2)));
    case 'html':
      return sendRaw(response, 200, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>');
    case 'wrong-shape':
      return sendJson(response, 200, { ok: true, result: 'this is not a message' });
    case 'truncated-stream': {
      const sse = openSse(response);
      sse.event('message_start', start);
      sse.event('content_block_start', {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'text', text: '' },
      });
      sse.event('content_block_delta', {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Half an ans' },
      });
      response.end();
      return;
    }
    case 'bad-event': {
      const sse = openSse(response);
      sse.event('message_start', start);
      sse.event('content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":');
      response.end();
      return;
    }
    case 'reset':
      return streaming
        ? sendThenReset(response, 'text/event-stream', `event: message_start\ndata: ${start}\n\n`)
        : sendThenReset(response, 'application/json', whole.slice(0, 40));
  }
}
