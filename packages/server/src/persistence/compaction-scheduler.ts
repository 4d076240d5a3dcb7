import type { Logger } from 'pino';
import { compactStoredDocument } from '../storage/compaction.js';
import { OffThreadSnapshotEncoder } from '../storage/snapshot-encoder.js';
import type { RoomStore } from '../storage/store.js';

/** Told when a room's compaction starts reading the stored document and how big the snapshot it wrote is. */
export interface CompactionObserver {
  compactionStarted(roomId: string): void;
  compacted(roomId: string, snapshotBytes: number): void;
}

/**
 * How long the rebuild thread stays up after its last compaction. Starting one costs 80-280 ms of
 * CPU (a Node isolate, then Yjs and the protocol's schemas loaded into it) against ~0.5 ms for a
 * typical rebuild: ended after each compaction, a busy server (500 typing rooms compact about ten
 * times a second) would spend most of a core starting threads.
 */
const REBUILD_THREAD_LINGER_MS = 30_000;

/**
 * How many compactions run at once. A compaction reads the room's whole log and writes a snapshot
 * through the same storage connection as the group commit, whose calls are answered in order. Rooms
 * typing at the same pace pass the threshold together: started all at once, 50 rooms' reads and
 * snapshots queued ahead of the next commits. In the bench's storage scenario (SQLite, 50 rooms,
 * issue 9) the commit p99 at 1,000, 4,000 and 8,000 updates/s was 76, 180 and 92-181 ms; one at a
 * time it is 9.5, 24-46 and 47-88 ms. One at a time keeps at most one read or one snapshot ahead of
 * a commit; the rebuild thread does one rebuild at a time anyway.
 */
const MAX_RUNNING = 1;

/**
 * Runs storage-driven compaction in the background, at most once at a time per room, and counts
 * how much each room's log has grown so a room is compacted once it passes `threshold` entries.
 * Rooms past it wait their turn in arrival order (MAX_RUNNING).
 * Rebuilding the document runs in a worker thread, so compacting a large room never stalls fan-out.
 */
export class CompactionScheduler {
  private readonly logLengths = new Map<string, number>();
  /** Rooms past the threshold, waiting for a turn; a Set keeps arrival order and each room once. */
  private readonly waiting = new Set<string>();
  private readonly running = new Map<string, Promise<void>>();
  private closing = false;
  private readonly encoder = new OffThreadSnapshotEncoder(REBUILD_THREAD_LINGER_MS);
  private observer: CompactionObserver | null = null;

  constructor(
    private readonly store: RoomStore,
    private readonly threshold: number,
    private readonly log: Logger,
  ) {}

  /** Record entries appended to (or found in) a room's log; compacts when the log is long enough. */
  noteLogGrowth(roomId: string, entries: number): void {
    const length = (this.logLengths.get(roomId) ?? 0) + entries;
    if (length < this.threshold) {
      this.logLengths.set(roomId, length);
      return;
    }
    this.logLengths.delete(roomId);
    if (this.closing || this.running.has(roomId)) return;
    this.waiting.add(roomId);
    this.startWaiting();
  }

  /** The one observer (the room registry, which keeps each room's stored size from snapshots). */
  observe(observer: CompactionObserver): void {
    this.observer = observer;
  }

  forget(roomId: string): void {
    this.logLengths.delete(roomId);
    this.waiting.delete(roomId);
  }

  /** Waits until every compaction due has run. */
  async idle(): Promise<void> {
    // A compaction that ends starts the next waiting one before its promise settles.
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /**
   * Waits for the compaction under way, then ends the rebuild thread. Waiting rooms are not
   * compacted: their logs stay as they are, and the next start counts them again when it loads them.
   */
  async close(): Promise<void> {
    this.closing = true;
    this.waiting.clear();
    await this.idle();
    await this.encoder.close();
  }

  private startWaiting(): void {
    for (const roomId of this.waiting) {
      if (this.running.size >= MAX_RUNNING) return;
      this.waiting.delete(roomId);
      this.compact(roomId);
    }
  }

  private compact(roomId: string): void {
    const started = performance.now();
    this.observer?.compactionStarted(roomId);
    const run = compactStoredDocument(this.store, roomId, this.encoder.encode)
      .then((result) => {
        if (result) {
          this.observer?.compacted(roomId, result.bytesAfter);
          const ms = Math.round(performance.now() - started);
          this.log.debug({ roomId, ...result, ms }, 'compacted room');
        }
      })
      .catch((err: unknown) => this.log.error({ err, roomId }, 'compaction failed; the log is kept'))
      .finally(() => {
        this.running.delete(roomId);
        this.startWaiting();
      });
    this.running.set(roomId, run);
  }
}
