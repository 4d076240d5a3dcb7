import type Database from 'better-sqlite3';
import type { HistoryAuthor } from '@pairwise/protocol';
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
import { view } from './sqlite-store.js';
import { SqliteUpdateInbox } from './sqlite-update-inbox.js';

const SQL = {
  // Log entries, then checkpoints whose entries retention removed: both are points of the timeline.
  readHistory: `SELECT seq, at, authorId, data FROM (
      SELECT seq, accepted_at AS at, author_id AS authorId, data FROM room_updates WHERE room_id = @roomId AND seq > @after
      UNION ALL
      SELECT c.through_seq, c.at, NULL, NULL FROM room_checkpoints c
        WHERE c.room_id = @roomId AND c.through_seq > @after
        AND NOT EXISTS (SELECT 1 FROM room_updates u WHERE u.seq = c.through_seq)
    ) ORDER BY seq LIMIT @limit`,
  checkpointAtOrBefore: `SELECT through_seq AS seq, at, data AS state FROM room_checkpoints
    WHERE room_id = ? AND through_seq <= ? ORDER BY through_seq DESC LIMIT 1`,
  // Each bound from its own index; a min() over a union would read every row of a long history.
  bounds: `SELECT
      min(coalesce(u.first, c.first), coalesce(c.first, u.first)) AS firstSeq,
      max(coalesce(u.last, c.last), coalesce(c.last, u.last)) AS lastSeq
    FROM (SELECT min(seq) AS first, max(seq) AS last FROM room_updates WHERE room_id = @roomId) u,
         (SELECT min(through_seq) AS first, max(through_seq) AS last FROM room_checkpoints WHERE room_id = @roomId) c`,
  authors: 'SELECT author_id AS id, name, color FROM room_authors WHERE room_id = ? ORDER BY author_id',
  authorsBetween: `SELECT DISTINCT author_id AS id FROM room_updates
    WHERE room_id = ? AND seq > ? AND seq <= ? AND author_id IS NOT NULL ORDER BY author_id`,
  insertVersion: `INSERT INTO room_versions (id, room_id, name, auto, created_at, seq, author_ids, code, state)
    SELECT @id, @roomId, @name, @auto, @createdAt, @seq, @authorIds, @code, @state WHERE EXISTS (SELECT 1 FROM rooms WHERE id = @roomId)`,
  listVersions: `SELECT id, room_id AS roomId, name, auto, created_at AS createdAt, seq, author_ids AS authorIds
    FROM room_versions WHERE room_id = ? ORDER BY created_at DESC, seq DESC`,
  getVersion: `SELECT id, room_id AS roomId, name, auto, created_at AS createdAt, seq, author_ids AS authorIds, code, state
    FROM room_versions WHERE room_id = ? AND id = ?`,
  roomExists: 'SELECT 1 FROM rooms WHERE id = ?',
  addCheckpoint: `INSERT INTO room_checkpoints (room_id, through_seq, at, data) VALUES (?, ?, ?, ?)
    ON CONFLICT (room_id, through_seq) DO NOTHING`,
  newestCheckpointSeq: 'SELECT coalesce(max(through_seq), 0) AS seq FROM room_checkpoints WHERE room_id = ?',
  deleteLogThrough: 'DELETE FROM room_updates WHERE room_id = ? AND seq <= ?',
  deleteCheckpoint: 'DELETE FROM room_checkpoints WHERE room_id = ? AND through_seq = ?',
  deleteAutoVersions: 'DELETE FROM room_versions WHERE room_id = ? AND auto = 1 AND created_at < ?',
  roomsWithLogBefore: 'SELECT DISTINCT room_id AS id FROM room_updates WHERE accepted_at < ? LIMIT ?',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement };

interface VersionRow {
  id: string;
  roomId: string;
  name: string;
  auto: number;
  createdAt: number;
  seq: number;
  authorIds: string;
  code?: string;
  state?: Buffer;
}

/**
 * The HistoryStore of the SQLite store, on the connection SqliteRoomStore owns (in its worker thread).
 * Each method that reads or deletes log entries first settles the update inbox, so it sees them all.
 */
export class SqliteHistory implements HistoryStore {
  private readonly stmt: Statements;
  private readonly inbox: SqliteUpdateInbox;

  constructor(private readonly db: Database.Database) {
    this.stmt = Object.fromEntries(Object.entries(SQL).map(([key, sql]) => [key, db.prepare(sql)])) as Statements;
    this.inbox = SqliteUpdateInbox.of(db);
  }

  async readHistory(roomId: string, after: number, limit: number): Promise<HistoryEntry[]> {
    assertListLimit(limit);
    this.inbox.settle();
    const rows = this.stmt.readHistory.all({ roomId, after, limit }) as {
      seq: number;
      at: number;
      authorId: string | null;
      data: Buffer | null;
    }[];
    return rows.map(({ data, ...row }) => ({ ...row, update: data === null ? null : view(data) }));
  }

  async checkpointAtOrBefore(roomId: string, seq: number): Promise<Checkpoint | null> {
    const row = this.stmt.checkpointAtOrBefore.get(roomId, seq) as { seq: number; at: number; state: Buffer } | undefined;
    return row ? { ...row, state: view(row.state) } : null;
  }

  async historyBounds(roomId: string): Promise<HistoryBounds | null> {
    this.inbox.settle();
    const row = this.stmt.bounds.get({ roomId }) as { firstSeq: number | null; lastSeq: number | null };
    return row.firstSeq === null || row.lastSeq === null ? null : { firstSeq: row.firstSeq, lastSeq: row.lastSeq };
  }

  async roomAuthors(roomId: string, ids?: readonly string[]): Promise<HistoryAuthor[]> {
    const all = this.stmt.authors.all(roomId) as HistoryAuthor[];
    return ids ? all.filter((author) => ids.includes(author.id)) : all;
  }

  async authorsBetween(roomId: string, afterSeq: number, throughSeq: number): Promise<string[]> {
    this.inbox.settle();
    return (this.stmt.authorsBetween.all(roomId, afterSeq, throughSeq) as { id: string }[]).map((row) => row.id);
  }

  async addVersion(version: VersionRecord): Promise<void> {
    this.stmt.insertVersion.run({ ...version, auto: version.auto ? 1 : 0, authorIds: JSON.stringify(version.authorIds) });
  }

  async listVersions(roomId: string): Promise<VersionSummaryRecord[]> {
    return (this.stmt.listVersions.all(roomId) as VersionRow[]).map(toSummary);
  }

  async getVersion(roomId: string, id: string): Promise<VersionRecord | null> {
    const row = this.stmt.getVersion.get(roomId, id) as VersionRow | undefined;
    if (!row || row.code === undefined || row.state === undefined) return null;
    return { ...toSummary(row), code: row.code, state: view(row.state) };
  }

  async thinHistory(roomId: string, { addCheckpoints, logThrough, dropCheckpoints }: HistoryThinning): Promise<void> {
    this.db
      .transaction(() => {
        // Deleted since the sweep read it: nothing to thin (and no row for the checkpoints to belong to).
        if (this.stmt.roomExists.get(roomId) === undefined) return;
        this.inbox.settle();
        for (const c of addCheckpoints) this.stmt.addCheckpoint.run(roomId, c.seq, c.at, c.state);
        const newest = (this.stmt.newestCheckpointSeq.get(roomId) as { seq: number }).seq;
        for (const seq of dropCheckpoints) if (seq !== newest) this.stmt.deleteCheckpoint.run(roomId, seq);
        if (logThrough > 0) this.stmt.deleteLogThrough.run(roomId, Math.min(logThrough, newest));
      })
      .immediate();
  }

  async deleteAutoVersionsBefore(roomId: string, before: number): Promise<number> {
    return this.stmt.deleteAutoVersions.run(roomId, before).changes;
  }

  async roomsWithLogBefore(before: number, limit: number): Promise<string[]> {
    assertListLimit(limit);
    this.inbox.settle();
    return (this.stmt.roomsWithLogBefore.all(before, limit) as { id: string }[]).map((row) => row.id);
  }
}

function toSummary(row: VersionRow): VersionSummaryRecord {
  return {
    id: row.id,
    roomId: row.roomId,
    name: row.name,
    auto: row.auto === 1,
    createdAt: row.createdAt,
    seq: row.seq,
    authorIds: JSON.parse(row.authorIds) as string[],
  };
}
