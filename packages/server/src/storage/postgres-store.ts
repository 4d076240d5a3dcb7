import { randomUUID } from 'node:crypto';
import { Pool, type PoolClient, type QueryConfig, type QueryResultRow } from 'pg';
import {
  RoomExistsError,
  type ListPage,
  type RoomCursor,
  type RoomRecord,
  type Store,
  type RoomWrite,
  type StoredDocument,
} from './store.js';

/** Ordered migrations; `pairwise_schema_version` records how many have run. Append only. */
const MIGRATIONS: readonly string[] = [
  `
  -- COLLATE "C": listing order and keyset cursors must not depend on the server's locale.
  CREATE TABLE rooms (
    id text COLLATE "C" PRIMARY KEY,
    name text NOT NULL,
    language text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  );
  CREATE INDEX rooms_by_updated ON rooms (updated_at DESC, id DESC);
  CREATE TABLE room_updates (
    seq bigserial PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    data bytea NOT NULL
  );
  CREATE INDEX room_updates_by_room ON room_updates (room_id, seq);
  CREATE TABLE room_snapshots (
    room_id text COLLATE "C" PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    through_seq bigint NOT NULL,
    data bytea NOT NULL
  );
  `,
  `
  -- Each life of a room id gets its own incarnation; rooms from before this migration share ''.
  ALTER TABLE rooms ADD COLUMN incarnation text NOT NULL DEFAULT '';
  -- What deleted rooms held, so content of a deleted room never enters a new one with the same id.
  CREATE TABLE retired_rooms (
    seq bigserial PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL,
    state_vector bytea NOT NULL
  );
  CREATE INDEX retired_rooms_by_room ON retired_rooms (room_id, seq);
  `,
];

const ROOM_COLUMNS = 'id, name, language, created_at AS "createdAt", updated_at AS "updatedAt"';

const SQL = {
  insertRoom: `INSERT INTO rooms (id, name, language, created_at, updated_at, incarnation)
    VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING`,
  insertUpdate: 'INSERT INTO room_updates (room_id, data) VALUES ($1, $2)',
  getRoom: `SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = $1`,
  listFirst: `SELECT ${ROOM_COLUMNS} FROM rooms ORDER BY updated_at DESC, id DESC LIMIT $1`,
  listAfter: `SELECT ${ROOM_COLUMNS} FROM rooms WHERE (updated_at, id) < ($1, $2)
    ORDER BY updated_at DESC, id DESC LIMIT $3`,
  deleteRoom: `WITH gone AS (DELETE FROM rooms WHERE id = $1 RETURNING id)
    INSERT INTO retired_rooms (room_id, state_vector) SELECT id, $2 FROM gone RETURNING room_id`,
  // Locked in id order so two batches touching the same rooms cannot deadlock. Only rows still in
  // the incarnation the writes belong to: a deleted or re-created room gets none of them.
  lockRooms: `SELECT r.id FROM rooms r JOIN unnest($1::text[], $2::text[]) AS w (id, incarnation)
    ON r.id = w.id AND r.incarnation = w.incarnation ORDER BY r.id FOR NO KEY UPDATE OF r`,
  lockRoom: 'SELECT 1 FROM rooms WHERE id = $1 FOR NO KEY UPDATE',
  writeMeta: `UPDATE rooms SET name = COALESCE(w.name, rooms.name), language = COALESCE(w.language, rooms.language),
    updated_at = GREATEST(rooms.updated_at, $4)
    FROM unnest($1::text[], $2::text[], $3::text[]) AS w (id, name, language) WHERE rooms.id = w.id`,
  appendLog: `INSERT INTO room_updates (room_id, data)
    SELECT u.room_id, u.data FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS u (room_id, data, ord)
    ORDER BY u.ord`,
  // One statement, so snapshot and log come from one MVCC snapshot even if a compaction
  // commits in between. kind -1 is the room row (existence), 0 the snapshot, 1 the log.
  // kind 2 is a retired state vector; the room row's incarnation travels in `data`.
  loadDocument: `WITH snap AS (SELECT through_seq, data FROM room_snapshots WHERE room_id = $1)
    SELECT -1 AS kind, 0::bigint AS seq, convert_to(incarnation, 'UTF8') AS data FROM rooms WHERE id = $1
    UNION ALL SELECT 2, seq, state_vector FROM retired_rooms WHERE room_id = $1
    UNION ALL SELECT 0, through_seq, data FROM snap
    UNION ALL SELECT 1, seq, data FROM room_updates
      WHERE room_id = $1 AND seq > COALESCE((SELECT through_seq FROM snap), 0)
    ORDER BY kind, seq`,
  upsertSnapshot: `INSERT INTO room_snapshots (room_id, through_seq, data) VALUES ($1, $2, $3)
    ON CONFLICT (room_id) DO UPDATE SET through_seq = EXCLUDED.through_seq, data = EXCLUDED.data
    WHERE room_snapshots.through_seq < EXCLUDED.through_seq`,
  deleteLogThrough: 'DELETE FROM room_updates WHERE room_id = $1 AND seq <= $2',
  ping: 'SELECT 1',
} as const;

type QueryName = keyof typeof SQL;
type Queryable = Pick<PoolClient, 'query'>;

/** bigint columns arrive as strings: node-postgres will not guess at precision. */
interface RoomRow {
  id: string;
  name: string;
  language: string;
  createdAt: string;
  updatedAt: string;
}

interface DocumentRow {
  kind: number;
  seq: string;
  data: Buffer | null;
}

export interface PostgresStoreOptions {
  /** Pool size; node-postgres defaults to 10. */
  max?: number;
  /**
   * Errors of idle pooled connections (e.g. the database restarted). The pool discards the
   * connection either way; without a listener node-postgres would crash the process.
   */
  onError?: (error: Error) => void;
}

export class PostgresRoomStore implements Store {
  private constructor(private readonly pool: Pool) {}

  /** Connect and bring the schema up to date; safe when several instances start at once. */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresRoomStore> {
    const pool = new Pool({ connectionString, ...(options.max === undefined ? {} : { max: options.max }) });
    pool.on('error', (error) => options.onError?.(error));
    try {
      await migrate(pool);
      return new PostgresRoomStore(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async createRoom(room: RoomRecord, initialUpdate: Uint8Array): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      const values = [room.id, room.name, room.language, room.createdAt, room.updatedAt, randomUUID()];
      const inserted = await run(client, 'insertRoom', values);
      if (inserted.rowCount === 0) throw new RoomExistsError(room.id);
      await run(client, 'insertUpdate', [room.id, initialUpdate]);
    });
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const { rows } = await run<RoomRow>(this.pool, 'getRoom', [id]);
    return rows[0] ? toRoomRecord(rows[0]) : null;
  }

  async listRooms(limit: number, after: RoomCursor | null): Promise<ListPage> {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid list limit ${limit}`);
    // One extra row tells whether another page follows.
    const { rows } =
      after === null
        ? await run<RoomRow>(this.pool, 'listFirst', [limit + 1])
        : await run<RoomRow>(this.pool, 'listAfter', [after.updatedAt, after.id, limit + 1]);
    const rooms = rows.slice(0, limit).map(toRoomRecord);
    const last = rooms[rooms.length - 1];
    const next = rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null;
    return { rooms, next };
  }

  async deleteRoom(id: string, retiredStateVector: Uint8Array): Promise<boolean> {
    const result = await run(this.pool, 'deleteRoom', [id, retiredStateVector]);
    return (result.rowCount ?? 0) > 0;
  }

  async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    const nonEmpty = writes.filter((w) => w.updates.length > 0 || w.meta);
    if (nonEmpty.length === 0) return;
    await inTransaction(this.pool, async (client) => {
      // Holding the room rows until commit makes a room's seqs commit in seq order. Otherwise
      // a compaction could see seq 102 committed while 101 is still in flight, and 101 would
      // land behind the snapshot's through_seq, invisible forever.
      const keys = [nonEmpty.map((w) => w.roomId), nonEmpty.map((w) => w.incarnation)];
      const locked = await run<{ id: string }>(client, 'lockRooms', keys);
      const live = new Set(locked.rows.map((row) => row.id));
      const kept = nonEmpty.filter((w) => live.has(w.roomId));
      if (kept.length === 0) return;
      const metaColumns = [kept.map((w) => w.roomId), kept.map((w) => w.meta?.name ?? null), kept.map((w) => w.meta?.language ?? null)];
      await run(client, 'writeMeta', [...metaColumns, updatedAt]);
      const logged = kept.flatMap((w) => w.updates.map((update) => [w.roomId, update] as const));
      if (logged.length > 0) await run(client, 'appendLog', [logged.map(([id]) => id), logged.map(([, data]) => data)]);
    });
  }

  async loadDocument(id: string): Promise<StoredDocument | null> {
    const { rows } = await run<DocumentRow>(this.pool, 'loadDocument', [id]);
    const [room] = rows;
    if (room?.kind !== -1 || room.data === null) return null;
    const incarnation = room.data.toString('utf8');
    const retiredStateVectors: Uint8Array[] = [];
    const updates: Uint8Array[] = [];
    let lastSeq = 0;
    let logLength = 0;
    for (const row of rows.slice(1)) {
      if (row.data === null) continue;
      if (row.kind === 2) {
        retiredStateVectors.push(view(row.data));
        continue;
      }
      updates.push(view(row.data));
      lastSeq = Number(row.seq);
      if (row.kind === 1) logLength += 1;
    }
    return { incarnation, retiredStateVectors, updates, lastSeq, logLength };
  }

  async compactDocument(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // The room row lock serialises racing compactions (and a concurrent delete) of one room.
      const room = await run(client, 'lockRoom', [id]);
      if (room.rowCount === 0) return;
      const saved = await run(client, 'upsertSnapshot', [id, throughSeq, snapshot]);
      // Not saved means a later snapshot is already stored: the log must stay as it is too.
      if (saved.rowCount === 0) return;
      await run(client, 'deleteLogThrough', [id, throughSeq]);
    });
  }

  async ping(): Promise<void> {
    await run(this.pool, 'ping', []);
  }

  // Accounts and access: implemented by the storage work of the accounts issue (#7).
  getAccess(): Promise<never> {
    return notYet();
  }
  updateAccess(): Promise<never> {
    return notYet();
  }
  memberRole(): Promise<never> {
    return notYet();
  }
  listMembers(): Promise<never> {
    return notYet();
  }
  setMember(): Promise<never> {
    return notYet();
  }
  removeMember(): Promise<never> {
    return notYet();
  }
  createLink(): Promise<never> {
    return notYet();
  }
  findLink(): Promise<never> {
    return notYet();
  }
  listLinks(): Promise<never> {
    return notYet();
  }
  revokeLink(): Promise<never> {
    return notYet();
  }
  listRoomsOf(): Promise<never> {
    return notYet();
  }
  countRoomsOwnedBy(): Promise<never> {
    return notYet();
  }
  createUser(): Promise<never> {
    return notYet();
  }
  findUserByName(): Promise<never> {
    return notYet();
  }
  getUser(): Promise<never> {
    return notYet();
  }
  createSession(): Promise<never> {
    return notYet();
  }
  getSession(): Promise<never> {
    return notYet();
  }
  revokeSession(): Promise<never> {
    return notYet();
  }
  ensureSecret(): Promise<never> {
    return notYet();
  }

  async close(): Promise<void> {
    if (!this.pool.ending && !this.pool.ended) await this.pool.end();
  }
}

/** Runs a named query, so each pooled connection parses and plans it only once. */
function run<Row extends QueryResultRow = QueryResultRow>(db: Queryable, name: QueryName, values: unknown[]) {
  const config: QueryConfig<unknown[]> = { name: `pairwise_${name}`, text: SQL[name], values };
  return db.query<Row>(config);
}

async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // A connection that cannot even roll back is not fit to go back into the pool.
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}

async function migrate(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Two instances starting at once would otherwise race on CREATE TABLE.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('pairwise.schema'))`);
    await client.query('CREATE TABLE IF NOT EXISTS pairwise_schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM pairwise_schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this server (${MIGRATIONS.length})`);
    }
    for (const sql of MIGRATIONS.slice(current)) await client.query(sql);
    if (rows.length === 0) {
      await client.query('INSERT INTO pairwise_schema_version (version) VALUES ($1)', [MIGRATIONS.length]);
    } else {
      await client.query('UPDATE pairwise_schema_version SET version = $1', [MIGRATIONS.length]);
    }
  });
}

function toRoomRecord(row: RoomRow): RoomRecord {
  return {
    id: row.id,
    name: row.name,
    language: row.language,
    createdAt: Number(row.createdAt),
    updatedAt: Number(row.updatedAt),
  };
}

/** A plain Uint8Array view (no copy): callers get the type the contract names, not a Buffer. */
function view(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function notYet(): Promise<never> {
  return Promise.reject(new Error('not implemented yet'));
}
