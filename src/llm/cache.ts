import { createHash } from 'node:crypto';
import NodeCache from 'node-cache';

/**
 * Answers by a hash of what the model would be asked, normalized so that the same alert firing
 * again (new times, new incident number, slightly different values) hits the cache and costs
 * nothing within the TTL.
 */
export class AnswerCache<T> {
  private readonly cache: NodeCache;
  readonly enabled: boolean;

  constructor(ttlMinutes: number) {
    this.enabled = ttlMinutes > 0;
    // node-cache reads a TTL of 0 as "forever"; a TTL of 0 here means no caching at all.
    this.cache = new NodeCache({
      stdTTL: Math.max(1, Math.round(ttlMinutes * 60)),
      useClones: true,
      maxKeys: 5000,
    });
  }

  get(key: string): { value: T; storedAt: number } | undefined {
    return this.enabled ? this.cache.get<{ value: T; storedAt: number }>(key) : undefined;
  }

  set(key: string, value: T, now = Date.now()): void {
    if (!this.enabled) return;
    try {
      this.cache.set(key, { value, storedAt: now });
    } catch {
      // maxKeys reached: the oldest answers will expire; skipping one cache write is harmless.
    }
  }

  close(): void {
    this.cache.close();
  }
}

export function cacheKey(parts: unknown): string {
  return createHash('sha256').update(stableJson(parts)).digest('hex');
}

/** JSON with object keys sorted, so key order never changes the hash. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${stableJson((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
