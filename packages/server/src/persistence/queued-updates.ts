import type { RoomWrite } from '../storage/store.js';

/** Queued updates as the columns a write carries (RoomWrite.updates, acceptedAt, authorIds). */
export interface QueuedColumns {
  updates: Uint8Array[];
  acceptedAt: number[];
  authorIds: (string | null)[];
}

const FIRST_BYTES = 256;
const FIRST_SLOTS = 16;
/** A queue that grew past these (a paste, a burst) starts small again after its write. */
const KEPT_BYTES = 64 * 1024;
const KEPT_SLOTS = 1024;

/**
 * One room's updates waiting for the group commit, copied into reused buffers. Kept as a list of
 * the Uint8Arrays Yjs made, every keystroke's update (and the list's growing backing store) lived
 * through the 100 ms window, past a scavenge, and V8 promoted much of it to the old generation:
 * in 500 typing pair rooms the group commit's queue was about a third of what survived scavenges
 * (sampled with `includeObjectsCollectedByMajorGC`, issue 9). Here an update's bytes are copied
 * (~30 bytes) and its Uint8Array dies young; once the buffers have grown, queueing allocates nothing.
 */
export class QueuedUpdates {
  private bytes = new Uint8Array(FIRST_BYTES);
  private ends = new Uint32Array(FIRST_SLOTS);
  private acceptedAt = new Float64Array(FIRST_SLOTS);
  /** Per update, its author's index in `authorIds`: a window has one or two authors, not one per update. */
  private authorSlots = new Uint32Array(FIRST_SLOTS);
  private authorIds: (string | null)[] = [];
  private used = 0;
  private queued = 0;

  get count(): number {
    return this.queued;
  }

  get byteLength(): number {
    return this.used;
  }

  push(update: Uint8Array, acceptedAt: number, authorId: string | null): void {
    this.reserve(update.byteLength);
    this.bytes.set(update, this.used);
    this.used += update.byteLength;
    this.ends[this.queued] = this.used;
    this.acceptedAt[this.queued] = acceptedAt;
    this.authorSlots[this.queued] = this.slotOf(authorId);
    this.queued += 1;
  }

  /** Appends every update of `columns` (e.g. a failed write's, put back), in order. */
  pushAll(columns: Readonly<Pick<RoomWrite, 'updates' | 'acceptedAt' | 'authorIds'>>): void {
    columns.updates.forEach((update, i) => {
      this.push(update, columns.acceptedAt?.[i] ?? 0, columns.authorIds?.[i] ?? null);
    });
  }

  /**
   * Everything queued, as a write carries it, and an empty queue. The updates are views into one
   * copy of the bytes, which belongs to the write: the queue's buffers are reused for what comes next.
   */
  take(): QueuedColumns {
    const columns = this.columnsOver(this.bytes.slice(0, this.used));
    this.used = 0;
    this.queued = 0;
    this.authorIds = [];
    if (this.bytes.byteLength > KEPT_BYTES) this.bytes = new Uint8Array(FIRST_BYTES);
    if (this.ends.length > KEPT_SLOTS) this.resizeSlots(FIRST_SLOTS);
    return columns;
  }

  /** The queued updates as views into `bytes` (a copy of the queue's bytes), with their times and authors. */
  private columnsOver(bytes: Uint8Array): QueuedColumns {
    const columns: QueuedColumns = {
      updates: new Array(this.queued),
      acceptedAt: new Array(this.queued),
      authorIds: new Array(this.queued),
    };
    let start = 0;
    for (let i = 0; i < this.queued; i++) {
      const end = this.ends[i] ?? start;
      columns.updates[i] = bytes.subarray(start, end);
      columns.acceptedAt[i] = this.acceptedAt[i] ?? 0;
      columns.authorIds[i] = this.authorIds[this.authorSlots[i] ?? 0] ?? null;
      start = end;
    }
    return columns;
  }

  private slotOf(authorId: string | null): number {
    const known = this.authorIds.indexOf(authorId);
    if (known >= 0) return known;
    this.authorIds.push(authorId);
    return this.authorIds.length - 1;
  }

  private reserve(byteLength: number): void {
    if (this.used + byteLength > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(this.bytes.byteLength * 2, this.used + byteLength));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    if (this.queued === this.ends.length) this.resizeSlots(this.ends.length * 2);
  }

  private resizeSlots(slots: number): void {
    const ends = new Uint32Array(slots);
    const acceptedAt = new Float64Array(slots);
    const authorSlots = new Uint32Array(slots);
    ends.set(this.ends.subarray(0, this.queued));
    acceptedAt.set(this.acceptedAt.subarray(0, this.queued));
    authorSlots.set(this.authorSlots.subarray(0, this.queued));
    this.ends = ends;
    this.acceptedAt = acceptedAt;
    this.authorSlots = authorSlots;
  }
}
