import type { HistoryAuthor } from '@pairwise/protocol';
import type { RoomMetaChange, RoomWrite } from './store.js';

/**
 * Many small updates as one buffer plus their lengths: posting tens of thousands of separate
 * Uint8Arrays to a worker costs ~0.4 µs each to clone on the sending thread (25 ms for 60,000);
 * one copy into a transferable buffer costs a few ms.
 */
export interface PackedUpdates {
  bytes: Uint8Array;
  lengths: Uint32Array;
}

export function packUpdates(updates: readonly Uint8Array[]): PackedUpdates {
  const lengths = Uint32Array.from(updates, (update) => update.byteLength);
  const bytes = new Uint8Array(lengths.reduce((sum, length) => sum + length, 0));
  let offset = 0;
  for (const update of updates) {
    bytes.set(update, offset);
    offset += update.byteLength;
  }
  return { bytes, lengths };
}

/** Views into `packed.bytes`, no copies. */
export function unpackUpdates(packed: PackedUpdates): Uint8Array[] {
  const updates: Uint8Array[] = [];
  let offset = 0;
  for (const length of packed.lengths) {
    updates.push(packed.bytes.subarray(offset, offset + length));
    offset += length;
  }
  return updates;
}

/**
 * A group commit's writes as columns: every update in one buffer, the per-update fields in typed
 * arrays or flat arrays, the rare authors and settings aside. Every 100 ms window each typing room
 * brings a handful of ~30-byte updates; posted as one object per room (with its own arrays), the
 * structured clone of a 100-room commit took 95 µs to write and as long again to read on the storage
 * worker, against 15 µs for these columns (issue 9).
 */
export interface PackedRoomWrites {
  roomIds: string[];
  incarnations: string[];
  /** How many of `updates` are each room's, in room order. */
  updateCounts: Uint32Array;
  updates: PackedUpdates;
  /** Per update: when the server accepted it (the commit's time where the write gave none). */
  acceptedAt: Float64Array;
  /** Per update: who sent it, null when unknown. */
  authorIds: (string | null)[];
  /** Authors and settings, for the rooms that carry any. */
  extras: Array<{ room: number; authors?: readonly HistoryAuthor[]; meta?: RoomMetaChange }>;
}

/** Packs a commit's writes; `updatedAt` (the commit's time) stands in for acceptance times a write does not give. */
export function packRoomWrites(writes: readonly RoomWrite[], updatedAt: number): PackedRoomWrites {
  const updates = writes.flatMap((write) => write.updates);
  const packed: PackedRoomWrites = {
    roomIds: writes.map((write) => write.roomId),
    incarnations: writes.map((write) => write.incarnation),
    updateCounts: Uint32Array.from(writes, (write) => write.updates.length),
    updates: packUpdates(updates),
    acceptedAt: new Float64Array(updates.length),
    authorIds: new Array<string | null>(updates.length),
    extras: [],
  };
  let next = 0;
  writes.forEach(({ updates: own, acceptedAt, authorIds, authors, meta }, room) => {
    for (let i = 0; i < own.length; i++, next++) {
      packed.acceptedAt[next] = acceptedAt?.[i] ?? updatedAt;
      packed.authorIds[next] = authorIds?.[i] ?? null;
    }
    if ((authors !== undefined && authors.length > 0) || meta !== undefined) packed.extras.push({ room, authors, meta });
  });
  return packed;
}

/** The writes again, their updates views into the packed buffer, every update's time and author given. */
export function unpackRoomWrites(packed: PackedRoomWrites): RoomWrite[] {
  const updates = unpackUpdates(packed.updates);
  const writes: RoomWrite[] = [];
  let next = 0;
  packed.roomIds.forEach((roomId, room) => {
    const end = next + (packed.updateCounts[room] ?? 0);
    writes.push({
      roomId,
      incarnation: packed.incarnations[room] ?? '',
      updates: updates.slice(next, end),
      acceptedAt: Array.from(packed.acceptedAt.subarray(next, end)),
      authorIds: packed.authorIds.slice(next, end),
    });
    next = end;
  });
  for (const { room, authors, meta } of packed.extras) {
    const write = writes[room];
    if (write === undefined) continue;
    if (authors !== undefined) write.authors = authors;
    if (meta !== undefined) write.meta = meta;
  }
  return writes;
}

/** The buffers to transfer (not copy) when posting `packed`. */
export function transferablesOf(packed: PackedUpdates): ArrayBuffer[] {
  return [packed.bytes.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer];
}

/** The same for a commit's writes. */
export function roomWriteTransferables(packed: PackedRoomWrites): ArrayBuffer[] {
  return [...transferablesOf(packed.updates), packed.updateCounts.buffer as ArrayBuffer, packed.acceptedAt.buffer as ArrayBuffer];
}
