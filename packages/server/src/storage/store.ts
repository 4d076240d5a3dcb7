import type { HistoryAuthor } from '@pairwise/protocol';
import type { AccessStore, RoomAccessInit } from './access.js';
import type { AccountStore } from './accounts.js';
import type { ChatStore } from './chat.js';
import type { RunStore } from './runs.js';
import type { HistoryStore } from './history.js';

/**
 * Durable storage for rooms: a small index of room records (for listing without loading documents)
 * and, per room, a Yjs document kept as an append-only update log (the room's history: each entry
 * with when it was accepted and who sent it) plus checkpoints, full states every so many entries, so
 * the document loads from the newest checkpoint and any moment is reachable without replaying from
 * the start. History retention (history-retention.ts) thins old entries and checkpoints.
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

/** What one group commit writes for one room. */
export interface RoomWrite {
  roomId: string;
  /**
   * The incarnation of the room these writes belong to (from `loadDocument`). Writes for a room that
   * was deleted since, or deleted and created again under the same id, are dropped: a new room must
   * never receive the old one's queued edits.
   */
  incarnation: string;
  /** Updates to append to the room's log, in the order they were accepted. */
  updates: readonly Uint8Array[];
  /** Parallel to `updates`: when the server accepted each (epoch ms). Missing: the commit's `updatedAt`. */
  acceptedAt?: readonly number[];
  /** Parallel to `updates`: who sent each (a `HistoryAuthor.id` from `authors`), null when unknown. Missing: all unknown. */
  authorIds?: readonly (string | null)[];
  /** Name and colour of the people in `authorIds`, as the room showed them; kept with the room for history. */
  authors?: readonly HistoryAuthor[];
  /** Settings to index (undefined fields stay), written in the same transaction as the updates. */
  meta?: RoomMetaChange;
}

export interface StoredDocument {
  /**
   * Random id of this life of the room, new each time a room is created (also when an id is reused
   * after a delete). Writes carry it; see RoomWrite.
   */
  incarnation: string;
  /**
   * Encoded Yjs state vectors of the rooms that held this id before and were deleted: structs they
   * cover belong to a deleted room and must never enter this one.
   */
  retiredStateVectors: Uint8Array[];
  /** The newest checkpoint (if any) followed by every logged update after it, in log order. Apply in order. */
  updates: Uint8Array[];
  /** Sequence number of the last logged update included in `updates`; 0 when the log is empty. */
  lastSeq: number;
  /** How many log entries follow the newest checkpoint (a compaction hint). */
  logLength: number;
}

export interface ListPage<Room extends RoomRecord = RoomRecord> {
  rooms: Room[];
  /** Present when more rooms follow: the (updatedAt, id) of the last room on this page. */
  next: RoomCursor | null;
}

/** Keyset position for listing rooms by most recently updated first. */
export interface RoomCursor {
  updatedAt: number;
  id: string;
}

/** A room nobody has opened since a given time (listRoomsNotOpenedSince). */
export interface UnopenedRoom {
  id: string;
  /** Epoch milliseconds of the room's last opening (its creation if never opened since). */
  lastOpenedAt: number;
}

/**
 * The store could not be reached, or lost its connection mid-call (database down, restarting,
 * out of connections): a fault of the infrastructure, not of the call, which may succeed once the
 * store is back. `cause` is the driver's error.
 */
export class StoreUnreachableError extends Error {
  constructor(cause: unknown) {
    super(`the store is unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreUnreachableError';
  }
}

export class RoomExistsError extends Error {
  constructor(readonly roomId: string) {
    super(`room ${roomId} already exists`);
    this.name = 'RoomExistsError';
  }
}

/**
 * How far behind its last stored edit a room's updatedAt may be. A typing room is written every
 * group commit (ten times a second); moving its row and its place in the by-update index each time
 * was the largest part of a commit after the log itself (SQLite, 500 rooms: 1 ms of 6 per commit,
 * and a dead row version per room per commit on PostgreSQL). Lists order rooms by it; a second does
 * not change what anyone sees there.
 */
export const UPDATED_AT_RESOLUTION_MS = 1_000;

export interface RoomStore {
  /**
   * Create the room record (with a new incarnation), its access (DEFAULT_ROOM_ACCESS where not
   * given) and its first logged update atomically. Throws RoomExistsError if the id is taken.
   */
  createRoom(room: RoomRecord, initialUpdate: Uint8Array, access?: RoomAccessInit): Promise<void>;
  getRoom(id: string): Promise<RoomRecord | null>;
  /**
   * Rooms ordered by updatedAt descending, then id descending (binary order); `after` continues
   * from a cursor. `limit` must be a positive integer (RangeError otherwise).
   */
  listRooms(limit: number, after: RoomCursor | null): Promise<ListPage>;
  /**
   * Remove the room, its log, checkpoints and history, and remember `retiredStateVector` (an encoded Yjs
   * state vector covering everything the room held) for any room later created under the same id.
   * Returns false if it did not exist.
   */
  deleteRoom(id: string, retiredStateVector: Uint8Array): Promise<boolean>;

  /**
   * Record that these rooms were opened (loaded into or unloaded from a server's memory) at
   * `openedAt`. A room's lastOpenedAt starts at its createdAt and never moves backwards, so an
   * instance whose clock lags cannot make a room look idle. Unknown ids are ignored.
   */
  touchRooms(ids: readonly string[], openedAt: number): Promise<void>;
  /**
   * Up to `limit` rooms whose lastOpenedAt is before `before`, least recently opened first (then
   * id ascending, binary order), for the retention sweep. `limit` must be a positive integer.
   */
  listRoomsNotOpenedSince(before: number, limit: number): Promise<UnopenedRoom[]>;

  /**
   * The group commit: in one transaction, append each write's updates (keeping their order), apply
   * its settings change, and bump each written room's updatedAt: to `updatedAt` with a settings
   * change, else to within UPDATED_AT_RESOLUTION_MS of it. Writes whose room no longer exists in that
   * incarnation are dropped without failing the rest.
   */
  writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void>;
  /**
   * The stored document, or null if the room does not exist. Snapshot and log are read
   * consistently even while another instance compacts. The arrays are the caller's to keep.
   */
  loadDocument(id: string): Promise<StoredDocument | null>;
  /**
   * Store a checkpoint: the full state after every log entry up to and including `throughSeq`. The
   * entries stay (they are the history). Ignored unless `throughSeq` is later than the newest stored
   * checkpoint's (two compactions racing never move loads backwards), and for a missing room.
   * `compactStoredDocument` in `compaction.ts` is the usual caller.
   */
  storeCheckpoint(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void>;

  /** Resolves when the store answers a trivial query; rejects otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Everything the server keeps: rooms, their history, chat and runs, accounts and who may do what in each room, in one database. */
export type Store = RoomStore & AccountStore & AccessStore & HistoryStore & ChatStore & RunStore;
