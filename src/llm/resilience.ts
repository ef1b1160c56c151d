import { LlmError } from './provider.js';

/**
 * Retries with exponential backoff and jitter for what a provider says is temporary (429, 529,
 * 5xx, connection errors), honouring Retry-After, never past the caller's deadline; and a circuit
 * breaker so a provider that keeps failing is left alone for a while instead of slowing every
 * incident down.
 */
export interface RetryOptions {
  attempts: number;
  baseMs: number;
  maxMs: number;
  /** Epoch ms after which no new attempt starts. */
  deadline: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetries<T>(
  work: () => Promise<T>,
  options: RetryOptions,
  onRetry?: (error: LlmError, waitMs: number) => void,
): Promise<T> {
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof LlmError) || !error.retryable || attempt >= options.attempts) throw error;
      const backoff = Math.min(options.maxMs, options.baseMs * 2 ** (attempt - 1)) * (0.5 + random() / 2);
      const waitMs = Math.max(error.retryAfterMs ?? 0, backoff);
      if (Date.now() + waitMs >= options.deadline) throw error;
      onRetry?.(error, waitMs);
      await sleep(waitMs);
    }
  }
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;

  constructor(
    private readonly threshold: number,
    private readonly cooldownMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Null when calls may go through; otherwise when the breaker closes again (epoch ms). */
  openedUntil(): number | null {
    return this.openUntil > this.now() ? this.openUntil : null;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  succeeded(): void {
    this.failures = 0;
    this.openUntil = 0;
  }

  failed(): void {
    this.failures++;
    if (this.failures >= this.threshold) this.openUntil = this.now() + this.cooldownMs;
  }
}
