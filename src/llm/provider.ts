/**
 * The one interface every LLM provider implements: a provider-neutral chat turn with tools.
 * Adapters (anthropic.ts, openai.ts) are the only modules that speak a vendor's wire format;
 * the agent, budget, cache and retries work on these types.
 */

/** A tool the model may call; `inputSchema` is a JSON Schema object. */
export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export type ChatContent =
  | { type: 'text'; text: string }
  /**
   * A block only its provider understands (Anthropic's thinking blocks), kept so it can be sent
   * back unchanged with the rest of the assistant turn, as the API requires.
   */
  | { type: 'opaque'; provider: 'anthropic' | 'openai'; block: unknown }
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; toolUseId: string; content: string; isError?: boolean };

export interface ChatMessage {
  role: 'user' | 'assistant';
  content: ChatContent[];
}

export interface ChatRequest {
  model: string;
  /** Instructions only; never contains untrusted text. Stable across calls so it can be cached. */
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** auto: the model chooses; a name: the model must call that tool. */
  toolChoice?: 'auto' | { name: string };
  maxOutputTokens: number;
  /** Ask the provider to cache the system prompt and tools (Anthropic prompt caching). */
  cachePrefix?: boolean;
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'other';

export interface ChatResponse {
  /** Text and tool_use blocks, and opaque ones to send back as they came. */
  content: Array<Extract<ChatContent, { type: 'text' | 'tool_use' | 'opaque' }>>;
  stopReason: StopReason;
  usage: Usage;
  /** The model that answered, as the provider reports it. */
  model: string;
}

export interface ChatProvider {
  readonly name: 'anthropic' | 'openai';
  readonly model: string;
  complete(request: ChatRequest): Promise<ChatResponse>;
}

export type LlmErrorKind =
  | 'rate_limited' // 429
  | 'overloaded' // Anthropic 529
  | 'server' // other 5xx
  | 'timeout' // deadline or abort
  | 'network' // connection refused/reset
  | 'auth' // 401/403
  | 'bad_request' // other 4xx
  | 'malformed'; // a 2xx whose body is not the wire format

/** What adapters throw: a kind the retry policy understands, never the vendor SDK's error type. */
export class LlmError extends Error {
  readonly kind: LlmErrorKind;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: LlmErrorKind,
    message: string,
    options: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'LlmError';
    this.kind = kind;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }

  get retryable(): boolean {
    return (
      this.kind === 'rate_limited' ||
      this.kind === 'overloaded' ||
      this.kind === 'server' ||
      this.kind === 'network'
    );
  }
}

export const ZERO_USAGE: Usage = { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };

/**
 * The wait a 429/503 asks for: `retry-after-ms` (Anthropic, OpenAI) wins over `retry-after`
 * (seconds or an HTTP date). Undefined when absent, unparseable or not in the future.
 */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms > 0) return ms;
  const value = headers?.get('retry-after')?.trim();
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isFinite(date) && date > Date.now() ? date - Date.now() : undefined;
}

/** Error texts may echo the request (some proxies quote the key they refused): never let the key out. */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}
