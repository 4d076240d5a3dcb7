import type { DocumentReading, SnapshotEncoder } from './compaction.js';
import { packUpdates } from './packed-updates.js';
import { workerEntry, WorkerClient } from './worker-client.js';

/**
 * Rebuilds documents into snapshots in a worker thread: applying a long log to a Y.Doc takes
 * 100+ ms for a large room, which on the event loop would stall fan-out for every room.
 * The thread starts on demand, takes the rebuilds one at a time, and ends once none has been
 * waiting for `lingerMs` (unreferenced meanwhile), so an idle server holds no extra thread and
 * nothing needs closing (its owner may still end it at once with `close`). History reads come in
 * bursts (a timeline scrubbed) and compactions in streams (many typing rooms): both linger.
 */
export class OffThreadSnapshotEncoder {
  private worker: Promise<WorkerClient> | null = null;
  private waiting = 0;
  private stopTimer: NodeJS.Timeout | null = null;

  constructor(private readonly lingerMs = 0) {}

  readonly encode: SnapshotEncoder = (updates) => this.call<Uint8Array>('encodeUpdatesAsSnapshot', updates);

  /** The code and full state after `updates` (history: versions, moments of the timeline). */
  readonly read = (updates: readonly Uint8Array[]): Promise<DocumentReading> => this.call('readUpdatesAsDocument', updates);

  /** The full state after each update whose index is in `marks` (history retention's checkpoints). */
  readonly statesAfter = (updates: readonly Uint8Array[], marks: readonly number[]): Promise<Uint8Array[]> =>
    this.call('statesAfter', updates, [marks]);

  private async call<T>(method: string, updates: readonly Uint8Array[], more: unknown[] = []): Promise<T> {
    this.waiting++;
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    this.worker ??= WorkerClient.start(workerEntry(import.meta.url, 'snapshot-worker'), null);
    const worker = this.worker;
    try {
      const packed = packUpdates(updates);
      const transfer = [packed.bytes.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer];
      return await (await worker).call<T>(method, [packed, ...more], transfer);
    } finally {
      if (--this.waiting === 0) this.stopSoon(worker);
    }
  }

  /** Ends the thread now (calls already made finish first); a later call starts another. */
  async close(): Promise<void> {
    if (this.stopTimer) clearTimeout(this.stopTimer);
    this.stopTimer = null;
    const worker = this.worker;
    this.worker = null;
    await worker?.then((client) => client.close()).catch(() => undefined);
  }

  private stopSoon(worker: Promise<WorkerClient>): void {
    if (this.lingerMs === 0) {
      this.stop(worker);
      return;
    }
    this.stopTimer = setTimeout(() => this.stop(worker), this.lingerMs);
    this.stopTimer.unref();
  }

  private stop(worker: Promise<WorkerClient>): void {
    this.stopTimer = null;
    this.worker = null;
    worker.then((client) => client.close()).catch(() => undefined);
  }
}
