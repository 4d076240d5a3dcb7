interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (epoch ms). */
  at: number;
}

/**
 * Attempts allowed per key (an account, a client address): a token bucket of `capacity`
 * attempts that refills completely over `windowMs`, so bursts are allowed and a steady guesser
 * gets `capacity` tries per window. In memory, per server instance: an attacker spreading guesses
 * over several instances gets each one's allowance, which still bounds guessing.
 */
export class AttemptLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly refillPerMs: number;
  private lastSweep: number;

  constructor(
    private readonly capacity: number,
    private readonly windowMs: number,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.refillPerMs = capacity / windowMs;
    this.lastSweep = now();
  }

  /** Takes one attempt for `key`: 0 if allowed, otherwise the milliseconds until one will be (nothing taken). */
  take(key: string): number {
    const now = this.now();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = this.refilled(bucket, now);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return Math.ceil((1 - bucket.tokens) / this.refillPerMs);
    bucket.tokens -= 1;
    return 0;
  }

  /** How many keys are remembered (full buckets are forgotten). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(bucket: Bucket, now: number): number {
    return Math.min(this.capacity, bucket.tokens + (now - bucket.at) * this.refillPerMs);
  }

  /** Once per window, forget keys whose bucket is full again: memory stays bounded by recent attempts. */
  private sweep(now: number): void {
    if (now - this.lastSweep < this.windowMs) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (this.refilled(bucket, now) >= this.capacity) this.buckets.delete(key);
  }
}
