import type { HistoryAuthor } from '@pairwise/protocol';
import type { Pool, QueryResultRow } from 'pg';
import type {
  Checkpoint,
  HistoryBounds,
  HistoryEntry,
  HistoryStore,
  HistoryThinning,
  VersionRecord,
  VersionSummaryRecord,
} from './history.js';
import { assertListLimit } from './list-page.js';
import { inTransaction, type Queryable, runNamed } from './postgres-query.js';

const VERSION_COLUMNS = `id, room_id AS "roomId", name, auto, created_at AS "createdAt", seq, author_ids AS "authorIds"`;

const SQL = {
  // Log entries, then checkpoints whose entries retention removed: both are points of the timeline.
  readHistory: `SELECT seq, at, "authorId", data FROM (
      SELECT seq, accepted_at AS at, author_id AS "authorId", data FROM room_updates WHERE room_id = $1 AND seq > $2
      UNION ALL
      SELECT c.through_seq, c.at, NULL, NULL FROM room_checkpoints c
        WHERE c.room_id = $1 AND c.through_seq > $2
        AND NOT EXISTS (SELECT 1 FROM room_updates u WHERE u.seq = c.through_seq)
    ) points ORDER BY seq LIMIT $3`,
  checkpointAtOrBefore: `SELECT through_seq AS seq, at, data AS state FROM room_checkpoints
    WHERE room_id = $1 AND through_seq <= $2 ORDER BY through_seq DESC LIMIT 1`,
  // Each bound from its own index; a min() over a union would read every row of a long history.
  bounds: `SELECT LEAST(u.first, c.first) AS "firstSeq", GREATEST(u.last, c.last) AS "lastSeq"
    FROM (SELECT min(seq) AS first, max(seq) AS last FROM room_updates WHERE room_id = $1) u,
         (SELECT min(through_seq) AS first, max(through_seq) AS last FROM room_checkpoints WHERE room_id = $1) c`,
  authors: 'SELECT author_id AS id, name, color FROM room_authors WHERE room_id = $1 ORDER BY author_id',
  authorsBetween: `SELECT DISTINCT author_id AS id FROM room_updates
    WHERE room_id = $1 AND seq > $2 AND seq <= $3 AND author_id IS NOT NULL ORDER BY author_id`,
  insertVersion: `INSERT INTO room_versions (id, room_id, name, auto, created_at, seq, author_ids, code, state)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9 WHERE EXISTS (SELECT 1 FROM rooms WHERE id = $2)`,
  listVersions: `SELECT ${VERSION_COLUMNS} FROM room_versions WHERE room_id = $1 ORDER BY created_at DESC, seq DESC`,
  getVersion: `SELECT ${VERSION_COLUMNS}, code, state FROM room_versions WHERE room_id = $1 AND id = $2`,
  lockRoomForHistory: 'SELECT 1 FROM rooms WHERE id = $1 FOR NO KEY UPDATE',
  addCheckpoints: `INSERT INTO room_checkpoints (room_id, through_seq, at, data)
    SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bytea[]) ON CONFLICT (room_id, through_seq) DO NOTHING`,
  newestCheckpointSeq: 'SELECT COALESCE(max(through_seq), 0) AS seq FROM room_checkpoints WHERE room_id = $1',
  deleteCheckpoints: 'DELETE FROM room_checkpoints WHERE room_id = $1 AND through_seq = ANY($2::bigint[]) AND through_seq <> $3',
  deleteHistoryLogThrough: 'DELETE FROM room_updates WHERE room_id = $1 AND seq <= $2',
  deleteAutoVersions: 'DELETE FROM room_versions WHERE room_id = $1 AND auto AND created_at < $2',
  roomsWithLogBefore: 'SELECT DISTINCT room_id AS id FROM room_updates WHERE accepted_at < $1 LIMIT $2',
} as const;

type QueryName = keyof typeof SQL;

interface VersionRow {
  id: string;
  roomId: string;
  name: string;
  auto: boolean;
  createdAt: string;
  seq: string;
  authorIds: string[];
  code?: string;
  state?: Buffer;
}

/** The HistoryStore of the PostgreSQL store, on the pool PostgresRoomStore owns. */
export class PostgresHistory implements HistoryStore {
  constructor(private readonly pool: Pool) {}

  async readHistory(roomId: string, after: number, limit: number): Promise<HistoryEntry[]> {
    assertListLimit(limit);
    const { rows } = await run<{ seq: string; at: string; authorId: string | null; data: Buffer | null }>(this.pool, 'readHistory', [
      roomId,
      after,
      limit,
    ]);
    return rows.map((row) => ({ seq: Number(row.seq), at: Number(row.at), authorId: row.authorId, update: row.data && view(row.data) }));
  }

  async checkpointAtOrBefore(roomId: string, seq: number): Promise<Checkpoint | null> {
    const { rows } = await run<{ seq: string; at: string; state: Buffer }>(this.pool, 'checkpointAtOrBefore', [roomId, seq]);
    const [row] = rows;
    return row ? { seq: Number(row.seq), at: Number(row.at), state: view(row.state) } : null;
  }

  async historyBounds(roomId: string): Promise<HistoryBounds | null> {
    const { rows } = await run<{ firstSeq: string | null; lastSeq: string | null }>(this.pool, 'bounds', [roomId]);
    const [row] = rows;
    if (!row || row.firstSeq === null || row.lastSeq === null) return null;
    return { firstSeq: Number(row.firstSeq), lastSeq: Number(row.lastSeq) };
  }

  async roomAuthors(roomId: string, ids?: readonly string[]): Promise<HistoryAuthor[]> {
    const { rows } = await run<HistoryAuthor>(this.pool, 'authors', [roomId]);
    return ids ? rows.filter((author) => ids.includes(author.id)) : rows;
  }

  async authorsBetween(roomId: string, afterSeq: number, throughSeq: number): Promise<string[]> {
    const { rows } = await run<{ id: string }>(this.pool, 'authorsBetween', [roomId, afterSeq, throughSeq]);
    return rows.map((row) => row.id);
  }

  async addVersion(v: VersionRecord): Promise<void> {
    await run(this.pool, 'insertVersion', [v.id, v.roomId, v.name, v.auto, v.createdAt, v.seq, v.authorIds, v.code, v.state]);
  }

  async listVersions(roomId: string): Promise<VersionSummaryRecord[]> {
    const { rows } = await run<VersionRow>(this.pool, 'listVersions', [roomId]);
    return rows.map(toSummary);
  }

  async getVersion(roomId: string, id: string): Promise<VersionRecord | null> {
    const { rows } = await run<VersionRow>(this.pool, 'getVersion', [roomId, id]);
    const [row] = rows;
    if (!row || row.code === undefined || row.state === undefined) return null;
    return { ...toSummary(row), code: row.code, state: view(row.state) };
  }

  async thinHistory(roomId: string, { addCheckpoints, logThrough, dropCheckpoints }: HistoryThinning): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      // The room row lock orders this with group commits and compactions of the room.
      const room = await run(client, 'lockRoomForHistory', [roomId]);
      if (room.rowCount === 0) return;
      if (addCheckpoints.length > 0) {
        const columns = [addCheckpoints.map((c) => c.seq), addCheckpoints.map((c) => c.at), addCheckpoints.map((c) => c.state)];
        await run(client, 'addCheckpoints', [roomId, ...columns]);
      }
      const { rows } = await run<{ seq: string }>(client, 'newestCheckpointSeq', [roomId]);
      const newest = Number(rows[0]?.seq ?? 0);
      if (dropCheckpoints.length > 0) await run(client, 'deleteCheckpoints', [roomId, dropCheckpoints, newest]);
      if (logThrough > 0) await run(client, 'deleteHistoryLogThrough', [roomId, Math.min(logThrough, newest)]);
    });
  }

  async deleteAutoVersionsBefore(roomId: string, before: number): Promise<number> {
    return (await run(this.pool, 'deleteAutoVersions', [roomId, before])).rowCount ?? 0;
  }

  async roomsWithLogBefore(before: number, limit: number): Promise<string[]> {
    assertListLimit(limit);
    const { rows } = await run<{ id: string }>(this.pool, 'roomsWithLogBefore', [before, limit]);
    return rows.map((row) => row.id);
  }
}

function toSummary(row: VersionRow): VersionSummaryRecord {
  return {
    id: row.id,
    roomId: row.roomId,
    name: row.name,
    auto: row.auto,
    createdAt: Number(row.createdAt),
    seq: Number(row.seq),
    authorIds: row.authorIds,
  };
}

function run<Row extends QueryResultRow = QueryResultRow>(db: Queryable, name: QueryName, values: unknown[]) {
  return runNamed<Row>(db, `history_${name}`, SQL[name], values);
}

function view(data: Buffer): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
