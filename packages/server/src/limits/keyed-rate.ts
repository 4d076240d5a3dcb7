import { TokenBucket } from './token-bucket.js';

/** The answer to "may this key act now?": yes, or no with how long until it may. */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

const ALLOWED: RateDecision = { allowed: true };
/** Below this many keys, forgetting idle ones is not worth a pass over the map. */
const MIN_SWEEP_SIZE = 1024;

/**
 * One token bucket per key (a client address): at most `perWindow` actions in a burst, refilled
 * evenly over `windowMs`. Buckets that have refilled completely are forgotten (a full bucket is the
 * same as none), in a pass that runs whenever the map has doubled since the last one, so memory
 * follows the number of recently active keys and the cost per call stays constant on average.
 */
export class KeyedRate {
  private readonly buckets = new Map<string, TokenBucket>();
  private sweepAtSize = MIN_SWEEP_SIZE;

  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
  ) {}

  /** Counts one action by `key` at `now` (ms, monotonic) if its allowance has room. */
  take(key: string, now: number): RateDecision {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.sweepAtSize) this.sweep(now);
      bucket = new TokenBucket(this.perWindow, (this.perWindow * 1000) / this.windowMs, now);
      this.buckets.set(key, bucket);
    }
    if (bucket.take(1, now)) return ALLOWED;
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(bucket.waitMs(1, now) / 1000)) };
  }

  /** How many keys are remembered (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.isFull(now)) this.buckets.delete(key);
    }
    this.sweepAtSize = Math.max(MIN_SWEEP_SIZE, this.buckets.size * 2);
  }
}
