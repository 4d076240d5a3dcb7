import type Database from 'better-sqlite3';

/**
 * Group commits append a room's new log entries here, and they move to `room_updates` in batches.
 *
 * Why: `room_updates` is indexed by (room_id, seq), so a commit that writes one entry for each of N
 * rooms changes N scattered index pages, and SQLite writes every changed page whole to the WAL (and
 * fsyncs it, and later copies it back). In pair rooms that was about 120 pages (480 KB) per 100-room
 * commit and over half of the commit's CPU. The inbox has no index: entries go to the end of one
 * table, and the move re-inserts ten commits' worth at once, sorted by room, touching each room's
 * index page once. Measured on the store alone (`node bench/profiling/sqlite-commit.mjs`, one 40-byte
 * update for each room per commit), before and after: 100 rooms 1.73-1.96 ms CPU and 126 WAL pages
 * per commit, then 1.20-1.29 ms and 33 pages; 500 rooms 9.6-9.8 ms and 645 pages, then 5.3 ms and 148.
 *
 * Loads and checkpoints read both tables (every seq in the inbox is above every moved one, so the
 * log stays in seq order): a room loading for compaction (every 500 updates) does not force a move,
 * and a room still loads when a full disk refuses writes. Every other reader of `room_updates`
 * (history, retention) first calls `settle()`, which moves what the inbox holds. That check reads the
 * database, not a flag, because other connections (another process on the same file) append too.
 * Seqs come from the inbox's AUTOINCREMENT, which the migration started past every seq
 * `room_updates` ever gave, and keep their value in the move.
 */
export class SqliteUpdateInbox {
  /** Commits whose entries may wait in the inbox; the next one moves them (about a second of typing). */
  static readonly MOVE_EVERY_COMMITS = 10;
  /**
   * Entries that may wait in the inbox, whatever the number of commits: the move's cost grows with
   * them, and the commit that makes it waits for all of it. At 16,000-32,000 updates/s ten commits
   * held 16,000-32,000 entries and the moving commit took 200-470 ms (the storage scenario's commit
   * p99; 5-9 ms for the 1,000 of pair rooms at 1,000 updates/s). Above this many, every commit's
   * own entries already touch each room's index page several times over.
   */
  static readonly MOVE_AT_ENTRIES = 2_000;

  private static readonly byConnection = new WeakMap<Database.Database, SqliteUpdateInbox>();
  private readonly insert: Database.Statement;
  private readonly hasEntries: Database.Statement;
  private readonly moveAll: () => void;
  private commitsSinceMove = 0;
  /** Appended through this connection since the last move (other connections' entries are not counted). */
  private entriesSinceMove = 0;

  /** The inbox of one connection, shared by the stores that use it (rooms and history). */
  static of(db: Database.Database): SqliteUpdateInbox {
    let inbox = SqliteUpdateInbox.byConnection.get(db);
    if (inbox === undefined) {
      inbox = new SqliteUpdateInbox(db);
      SqliteUpdateInbox.byConnection.set(db, inbox);
    }
    return inbox;
  }

  private constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO room_update_inbox (room_id, data, accepted_at, author_id) VALUES (?, ?, ?, ?)');
    this.hasEntries = db.prepare('SELECT EXISTS (SELECT 1 FROM room_update_inbox) AS has').pluck();
    const copy = db.prepare(`INSERT INTO room_updates (seq, room_id, data, accepted_at, author_id)
      SELECT seq, room_id, data, accepted_at, author_id FROM room_update_inbox ORDER BY room_id, seq`);
    const clear = db.prepare('DELETE FROM room_update_inbox');
    this.moveAll = () => {
      copy.run();
      clear.run();
      this.commitsSinceMove = 0;
      this.entriesSinceMove = 0;
    };
  }

  /** Adds one log entry; call inside the write transaction that stores it. */
  append(roomId: string, data: Uint8Array, acceptedAt: number, authorId: string | null): void {
    this.insert.run(roomId, data, acceptedAt, authorId);
    this.entriesSinceMove += 1;
  }

  /**
   * Call at the end of a group commit's transaction: every MOVE_EVERY_COMMITS-th moves the inbox in
   * it, and so does any that leaves MOVE_AT_ENTRIES or more waiting.
   */
  committed(): void {
    this.commitsSinceMove += 1;
    const { MOVE_EVERY_COMMITS, MOVE_AT_ENTRIES } = SqliteUpdateInbox;
    if (this.commitsSinceMove >= MOVE_EVERY_COMMITS || this.entriesSinceMove >= MOVE_AT_ENTRIES) this.moveAll();
  }

  /** Moves every waiting entry to `room_updates`; call before reading it alone. Nearly free when the inbox is empty. */
  settle(): void {
    if (this.hasEntries.get() === 0) return;
    this.db.transaction(this.moveAll).immediate();
  }
}
