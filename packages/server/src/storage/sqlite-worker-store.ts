import { workerEntry, WorkerClient } from './worker-client.js';
import type { SqliteWorkerData } from './sqlite-worker.js';
import type { ListPage, RoomCursor, RoomRecord, RoomStore, RoomWrite, StoredDocument } from './store.js';

export interface SqliteWorkerStoreOptions {
  /**
   * Test and bench only: the worker blocks this long before each write transaction, the way a
   * slow fsync or a lock held by another process would. 0 (the default) in production.
   */
  simulatedCommitDelayMs?: number;
}

/**
 * The SQLite store the server uses: a SqliteRoomStore running in a worker thread, so a slow
 * commit (fsync under disk load, `busy_timeout` waits) delays only storage, never fan-out.
 * Each method forwards its call to the worker; calls are answered in the order they are made,
 * over one connection. A worker that fails to open or crashes rejects the calls, never hangs them.
 */
export class SqliteWorkerStore implements RoomStore {
  private constructor(private readonly worker: WorkerClient) {}

  /** Open (creating if needed) the database file in a new worker thread and bring its schema up to date. */
  static async open(filePath: string, options: SqliteWorkerStoreOptions = {}): Promise<SqliteWorkerStore> {
    const data: SqliteWorkerData = { filePath, simulatedCommitDelayMs: options.simulatedCommitDelayMs ?? 0 };
    return new SqliteWorkerStore(await WorkerClient.start(workerEntry(import.meta.url, 'sqlite-worker'), data));
  }

  createRoom(room: RoomRecord, initialUpdate: Uint8Array): Promise<void> {
    return this.worker.call('createRoom', [room, initialUpdate]);
  }

  getRoom(id: string): Promise<RoomRecord | null> {
    return this.worker.call('getRoom', [id]);
  }

  listRooms(limit: number, after: RoomCursor | null): Promise<ListPage> {
    return this.worker.call('listRooms', [limit, after]);
  }

  deleteRoom(id: string, retiredStateVector: Uint8Array): Promise<boolean> {
    return this.worker.call('deleteRoom', [id, retiredStateVector]);
  }

  writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    return this.worker.call('writeRooms', [writes, updatedAt]);
  }

  loadDocument(id: string): Promise<StoredDocument | null> {
    return this.worker.call('loadDocument', [id]);
  }

  compactDocument(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    return this.worker.call('compactDocument', [id, snapshot, throughSeq]);
  }

  ping(): Promise<void> {
    return this.worker.call('ping');
  }

  /** See SqliteRoomStore.capPageCount: simulates a full disk in fault tests. */
  capPageCount(pages: number): Promise<number> {
    return this.worker.call('capPageCount', [pages]);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
