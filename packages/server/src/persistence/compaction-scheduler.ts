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
 * Runs storage-driven compaction in the background, at most once at a time per room, and counts
 * how much each room's log has grown so a room is compacted once it passes `threshold` entries.
 * Rebuilding the document runs in a worker thread, so compacting a large room never stalls fan-out.
 */
export class CompactionScheduler {
  private readonly logLengths = new Map<string, number>();
  private readonly running = new Map<string, Promise<void>>();
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
    this.compact(roomId);
  }

  /** The one observer (the room registry, which keeps each room's stored size from snapshots). */
  observe(observer: CompactionObserver): void {
    this.observer = observer;
  }

  forget(roomId: string): void {
    this.logLengths.delete(roomId);
  }

  /** Waits for every compaction under way. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }

  /** Waits for every compaction under way, then ends the rebuild thread. */
  async close(): Promise<void> {
    await this.idle();
    await this.encoder.close();
  }

  private compact(roomId: string): void {
    if (this.running.has(roomId)) return;
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
      .finally(() => this.running.delete(roomId));
    this.running.set(roomId, run);
  }
}
