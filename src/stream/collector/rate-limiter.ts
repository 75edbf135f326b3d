/** The answer for one request: allowed, or refused with the seconds to wait (Retry-After). */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A token bucket per source, counting events (Segment limits sources by events per second, not
 * requests): `perSecond` tokens refill each second, up to one second's worth of burst. A request
 * is admitted whole or refused whole, so an SDK's retry of a refused batch cannot half-duplicate.
 * A request larger than the burst is admitted once the bucket is full and drives it negative (the
 * debt is paid by waiting), so a big batch is never refused forever yet the rate still holds.
 * In memory per process: with N collector replicas the cluster allows N × the rate.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.perSecond > 0;
  }

  take(source: string, events: number): RateDecision {
    if (!this.enabled) return { allowed: true };
    const now = this.now();
    const bucket = this.buckets.get(source) ?? { tokens: this.perSecond, updatedAt: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.updatedAt) / 1000) * this.perSecond);
    bucket.updatedAt = now;
    this.buckets.set(source, bucket);
    const needed = Math.min(events, this.perSecond);
    if (bucket.tokens >= needed) {
      bucket.tokens -= events;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((needed - bucket.tokens) / this.perSecond)) };
  }
}
