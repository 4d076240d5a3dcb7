/**
 * The storage configurations every end-to-end suite runs against (SQLite and PostgreSQL),
 * each a real database of its own, so runs never collide.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'vitest';
import { PostgresRoomStore, SqliteWorkerStore, type Store } from '../../src/storage/index.js';
import { createTestDatabase, describeWithPostgres } from './postgres.js';

export interface StoreBackend {
  readonly name: 'sqlite' | 'postgres';
  /** Opens a store on the backend's database; may be called again after closing, to reopen the same data. */
  open(): Promise<Store>;
  /** Environment that points a spawned server process at the same database. */
  readonly env: Record<string, string>;
  destroy(): Promise<void>;
}

export async function createSqliteBackend(): Promise<StoreBackend> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwise-test-'));
  return {
    name: 'sqlite',
    open: () => SqliteWorkerStore.open(join(dir, 'pairwise.sqlite')),
    env: { DATA_DIR: dir },
    destroy: () => rm(dir, { recursive: true, force: true }),
  };
}

export async function createPostgresBackend(): Promise<StoreBackend> {
  const db = await createTestDatabase();
  return {
    name: 'postgres',
    open: () => PostgresRoomStore.open(db.url),
    env: { DATABASE_URL: db.url },
    destroy: db.drop,
  };
}

/**
 * Runs `body` once per storage backend. PostgreSQL suites fail in CI when the server is missing
 * (see describeWithPostgres); call with top-level await.
 */
export async function describeEachBackend(name: string, body: (create: () => Promise<StoreBackend>) => void): Promise<void> {
  describe(`${name} [sqlite]`, () => body(createSqliteBackend));
  await describeWithPostgres(`${name} [postgres]`, () => body(createPostgresBackend));
}
