import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  fakeId,
  type Handler,
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
 * A fake OpenAI-compatible chat completions server (`POST /v1/chat/completions`, JSON only) on a
 * loopback port, standing for OpenAI, Ollama, vLLM or llama.cpp. It checks what OpenAI checks
 * and agents get wrong: `Authorization: Bearer` when a key is configured (the 401 quotes the key
 * it refused, as some proxies do, so redaction is exercised), a `tool` message only after an
 * assistant `tool_calls` with that id, every tool call answered, `arguments` as a string.
 * Violations get OpenAI's 400 `{"error":{"message","type","param","code"}}`.
 *
 * Replies are scripted like fake-anthropic's: `fake.script(...)`, `fake.handle(fn)`; an
 * unscripted request gets a 500 saying so.
 */

export type OpenAiWireMessage =
  | { role: 'system' | 'user'; content: string }
  | {
      role: 'assistant';
      content: string | null;
      tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: unknown } }>;
    }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface OpenAiRequestBody {
  model: string;
  messages: OpenAiWireMessage[];
  max_tokens?: number;
  tools?: Array<{ type: 'function'; function: { name: string; description?: string; parameters?: unknown } }>;
  tool_choice?: 'auto' | 'none' | 'required' | { type: 'function'; function: { name: string } };
  stream?: boolean;
  [key: string]: unknown;
}

export type OpenAiRecordedRequest = RecordedRequest<OpenAiRequestBody>;

export interface FakeToolCall {
  id?: string;
  name: string;
  /** An object is JSON-encoded; a string is sent as is (so it can be broken JSON). */
  arguments: unknown;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
}

interface Timing {
  /** Wait before answering; the wait ends when the client aborts. */
  delayMs?: number;
}

export interface CompletionReply extends Timing {
  type: 'message';
  content?: string | null;
  toolCalls?: FakeToolCall[];
  /** Default: tool_calls when there are tool calls, else stop. */
  finishReason?: string;
  /** Fields given replace the computed ones. */
  usage?: Partial<OpenAiUsage>;
  /** Leave `usage` out of the answer, as some servers do. */
  omitUsage?: boolean;
  model?: string;
}

export interface ErrorReply extends Timing {
  type: 'error';
  status: number;
  message: string;
  errorType?: string;
  code?: string | null;
  headers?: Record<string, string>;
  /** Replaces the OpenAI-shaped body (e.g. Ollama's `{"error":"…"}`). */
  body?: unknown;
}

export type MalformedForm = 'truncated-json' | 'html' | 'wrong-shape' | 'reset';

export interface MalformedReply extends Timing {
  type: 'malformed';
  form: MalformedForm;
}

export type OpenAiReply = CompletionReply | ErrorReply | MalformedReply;

type CompletionExtras = Omit<CompletionReply, 'type' | 'content' | 'toolCalls'>;

/** Concise reply builders. */
export const reply = {
  text(text: string, extras: CompletionExtras = {}): CompletionReply {
    return { type: 'message', content: text, ...extras };
  },
  /** A turn calling tools, optionally with text. */
  toolCalls(calls: FakeToolCall[], extras: CompletionExtras & { text?: string } = {}): CompletionReply {
    const { text, ...rest } = extras;
    return { type: 'message', content: text ?? null, toolCalls: calls, ...rest };
  },
  toolCall(
    name: string,
    args: unknown,
    extras: CompletionExtras & { id?: string; text?: string } = {},
  ): CompletionReply {
    const { id, ...rest } = extras;
    return reply.toolCalls([id ? { id, name, arguments: args } : { name, arguments: args }], rest);
  },
  error(
    status: number,
    message: string,
    extras: Omit<ErrorReply, 'type' | 'status' | 'message'> = {},
  ): ErrorReply {
    return { type: 'error', status, message, ...extras };
  },
  /** 429; `retryAfter` in seconds. */
  rateLimited(options: { retryAfter?: number; retryAfterMs?: number } = {}): ErrorReply {
    const headers: Record<string, string> = {};
    if (options.retryAfter !== undefined) headers['retry-after'] = String(options.retryAfter);
    if (options.retryAfterMs !== undefined) headers['retry-after-ms'] = String(options.retryAfterMs);
    return reply.error(429, 'Rate limit reached for requests', {
      errorType: 'requests',
      code: 'rate_limit_exceeded',
      headers,
    });
  },
  serverError(message = 'The server had an error while processing your request.'): ErrorReply {
    return reply.error(500, message, { errorType: 'server_error' });
  },
  badRequest(message: string): ErrorReply {
    return reply.error(400, message, { errorType: 'invalid_request_error' });
  },
  /** What Ollama answers when the model has no tool support. */
  toolsUnsupported(model = 'gemma:2b'): ErrorReply {
    return reply.error(400, `registry.ollama.ai/library/${model} does not support tools`, {
      errorType: 'api_error',
    });
  },
  malformed(form: MalformedForm): MalformedReply {
    return { type: 'malformed', form };
  },
  delayed<R extends OpenAiReply>(ms: number, inner: R): R {
    return { ...inner, delayMs: ms };
  },
};

export interface FakeOpenAiOptions {
  /** Required as `Authorization: Bearer`; no authentication when omitted (like Ollama). */
  apiKey?: string;
  handler?: Handler<OpenAiRequestBody, OpenAiReply>;
}

export interface FakeOpenAi {
  /** The provider's base URL, `/v1` included. */
  url: string;
  requests: OpenAiRecordedRequest[];
  script(...replies: Array<OpenAiReply | Handler<OpenAiRequestBody, OpenAiReply>>): void;
  handle(handler: Handler<OpenAiRequestBody, OpenAiReply> | undefined): void;
  readonly pending: number;
  /** Forgets requests, queued replies and the handler (between tests). */
  reset(): void;
  close(): Promise<void>;
}

export async function startFakeOpenAi(options: FakeOpenAiOptions = {}): Promise<FakeOpenAi> {
  const requests: OpenAiRecordedRequest[] = [];
  const script = new Script<OpenAiRequestBody, OpenAiReply>(() =>
    reply.serverError('fake-openai: no reply scripted for this request'),
  );
  if (options.handler) script.handle(options.handler);

  const server = await startHttpServer(async (request, response, raw) => {
    const recorded = record<OpenAiRequestBody>(request, raw);
    requests.push(recorded);
    watchAbort(response, recorded);
    const rejection = checkRequest(request, recorded, options.apiKey);
    if (rejection) return sendReply(response, recorded.body, rejection);
    const chosen = await script.next(recorded);
    if (!(await pause(chosen.delayMs ?? 0, response))) return;
    sendReply(response, recorded.body, chosen);
  });

  return {
    url: `${server.origin}/v1`,
    requests,
    script: (...replies) => script.push(...replies),
    handle: (handler) => script.handle(handler),
    get pending() {
      return script.pending;
    },
    reset: () => {
      requests.length = 0;
      script.clear();
    },
    close: () => server.close(),
  };
}

function checkRequest(
  request: IncomingMessage,
  recorded: OpenAiRecordedRequest,
  apiKey: string | undefined,
): ErrorReply | undefined {
  if (request.method !== 'POST' || recorded.path.split('?')[0] !== '/v1/chat/completions') {
    return reply.error(404, `Invalid URL (${request.method} ${recorded.path})`, {
      errorType: 'invalid_request_error',
    });
  }
  if (apiKey !== undefined && recorded.apiKey !== apiKey) {
    const message = recorded.apiKey
      ? `Incorrect API key provided: ${recorded.apiKey}.`
      : "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.";
    return reply.error(401, message, { errorType: 'invalid_request_error', code: 'invalid_api_key' });
  }
  const body = recorded.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return reply.badRequest('We could not parse the JSON body of your request.');
  }
  if (typeof body.model !== 'string' || !body.model)
    return reply.badRequest('you must provide a model parameter');
  if (body.stream === true) return reply.badRequest('fake-openai: streaming is not implemented');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return reply.badRequest("Invalid 'messages': empty array. Expected an array with minimum length 1.");
  }
  return checkToolMessages(body.messages);
}

function checkToolMessages(messages: OpenAiWireMessage[]): ErrorReply | undefined {
  // Ids the last assistant message asked for and no tool message has answered yet.
  let open: Set<string> | undefined;
  for (const [i, message] of messages.entries()) {
    if (message.role === 'tool') {
      if (!open?.delete(message.tool_call_id)) {
        return reply.badRequest(
          `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. (messages.[${i}])`,
        );
      }
      continue;
    }
    if (open && open.size > 0) {
      return reply.badRequest(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`,
      );
    }
    open = undefined;
    if (message.role === 'assistant' && message.tool_calls?.length) {
      for (const [j, call] of message.tool_calls.entries()) {
        if (typeof call.function?.arguments !== 'string') {
          return reply.badRequest(
            `Invalid type for 'messages[${i}].tool_calls[${j}].function.arguments': expected a string.`,
          );
        }
      }
      open = new Set(message.tool_calls.map((c) => c.id));
    }
  }
  if (open && open.size > 0) {
    return reply.badRequest(
      `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...open].join(', ')}`,
    );
  }
  return undefined;
}

function buildCompletion(body: OpenAiRequestBody, chosen: CompletionReply) {
  const calls = (chosen.toolCalls ?? []).map((call) => ({
    id: call.id ?? fakeId('call_'),
    type: 'function' as const,
    function: {
      name: call.name,
      arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments ?? {}),
    },
  }));
  const content = chosen.content ?? null;
  const prompt =
    chosen.usage?.prompt_tokens ?? roughTokens(JSON.stringify([body.messages, body.tools ?? []]));
  const completion = chosen.usage?.completion_tokens ?? roughTokens(JSON.stringify([content, calls]));
  const cached = chosen.usage?.cached_tokens ?? 0;
  return {
    id: fakeId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: chosen.model ?? body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: chosen.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop'),
      },
    ],
    ...(chosen.omitUsage
      ? {}
      : {
          usage: {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt + completion,
            prompt_tokens_details: { cached_tokens: cached },
          },
        }),
    system_fingerprint: 'fp_fake',
  };
}

function sendReply(response: ServerResponse, body: OpenAiRequestBody, chosen: OpenAiReply) {
  if (chosen.type === 'error') {
    const payload = chosen.body ?? {
      error: {
        message: chosen.message,
        type: chosen.errorType ?? 'invalid_request_error',
        param: null,
        code: chosen.code ?? null,
      },
    };
    return sendJson(response, chosen.status, payload, chosen.headers);
  }
  if (chosen.type === 'message') return sendJson(response, 200, buildCompletion(body, chosen));
  const whole = JSON.stringify(buildCompletion(body, { type: 'message', content: 'cut here' }));
  switch (chosen.form) {
    case 'truncated-json':
      return sendRaw(response, 200, 'application/json', whole.slice(0, Math.floor(whole.length / 2)));
    case 'html':
      return sendRaw(response, 200, 'text/html', '<html><body><h1>502 Bad Gateway</h1></body></html>');
    case 'wrong-shape':
      return sendJson(response, 200, { object: 'list', data: [] });
    case 'reset':
      return sendThenReset(response, 'application/json', whole.slice(0, 40));
  }
}
