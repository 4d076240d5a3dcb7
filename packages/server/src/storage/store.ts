/**
 * Durable storage for rooms: a small index of room records (for listing without loading documents)
 * and, per room, a Yjs document kept as an append-only update log plus one compacted snapshot.
 *
 * Implementations: SQLite (embedded default), PostgreSQL, and an in-memory one for tests.
 * Every implementation runs the contract suite in `store.contract.ts`.
 */

export interface RoomRecord {
  id: string;
  name: string;
  language: string;
  /** Epoch milliseconds. */
  createdAt: number;
  /**
   * Epoch milliseconds; bumped by metadata changes and by every stored update. Never moves
   * backwards, so a server instance whose clock lags cannot make a busy room look idle.
   */
  updatedAt: number;
}

export interface RoomMetaChange {
  name?: string;
  language?: string;
}

/** One update to append to a room's log, as part of a group commit. */
export interface PendingUpdate {
  roomId: string;
  update: Uint8Array;
}

export interface StoredDocument {
  /** The snapshot (if any) followed by every logged update after it, in log order. Apply in order. */
  updates: Uint8Array[];
  /** Sequence number of the last logged update included in `updates`; 0 when the log is empty. */
  lastSeq: number;
  /** How many log entries follow the snapshot (a compaction hint). */
  logLength: number;
}

export interface ListPage {
  rooms: RoomRecord[];
  /** Present when more rooms follow: the (updatedAt, id) of the last room on this page. */
  next: RoomCursor | null;
}

/** Keyset position for listing rooms by most recently updated first. */
export interface RoomCursor {
  updatedAt: number;
  id: string;
}

export class RoomExistsError extends Error {
  constructor(readonly roomId: string) {
    super(`room ${roomId} already exists`);
    this.name = 'RoomExistsError';
  }
}

export interface RoomStore {
  /**
   * Create the room record and its first logged update atomically.
   * Throws RoomExistsError if the id is taken.
   */
  createRoom(room: RoomRecord, initialUpdate: Uint8Array): Promise<void>;
  getRoom(id: string): Promise<RoomRecord | null>;
  /**
   * Rooms ordered by updatedAt descending, then id descending (binary order); `after` continues
   * from a cursor. `limit` must be a positive integer (RangeError otherwise).
   */
  listRooms(limit: number, after: RoomCursor | null): Promise<ListPage>;
  /** Change name/language (undefined fields stay) and bump updatedAt. False if the room does not exist. */
  updateRoomMeta(id: string, change: RoomMetaChange, updatedAt: number): Promise<boolean>;
  /** Remove the room, its log and its snapshot. Returns false if it did not exist. */
  deleteRoom(id: string): Promise<boolean>;

  /**
   * Append updates in one transaction (the group commit), keeping their order per room,
   * and bump each touched room's updatedAt. Updates for rooms that no longer exist are dropped.
   */
  appendUpdates(batch: readonly PendingUpdate[], updatedAt: number): Promise<void>;
  /**
   * The stored document, or null if the room does not exist. Snapshot and log are read
   * consistently even while another instance compacts. The arrays are the caller's to keep.
   */
  loadDocument(id: string): Promise<StoredDocument | null>;
  /**
   * Replace the snapshot with one that covers every log entry up to and including `throughSeq`,
   * and delete those entries (never later ones). Ignored unless `throughSeq` is later than the
   * stored snapshot's (so two compactions racing can never move the snapshot backwards), and
   * ignored for a missing room. `compactStoredDocument` in `compaction.ts` is the usual caller.
   */
  compactDocument(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;

  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
