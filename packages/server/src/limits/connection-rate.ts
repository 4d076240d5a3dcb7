import { MESSAGE_AWARENESS } from '@pairwise/protocol';
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
 *
 * Stock y-websocket clients send back every awareness update they receive (the provider's awareness
 * 'update' handler does not look at where a change came from), so in a room where others move their
 * cursors a quiet client sends as many frames as all the others together. Those echoes are not the
 * connection's own traffic: each awareness frame sent to it is credited in advance, and its own
 * sending is what the allowance limits, whatever the size of the room.
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

  /**
   * Call for each frame sent to this connection. `replyToOwn`: sent while handling this
   * connection's own message (an answer to its awareness query): never credited, or a client could
   * earn its allowance back by asking.
   */
  noteSent(message: Uint8Array, replyToOwn: boolean, now: number): void {
    if (replyToOwn || message[0] !== MESSAGE_AWARENESS) return;
    this.messages.give(1, now);
    this.bytes.give(message.byteLength, now);
  }
}
