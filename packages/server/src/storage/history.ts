import type { HistoryAuthor } from '@pairwise/protocol';

/**
 * A room's history as stored: the update log (each entry with when the server accepted it and who
 * sent it), checkpoints (full states at some entries) and versions. The store writes the log with
 * each group commit (`RoomWrite`); this interface reads it back and keeps its retention.
 *
 * Every implementation runs the contract suite in `history.contract.ts`.
 */

/** One point of the timeline: a logged update, or a checkpoint whose updates retention has thinned. */
export interface HistoryEntry {
  seq: number;
  /** Epoch milliseconds the update was accepted (a checkpoint: its last update's time). */
  at: number;
  /** `HistoryAuthor.id`; null for checkpoints and for updates stored before history was kept. */
  authorId: string | null;
  /** The logged update; null for a checkpoint without its log entry. */
  update: Uint8Array | null;
}

export interface Checkpoint {
  /** The last log entry the state includes. */
  seq: number;
  /** Epoch milliseconds of that entry. */
  at: number;
  /** The full document state (a Yjs update) after that entry. */
  state: Uint8Array;
}

export interface HistoryBounds {
  /** The earliest point the history still holds (entry or checkpoint); the latest. */
  firstSeq: number;
  lastSeq: number;
}

export interface VersionRecord {
  id: string;
  roomId: string;
  name: string;
  auto: boolean;
  /** Epoch milliseconds. */
  createdAt: number;
  /** The last log entry the version includes. */
  seq: number;
  /** `HistoryAuthor.id`s of who changed the code since the previous version. */
  authorIds: string[];
  /** The code text, for listing and diffing without decoding states. */
  code: string;
  /** The full document state (kept whatever retention thins: versions never depend on the log). */
  state: Uint8Array;
}

export type VersionSummaryRecord = Omit<VersionRecord, 'code' | 'state'>;

export interface HistoryStore {
  /** Timeline points with seq > `after`, oldest first, at most `limit` (a positive integer). */
  readHistory(roomId: string, after: number, limit: number): Promise<HistoryEntry[]>;
  /** The newest checkpoint at or before `seq`, or null. */
  checkpointAtOrBefore(roomId: string, seq: number): Promise<Checkpoint | null>;
  /** Null for a room without history (or a missing room). */
  historyBounds(roomId: string): Promise<HistoryBounds | null>;
  /** The named authors of the room (all when `ids` is omitted). */
  roomAuthors(roomId: string, ids?: readonly string[]): Promise<HistoryAuthor[]>;
  /** Distinct authors of the log entries in (afterSeq, throughSeq]. */
  authorsBetween(roomId: string, afterSeq: number, throughSeq: number): Promise<string[]>;

  /** Stores a version; ignored for a missing room. */
  addVersion(version: VersionRecord): Promise<void>;
  /** Newest first. */
  listVersions(roomId: string): Promise<VersionSummaryRecord[]>;
  getVersion(roomId: string, id: string): Promise<VersionRecord | null>;

  /**
   * Retention: add checkpoints (existing seqs are kept), then delete log entries with seq <= `logThrough`
   * (0: none) that a checkpoint at or after them covers, and the checkpoints listed in `dropCheckpoints`
   * except the newest one. Versions are never touched. One transaction.
   */
  thinHistory(roomId: string, change: HistoryThinning): Promise<void>;
  /** Deletes automatic versions created before `before` (named ones stay forever). Returns how many. */
  deleteAutoVersionsBefore(roomId: string, before: number): Promise<number>;
  /**
   * Up to `limit` rooms whose log holds entries accepted before `before`, for the retention sweep (an
   * idle room is thinned once and then left alone: it no longer grows).
   */
  roomsWithLogBefore(before: number, limit: number): Promise<string[]>;
}

export interface HistoryThinning {
  addCheckpoints: readonly Checkpoint[];
  logThrough: number;
  dropCheckpoints: readonly number[];
}
