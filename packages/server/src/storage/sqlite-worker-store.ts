import type { HistoryAuthor, RoomRole } from '@pairwise/protocol';
import type { Checkpoint, HistoryBounds, HistoryEntry, HistoryThinning, VersionRecord, VersionSummaryRecord } from './history.js';
import type { LinkRecord, MemberRecord, RoomAccess, RoomAccessChange, RoomAccessInit, RoomOfUser } from './access.js';
import type { SessionRecord, UserRecord } from './accounts.js';
import type { NewChatMessage, StoredChatMessage, StoredChatPage } from './chat.js';
import type { StoredRun, StoredRunPage } from './runs.js';
import { packRoomWrites, roomWriteTransferables } from './packed-updates.js';
import type { SqliteWorkerData } from './sqlite-worker.js';
import { workerEntry, WorkerClient } from './worker-client.js';
import type { ListPage, RoomCursor, RoomRecord, RoomWrite, Store, StoredDocument, UnopenedRoom } from './store.js';

export interface SqliteWorkerStoreOptions {
  /**
   * Test and bench only: the worker blocks this long before each write transaction, the way a
   * slow fsync or a lock held by another process would. 0 (the default) in production.
   */
  simulatedCommitDelayMs?: number;
}

/**
 * The SQLite store the server uses: SqliteRoomStore, SqliteAccounts, SqliteAccess, SqliteHistory, SqliteChat and SqliteRuns in a worker
 * thread, so a slow commit (fsync under disk load, `busy_timeout` waits) delays only storage, never fan-out.
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

  createRoom(room: RoomRecord, initialUpdate: Uint8Array, access?: RoomAccessInit): Promise<void> {
    return this.worker.call('createRoom', [room, initialUpdate, access]);
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

  touchRooms(ids: readonly string[], openedAt: number): Promise<void> {
    return this.worker.call('touchRooms', [ids, openedAt]);
  }

  listRoomsNotOpenedSince(before: number, limit: number): Promise<UnopenedRoom[]> {
    return this.worker.call('listRoomsNotOpenedSince', [before, limit]);
  }

  writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    const packed = packRoomWrites(writes, updatedAt);
    return this.worker.call('writePackedRooms', [packed, updatedAt], roomWriteTransferables(packed));
  }

  loadDocument(id: string): Promise<StoredDocument | null> {
    return this.worker.call('loadDocument', [id]);
  }

  storeCheckpoint(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    return this.worker.call('storeCheckpoint', [id, snapshot, throughSeq]);
  }

  ping(): Promise<void> {
    return this.worker.call('ping');
  }

  readHistory(roomId: string, after: number, limit: number): Promise<HistoryEntry[]> {
    return this.worker.call('readHistory', [roomId, after, limit]);
  }

  checkpointAtOrBefore(roomId: string, seq: number): Promise<Checkpoint | null> {
    return this.worker.call('checkpointAtOrBefore', [roomId, seq]);
  }

  historyBounds(roomId: string): Promise<HistoryBounds | null> {
    return this.worker.call('historyBounds', [roomId]);
  }

  roomAuthors(roomId: string, ids?: readonly string[]): Promise<HistoryAuthor[]> {
    return this.worker.call('roomAuthors', [roomId, ids]);
  }

  authorsBetween(roomId: string, afterSeq: number, throughSeq: number): Promise<string[]> {
    return this.worker.call('authorsBetween', [roomId, afterSeq, throughSeq]);
  }

  addVersion(version: VersionRecord): Promise<void> {
    return this.worker.call('addVersion', [version]);
  }

  listVersions(roomId: string): Promise<VersionSummaryRecord[]> {
    return this.worker.call('listVersions', [roomId]);
  }

  getVersion(roomId: string, id: string): Promise<VersionRecord | null> {
    return this.worker.call('getVersion', [roomId, id]);
  }

  thinHistory(roomId: string, change: HistoryThinning): Promise<void> {
    return this.worker.call('thinHistory', [roomId, change]);
  }

  deleteAutoVersionsBefore(roomId: string, before: number): Promise<number> {
    return this.worker.call('deleteAutoVersionsBefore', [roomId, before]);
  }

  roomsWithLogBefore(before: number, limit: number): Promise<string[]> {
    return this.worker.call('roomsWithLogBefore', [before, limit]);
  }

  /** See SqliteRoomStore.capPageCount: simulates a full disk in fault tests. */
  capPageCount(pages: number): Promise<number> {
    return this.worker.call('capPageCount', [pages]);
  }

  getAccess(roomId: string): Promise<RoomAccess | null> {
    return this.worker.call('getAccess', [roomId]);
  }

  updateAccess(roomId: string, change: RoomAccessChange): Promise<boolean> {
    return this.worker.call('updateAccess', [roomId, change]);
  }

  memberRole(roomId: string, userId: string): Promise<RoomRole | null> {
    return this.worker.call('memberRole', [roomId, userId]);
  }

  listMembers(roomId: string): Promise<MemberRecord[]> {
    return this.worker.call('listMembers', [roomId]);
  }

  setMember(roomId: string, userId: string, role: RoomRole, at: number): Promise<boolean> {
    return this.worker.call('setMember', [roomId, userId, role, at]);
  }

  removeMember(roomId: string, userId: string): Promise<boolean> {
    return this.worker.call('removeMember', [roomId, userId]);
  }

  createLink(link: LinkRecord): Promise<boolean> {
    return this.worker.call('createLink', [link]);
  }

  findLink(roomId: string, tokenHash: string): Promise<LinkRecord | null> {
    return this.worker.call('findLink', [roomId, tokenHash]);
  }

  listLinks(roomId: string): Promise<LinkRecord[]> {
    return this.worker.call('listLinks', [roomId]);
  }

  revokeLink(roomId: string, linkId: string, at: number): Promise<boolean> {
    return this.worker.call('revokeLink', [roomId, linkId, at]);
  }

  listRoomsOf(userId: string, limit: number, after: RoomCursor | null): Promise<ListPage<RoomOfUser>> {
    return this.worker.call('listRoomsOf', [userId, limit, after]);
  }

  countRoomsOwnedBy(userId: string): Promise<number> {
    return this.worker.call('countRoomsOwnedBy', [userId]);
  }

  appendChat(roomId: string, message: NewChatMessage): Promise<StoredChatMessage | null> {
    return this.worker.call('appendChat', [roomId, message]);
  }

  listChat(roomId: string, before: number | null, limit: number): Promise<StoredChatPage> {
    return this.worker.call('listChat', [roomId, before, limit]);
  }

  createRun(roomId: string, incarnation: string, run: StoredRun, savedAt: number): Promise<boolean> {
    return this.worker.call('createRun', [roomId, incarnation, run, savedAt]);
  }

  saveRun(roomId: string, run: StoredRun, savedAt: number): Promise<boolean> {
    return this.worker.call('saveRun', [roomId, run, savedAt]);
  }

  listRuns(roomId: string, before: number | null, limit: number): Promise<StoredRunPage> {
    return this.worker.call('listRuns', [roomId, before, limit]);
  }

  loseStaleRuns(roomId: string, savedBefore: number, at: number): Promise<StoredRun[]> {
    return this.worker.call('loseStaleRuns', [roomId, savedBefore, at]);
  }

  createUser(user: UserRecord): Promise<void> {
    return this.worker.call('createUser', [user]);
  }

  findUserByName(username: string): Promise<UserRecord | null> {
    return this.worker.call('findUserByName', [username]);
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.worker.call('getUser', [id]);
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.worker.call('createSession', [session]);
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.worker.call('getSession', [id]);
  }

  revokeSession(id: string, at: number): Promise<boolean> {
    return this.worker.call('revokeSession', [id, at]);
  }

  ensureSecret(name: string, value: string): Promise<string> {
    return this.worker.call('ensureSecret', [name, value]);
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
