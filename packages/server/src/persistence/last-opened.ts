import type { Logger } from 'pino';
import type { RoomStore } from '../storage/store.js';

/** Told when a room is loaded into memory or unloaded from it. */
export interface RoomOpenObserver {
  roomOpened(roomId: string): void;
}

export interface LastOpenedRecorderOptions {
  store: Pick<RoomStore, 'touchRooms'>;
  log: Logger;
  /** Epoch milliseconds; Date.now when omitted. */
  now?: () => number;
}

/**
 * Records when rooms were last opened (RoomStore.touchRooms), which ROOM_RETENTION_DAYS reads.
 *
 * Off the load path on purpose: `roomOpened` only notes the id and returns. Loading a room needs
 * only a read; waiting for this write would make every room open as slow as a commit (an fsync
 * with SQLite) and fail opens while writes fail. It is per room load, never per connection, and
 * writes are coalesced: at most one is in flight, rooms noted meanwhile go into the next, so a
 * burst of loads costs one or two writes. A failed write is logged, not retried: it only leaves
 * rooms looking older than they are until their next load, unload or retention sweep, which
 * against a retention counted in days changes nothing.
 */
export class LastOpenedRecorder implements RoomOpenObserver {
  private readonly pending = new Set<string>();
  /** When the latest of the pending rooms was noted: a write that waited still says when they were opened. */
  private pendingAt = 0;
  private writing = false;
  private written: Promise<void> = Promise.resolve();
  private readonly now: () => number;

  constructor(private readonly options: LastOpenedRecorderOptions) {
    this.now = options.now ?? (() => Date.now());
  }

  roomOpened(roomId: string): void {
    this.pending.add(roomId);
    this.pendingAt = Math.max(this.pendingAt, this.now());
    if (this.writing) return;
    this.writing = true;
    this.written = this.writePending();
  }

  /** Resolves once every room noted so far has been written (or its write has failed and been logged). */
  async idle(): Promise<void> {
    while (this.writing) await this.written;
  }

  private async writePending(): Promise<void> {
    try {
      while (this.pending.size > 0) {
        const roomIds = [...this.pending];
        const openedAt = this.pendingAt;
        this.pending.clear();
        this.pendingAt = 0;
        try {
          await this.options.store.touchRooms(roomIds, openedAt);
        } catch (err) {
          this.options.log.warn({ err, rooms: roomIds.length }, 'recording when rooms were last opened failed');
        }
      }
    } finally {
      // In the same step as the loop's last check, so a room noted right after starts a new write.
      this.writing = false;
    }
  }
}
