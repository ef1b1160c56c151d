/**
 * Token bucket per key: `perSecond` sustained, `burst` at once. Slack applies one to
 * chat.postMessage per channel (about one message a second); the emulator enforces it and AALS's
 * dispatcher paces itself with one so it stays under it.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();

  constructor(
    public perSecond: number,
    public burst: number,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /**
   * Takes a token and returns 0, or returns the milliseconds until one is available (taking nothing).
   * With `reserve`, the call succeeds only if `reserve` tokens would be left for more urgent work.
   */
  take(key: string, reserve = 0): number {
    const bucket = this.refill(key);
    const wait = this.waitFor(bucket, reserve);
    if (wait === 0) bucket.tokens -= 1;
    return wait;
  }

  /** The milliseconds until `take` would succeed (0: now), taking nothing. */
  wait(key: string, reserve = 0): number {
    return this.waitFor(this.refill(key), reserve);
  }

  private waitFor(bucket: { tokens: number }, reserve: number): number {
    const needed = 1 + Math.min(reserve, this.burst - 1);
    return bucket.tokens >= needed ? 0 : Math.ceil(((needed - bucket.tokens) / this.perSecond) * 1000);
  }

  reset(): void {
    this.buckets.clear();
  }

  private refill(key: string) {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.buckets.delete(this.buckets.keys().next().value as string);
    return bucket;
  }
}
