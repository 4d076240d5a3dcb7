/**
 * Delivers each followed stream's entries in order, each once: from the notices of new entries
 * (`receiveNotice`) where they chain to what was delivered, else from reads of the notified streams, and
 * behind both from one blocking XREAD loop over every stream, on a connection of its own (a blocked
 * connection can do nothing else). Each stream is read from the last id delivered, never from `$`,
 * so nothing is skipped between two reads or across a reconnect, and an entry that two paths bring
 * is delivered once.
 *
 * Why all three: the full read names every stream, so its cost grows with the rooms an instance
 * holds. Issued again after each batch (2 ms apart) it was 10% of an instance's event loop with 50
 * rooms, and most of redis-server's CPU (issue 9). Told which stream changed, the reader reads that
 * one at once, or takes the entry from the notice; the full read, a pause apart, catches what a lost
 * notice (a reconnect) would have missed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { compareStreamIds, type EntryNotice } from './redis-room-log.js';
import type { RoomBusErrorListener } from './room-bus.js';

/** Receives a stream's entries in order, with the id of the entry read before each one. */
export type StreamSink = (id: string, fields: Buffer[], previousId: string) => void;

interface Position {
  lastId: string;
  readonly sink: StreamSink;
}

type XReadReply = [key: Buffer, entries: [id: Buffer, fields: Buffer[]][]][] | null;

export interface StreamReaderOptions {
  /** How long one XREAD waits; also bounds how late a stream added mid-wait starts being read. */
  blockMs: number;
  /** Entries per stream per read: a busy room cannot starve the others. */
  batchSize: number;
  /** Pause after a failed read (Redis down) before the next attempt. */
  retryMs: number;
  /** Pause after a full read that returned entries; notified streams are read meanwhile. */
  pauseMs: number;
  onError: RoomBusErrorListener;
}

export class StreamReader {
  private readonly positions = new Map<string, Position>();
  /** The reading connection's CLIENT ID, to cut its wait short when a stream is added; null after a reconnect. */
  private clientId: number | null = null;
  private blocked = false;
  /** Ends the wait for a first stream, or the pause after a full read, early: a stream was added, or stop. */
  private wakeUp: (() => void) | null = null;
  private stopped = false;
  private readonly loop: Promise<void>;
  /** Streams told of new entries, with the newest id told, read together once the current task ends. */
  private readonly notified = new Map<string, string>();
  /** This instance's appends not yet answered, by stream. */
  private readonly ownAppends = new Map<string, number>();
  private notifiedReadScheduled = false;

  constructor(
    private readonly connection: Redis,
    /** Another connection, to send CLIENT UNBLOCK and the notified streams' reads on. */
    private readonly control: Redis,
    private readonly options: StreamReaderOptions,
  ) {
    connection.on('ready', () => {
      this.clientId = null;
    });
    this.loop = this.run();
  }

  /** Follows `key` from just after `lastId`. */
  add(key: string, lastId: string, sink: StreamSink): void {
    this.positions.set(key, { lastId, sink });
    this.wake();
  }

  /** Notices may have been lost (the pub/sub connection came back): the full read runs now, not after its pause. */
  readAllSoon(): void {
    this.wakeUp?.();
  }

  remove(key: string): void {
    this.positions.delete(key);
  }

  /**
   * Runs this instance's `append` to `key`, which answers the new entry's id and the id it chains
   * to. Where `key` has been read up to that one, the reader moves past the entry without reading it:
   * the sink would only drop it as the instance's own. Otherwise it is read as any other, after the
   * entries before it. Notices of `key` wait for its appends' answers, which come over another
   * connection and often after them.
   */
  async appendOwn(key: string, append: () => Promise<[id: string, previousId: string]>): Promise<void> {
    this.ownAppends.set(key, (this.ownAppends.get(key) ?? 0) + 1);
    try {
      const [id, previousId] = await append();
      const position = this.positions.get(key);
      if (position?.lastId === previousId) position.lastId = id;
    } finally {
      const left = (this.ownAppends.get(key) ?? 1) - 1;
      if (left > 0) this.ownAppends.set(key, left);
      else this.ownAppends.delete(key);
      if (left <= 0 && this.notified.has(key)) this.scheduleNotifiedRead();
    }
  }

  /**
   * `key` has a new entry. Where the stream was read up to the entry it chains to, a notice that
   * carries the entry delivers it, with no read: a read was a second round trip to Redis per entry,
   * and most of a follower's bus work. Otherwise (a notice was lost, a read is still on its way, the
   * entry was too big to carry) the stream is read at once, unless already read past the entry.
   */
  receiveNotice(key: string, notice: EntryNotice): void {
    const position = this.positions.get(key);
    if (this.stopped || !position || compareStreamIds(notice.id, position.lastId) <= 0) return;
    if (notice.fields !== null && notice.previousId === position.lastId) {
      position.lastId = notice.id;
      position.sink(notice.id, notice.fields, notice.previousId);
      return;
    }
    this.notified.set(key, notice.id);
    this.scheduleNotifiedRead();
  }

  private scheduleNotifiedRead(): void {
    if (this.notifiedReadScheduled) return;
    this.notifiedReadScheduled = true;
    setImmediate(() => {
      this.notifiedReadScheduled = false;
      void this.readNotified();
    });
  }

  get streamCount(): number {
    return this.positions.size;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.positions.clear();
    this.wakeUp?.();
    this.connection.disconnect();
    await this.loop;
  }

  private wake(): void {
    if (this.wakeUp) {
      this.wakeUp();
      return;
    }
    if (this.blocked && this.clientId !== null) this.control.client('UNBLOCK', this.clientId).catch(() => {});
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      if (this.positions.size === 0) {
        await this.waitForWake();
        continue;
      }
      try {
        const reply = await this.readOnce();
        this.dispatch(reply);
        if (reply !== null && !this.stopped) await this.waitForWake(this.options.pauseMs);
      } catch (error) {
        if (this.stopped) return;
        this.options.onError(error, null);
        await sleep(this.options.retryMs);
      }
    }
  }

  /** Resolves on `wake()` or `stop()`, or after `ms` when given. */
  private waitForWake(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(() => this.wakeUp?.(), ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }

  private async readOnce(): Promise<XReadReply> {
    if (this.clientId === null) this.clientId = await this.connection.client('ID');
    const keys = [...this.positions.keys()];
    const ids = keys.map((key) => this.positions.get(key)?.lastId ?? '$');
    this.blocked = true;
    try {
      const { blockMs, batchSize } = this.options;
      return (await this.connection.xreadBuffer('COUNT', batchSize, 'BLOCK', blockMs, 'STREAMS', ...keys, ...ids)) as XReadReply;
    } finally {
      this.blocked = false;
    }
  }

  /**
   * One non-blocking read of the notified streams; on failure the full read delivers their entries.
   * A stream with one of this instance's appends unanswered waits for it (appendOwn); one already
   * read past the notified id needs no read.
   */
  private async readNotified(): Promise<void> {
    const keys: string[] = [];
    for (const [key, id] of this.notified) {
      if (this.ownAppends.has(key)) continue;
      this.notified.delete(key);
      const position = this.positions.get(key);
      if (position !== undefined && compareStreamIds(id, position.lastId) > 0) keys.push(key);
    }
    if (keys.length === 0 || this.stopped) return;
    const ids = keys.map((key) => this.positions.get(key)?.lastId ?? '$');
    try {
      const reply = (await this.control.xreadBuffer('COUNT', this.options.batchSize, 'STREAMS', ...keys, ...ids)) as XReadReply;
      if (!this.stopped) this.dispatch(reply);
    } catch (error) {
      if (!this.stopped) this.options.onError(error, null);
    }
  }

  private dispatch(reply: XReadReply): void {
    for (const [keyBuffer, entries] of reply ?? []) {
      const position = this.positions.get(keyBuffer.toString());
      // Removed, or removed and added again from a later id, while the read was waiting.
      if (!position) continue;
      for (const [idBuffer, fields] of entries) {
        const id = idBuffer.toString();
        if (compareStreamIds(id, position.lastId) <= 0) continue;
        const previousId = position.lastId;
        position.lastId = id;
        position.sink(id, fields, previousId);
      }
    }
  }
}
