import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { SERVER_AUTHOR_ID } from '@pairwise/protocol/document';
import { DEFAULT_ROOM_ACCESS, type RoomAccessInit } from './access.js';
import { assertListLimit, pageOfRows } from './list-page.js';
import {
  RoomExistsError,
  type ListPage,
  type RoomCursor,
  type RoomRecord,
  type RoomStore,
  type RoomWrite,
  type StoredDocument,
  type UnopenedRoom,
  UPDATED_AT_RESOLUTION_MS,
} from './store.js';
import { SqliteUpdateInbox } from './sqlite-update-inbox.js';

const SQL = {
  insertRoom: `INSERT INTO rooms (id, name, language, created_at, updated_at, last_opened_at, incarnation)
    VALUES (@id, @name, @language, @createdAt, @updatedAt, @createdAt, @incarnation) ON CONFLICT (id) DO NOTHING`,
  getRoom: `SELECT id, name, language, created_at AS createdAt, updated_at AS updatedAt
    FROM rooms WHERE id = ?`,
  listFirst: `SELECT id, name, language, created_at AS createdAt, updated_at AS updatedAt
    FROM rooms ORDER BY updated_at DESC, id DESC LIMIT ?`,
  listAfter: `SELECT id, name, language, created_at AS createdAt, updated_at AS updatedAt
    FROM rooms WHERE (updated_at, id) < (?, ?) ORDER BY updated_at DESC, id DESC LIMIT ?`,
  touchRoom: 'UPDATE rooms SET last_opened_at = ? WHERE id = ? AND last_opened_at < ?',
  listNotOpenedSince: `SELECT id, last_opened_at AS lastOpenedAt FROM rooms WHERE last_opened_at < ?
    ORDER BY last_opened_at, id LIMIT ?`,
  // Positional: binding named parameters looks each one up on an object, once per room per window.
  // Plucked (the constructor): the bare value, no row object built once per room per window.
  roomUpdatedAt: 'SELECT updated_at FROM rooms WHERE id = ? AND incarnation = ?',
  writeRoom: `UPDATE rooms SET name = coalesce(?, name), language = coalesce(?, language),
    updated_at = max(updated_at, ?) WHERE id = ?`,
  deleteRoom: 'DELETE FROM rooms WHERE id = ?',
  retireRoom: 'INSERT INTO retired_rooms (room_id, state_vector) VALUES (?, ?)',
  getIncarnation: 'SELECT incarnation FROM rooms WHERE id = ?',
  getRetired: 'SELECT state_vector AS stateVector FROM retired_rooms WHERE room_id = ? ORDER BY rowid',
  insertAccess: `INSERT INTO room_access (room_id, visibility, owner_user_id, owner_key_hash, ai_completions)
    VALUES (@roomId, @visibility, @ownerUserId, @ownerKeyHash, @aiCompletions)`,
  upsertAuthor: `INSERT INTO room_authors (room_id, author_id, name, color) VALUES (?, ?, ?, ?)
    ON CONFLICT (room_id, author_id) DO UPDATE SET name = excluded.name, color = excluded.color`,
  newestCheckpoint: `SELECT through_seq AS throughSeq, data FROM room_checkpoints WHERE room_id = ?
    ORDER BY through_seq DESC LIMIT 1`,
  // Both parts of the log (sqlite-update-inbox.ts): every seq still in the inbox is above every moved one.
  logAfter: `SELECT seq, data FROM room_updates WHERE room_id = @id AND seq > @after
    UNION ALL SELECT seq, data FROM room_update_inbox WHERE room_id = @id AND seq > @after ORDER BY seq`,
  // Only past the newest checkpoint: loads never move backwards when two compactions race.
  insertCheckpoint: `INSERT INTO room_checkpoints (room_id, through_seq, at, data)
    SELECT @id, @throughSeq, coalesce((SELECT accepted_at FROM room_updates WHERE seq = @throughSeq),
      (SELECT accepted_at FROM room_update_inbox WHERE seq = @throughSeq), @now), @data
    WHERE @throughSeq > coalesce((SELECT max(through_seq) FROM room_checkpoints WHERE room_id = @id), 0)`,
  ping: 'SELECT 1',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

interface CheckpointRow {
  throughSeq: number;
  data: Buffer;
}

interface LogRow {
  seq: number;
  data: Buffer;
}

/**
 * The rooms of the embedded default store, on a database opened by `openSqliteDatabase`
 * (SqliteAccounts and SqliteAccess share the connection; this class closes it).
 * better-sqlite3 is synchronous, so each method does its work in one call and returns an
 * already settled promise; one connection per process.
 */
export class SqliteRoomStore implements RoomStore {
  private readonly stmt: Statements;
  private readonly inbox: SqliteUpdateInbox;

  constructor(private readonly db: Database.Database) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([key, sql]) => [key, db.prepare(sql)])) as Statements;
    this.stmt.roomUpdatedAt.pluck();
    this.inbox = SqliteUpdateInbox.of(db);
  }

  async createRoom(room: RoomRecord, initialUpdate: Uint8Array, access?: RoomAccessInit): Promise<void> {
    const { visibility, ownerUserId, ownerKeyHash, aiCompletions } = { ...DEFAULT_ROOM_ACCESS, ...access };
    this.db
      .transaction(() => {
        if (this.stmt.insertRoom.run({ ...room, incarnation: randomUUID() }).changes === 0) throw new RoomExistsError(room.id);
        this.stmt.insertAccess.run({ roomId: room.id, visibility, ownerUserId, ownerKeyHash, aiCompletions: aiCompletions ? 1 : 0 });
        // The starter code is the server's.
        this.inbox.append(room.id, initialUpdate, room.createdAt, SERVER_AUTHOR_ID);
      })
      .immediate();
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    return (this.stmt.getRoom.get(id) as RoomRecord | undefined) ?? null;
  }

  async listRooms(limit: number, after: RoomCursor | null): Promise<ListPage> {
    assertListLimit(limit);
    const rows = (
      after === null ? this.stmt.listFirst.all(limit + 1) : this.stmt.listAfter.all(after.updatedAt, after.id, limit + 1)
    ) as RoomRecord[];
    return pageOfRows(rows, limit);
  }

  async deleteRoom(id: string, retiredStateVector: Uint8Array): Promise<boolean> {
    return this.db
      .transaction(() => {
        if (this.stmt.deleteRoom.run(id).changes === 0) return false;
        this.stmt.retireRoom.run(id, retiredStateVector);
        return true;
      })
      .immediate();
  }

  async touchRooms(ids: readonly string[], openedAt: number): Promise<void> {
    if (ids.length === 0) return;
    this.db
      .transaction(() => {
        for (const id of ids) this.stmt.touchRoom.run(openedAt, id, openedAt);
      })
      .immediate();
  }

  async listRoomsNotOpenedSince(before: number, limit: number): Promise<UnopenedRoom[]> {
    assertListLimit(limit);
    return this.stmt.listNotOpenedSince.all(before, limit) as UnopenedRoom[];
  }

  async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    if (writes.length === 0) return;
    this.db
      .transaction(() => {
        for (const { roomId, incarnation, updates, meta, acceptedAt, authorIds, authors } of writes) {
          if (updates.length === 0 && !meta) continue;
          const storedUpdatedAt = this.stmt.roomUpdatedAt.get(roomId, incarnation) as number | undefined;
          // No row in this incarnation: the room was deleted (perhaps re-created) since; drop its writes.
          if (storedUpdatedAt === undefined) continue;
          if (meta || updatedAt - storedUpdatedAt >= UPDATED_AT_RESOLUTION_MS) {
            this.stmt.writeRoom.run(meta?.name ?? null, meta?.language ?? null, updatedAt, roomId);
          }
          updates.forEach((update, i) => {
            this.inbox.append(roomId, update, acceptedAt?.[i] ?? updatedAt, authorIds?.[i] ?? null);
          });
          for (const author of authors ?? []) this.stmt.upsertAuthor.run(roomId, author.id, author.name, author.color);
        }
        this.inbox.committed();
      })
      .immediate();
  }

  async loadDocument(id: string): Promise<StoredDocument | null> {
    // A read transaction keeps checkpoint and log consistent if another process compacts meanwhile.
    return this.db
      .transaction((): StoredDocument | null => {
        const room = this.stmt.getIncarnation.get(id) as { incarnation: string } | undefined;
        if (room === undefined) return null;
        const retired = this.stmt.getRetired.all(id) as { stateVector: Buffer }[];
        const checkpoint = this.stmt.newestCheckpoint.get(id) as CheckpointRow | undefined;
        const throughSeq = checkpoint?.throughSeq ?? 0;
        const log = this.stmt.logAfter.all({ id, after: throughSeq }) as LogRow[];
        const updates = log.map((row) => view(row.data));
        if (checkpoint) updates.unshift(view(checkpoint.data));
        const lastSeq = log[log.length - 1]?.seq ?? throughSeq;
        return {
          incarnation: room.incarnation,
          retiredStateVectors: retired.map((row) => view(row.stateVector)),
          updates,
          lastSeq,
          logLength: log.length,
        };
      })
      .deferred();
  }

  async storeCheckpoint(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.db
      .transaction(() => {
        if (this.stmt.getRoom.get(id) === undefined) return;
        this.stmt.insertCheckpoint.run({ id, throughSeq, data: snapshot, now: Date.now() });
      })
      .immediate();
  }

  async ping(): Promise<void> {
    this.stmt.ping.get();
  }

  /**
   * Caps the database at `pages` pages (never below its current size): writes past it fail with
   * SQLITE_FULL exactly as on a full disk. For fault tests; raise the cap to give the space back.
   * Returns the cap in effect.
   */
  async capPageCount(pages: number): Promise<number> {
    if (!Number.isInteger(pages) || pages < 1) throw new RangeError(`invalid page cap ${pages}`);
    return this.db.pragma(`max_page_count = ${pages}`, { simple: true }) as number;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** A plain Uint8Array view (no copy): callers get the type the contract names, not a Buffer. */
export function view(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
