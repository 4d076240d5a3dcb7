import { randomUUID } from 'node:crypto';
import {
  RoomExistsError,
  type ListPage,
  type RoomCursor,
  type RoomMetaChange,
  type RoomRecord,
  type RoomStore,
  type RoomWrite,
  type StoredDocument,
} from './store.js';

interface LoggedUpdate {
  seq: number;
  data: Uint8Array;
}

interface MemoryRoom {
  record: RoomRecord;
  incarnation: string;
  log: LoggedUpdate[];
  snapshot: { throughSeq: number; data: Uint8Array } | null;
}

/**
 * In-memory RoomStore for tests. It follows the same contract as the SQL stores, including
 * copying bytes on the way in and out, so a test cannot pass by accident because a caller
 * kept mutating a buffer the store still references.
 */
export class MemoryRoomStore implements RoomStore {
  private readonly rooms = new Map<string, MemoryRoom>();
  private readonly retired = new Map<string, Uint8Array[]>();
  // Global like the SQL sequences, so seq values are comparable across implementations.
  private lastSeq = 0;
  private closed = false;

  async createRoom(room: RoomRecord, initialUpdate: Uint8Array): Promise<void> {
    this.assertOpen();
    if (this.rooms.has(room.id)) throw new RoomExistsError(room.id);
    this.rooms.set(room.id, {
      record: { ...room },
      incarnation: randomUUID(),
      log: [{ seq: this.nextSeq(), data: initialUpdate.slice() }],
      snapshot: null,
    });
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    this.assertOpen();
    const room = this.rooms.get(id);
    return room ? { ...room.record } : null;
  }

  async listRooms(limit: number, after: RoomCursor | null): Promise<ListPage> {
    this.assertOpen();
    assertLimit(limit);
    const ordered = [...this.rooms.values()]
      .map((room) => room.record)
      .filter((record) => after === null || compareListOrder(record, after) > 0)
      .sort(compareListOrder);
    const page = ordered.slice(0, limit).map((record) => ({ ...record }));
    const last = page[page.length - 1];
    const next = ordered.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null;
    return { rooms: page, next };
  }

  async deleteRoom(id: string, retiredStateVector: Uint8Array): Promise<boolean> {
    this.assertOpen();
    if (!this.rooms.delete(id)) return false;
    this.retired.set(id, [...(this.retired.get(id) ?? []), retiredStateVector.slice()]);
    return true;
  }

  async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    this.assertOpen();
    for (const { roomId, incarnation, updates, meta } of writes) {
      const room = this.rooms.get(roomId);
      if (room?.incarnation !== incarnation || (updates.length === 0 && !meta)) continue;
      for (const update of updates) room.log.push({ seq: this.nextSeq(), data: update.slice() });
      if (meta) applyMeta(room.record, meta);
      bumpUpdatedAt(room.record, updatedAt);
    }
  }

  async loadDocument(id: string): Promise<StoredDocument | null> {
    this.assertOpen();
    const room = this.rooms.get(id);
    if (!room) return null;
    const throughSeq = room.snapshot?.throughSeq ?? 0;
    const log = room.log.filter((entry) => entry.seq > throughSeq);
    const updates = log.map((entry) => entry.data.slice());
    if (room.snapshot) updates.unshift(room.snapshot.data.slice());
    const lastSeq = log[log.length - 1]?.seq ?? throughSeq;
    const retiredStateVectors = (this.retired.get(id) ?? []).map((sv) => sv.slice());
    return { incarnation: room.incarnation, retiredStateVectors, updates, lastSeq, logLength: log.length };
  }

  async compactDocument(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.assertOpen();
    const room = this.rooms.get(id);
    if (!room || (room.snapshot !== null && room.snapshot.throughSeq >= throughSeq)) return;
    room.snapshot = { throughSeq, data: snapshot.slice() };
    room.log = room.log.filter((entry) => entry.seq > throughSeq);
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  private nextSeq(): number {
    this.lastSeq += 1;
    return this.lastSeq;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryRoomStore is closed');
  }
}

/** Sort key of listRooms: updatedAt descending, then id descending (code-unit order). */
function compareListOrder(a: RoomCursor, b: RoomCursor): number {
  if (a.updatedAt !== b.updatedAt) return b.updatedAt - a.updatedAt;
  if (a.id === b.id) return 0;
  return a.id < b.id ? 1 : -1;
}

function applyMeta(record: RoomRecord, meta: RoomMetaChange): void {
  if (meta.name !== undefined) record.name = meta.name;
  if (meta.language !== undefined) record.language = meta.language;
}

// Clocks of different server instances disagree a little; updatedAt must not go backwards.
function bumpUpdatedAt(record: RoomRecord, updatedAt: number): void {
  record.updatedAt = Math.max(record.updatedAt, updatedAt);
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid list limit ${limit}`);
}
