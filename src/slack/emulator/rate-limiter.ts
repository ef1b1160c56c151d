/**
 * Token bucket per key, as Slack applies to chat.postMessage (about one message per second per
 * channel, with short bursts allowed). Returns the seconds to wait when the bucket is empty.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    public perSecond: number,
    public burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Takes a token; returns 0 when allowed, else the whole seconds until one is available. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond));
  }

  reset(): void {
    this.buckets.clear();
  }
}
