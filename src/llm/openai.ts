import {
  type ChatMessage,
  type ChatProvider,
  type ChatRequest,
  type ChatResponse,
  LlmError,
  redactSecret,
  retryAfterMs,
  type StopReason,
} from './provider.js';

/**
 * Any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, llama.cpp, LiteLLM) with
 * plain fetch. Not streamed: servers disagree on how they split tool calls across chunks, a turn
 * is only useful once complete, and the caller's AbortSignal already bounds a hung answer.
 *
 * Malformed tool arguments (a JSON string that does not parse, which small local models produce)
 * do not fail the turn: the tool_use block carries the raw string as its `input`, which no object
 * schema accepts, so the agent answers with a validation error and the model can try again.
 */
export interface OpenAiProviderOptions {
  /** Including `/v1`, e.g. http://localhost:11434/v1 for Ollama. */
  baseUrl: string;
  model: string;
  /** Sent as `Authorization: Bearer` only when given; local servers usually need none. */
  apiKey?: string | undefined;
  /** Per-request ceiling on top of `ChatRequest.signal`. */
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
}

type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface WireCompletion {
  model?: string;
  choices?: Array<{
    message?: {
      content?: string | null | Array<{ type?: string; text?: string }>;
      tool_calls?: Array<{ id?: string; function?: { name?: string; arguments?: unknown } }> | null;
    };
    finish_reason?: string | null;
  }>;
  usage?: {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number } | null;
  } | null;
}

export class OpenAiCompatibleProvider implements ChatProvider {
  readonly name = 'openai' as const;
  readonly model: string;
  private readonly endpoint: string;

  constructor(private readonly options: OpenAiProviderOptions) {
    this.model = options.model;
    this.endpoint = `${options.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const body = toBody(request, this.model);
    const signals = [
      request.signal,
      this.options.timeoutMs ? AbortSignal.timeout(this.options.timeoutMs) : undefined,
    ];
    const active = signals.filter((s): s is AbortSignal => s !== undefined);
    const signal = active.length > 0 ? AbortSignal.any(active) : undefined;
    const say = (text: string) => redactSecret(`openai: ${text}`, this.options.apiKey);

    let response: Response;
    let text: string;
    try {
      response = await (this.options.fetch ?? fetch)(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
        signal,
      });
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) {
        throw new LlmError('timeout', say(`request to ${this.endpoint} aborted`), { cause: error });
      }
      throw new LlmError('network', say(`cannot reach ${this.endpoint}: ${causeOf(error)}`), {
        cause: error,
      });
    }

    if (!response.ok) throw statusError(response, text, body.tools !== undefined, say);

    let parsed: WireCompletion;
    try {
      parsed = JSON.parse(text) as WireCompletion;
    } catch (error) {
      throw new LlmError('malformed', say(`the answer is not JSON: ${text.slice(0, 120)}`), { cause: error });
    }
    return fromCompletion(parsed, body.model, say);
  }
}

interface WireBody {
  model: string;
  messages: WireMessage[];
  max_tokens: number;
  stream: false;
  tools?: Array<{ type: 'function'; function: { name: string; description: string; parameters: unknown } }>;
  tool_choice?: 'auto' | { type: 'function'; function: { name: string } };
}

function toBody(request: ChatRequest, defaultModel: string): WireBody {
  const messages: WireMessage[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  for (const message of request.messages) messages.push(...toWireMessages(message));
  const body: WireBody = {
    model: request.model || defaultModel,
    messages,
    max_tokens: request.maxOutputTokens,
    stream: false,
  };
  // cachePrefix needs nothing here: OpenAI caches long prefixes on its own and reports cached_tokens.
  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: tool.inputSchema },
    }));
    const choice = request.toolChoice ?? 'auto';
    body.tool_choice = choice === 'auto' ? 'auto' : { type: 'function', function: { name: choice.name } };
  }
  return body;
}

/** One neutral message can become several: each tool result is its own `tool` message. */
function toWireMessages(message: ChatMessage): WireMessage[] {
  const texts: string[] = [];
  const calls: WireToolCall[] = [];
  const results: WireMessage[] = [];
  for (const block of message.content) {
    if (block.type === 'text') {
      if (block.text) texts.push(block.text);
    } else if (block.type === 'tool_use') {
      calls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    } else if (block.type === 'tool_result') {
      // The wire format has no error flag: say it in the content so the model reads it.
      const content = block.isError ? `ERROR: ${block.content}` : block.content;
      results.push({ role: 'tool', tool_call_id: block.toolUseId, content });
    }
  }
  const text = texts.join('\n\n');
  if (message.role === 'assistant') {
    if (!text && calls.length === 0) return [];
    return [{ role: 'assistant', content: text || null, ...(calls.length > 0 ? { tool_calls: calls } : {}) }];
  }
  // Tool messages must directly follow the assistant's tool_calls, so they come before any user text.
  return text ? [...results, { role: 'user', content: text }] : results;
}

const FINISH_REASONS: Record<string, StopReason> = {
  stop: 'end_turn',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  length: 'max_tokens',
};

function fromCompletion(
  completion: WireCompletion,
  requestedModel: string,
  say: (text: string) => string,
): ChatResponse {
  const choice = Array.isArray(completion?.choices) ? completion.choices[0] : undefined;
  const message = choice?.message;
  if (typeof message !== 'object' || message === null) {
    throw new LlmError('malformed', say('the answer has no choices[0].message'));
  }
  const content: ChatResponse['content'] = [];
  const text = Array.isArray(message.content)
    ? message.content.map((part) => (part.type === 'text' && part.text ? part.text : '')).join('')
    : message.content;
  if (typeof text === 'string' && text) content.push({ type: 'text', text });
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((call, i) => {
    const name = call.function?.name;
    if (!name) throw new LlmError('malformed', say(`tool call ${i} has no function name`));
    content.push({
      type: 'tool_use',
      id: call.id || `call_${i}`,
      name,
      input: parseArguments(call.function?.arguments),
    });
  });

  let stopReason = FINISH_REASONS[choice?.finish_reason ?? ''] ?? 'other';
  // Some servers (older Ollama) report "stop" on a turn that calls tools.
  if (calls.length > 0 && stopReason === 'end_turn') stopReason = 'tool_use';

  const usage = completion.usage ?? undefined;
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    content,
    stopReason,
    // prompt_tokens includes the cached ones; Usage counts them apart, as Anthropic does.
    usage: {
      inputTokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
      outputTokens: usage?.completion_tokens ?? 0,
      cacheReadTokens: cached,
      cacheWriteTokens: 0,
    },
    model: typeof completion.model === 'string' && completion.model ? completion.model : requestedModel,
  };
}

/** Arguments are a JSON string; unparseable ones pass through raw (see the module comment). */
function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw ?? {};
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function statusError(
  response: Response,
  text: string,
  sentTools: boolean,
  say: (text: string) => string,
): LlmError {
  const status = response.status;
  const detail = errorDetail(text);
  if (status === 429) {
    return new LlmError('rate_limited', say(`429 ${detail}`), {
      status,
      retryAfterMs: retryAfterMs(response.headers),
    });
  }
  if (sentTools && status !== 401 && status !== 403 && toolsUnsupported(detail)) {
    return new LlmError(
      'bad_request',
      say(`the model or server does not support tool calling (${status} ${detail})`),
      { status },
    );
  }
  const kind = status >= 500 ? 'server' : status === 401 || status === 403 ? 'auth' : 'bad_request';
  return new LlmError(kind, say(`${status} ${detail}`), {
    status,
    retryAfterMs: status === 503 ? retryAfterMs(response.headers) : undefined,
  });
}

/**
 * Ollama: "… does not support tools"; vLLM: "auto" tool choice requires --enable-auto-tool-choice;
 * llama.cpp: tools param requires --jinja flag (as a 500).
 */
function toolsUnsupported(detail: string): boolean {
  return /tool/i.test(detail) && /(not|n't) support|unsupported|requires --/i.test(detail);
}

/** OpenAI `{error:{message}}`, Ollama `{error:"…"}`, vLLM `{message}`; else the start of the body. */
function errorDetail(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') return body.error;
    if (typeof body.error === 'object' && body.error !== null) {
      const message = (body.error as { message?: unknown }).message;
      if (typeof message === 'string') return message;
    }
    if (typeof body.message === 'string') return body.message;
  } catch {
    // Not JSON: a proxy's error page.
  }
  return text.slice(0, 200).trim() || '(empty body)';
}

/** undici's "fetch failed" hides the reason (ECONNREFUSED …) in its cause; read by shape, not instanceof. */
function causeOf(error: unknown): string {
  const outer = typeof error === 'object' && error !== null ? (error as { cause?: unknown }) : {};
  const cause = outer.cause ?? error;
  const message =
    typeof cause === 'object' && cause !== null ? (cause as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(cause);
}
