import { randomUUID } from 'node:crypto';
import type { HistoryAuthor, RoomRole } from '@pairwise/protocol';
import { SERVER_AUTHOR_ID } from '@pairwise/protocol/document';
import { Pool, type QueryResultRow } from 'pg';
import {
  DEFAULT_ROOM_ACCESS,
  type LinkRecord,
  type MemberRecord,
  type RoomAccess,
  type RoomAccessChange,
  type RoomAccessInit,
  type RoomOfUser,
} from './access.js';
import type { SessionRecord, UserRecord } from './accounts.js';
import type { NewChatMessage, StoredChatMessage, StoredChatPage } from './chat.js';
import { assertListLimit, pageOfRows } from './list-page.js';
import { PostgresAccess } from './postgres-access.js';
import type { Checkpoint, HistoryBounds, HistoryEntry, HistoryThinning, VersionRecord, VersionSummaryRecord } from './history.js';
import { PostgresAccounts } from './postgres-accounts.js';
import { PostgresChat } from './postgres-chat.js';
import { PostgresHistory } from './postgres-history.js';
import { PostgresRuns } from './postgres-runs.js';
import type { StoredRun, StoredRunPage } from './runs.js';
import { authorRows, columnsOf, inTransaction, type Queryable, type RoomRow, runNamed, toRoomRecord, view } from './postgres-query.js';
import { migratePostgres } from './postgres-schema.js';
import {
  RoomExistsError,
  type ListPage,
  type RoomCursor,
  type RoomRecord,
  type Store,
  type RoomWrite,
  type StoredDocument,
  type UnopenedRoom,
  UPDATED_AT_RESOLUTION_MS,
} from './store.js';

const ROOM_COLUMNS = 'id, name, language, created_at AS "createdAt", updated_at AS "updatedAt"';

const SQL = {
  insertRoom: `INSERT INTO rooms (id, name, language, created_at, updated_at, last_opened_at, incarnation)
    VALUES ($1, $2, $3, $4, $5, $4, $6) ON CONFLICT (id) DO NOTHING`,
  insertAccess: `INSERT INTO room_access (room_id, visibility, owner_user_id, owner_key_hash, ai_completions)
    VALUES ($1, $2, $3, $4, $5)`,
  insertUpdate: 'INSERT INTO room_updates (room_id, data, accepted_at, author_id) VALUES ($1, $2, $3, $4)',
  getRoom: `SELECT ${ROOM_COLUMNS} FROM rooms WHERE id = $1`,
  listFirst: `SELECT ${ROOM_COLUMNS} FROM rooms ORDER BY updated_at DESC, id DESC LIMIT $1`,
  listAfter: `SELECT ${ROOM_COLUMNS} FROM rooms WHERE (updated_at, id) < ($1, $2)
    ORDER BY updated_at DESC, id DESC LIMIT $3`,
  // Rows locked in id order, as writeRooms locks them, so a touch and a group commit over the same
  // rooms cannot deadlock.
  touchRooms: `WITH due AS (SELECT id FROM rooms WHERE id = ANY($1::text[]) AND last_opened_at < $2
      ORDER BY id FOR NO KEY UPDATE)
    UPDATE rooms SET last_opened_at = GREATEST(rooms.last_opened_at, $2) FROM due WHERE rooms.id = due.id`,
  listNotOpenedSince: `SELECT id, last_opened_at AS "lastOpenedAt" FROM rooms WHERE last_opened_at < $1
    ORDER BY last_opened_at, id LIMIT $2`,
  deleteRoom: `WITH gone AS (DELETE FROM rooms WHERE id = $1 RETURNING id)
    INSERT INTO retired_rooms (room_id, state_vector) SELECT id, $2 FROM gone RETURNING room_id`,
  // Locked in id order so two batches touching the same rooms cannot deadlock. Only rows still in
  // the incarnation the writes belong to: a deleted or re-created room gets none of them.
  lockRooms: `SELECT r.id FROM rooms r JOIN unnest($1::text[], $2::text[]) AS w (id, incarnation)
    ON r.id = w.id AND r.incarnation = w.incarnation ORDER BY r.id FOR NO KEY UPDATE OF r`,
  lockRoom: 'SELECT 1 FROM rooms WHERE id = $1 FOR NO KEY UPDATE',
  // A room's row only when its settings change or its updatedAt is UPDATED_AT_RESOLUTION_MS ($5) behind.
  writeMeta: `UPDATE rooms SET name = COALESCE(w.name, rooms.name), language = COALESCE(w.language, rooms.language),
    updated_at = GREATEST(rooms.updated_at, $4)
    FROM unnest($1::text[], $2::text[], $3::text[]) AS w (id, name, language)
    WHERE rooms.id = w.id AND (w.name IS NOT NULL OR w.language IS NOT NULL OR rooms.updated_at <= $4::bigint - $5::bigint)`,
  appendLog: `INSERT INTO room_updates (room_id, data, accepted_at, author_id)
    SELECT u.room_id, u.data, u.accepted_at, u.author_id
    FROM unnest($1::text[], $2::bytea[], $3::bigint[], $4::text[]) WITH ORDINALITY AS u (room_id, data, accepted_at, author_id, ord)
    ORDER BY u.ord`,
  // Sorted and distinct (see writeRooms), so concurrent commits lock author rows in one order.
  upsertAuthors: `INSERT INTO room_authors (room_id, author_id, name, color)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
    ON CONFLICT (room_id, author_id) DO UPDATE SET name = EXCLUDED.name, color = EXCLUDED.color
    WHERE (room_authors.name, room_authors.color) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.color)`,
  // One statement, so snapshot and log come from one MVCC snapshot even if a compaction
  // commits in between. kind -1 is the room row (existence), 0 the snapshot, 1 the log.
  // kind 2 is a retired state vector; the room row's incarnation travels in `data`.
  loadDocument: `WITH snap AS (SELECT through_seq, data FROM room_checkpoints WHERE room_id = $1
      ORDER BY through_seq DESC LIMIT 1)
    SELECT -1 AS kind, 0::bigint AS seq, convert_to(incarnation, 'UTF8') AS data FROM rooms WHERE id = $1
    UNION ALL SELECT 2, seq, state_vector FROM retired_rooms WHERE room_id = $1
    UNION ALL SELECT 0, through_seq, data FROM snap
    UNION ALL SELECT 1, seq, data FROM room_updates
      WHERE room_id = $1 AND seq > COALESCE((SELECT through_seq FROM snap), 0)
    ORDER BY kind, seq`,
  // Only past the newest checkpoint: loads never move backwards when two compactions race.
  insertCheckpoint: `INSERT INTO room_checkpoints (room_id, through_seq, at, data)
    SELECT $1, $2, COALESCE((SELECT accepted_at FROM room_updates WHERE seq = $2), $4), $3
    WHERE $2 > COALESCE((SELECT max(through_seq) FROM room_checkpoints WHERE room_id = $1), 0)`,
  ping: 'SELECT 1',
} as const;

type QueryName = keyof typeof SQL;

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

/** The PostgreSQL store: rooms here; accounts, access, history, chat and runs in PostgresAccounts, PostgresAccess, PostgresHistory, PostgresChat and PostgresRuns, on one pool. */
export class PostgresRoomStore implements Store {
  private readonly accounts: PostgresAccounts;
  private readonly access: PostgresAccess;
  private readonly chat: PostgresChat;
  private readonly runs: PostgresRuns;
  private readonly history: PostgresHistory;

  private constructor(private readonly pool: Pool) {
    this.accounts = new PostgresAccounts(pool);
    this.access = new PostgresAccess(pool);
    this.chat = new PostgresChat(pool);
    this.runs = new PostgresRuns(pool);
    this.history = new PostgresHistory(pool);
  }

  /** Connect and bring the schema up to date; safe when several instances start at once. */
  static async open(connectionString: string, options: PostgresStoreOptions = {}): Promise<PostgresRoomStore> {
    const pool = new Pool({ connectionString, ...(options.max === undefined ? {} : { max: options.max }) });
    pool.on('error', (error) => options.onError?.(error));
    try {
      await migratePostgres(pool);
      return new PostgresRoomStore(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  async createRoom(room: RoomRecord, initialUpdate: Uint8Array, access?: RoomAccessInit): Promise<void> {
    const { visibility, ownerUserId, ownerKeyHash, aiCompletions } = { ...DEFAULT_ROOM_ACCESS, ...access };
    await inTransaction(this.pool, async (client) => {
      const values = [room.id, room.name, room.language, room.createdAt, room.updatedAt, randomUUID()];
      const inserted = await run(client, 'insertRoom', values);
      if (inserted.rowCount === 0) throw new RoomExistsError(room.id);
      await run(client, 'insertAccess', [room.id, visibility, ownerUserId, ownerKeyHash, aiCompletions]);
      // The starter code is the server's.
      await run(client, 'insertUpdate', [room.id, initialUpdate, room.createdAt, SERVER_AUTHOR_ID]);
    });
  }

  async getRoom(id: string): Promise<RoomRecord | null> {
    const { rows } = await run<RoomRow>(this.pool, 'getRoom', [id]);
    return rows[0] ? toRoomRecord(rows[0]) : null;
  }

  async listRooms(limit: number, after: RoomCursor | null): Promise<ListPage> {
    assertListLimit(limit);
    const { rows } =
      after === null
        ? await run<RoomRow>(this.pool, 'listFirst', [limit + 1])
        : await run<RoomRow>(this.pool, 'listAfter', [after.updatedAt, after.id, limit + 1]);
    return pageOfRows(rows.map(toRoomRecord), limit);
  }

  async deleteRoom(id: string, retiredStateVector: Uint8Array): Promise<boolean> {
    const result = await run(this.pool, 'deleteRoom', [id, retiredStateVector]);
    return (result.rowCount ?? 0) > 0;
  }

  async touchRooms(ids: readonly string[], openedAt: number): Promise<void> {
    if (ids.length === 0) return;
    await run(this.pool, 'touchRooms', [ids, openedAt]);
  }

  async listRoomsNotOpenedSince(before: number, limit: number): Promise<UnopenedRoom[]> {
    assertListLimit(limit);
    const { rows } = await run<{ id: string; lastOpenedAt: string }>(this.pool, 'listNotOpenedSince', [before, limit]);
    return rows.map((row) => ({ id: row.id, lastOpenedAt: Number(row.lastOpenedAt) }));
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
      await run(client, 'writeMeta', [...metaColumns, updatedAt, UPDATED_AT_RESOLUTION_MS]);
      const logged = kept.flatMap((w) =>
        w.updates.map((update, i) => [w.roomId, update, w.acceptedAt?.[i] ?? updatedAt, w.authorIds?.[i] ?? null] as const),
      );
      if (logged.length > 0) await run(client, 'appendLog', columnsOf(logged, 4));
      const authors = authorRows(kept);
      if (authors.length > 0) await run(client, 'upsertAuthors', columnsOf(authors, 4));
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

  async storeCheckpoint(id: string, snapshot: Uint8Array, throughSeq: number): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // The room row lock serialises racing compactions (and a concurrent delete) of one room.
      const room = await run(client, 'lockRoom', [id]);
      if (room.rowCount === 0) return;
      await run(client, 'insertCheckpoint', [id, throughSeq, snapshot, Date.now()]);
    });
  }

  async ping(): Promise<void> {
    await run(this.pool, 'ping', []);
  }

  readHistory(roomId: string, after: number, limit: number): Promise<HistoryEntry[]> {
    return this.history.readHistory(roomId, after, limit);
  }

  checkpointAtOrBefore(roomId: string, seq: number): Promise<Checkpoint | null> {
    return this.history.checkpointAtOrBefore(roomId, seq);
  }

  historyBounds(roomId: string): Promise<HistoryBounds | null> {
    return this.history.historyBounds(roomId);
  }

  roomAuthors(roomId: string, ids?: readonly string[]): Promise<HistoryAuthor[]> {
    return this.history.roomAuthors(roomId, ids);
  }

  authorsBetween(roomId: string, afterSeq: number, throughSeq: number): Promise<string[]> {
    return this.history.authorsBetween(roomId, afterSeq, throughSeq);
  }

  addVersion(version: VersionRecord): Promise<void> {
    return this.history.addVersion(version);
  }

  listVersions(roomId: string): Promise<VersionSummaryRecord[]> {
    return this.history.listVersions(roomId);
  }

  getVersion(roomId: string, id: string): Promise<VersionRecord | null> {
    return this.history.getVersion(roomId, id);
  }

  thinHistory(roomId: string, change: HistoryThinning): Promise<void> {
    return this.history.thinHistory(roomId, change);
  }

  deleteAutoVersionsBefore(roomId: string, before: number): Promise<number> {
    return this.history.deleteAutoVersionsBefore(roomId, before);
  }

  roomsWithLogBefore(before: number, limit: number): Promise<string[]> {
    return this.history.roomsWithLogBefore(before, limit);
  }

  getAccess(roomId: string): Promise<RoomAccess | null> {
    return this.access.getAccess(roomId);
  }

  updateAccess(roomId: string, change: RoomAccessChange): Promise<boolean> {
    return this.access.updateAccess(roomId, change);
  }

  memberRole(roomId: string, userId: string): Promise<RoomRole | null> {
    return this.access.memberRole(roomId, userId);
  }

  listMembers(roomId: string): Promise<MemberRecord[]> {
    return this.access.listMembers(roomId);
  }

  setMember(roomId: string, userId: string, role: RoomRole, at: number): Promise<boolean> {
    return this.access.setMember(roomId, userId, role, at);
  }

  removeMember(roomId: string, userId: string): Promise<boolean> {
    return this.access.removeMember(roomId, userId);
  }

  createLink(link: LinkRecord): Promise<boolean> {
    return this.access.createLink(link);
  }

  findLink(roomId: string, tokenHash: string): Promise<LinkRecord | null> {
    return this.access.findLink(roomId, tokenHash);
  }

  listLinks(roomId: string): Promise<LinkRecord[]> {
    return this.access.listLinks(roomId);
  }

  revokeLink(roomId: string, linkId: string, at: number): Promise<boolean> {
    return this.access.revokeLink(roomId, linkId, at);
  }

  listRoomsOf(userId: string, limit: number, after: RoomCursor | null): Promise<ListPage<RoomOfUser>> {
    return this.access.listRoomsOf(userId, limit, after);
  }

  countRoomsOwnedBy(userId: string): Promise<number> {
    return this.access.countRoomsOwnedBy(userId);
  }

  appendChat(roomId: string, message: NewChatMessage): Promise<StoredChatMessage | null> {
    return this.chat.appendChat(roomId, message);
  }

  listChat(roomId: string, before: number | null, limit: number): Promise<StoredChatPage> {
    return this.chat.listChat(roomId, before, limit);
  }

  createRun(roomId: string, incarnation: string, run: StoredRun, savedAt: number): Promise<boolean> {
    return this.runs.createRun(roomId, incarnation, run, savedAt);
  }

  saveRun(roomId: string, run: StoredRun, savedAt: number): Promise<boolean> {
    return this.runs.saveRun(roomId, run, savedAt);
  }

  listRuns(roomId: string, before: number | null, limit: number): Promise<StoredRunPage> {
    return this.runs.listRuns(roomId, before, limit);
  }

  loseStaleRuns(roomId: string, savedBefore: number, at: number): Promise<StoredRun[]> {
    return this.runs.loseStaleRuns(roomId, savedBefore, at);
  }

  createUser(user: UserRecord): Promise<void> {
    return this.accounts.createUser(user);
  }

  findUserByName(username: string): Promise<UserRecord | null> {
    return this.accounts.findUserByName(username);
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.accounts.getUser(id);
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.accounts.createSession(session);
  }

  getSession(id: string): Promise<SessionRecord | null> {
    return this.accounts.getSession(id);
  }

  revokeSession(id: string, at: number): Promise<boolean> {
    return this.accounts.revokeSession(id, at);
  }

  ensureSecret(name: string, value: string): Promise<string> {
    return this.accounts.ensureSecret(name, value);
  }

  async close(): Promise<void> {
    if (!this.pool.ending && !this.pool.ended) await this.pool.end();
  }
}

function run<Row extends QueryResultRow = QueryResultRow>(db: Queryable, name: QueryName, values: unknown[]) {
  return runNamed<Row>(db, name, SQL[name], values);
}
