import type { HistoryAuthor } from '@pairwise/protocol';
import type { RoomMetaChange, RoomWrite } from '../storage/store.js';
import { QueuedUpdates } from './queued-updates.js';

/** Where an accepted update came from, kept with it in the history. */
export interface UpdateOrigin {
  /** Epoch milliseconds the server accepted it. */
  at: number;
  /** Who sent it, from their session; null when not known (e.g. another instance's edits stored for it). */
  author: HistoryAuthor | null;
}

/** What one room has accepted but not yet stored, and how its recent writes went. */
export interface Backlog {
  readonly incarnation: string;
  /** Accepted updates with when and from whom, in order (RoomWrite.updates, acceptedAt, authorIds). */
  queued: QueuedUpdates;
  /** The people in the queue's authors, as they were shown when their last update was queued. */
  authors: Map<string, HistoryAuthor>;
  /**
   * The people stored for this incarnation, as stored. A write names only those new or changed since:
   * storing both typists of a pair room every window was two of the storage worker's four statements
   * per window (issue 9). Forgotten with the entry; writing a name again is harmless.
   */
  storedAuthors: Map<string, HistoryAuthor>;
  /** Latest settings change not yet stored (later changes overwrite earlier fields). */
  meta: RoomMetaChange | null;
  /** Consecutive failed writes; 0 while the room's writes succeed. */
  failures: number;
  /** Earliest time (epoch ms) a failing room is written again. */
  retryAt: number;
  /** Called once everything queued so far is stored (see `whenStored`). */
  waiters: (() => void)[];
  /** Content was queued since the last sweep: the entry is kept (see `sweepIdle`). */
  recent: boolean;
}

/** Content taken out of a backlog for one write; put back with `restore` if the write fails. */
export interface TakenWrite {
  readonly backlog: Backlog;
  readonly write: RoomWrite;
  readonly bytes: number;
  /** Waiting for this write (and what was written before it) to be stored. */
  readonly waiters: (() => void)[];
}

export interface UnstoredRoom {
  roomId: string;
  incarnation: string;
  updates: number;
  bytes: number;
  settings: boolean;
}

/**
 * Per-room write-behind queues with their byte counts and failure state: the bookkeeping of the
 * group commit, kept apart from its timers and I/O. Per room so that one room whose writes keep
 * failing neither blocks nor grows without bound at the expense of the others.
 *
 * Entries outlive their writes: a room typing steadily keeps its entries, and only rooms that stayed
 * quiet for a whole sweep period are forgotten (`sweepIdle`). Adding and deleting entries per write
 * made both maps rehash several times a window; V8 links each replaced table of a long-lived Map to
 * its successor, and a scavenge keeps whatever an old-generation table points to alive, dead or
 * not, so every write's content (the queued updates, and what they point to) was promoted and left
 * for a full collection: at 1,000 updates/s, 0.6-1.3 MB per scavenge instead of 0.2, and scavenge
 * pauses of 5-10 ms (`--trace-gc-nvp`, bench pairs).
 */
export class RoomBacklogs {
  private readonly backlogs = new Map<string, Backlog>();
  /** Writes in flight, by room: a waiter that finds nothing queued waits for these. Null once done (see above). */
  private readonly writing = new Map<string, TakenWrite | null>();
  private totalBytes = 0;
  /** Kept as content moves, not counted on demand: it is reported after every queued update. */
  private totalUpdates = 0;

  get bytes(): number {
    return this.totalBytes;
  }

  get updateCount(): number {
    return this.totalUpdates;
  }

  get(roomId: string): Backlog | undefined {
    return this.backlogs.get(roomId);
  }

  /** The room's backlog for `incarnation`; a backlog of an older incarnation is dropped (the room was re-created). */
  open(roomId: string, incarnation: string): Backlog {
    const existing = this.backlogs.get(roomId);
    if (existing?.incarnation === incarnation) {
      existing.recent = true;
      return existing;
    }
    if (existing) this.discard(roomId);
    const backlog: Backlog = {
      incarnation,
      queued: new QueuedUpdates(),
      authors: new Map(),
      storedAuthors: new Map(),
      meta: null,
      failures: 0,
      retryAt: 0,
      waiters: [],
      recent: true,
    };
    this.backlogs.set(roomId, backlog);
    return backlog;
  }

  addUpdate(backlog: Backlog, update: Uint8Array, origin: UpdateOrigin): void {
    backlog.queued.push(update, origin.at, origin.author?.id ?? null);
    if (origin.author) backlog.authors.set(origin.author.id, origin.author);
    this.totalBytes += update.byteLength;
    this.totalUpdates += 1;
  }

  /**
   * Calls `stored` once everything queued for the room before this call is stored, or at once if
   * nothing is queued or being written. Never called for a room deleted meanwhile.
   */
  whenStored(roomId: string, stored: () => void): void {
    const backlog = this.backlogs.get(roomId);
    if (backlog && holdsContent(backlog)) backlog.waiters.push(stored);
    else {
      const inFlight = this.writing.get(roomId);
      if (inFlight) inFlight.waiters.push(stored);
      else stored();
    }
  }

  /** Whether the room has content queued or being written. */
  holds(roomId: string): boolean {
    const backlog = this.backlogs.get(roomId);
    return (backlog !== undefined && holdsContent(backlog)) || this.writing.get(roomId) != null;
  }

  /** Forget a room's backlog (the room was deleted); returns the updates it held. */
  discard(roomId: string): Uint8Array[] {
    const backlog = this.backlogs.get(roomId);
    if (!backlog) return [];
    this.backlogs.delete(roomId);
    this.totalBytes -= backlog.queued.byteLength;
    this.totalUpdates -= backlog.queued.count;
    return backlog.queued.take().updates;
  }

  /** Rooms with something to write, split into those writing fine and those failing. */
  due(now: number, ignoreBackoff: boolean): { healthy: string[]; retrying: string[] } {
    const healthy: string[] = [];
    const retrying: string[] = [];
    for (const [roomId, backlog] of this.backlogs) {
      if (!holdsContent(backlog)) continue;
      if (backlog.failures === 0) healthy.push(roomId);
      else if (ignoreBackoff || backlog.retryAt <= now) retrying.push(roomId);
    }
    return { healthy, retrying };
  }

  /** Earliest retry time of a failing room with something to write, or null. */
  nextRetryAt(): number | null {
    let next: number | null = null;
    for (const backlog of this.backlogs.values()) {
      if (backlog.failures === 0 || !holdsContent(backlog)) continue;
      next = next === null ? backlog.retryAt : Math.min(next, backlog.retryAt);
    }
    return next;
  }

  /** Whether a room writing fine has something to write (what `due` would list as healthy). */
  hasHealthyContent(): boolean {
    for (const backlog of this.backlogs.values()) if (backlog.failures === 0 && holdsContent(backlog)) return true;
    return false;
  }

  failingRooms(): string[] {
    return [...this.backlogs].filter(([, backlog]) => backlog.failures > 0).map(([roomId]) => roomId);
  }

  /** Move a room's content out for writing. Updates accepted meanwhile queue behind it. */
  take(roomId: string): TakenWrite | null {
    const backlog = this.backlogs.get(roomId);
    if (!backlog || !holdsContent(backlog)) return null;
    const bytes = backlog.queued.byteLength;
    this.totalBytes -= bytes;
    this.totalUpdates -= backlog.queued.count;
    const write: RoomWrite = {
      roomId,
      incarnation: backlog.incarnation,
      ...backlog.queued.take(),
      authors: [...backlog.authors.values()].filter((author) => !sameAuthor(backlog.storedAuthors.get(author.id), author)),
      ...(backlog.meta ? { meta: backlog.meta } : {}),
    };
    const taken: TakenWrite = { backlog, write, bytes, waiters: backlog.waiters };
    this.writing.set(roomId, taken);
    backlog.waiters = [];
    backlog.authors = new Map();
    backlog.meta = null;
    return taken;
  }

  /** The write succeeded: the room is healthy again. */
  stored(taken: TakenWrite): void {
    this.finished(taken);
    taken.backlog.failures = 0;
    for (const author of taken.write.authors ?? []) taken.backlog.storedAuthors.set(author.id, author);
    for (const waiter of taken.waiters) waiter();
  }

  /**
   * Forgets the rooms with nothing queued, in flight or failing that queued nothing since the last
   * sweep. Call it every few seconds, not per write (see the class comment).
   */
  sweepIdle(): void {
    for (const [roomId, backlog] of this.backlogs) {
      if (!backlog.recent && backlog.failures === 0 && !this.holds(roomId)) this.backlogs.delete(roomId);
      else backlog.recent = false;
    }
    for (const [roomId, taken] of this.writing) {
      if (taken === null && !this.backlogs.has(roomId)) this.writing.delete(roomId);
    }
  }

  /** Rooms with an entry: something queued, in flight or failing, or content queued since the last sweep. */
  get roomCount(): number {
    return this.backlogs.size;
  }

  /**
   * The write failed: its content goes back in front of anything queued since, unless the room was
   * deleted meanwhile. Returns the room's consecutive failure count.
   */
  restore(taken: TakenWrite, retryAt: (failures: number) => number): number {
    const { backlog, write, bytes } = taken;
    this.finished(taken);
    backlog.failures += 1;
    backlog.retryAt = retryAt(backlog.failures);
    if (this.backlogs.get(write.roomId) !== backlog) return backlog.failures;
    const queuedSince = backlog.queued.take();
    backlog.queued.pushAll(write);
    backlog.queued.pushAll(queuedSince);
    // Names queued since are newer than the failed write's.
    backlog.authors = new Map([...(write.authors ?? []).map((a) => [a.id, a] as const), ...backlog.authors]);
    backlog.waiters = [...taken.waiters, ...backlog.waiters];
    this.totalBytes += bytes;
    this.totalUpdates += write.updates.length;
    // A settings change made while the write was in flight is newer than the one that failed.
    if (write.meta) backlog.meta = { ...write.meta, ...backlog.meta };
    return backlog.failures;
  }

  private finished(taken: TakenWrite): void {
    if (this.writing.get(taken.write.roomId) === taken) this.writing.set(taken.write.roomId, null);
  }

  describe(): UnstoredRoom[] {
    return [...this.backlogs]
      .filter(([, b]) => holdsContent(b))
      .map(([roomId, b]) => ({
        roomId,
        incarnation: b.incarnation,
        updates: b.queued.count,
        bytes: b.queued.byteLength,
        settings: b.meta !== null,
      }));
  }
}

/** Whether the backlog has updates or settings waiting to be written. */
function holdsContent(backlog: Backlog): boolean {
  return backlog.queued.count > 0 || backlog.meta !== null;
}

function sameAuthor(stored: HistoryAuthor | undefined, author: HistoryAuthor): boolean {
  return stored !== undefined && stored.name === author.name && stored.color === author.color;
}
