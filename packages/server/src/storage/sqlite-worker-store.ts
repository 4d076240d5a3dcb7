import { workerEntry, WorkerClient } from './worker-client.js';
import type { SqliteWorkerData } from './sqlite-worker.js';
import type { ListPage, RoomCursor, RoomRecord, RoomWrite, Store, StoredDocument } from './store.js';

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
export class SqliteWorkerStore implements Store {
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

  // Accounts and access: implemented by the storage work of the accounts issue (#7).
  getAccess(): Promise<never> {
    return notYet();
  }
  updateAccess(): Promise<never> {
    return notYet();
  }
  memberRole(): Promise<never> {
    return notYet();
  }
  listMembers(): Promise<never> {
    return notYet();
  }
  setMember(): Promise<never> {
    return notYet();
  }
  removeMember(): Promise<never> {
    return notYet();
  }
  createLink(): Promise<never> {
    return notYet();
  }
  findLink(): Promise<never> {
    return notYet();
  }
  listLinks(): Promise<never> {
    return notYet();
  }
  revokeLink(): Promise<never> {
    return notYet();
  }
  listRoomsOf(): Promise<never> {
    return notYet();
  }
  countRoomsOwnedBy(): Promise<never> {
    return notYet();
  }
  createUser(): Promise<never> {
    return notYet();
  }
  findUserByName(): Promise<never> {
    return notYet();
  }
  getUser(): Promise<never> {
    return notYet();
  }
  createSession(): Promise<never> {
    return notYet();
  }
  getSession(): Promise<never> {
    return notYet();
  }
  revokeSession(): Promise<never> {
    return notYet();
  }
  ensureSecret(): Promise<never> {
    return notYet();
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}

function notYet(): Promise<never> {
  return Promise.reject(new Error('not implemented yet'));
}
