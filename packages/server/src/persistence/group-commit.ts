import type { Logger } from 'pino';
import type { PendingUpdate, RoomStore } from '../storage/store.js';

export interface GroupCommitOptions {
  store: RoomStore;
  /** Longest time an accepted update waits before it is written. */
  windowMs: number;
  log: Logger;
  /** Called after each successful commit with the number of updates per room, e.g. to trigger compaction. */
  onCommitted?: (countsByRoom: ReadonlyMap<string, number>) => void;
  now?: () => number;
}

const MAX_RETRY_DELAY_MS = 5_000;

/**
 * Write-behind buffer for room updates: everything accepted within one window is written in one
 * transaction. Writes are serialised so the log keeps the order updates were accepted in, and a
 * failed write keeps its batch at the front of the queue to retry (with back-off) rather than drop it.
 */
export class GroupCommitter {
  private queue: PendingUpdate[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;
  private retryDelayMs: number;
  private closed = false;

  constructor(private readonly options: GroupCommitOptions) {
    this.retryDelayMs = options.windowMs;
  }

  get pendingCount(): number {
    return this.queue.length;
  }

  enqueue(roomId: string, update: Uint8Array): void {
    if (this.closed) throw new Error('group committer is closed');
    this.queue.push({ roomId, update });
    // While a write is under way, its outcome decides when the next one starts (window or back-off).
    if (!this.writing && !this.timer) this.schedule(this.options.windowMs);
  }

  /** Write everything queued so far. Rejects if the store fails; the updates stay queued and a retry is scheduled. */
  async flush(): Promise<void> {
    // A write already under way may hold part of what was queued before this call: wait for it first.
    while (this.writing) await this.writing.catch(() => {});
    if (this.queue.length > 0) await this.commit();
  }

  /** Flush and stop. Called on shutdown after no more updates can arrive. */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await this.flush();
    } finally {
      this.clearTimer();
    }
  }

  private async commitInBackground(): Promise<void> {
    this.timer = null;
    try {
      await this.flush();
    } catch (err) {
      this.options.log.error({ err, pending: this.queue.length, retryInMs: this.retryDelayMs }, 'storing updates failed; will retry');
    }
  }

  private async commit(): Promise<void> {
    this.clearTimer();
    const batch = this.queue;
    this.queue = [];
    const started = performance.now();
    const write = this.options.store.appendUpdates(batch, this.now());
    this.writing = write;
    try {
      await write;
    } catch (err) {
      this.queue = batch.concat(this.queue);
      this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_DELAY_MS);
      this.schedule(this.retryDelayMs);
      throw err;
    } finally {
      this.writing = null;
    }
    this.retryDelayMs = this.options.windowMs;
    this.options.log.debug({ updates: batch.length, ms: Math.round(performance.now() - started) }, 'stored updates');
    this.options.onCommitted?.(countByRoom(batch));
    // Updates that arrived while writing get their own window.
    if (this.queue.length > 0) this.schedule(this.options.windowMs);
  }

  /** Replaces any pending timer: there is only ever one next commit. */
  private schedule(delayMs: number): void {
    this.clearTimer();
    if (!this.closed) this.timer = setTimeout(() => void this.commitInBackground(), delayMs);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now();
  }
}

function countByRoom(batch: readonly PendingUpdate[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { roomId } of batch) counts.set(roomId, (counts.get(roomId) ?? 0) + 1);
  return counts;
}
