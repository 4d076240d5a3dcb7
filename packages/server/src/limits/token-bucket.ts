/**
 * A token bucket: holds up to `capacity` tokens and refills continuously at `refillPerSecond`.
 * Taking more than it holds is refused and takes nothing.
 *
 * Hand-written rather than taken from a library: one bucket is checked for every WebSocket frame,
 * so it must be synchronous and allocation-free (two numbers, no timer, no promise, no map lookup).
 * The rate limiters on npm are keyed stores with timers or async APIs, made for HTTP requests.
 * Times are milliseconds from a monotonic clock (`performance.now()`), passed in so tests control them.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;
  private readonly refillPerMs: number;

  constructor(
    readonly capacity: number,
    refillPerSecond: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.refilledAt = now;
    this.refillPerMs = refillPerSecond / 1000;
  }

  /** Takes `amount` tokens if the bucket holds them; false (and nothing taken) otherwise. */
  take(amount: number, now: number): boolean {
    this.refill(now);
    if (amount > this.tokens) return false;
    this.tokens -= amount;
    return true;
  }

  /** Puts `amount` tokens back (never past capacity). */
  give(amount: number, now: number): void {
    this.refill(now);
    this.tokens = Math.min(this.capacity, this.tokens + amount);
  }

  /** Milliseconds until `amount` tokens will be there (0 if they are now); Infinity if more than it ever holds. */
  waitMs(amount: number, now: number): number {
    if (amount > this.capacity) return Number.POSITIVE_INFINITY;
    this.refill(now);
    return Math.max(0, (amount - this.tokens) / this.refillPerMs);
  }

  /** A full bucket behaves exactly like a new one, so a keyed store may forget it. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.capacity;
  }

  private refill(now: number): void {
    this.tokens = refilled(this.tokens, this.capacity, this.refillPerMs, now - this.refilledAt);
    this.refilledAt = now;
  }
}

/**
 * The tokens a bucket holding `tokens` holds `elapsedMs` later, refilling at `refillPerMs` up to
 * `capacity`. Shared with ConnectionRate, which keeps its two buckets as bare numbers.
 * A clock that goes backwards (it should not) refills nothing rather than draining the bucket.
 */
export function refilled(tokens: number, capacity: number, refillPerMs: number, elapsedMs: number): number {
  return Math.min(capacity, tokens + Math.max(0, elapsedMs) * refillPerMs);
}
