import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  RoomExistsError,
  type ListPage,
  type RoomCursor,
  type RoomRecord,
  type RoomStore,
  type RoomWrite,
  type StoredDocument,
} from './store.js';

/**
 * Ordered migrations; `PRAGMA user_version` records how many have run.
 * Append new entries, never edit old ones.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE rooms (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX rooms_by_updated ON rooms (updated_at DESC, id DESC);
  -- AUTOINCREMENT: without it SQLite reuses the highest seq once compaction deletes it,
  -- and a new update would then hide behind the snapshot's through_seq.
  CREATE TABLE room_updates (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    data BLOB NOT NULL
  );
  CREATE INDEX room_updates_by_room ON room_updates (room_id, seq);
  CREATE TABLE room_snapshots (
    room_id TEXT PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    through_seq INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  `,
  `
  -- Each life of a room id gets its own incarnation; rooms from before this migration share ''.
  ALTER TABLE rooms ADD COLUMN incarnation TEXT NOT NULL DEFAULT '';
  -- What deleted rooms held, so content of a deleted room never enters a new one with the same id.
  CREATE TABLE retired_rooms (
    room_id TEXT NOT NULL,
    state_vector BLOB NOT NULL
  );
  CREATE INDEX retired_rooms_by_room ON retired_rooms (room_id);
  `,
];

const SQL = {
  insertRoom: `INSERT INTO rooms (id, name, language, created_at, updated_at, incarnation)
    VALUES (@id, @name, @language, @createdAt, @updatedAt, @incarnation) ON CONFLICT (id) DO NOTHING`,
  getRoom: `SELECT id, name, language, created_at AS createdAt, updated_at AS updatedAt
    FROM rooms WHERE id = ?`,
  listFirst: `SELECT id, name, language, created_at AS createdAt, updated_at AS updatedAt
    FROM rooms ORDER BY updated_at DESC, id DESC LIMIT ?`,
  listAfter: `SELECT id, name, language, created_at AS createdAt, updated_at AS updatedAt
    FROM rooms WHERE (updated_at, id) < (?, ?) ORDER BY updated_at DESC, id DESC LIMIT ?`,
  writeRoom: `UPDATE rooms SET name = coalesce(@name, name), language = coalesce(@language, language),
    updated_at = max(updated_at, @updatedAt) WHERE id = @id AND incarnation = @incarnation`,
  deleteRoom: 'DELETE FROM rooms WHERE id = ?',
  retireRoom: 'INSERT INTO retired_rooms (room_id, state_vector) VALUES (?, ?)',
  getIncarnation: 'SELECT incarnation FROM rooms WHERE id = ?',
  getRetired: 'SELECT state_vector AS stateVector FROM retired_rooms WHERE room_id = ? ORDER BY rowid',
  insertUpdate: 'INSERT INTO room_updates (room_id, data) VALUES (?, ?)',
  getSnapshot: 'SELECT through_seq AS throughSeq, data FROM room_snapshots WHERE room_id = ?',
  logAfter: 'SELECT seq, data FROM room_updates WHERE room_id = ? AND seq > ? ORDER BY seq',
  upsertSnapshot: `INSERT INTO room_snapshots (room_id, through_seq, data) VALUES (?, ?, ?)
    ON CONFLICT (room_id) DO UPDATE SET through_seq = excluded.through_seq, data = excluded.data
    WHERE excluded.through_seq > room_snapshots.through_seq`,
  deleteLogThrough: 'DELETE FROM room_updates WHERE room_id = ? AND seq <= ?',
  ping: 'SELECT 1',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

interface SnapshotRow {
  throughSeq: number;
  data: Buffer;
}

interface LogRow {
  seq: number;
  data: Buffer;
}

/**
 * The embedded default store. better-sqlite3 is synchronous, so each method does its work
 * in one call and returns an already settled promise; one connection per process.
 */
export class SqliteRoomStore implements RoomStore {
  private readonly stmt: Statements;

  private constructor(private readonly db: Database.Database) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([key, sql]) => [key, db.prepare(sql)])) as Statements;
  }

  /** Open (creating if needed) the database file and bring its schema up to date. */
  static async open(filePath: string): Promise<SqliteRoomStore> {
    if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
    const db = new Database(filePath);
    try {
      configure(db);
      migrate(db);
      return new SqliteRoomStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async createRoom(room: RoomRecord, initialUpdate: Uint8Array): Promise<void> {
    this.db
      .transaction(() => {
        if (this.stmt.insertRoom.run({ ...room, incarnation: randomUUID() }).changes === 0) throw new RoomExistsError(room.id);
        this.stmt.insertUpdate.run(room.id, initialUpdate);
      })
      .immediate();
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    return (this.stmt.getRoom.get(id) as RoomRecord | undefined) ?? null;
  }

  async listRooms(limit: number, after: RoomCursor | null): Promise<ListPage> {
    assertLimit(limit);
    // One extra row tells whether another page follows.
    const rows = (
      after === null ? this.stmt.listFirst.all(limit + 1) : this.stmt.listAfter.all(after.updatedAt, after.id, limit + 1)
    ) as RoomRecord[];
    const rooms = rows.slice(0, limit);
    const last = rooms[rooms.length - 1];
    const next = rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null;
    return { rooms, next };
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

  async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    if (writes.length === 0) return;
    this.db
      .transaction(() => {
        for (const { roomId, incarnation, updates, meta } of writes) {
          if (updates.length === 0 && !meta) continue;
          const params = { id: roomId, incarnation, name: meta?.name ?? null, language: meta?.language ?? null, updatedAt };
          // No row in this incarnation: the room was deleted (perhaps re-created) since; drop its writes.
          if (this.stmt.writeRoom.run(params).changes === 0) continue;
          for (const update of updates) this.stmt.insertUpdate.run(roomId, update);
        }
      })
      .immediate();
  }

  async loadDocument(id: string): Promise<StoredDocument | null> {
    // A read transaction keeps snapshot and log consistent if another process compacts meanwhile.
    return this.db
      .transaction((): StoredDocument | null => {
        const room = this.stmt.getIncarnation.get(id) as { incarnation: string } | undefined;
        if (room === undefined) return null;
        const retired = this.stmt.getRetired.all(id) as { stateVector: Buffer }[];
        const snapshot = this.stmt.getSnapshot.get(id) as SnapshotRow | undefined;
        const throughSeq = snapshot?.throughSeq ?? 0;
        const log = this.stmt.logAfter.all(id, throughSeq) as LogRow[];
        const updates = log.map((row) => view(row.data));
        if (snapshot) updates.unshift(view(snapshot.data));
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

  async compactDocument(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    this.db
      .transaction(() => {
        if (this.stmt.getRoom.get(id) === undefined) return;
        // The upsert's WHERE refuses to move the snapshot backwards; then the log must stay too.
        if (this.stmt.upsertSnapshot.run(id, throughSeq, snapshot).changes === 0) return;
        this.stmt.deleteLogThrough.run(id, throughSeq);
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

function configure(db: Database.Database): void {
  // Another process (a CLI, a second instance) may hold the write lock briefly.
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  // FULL syncs the WAL on every commit: an acknowledged group commit survives power loss.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
}

function migrate(db: Database.Database): void {
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this server (${MIGRATIONS.length})`);
    }
    for (const sql of MIGRATIONS.slice(current)) db.exec(sql);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}

function assertLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid list limit ${limit}`);
}

/** A plain Uint8Array view (no copy): callers get the type the contract names, not a Buffer. */
function view(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
