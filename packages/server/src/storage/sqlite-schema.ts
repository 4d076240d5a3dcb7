import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Ordered migrations; `PRAGMA user_version` records how many have run.
 * Append new entries, never edit old ones.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
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
  `
  -- Accounts. NOCASE: 'Alice' is taken once 'alice' exists (usernames are ASCII).
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL COLLATE NOCASE UNIQUE,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER
  );
  CREATE INDEX sessions_by_user ON sessions (user_id);
  CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  -- One row per room, created with it; the cascades give a re-created room fresh access.
  CREATE TABLE room_access (
    room_id TEXT PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    visibility TEXT NOT NULL CHECK (visibility IN ('public-edit', 'public-view', 'private')),
    owner_user_id TEXT REFERENCES users (id),
    owner_key_hash TEXT,
    ai_completions INTEGER NOT NULL CHECK (ai_completions IN (0, 1))
  );
  CREATE INDEX room_access_by_owner ON room_access (owner_user_id) WHERE owner_user_id IS NOT NULL;
  -- Rooms from before accounts: DEFAULT_ROOM_ACCESS, written out because migrations never change.
  INSERT INTO room_access (room_id, visibility, owner_user_id, owner_key_hash, ai_completions)
    SELECT id, 'public-edit', NULL, NULL, 1 FROM rooms;
  -- rowid keeps the order members were added in (a role change updates the row in place).
  CREATE TABLE room_members (
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
    added_at INTEGER NOT NULL,
    UNIQUE (room_id, user_id)
  );
  CREATE INDEX room_members_by_user ON room_members (user_id);
  -- Share links; the token itself is never stored, only its SHA-256. rowid orders them by creation.
  CREATE TABLE room_links (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'editor')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  );
  CREATE INDEX room_links_by_token ON room_links (room_id, token_hash);
  `,
  `
  -- When a room was last loaded into or unloaded from a server's memory, for ROOM_RETENTION_DAYS.
  -- Rooms from before this migration count as opened when they last changed.
  ALTER TABLE rooms ADD COLUMN last_opened_at INTEGER NOT NULL DEFAULT 0;
  UPDATE rooms SET last_opened_at = updated_at;
  CREATE INDEX rooms_by_last_opened ON rooms (last_opened_at, id);
  `,
  `
  -- History: each logged update keeps when it was accepted and who sent it (author NULL: unknown).
  -- Updates stored before history was kept count as accepted when their room last changed.
  -- Compaction now adds checkpoints and keeps the log; retention thins both.
  ALTER TABLE room_updates ADD COLUMN accepted_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE room_updates ADD COLUMN author_id TEXT;
  UPDATE room_updates SET accepted_at = (SELECT updated_at FROM rooms WHERE rooms.id = room_updates.room_id);
  CREATE INDEX room_updates_by_accepted ON room_updates (accepted_at);
  CREATE TABLE room_checkpoints (
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    through_seq INTEGER NOT NULL,
    at INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (room_id, through_seq)
  ) WITHOUT ROWID;
  INSERT INTO room_checkpoints (room_id, through_seq, at, data)
    SELECT s.room_id, s.through_seq, r.updated_at, s.data FROM room_snapshots s JOIN rooms r ON r.id = s.room_id;
  DROP TABLE room_snapshots;
  -- The name and colour each author had in the room, for history (one row per person and room).
  CREATE TABLE room_authors (
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    author_id TEXT NOT NULL,
    name TEXT NOT NULL,
    color TEXT NOT NULL,
    PRIMARY KEY (room_id, author_id)
  ) WITHOUT ROWID;
  CREATE TABLE room_versions (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    auto INTEGER NOT NULL CHECK (auto IN (0, 1)),
    created_at INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    author_ids TEXT NOT NULL,
    code TEXT NOT NULL,
    state BLOB NOT NULL
  );
  CREATE INDEX room_versions_by_room ON room_versions (room_id, created_at DESC);
  `,
  `
  -- Who may see a room's history: its owners only, or everyone who can edit (the default, as before).
  ALTER TABLE room_access ADD COLUMN history_access TEXT NOT NULL DEFAULT 'editors'
    CHECK (history_access IN ('owners', 'editors'));
  `,
  `
  -- The room's chat, gone with the room. AUTOINCREMENT: a seq is never reused, so a page cursor
  -- never points into a room re-created under the same id. The author is copied from the poster's
  -- session at the time (a guest has no account row to refer to).
  CREATE TABLE room_chat (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    author_color TEXT NOT NULL,
    text TEXT NOT NULL
  );
  CREATE INDEX room_chat_by_room ON room_chat (room_id, seq);
  `,
  `
  -- Runs of the room's code, gone with the room. The output (JSON chunks, capped) is written when a
  -- run starts, every few seconds while it runs and when it ends; saved_at is the last write, so a
  -- run left 'running' by an instance that died can be told from one still going. The owner's
  -- switch for running code is on for every room, as before.
  ALTER TABLE room_access ADD COLUMN run_code INTEGER NOT NULL DEFAULT 1 CHECK (run_code IN (0, 1));
  CREATE TABLE room_runs (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    language TEXT NOT NULL,
    started_by_id TEXT NOT NULL,
    started_by_name TEXT NOT NULL,
    started_by_color TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    status TEXT NOT NULL,
    exit_code INTEGER,
    duration_ms INTEGER,
    output TEXT NOT NULL,
    output_bytes INTEGER NOT NULL,
    truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)),
    saved_at INTEGER NOT NULL
  );
  CREATE INDEX room_runs_by_room ON room_runs (room_id, started_at DESC);
  `,
  `
  -- New log entries wait here, in arrival order and without a per-room index, and move to room_updates
  -- in batches (sqlite-update-inbox.ts). Its seqs continue room_updates' and keep their value in the move.
  CREATE TABLE room_update_inbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    room_id TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    data BLOB NOT NULL,
    accepted_at INTEGER NOT NULL,
    author_id TEXT
  );
  INSERT INTO sqlite_sequence (name, seq)
    SELECT 'room_update_inbox', coalesce((SELECT max(seq) FROM sqlite_sequence WHERE name = 'room_updates'), 0);
  `,
];

/** Open (creating if needed) the database file, configure the connection and bring its schema up to date. */
export function openSqliteDatabase(filePath: string): Database.Database {
  if (filePath !== ':memory:') mkdirSync(dirname(filePath), { recursive: true });
  const db = new Database(filePath);
  try {
    configure(db);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
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
    if (current > SQLITE_MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this server (${SQLITE_MIGRATIONS.length})`);
    }
    for (const sql of SQLITE_MIGRATIONS.slice(current)) db.exec(sql);
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
}
