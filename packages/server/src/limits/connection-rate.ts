import { TokenBucket } from './token-bucket.js';

/** What one WebSocket connection may send: a sustained rate and a burst, in messages and in bytes. */
export interface ConnectionRateLimits {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  /** At least the largest message accepted, or a single big (legitimate) message would be refused. */
  bytesBurst: number;
}

/**
 * The incoming-traffic allowance of one connection. A message is admitted only if both buckets
 * have room for it; once refused the connection is closed (4429), so there is no queueing here.
 */
export class ConnectionRate {
  private readonly messages: TokenBucket;
  private readonly bytes: TokenBucket;

  constructor(limits: ConnectionRateLimits, now: number) {
    this.messages = new TokenBucket(limits.messageBurst, limits.messagesPerSecond, now);
    this.bytes = new TokenBucket(limits.bytesBurst, limits.bytesPerSecond, now);
  }

  /** Whether a message of `byteLength` bytes received at `now` is within the allowance (and counts it). */
  admit(byteLength: number, now: number): boolean {
    // A refusal closes the connection, so what the other bucket already gave for it does not matter.
    return this.bytes.take(byteLength, now) && this.messages.take(1, now);
  }
}
