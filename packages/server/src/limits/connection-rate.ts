import { MESSAGE_AWARENESS } from '@pairwise/protocol';
import { refilled } from './token-bucket.js';

/** What one WebSocket connection may send: a sustained rate and a burst, in messages and in bytes. */
export interface ConnectionRateLimits {
  messagesPerSecond: number;
  messageBurst: number;
  bytesPerSecond: number;
  /** At least the largest message accepted, or a single big (legitimate) message would be refused. */
  bytesBurst: number;
}

/**
 * The incoming-traffic allowance of one connection: two token buckets, messages and bytes, refilled
 * together. A message is admitted only if both have room for it; once refused the connection is
 * closed (4429), so there is no queueing here.
 *
 * Stock y-websocket clients send back every awareness update they receive (the provider's awareness
 * 'update' handler does not look at where a change came from), so in a room where others move their
 * cursors a quiet client sends as many frames as all the others together. Those echoes are not the
 * connection's own traffic: each awareness frame sent to it is credited in advance, and its own
 * sending is what the allowance limits, whatever the size of the room.
 *
 * The buckets refill with TokenBucket's arithmetic (`refilled`) but are held here as two numbers and
 * one refill time instead of two TokenBucket objects: one per connection, 10,000 idle connections,
 * 144 bytes each (issue 9).
 * Times are milliseconds from a monotonic clock, passed in so tests control them.
 */
export class ConnectionRate {
  private messages: number;
  private bytes: number;
  private refilledAt: number;

  constructor(
    private readonly limits: ConnectionRateLimits,
    now: number,
  ) {
    this.messages = limits.messageBurst;
    this.bytes = limits.bytesBurst;
    this.refilledAt = now;
  }

  /** Whether a message of `byteLength` bytes received at `now` is within the allowance (and counts it). */
  admit(byteLength: number, now: number): boolean {
    this.refill(now);
    if (byteLength > this.bytes || this.messages < 1) return false;
    this.bytes -= byteLength;
    this.messages -= 1;
    return true;
  }

  /**
   * Call for each frame sent to this connection. `replyToOwn`: sent while handling this
   * connection's own message (an answer to its awareness query): never credited, or a client could
   * earn its allowance back by asking.
   */
  noteSent(message: Uint8Array, replyToOwn: boolean, now: number): void {
    if (replyToOwn || message[0] !== MESSAGE_AWARENESS) return;
    this.refill(now);
    this.messages = Math.min(this.limits.messageBurst, this.messages + 1);
    this.bytes = Math.min(this.limits.bytesBurst, this.bytes + message.byteLength);
  }

  private refill(now: number): void {
    const elapsed = now - this.refilledAt;
    const { messageBurst, messagesPerSecond, bytesBurst, bytesPerSecond } = this.limits;
    this.messages = refilled(this.messages, messageBurst, messagesPerSecond / 1000, elapsed);
    this.bytes = refilled(this.bytes, bytesBurst, bytesPerSecond / 1000, elapsed);
    this.refilledAt = now;
  }
}
