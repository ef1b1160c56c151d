import Anthropic, {
  AnthropicError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  Message,
  MessageCreateParamsNonStreaming,
  MessageParam,
  TextBlockParam,
  Tool,
} from '@anthropic-ai/sdk/resources/messages';
import {
  type ChatContent,
  type ChatProvider,
  type ChatRequest,
  type ChatResponse,
  LlmError,
  type LlmErrorKind,
  redactSecret,
  retryAfterMs,
  type StopReason,
  type Usage,
} from './provider.js';

export interface AnthropicProviderOptions {
  apiKey: string;
  model: string;
  /** Without `/v1`; the SDK appends `/v1/messages`. Defaults to ANTHROPIC_BASE_URL, then the public API. */
  baseURL?: string | undefined;
  /** Stream the answer (default): long generations never hit an idle timeout in a proxy. */
  streaming?: boolean | undefined;
  /** Per-request ceiling; callers normally bound a turn with `ChatRequest.signal` instead. */
  timeoutMs?: number | undefined;
  fetch?: typeof fetch | undefined;
}

/** The SDK default; set explicitly because the SDK refuses large non-streaming requests without one. */
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

/** Claude through the official SDK, Messages API. */
export class AnthropicProvider implements ChatProvider {
  readonly name = 'anthropic' as const;
  readonly model: string;
  private readonly client: Anthropic;
  private readonly streaming: boolean;
  private readonly apiKey: string;

  constructor(options: AnthropicProviderOptions) {
    this.model = options.model;
    this.streaming = options.streaming ?? true;
    this.apiKey = options.apiKey;
    this.client = new Anthropic({
      apiKey: options.apiKey,
      baseURL: options.baseURL,
      // Retries belong to our wrapper (budget, breaker, deadline); the SDK would retry behind its back.
      maxRetries: 0,
      timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: options.fetch,
      // Every failure reaches the caller as an LlmError; the SDK's own console lines are noise.
      logLevel: process.env.ANTHROPIC_LOG ? undefined : 'off',
    });
  }

  async complete(request: ChatRequest): Promise<ChatResponse> {
    const params = toParams(request, this.model);
    const options = { signal: request.signal };
    let message: Message;
    try {
      message = this.streaming
        ? await this.client.messages.stream(params, options).finalMessage()
        : await this.client.messages.create(params, options);
      return fromMessage(message, params.model);
    } catch (error) {
      throw toLlmError(error, this.apiKey);
    }
  }
}

function toParams(request: ChatRequest, defaultModel: string): MessageCreateParamsNonStreaming {
  const cache = request.cachePrefix ? { cache_control: { type: 'ephemeral' as const } } : {};
  const params: MessageCreateParamsNonStreaming = {
    model: request.model || defaultModel,
    max_tokens: request.maxOutputTokens,
    messages: request.messages.map(toMessageParam),
  };
  // The API rejects empty text blocks, so an empty system prompt is left out.
  if (request.system) {
    const system: TextBlockParam = { type: 'text', text: request.system, ...cache };
    params.system = [system];
  }
  if (request.tools.length > 0) {
    params.tools = request.tools.map(
      (tool, i): Tool => ({
        name: tool.name,
        description: tool.description,
        input_schema: { type: 'object', ...tool.inputSchema },
        // A breakpoint on the last tool caches system + all tools as one prefix.
        ...(i === request.tools.length - 1 ? cache : {}),
      }),
    );
    const choice = request.toolChoice ?? 'auto';
    params.tool_choice = choice === 'auto' ? { type: 'auto' } : { type: 'tool', name: choice.name };
  }
  return params;
}

function toMessageParam(message: { role: 'user' | 'assistant'; content: ChatContent[] }): MessageParam {
  const content: ContentBlockParam[] = [];
  for (const block of message.content) {
    if (block.type === 'text') {
      if (block.text) content.push({ type: 'text', text: block.text });
    } else if (block.type === 'tool_use') {
      content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
    } else if (block.type === 'opaque') {
      if (block.provider === 'anthropic') content.push(block.block as ContentBlockParam);
    } else {
      content.push({
        type: 'tool_result',
        tool_use_id: block.toolUseId,
        content: block.content,
        ...(block.isError ? { is_error: true } : {}),
      });
    }
  }
  return { role: message.role, content };
}

const STOP_REASONS: Record<string, StopReason> = {
  end_turn: 'end_turn',
  tool_use: 'tool_use',
  max_tokens: 'max_tokens',
};

function fromMessage(message: unknown, requestedModel: string): ChatResponse {
  // A 200 that is not JSON comes back from the SDK as a string; a proxy's page as an object of any shape.
  if (!isMessage(message)) {
    throw new LlmError('malformed', 'anthropic: the answer is not a Messages API message');
  }
  const content: ChatResponse['content'] = [];
  for (const block of message.content) {
    if (block.type === 'text') content.push({ type: 'text', text: block.text });
    // Streamed tool input is parsed lazily by the SDK: reading `input` is where bad JSON throws.
    else if (block.type === 'tool_use')
      content.push({ type: 'tool_use', id: block.id, name: block.name, input: block.input });
    // Thinking blocks (adaptive thinking is on by default on current models) must go back unchanged.
    else if (block.type === 'thinking' || block.type === 'redacted_thinking')
      content.push({ type: 'opaque', provider: 'anthropic', block });
  }
  const usage = message.usage as Partial<Message['usage']> | undefined;
  const counted: Usage = {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: usage?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage?.cache_creation_input_tokens ?? 0,
  };
  return {
    content,
    stopReason: STOP_REASONS[message.stop_reason ?? ''] ?? 'other',
    usage: counted,
    model: message.model || requestedModel,
  };
}

function isMessage(value: unknown): value is Message {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { content?: unknown };
  return Array.isArray(candidate.content);
}

/** Error types of an SSE `event: error`, which arrives after a 200 and so has no status. */
const STREAM_ERROR_KINDS: Record<string, LlmErrorKind> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limited',
  api_error: 'server',
  timeout_error: 'server',
  authentication_error: 'auth',
  permission_error: 'auth',
  invalid_request_error: 'bad_request',
};

function kindForStatus(status: number): LlmErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 529) return 'overloaded';
  if (status >= 500) return 'server';
  if (status === 401 || status === 403) return 'auth';
  return 'bad_request';
}

/**
 * Errors are read by shape, not `instanceof Error`: undici's come from another realm under jest's
 * VM modules, and the SDK then flattens them to `AnthropicError("TypeError: terminated")`.
 */
interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

function errorLike(value: unknown): ErrorLike | undefined {
  return typeof value === 'object' && value !== null ? (value as ErrorLike) : undefined;
}

const NETWORK_CODE =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|UND_ERR_SOCKET|UND_ERR_CLOSED)$/;
const NETWORK_MESSAGE = /\bterminated\b|other side closed|socket hang up|fetch failed/i;

/** Connection-level failures, wherever undici or the SDK buried them in the cause chain. */
function isNetworkFailure(error: unknown): boolean {
  let e = errorLike(error);
  for (let depth = 0; e && depth < 5; depth++, e = errorLike(e.cause)) {
    if (typeof e.code === 'string' && NETWORK_CODE.test(e.code)) return true;
    if (typeof e.message === 'string' && NETWORK_MESSAGE.test(e.message)) return true;
  }
  return false;
}

export function toLlmError(error: unknown, apiKey: string): LlmError {
  if (error instanceof LlmError) return error;
  const say = (text: string) => redactSecret(`anthropic: ${text}`, apiKey);
  // Order matters: the abort and timeout classes are APIError / APIConnectionError subclasses.
  if (error instanceof APIUserAbortError || isAbort(error)) {
    return new LlmError('timeout', say('request aborted'), { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', say('request timed out'), { cause: error });
  }
  if (error instanceof APIConnectionError) {
    // undici says "fetch failed"; the reason (ECONNREFUSED …) is its cause.
    const cause = errorLike(error.cause);
    const detail = messageOf(cause?.cause ?? cause ?? error);
    return new LlmError('network', say(`connection failed: ${detail}`), { cause: error });
  }
  if (error instanceof APIError) {
    const detail = error.apiMessage ?? error.message;
    const type = error.type ? `${error.type}: ` : '';
    if (error.status === undefined) {
      const kind = STREAM_ERROR_KINDS[error.type ?? ''] ?? 'server';
      return new LlmError(kind, say(`error during the stream: ${type}${detail}`), { cause: error });
    }
    return new LlmError(kindForStatus(error.status), say(`${error.status} ${type}${detail}`), {
      status: error.status,
      retryAfterMs: error.status === 429 || error.status === 529 ? retryAfterMs(error.headers) : undefined,
      cause: error,
    });
  }
  if (isNetworkFailure(error)) {
    return new LlmError('network', say(`connection lost: ${messageOf(error)}`), { cause: error });
  }
  if (error instanceof AnthropicError && /Streaming is required/.test(error.message)) {
    return new LlmError('bad_request', say(error.message), { cause: error });
  }
  // Broken JSON, an SSE stream cut before message_stop, events out of order.
  return new LlmError('malformed', say(`unreadable answer: ${messageOf(error)}`), { cause: error });
}

function isAbort(error: unknown): boolean {
  const name = errorLike(error)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

function messageOf(error: unknown): string {
  const message = errorLike(error)?.message;
  return typeof message === 'string' ? message : String(error);
}
