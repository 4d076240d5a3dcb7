import type { Pool } from 'pg';
import { inTransaction } from './postgres-query.js';

/** Ordered migrations; `pairwise_schema_version` records how many have run. Append only. */
export const POSTGRES_MIGRATIONS: readonly string[] = [
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
  `
  CREATE TABLE users (
    id text PRIMARY KEY,
    username text NOT NULL,
    password_hash text NOT NULL,
    created_at bigint NOT NULL
  );
  -- 'Alice' is taken once 'alice' exists.
  CREATE UNIQUE INDEX users_by_username ON users (lower(username));
  CREATE TABLE sessions (
    id text PRIMARY KEY,
    user_id text NOT NULL REFERENCES users (id),
    created_at bigint NOT NULL,
    expires_at bigint NOT NULL,
    revoked_at bigint
  );
  CREATE INDEX sessions_by_user ON sessions (user_id);
  CREATE TABLE secrets (
    name text PRIMARY KEY,
    value text NOT NULL
  );
  -- One row per room, created with it; the cascades give a re-created room fresh access.
  CREATE TABLE room_access (
    room_id text COLLATE "C" PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
    visibility text NOT NULL CHECK (visibility IN ('public-edit', 'public-view', 'private')),
    owner_user_id text REFERENCES users (id),
    owner_key_hash text,
    ai_completions boolean NOT NULL
  );
  CREATE INDEX room_access_by_owner ON room_access (owner_user_id) WHERE owner_user_id IS NOT NULL;
  -- Rooms from before accounts: DEFAULT_ROOM_ACCESS, written out because migrations never change.
  INSERT INTO room_access (room_id, visibility, owner_user_id, owner_key_hash, ai_completions)
    SELECT id, 'public-edit', NULL, NULL, true FROM rooms;
  -- seq keeps the order members were added in (a role change updates the row in place).
  CREATE TABLE room_members (
    seq bigserial PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id text NOT NULL REFERENCES users (id),
    role text NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
    added_at bigint NOT NULL,
    UNIQUE (room_id, user_id)
  );
  CREATE INDEX room_members_by_user ON room_members (user_id);
  -- Share links; the token itself is never stored, only its SHA-256. seq orders them by creation.
  CREATE TABLE room_links (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    token_hash text NOT NULL,
    role text NOT NULL CHECK (role IN ('viewer', 'editor')),
    created_at bigint NOT NULL,
    expires_at bigint,
    revoked_at bigint
  );
  CREATE INDEX room_links_by_token ON room_links (room_id, token_hash);
  CREATE INDEX room_links_by_room ON room_links (room_id, seq);
  `,
  `
  -- When a room was last loaded into or unloaded from a server's memory, for ROOM_RETENTION_DAYS.
  -- Rooms from before this migration count as opened when they last changed.
  ALTER TABLE rooms ADD COLUMN last_opened_at bigint;
  UPDATE rooms SET last_opened_at = updated_at;
  ALTER TABLE rooms ALTER COLUMN last_opened_at SET NOT NULL;
  CREATE INDEX rooms_by_last_opened ON rooms (last_opened_at, id);
  `,
  `
  -- History: each logged update keeps when it was accepted and who sent it (author NULL: unknown).
  -- Updates stored before history was kept count as accepted when their room last changed.
  -- Compaction now adds checkpoints and keeps the log; retention thins both.
  ALTER TABLE room_updates ADD COLUMN accepted_at bigint;
  ALTER TABLE room_updates ADD COLUMN author_id text;
  UPDATE room_updates u SET accepted_at = r.updated_at FROM rooms r WHERE r.id = u.room_id;
  ALTER TABLE room_updates ALTER COLUMN accepted_at SET NOT NULL;
  CREATE INDEX room_updates_by_accepted ON room_updates (accepted_at);
  CREATE TABLE room_checkpoints (
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    through_seq bigint NOT NULL,
    at bigint NOT NULL,
    data bytea NOT NULL,
    PRIMARY KEY (room_id, through_seq)
  );
  INSERT INTO room_checkpoints (room_id, through_seq, at, data)
    SELECT s.room_id, s.through_seq, r.updated_at, s.data FROM room_snapshots s JOIN rooms r ON r.id = s.room_id;
  DROP TABLE room_snapshots;
  -- The name and colour each author had in the room, for history (one row per person and room).
  CREATE TABLE room_authors (
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    author_id text COLLATE "C" NOT NULL,
    name text NOT NULL,
    color text NOT NULL,
    PRIMARY KEY (room_id, author_id)
  );
  CREATE TABLE room_versions (
    id text PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    name text NOT NULL,
    auto boolean NOT NULL,
    created_at bigint NOT NULL,
    seq bigint NOT NULL,
    author_ids text[] NOT NULL,
    code text NOT NULL,
    state bytea NOT NULL
  );
  CREATE INDEX room_versions_by_room ON room_versions (room_id, created_at DESC);
  `,
  `
  -- Who may see a room's history: its owners only, or everyone who can edit (the default, as before).
  ALTER TABLE room_access ADD COLUMN history_access text NOT NULL DEFAULT 'editors'
    CHECK (history_access IN ('owners', 'editors'));
  `,
  `
  -- The room's chat, gone with the room. The author is copied from the poster's session at the
  -- time (a guest has no account row to refer to).
  CREATE TABLE room_chat (
    seq bigserial PRIMARY KEY,
    id text NOT NULL UNIQUE,
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    at bigint NOT NULL,
    author_id text NOT NULL,
    author_name text NOT NULL,
    author_color text NOT NULL,
    text text NOT NULL
  );
  CREATE INDEX room_chat_by_room ON room_chat (room_id, seq);
  `,
  `
  -- Runs of the room's code, gone with the room. The output (JSON chunks, capped) is written when a
  -- run starts, every few seconds while it runs and when it ends; saved_at is the last write, so a
  -- run left 'running' by an instance that died can be told from one still going. The owner's
  -- switch for running code is on for every room, as before.
  ALTER TABLE room_access ADD COLUMN run_code boolean NOT NULL DEFAULT true;
  CREATE TABLE room_runs (
    id text PRIMARY KEY,
    room_id text COLLATE "C" NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    language text NOT NULL,
    started_by_id text NOT NULL,
    started_by_name text NOT NULL,
    started_by_color text NOT NULL,
    started_at bigint NOT NULL,
    finished_at bigint,
    status text NOT NULL,
    exit_code integer,
    duration_ms bigint,
    output jsonb NOT NULL,
    output_bytes integer NOT NULL,
    truncated boolean NOT NULL,
    saved_at bigint NOT NULL
  );
  CREATE INDEX room_runs_by_room ON room_runs (room_id, started_at DESC);
  `,
];

/** Bring the schema up to date; safe when several instances start at once. */
export async function migratePostgres(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    // Two instances starting at once would otherwise race on CREATE TABLE.
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('pairwise.schema'))`);
    await client.query('CREATE TABLE IF NOT EXISTS pairwise_schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM pairwise_schema_version');
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this server (${POSTGRES_MIGRATIONS.length})`);
    }
    for (const sql of POSTGRES_MIGRATIONS.slice(current)) await client.query(sql);
    if (rows.length === 0) {
      await client.query('INSERT INTO pairwise_schema_version (version) VALUES ($1)', [POSTGRES_MIGRATIONS.length]);
    } else {
      await client.query('UPDATE pairwise_schema_version SET version = $1', [POSTGRES_MIGRATIONS.length]);
    }
  });
}
