import type { SnapshotEncoder } from './compaction.js';
import { packUpdates } from './packed-updates.js';
import { workerEntry, WorkerClient } from './worker-client.js';

/**
 * Rebuilds documents into snapshots in a worker thread: applying a long log to a Y.Doc takes
 * 100+ ms for a large room, which on the event loop would stall fan-out for every room.
 * The thread starts on demand, takes the rebuilds one at a time, and ends once none is waiting,
 * so an idle server holds no extra thread and nothing needs closing.
 */
export class OffThreadSnapshotEncoder {
  private worker: Promise<WorkerClient> | null = null;
  private waiting = 0;

  readonly encode: SnapshotEncoder = async (updates) => {
    this.waiting++;
    this.worker ??= WorkerClient.start(workerEntry(import.meta.url, 'snapshot-worker'), null);
    const worker = this.worker;
    try {
      const packed = packUpdates(updates);
      const transfer = [packed.bytes.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer];
      return await (await worker).call<Uint8Array>('encodeUpdatesAsSnapshot', [packed], transfer);
    } finally {
      if (--this.waiting === 0) this.stop(worker);
    }
  };

  private stop(worker: Promise<WorkerClient>): void {
    this.worker = null;
    worker.then((client) => client.close()).catch(() => undefined);
  }
}
