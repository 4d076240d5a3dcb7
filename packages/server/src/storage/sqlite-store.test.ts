import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeAccessStoreContract } from './access.contract.js';
import { describeChatStoreContract } from './chat.contract.js';
import { describeRunStoreContract } from './runs.contract.js';
import { describeHistoryStoreContract } from './history.contract.js';
import { DEFAULT_ROOM_ACCESS } from './access.js';
import { describeLastOpenedContract } from './last-opened.contract.js';
import { describeAccountStoreContract, type OpenedFullStore } from './accounts.contract.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { SqliteWorkerStore } from './sqlite-worker-store.js';
import { append, describeRoomStoreContract } from './store.contract.js';

async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwise-sqlite-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A store on a fresh database file; `openAnother` opens more instances (worker threads) on the same file. */
async function openSqliteStore(): Promise<OpenedFullStore> {
  const { dir, remove } = await tempDir();
  const file = join(dir, 'rooms.db');
  const store = await SqliteWorkerStore.open(file);
  const instances = [store];
  return {
    store,
    openAnother: async () => {
      const another = await SqliteWorkerStore.open(file);
      instances.push(another);
      return another;
    },
    cleanup: async () => {
      await Promise.all(instances.map((instance) => instance.close()));
      await remove();
    },
  };
}

describeRoomStoreContract('SqliteWorkerStore', openSqliteStore);
describeLastOpenedContract('SqliteWorkerStore', openSqliteStore);
describeAccountStoreContract('SqliteWorkerStore', openSqliteStore);
describeAccessStoreContract('SqliteWorkerStore', openSqliteStore);
describeChatStoreContract('SqliteWorkerStore', openSqliteStore);
describeRunStoreContract('SqliteWorkerStore', openSqliteStore);
describeHistoryStoreContract('SqliteWorkerStore', openSqliteStore);

describe('SqliteWorkerStore on disk', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, remove } = await tempDir());
  });
  afterEach(async () => {
    await remove();
  });

  const record = { id: 'r', name: 'Room', language: 'go', createdAt: 1, updatedAt: 2 };

  it('creates missing parent directories and keeps data across close and reopen', async () => {
    const file = join(dir, 'nested', 'deeper', 'rooms.db');
    const first = await SqliteWorkerStore.open(file);
    await first.createRoom(record, new Uint8Array([1]));
    await append(first, 'r', 3_000, new Uint8Array([2]));
    await first.storeCheckpoint('r', new Uint8Array([9]), (await first.loadDocument('r'))?.lastSeq ?? 0);
    await append(first, 'r', 4_000, new Uint8Array([3]));
    const before = await first.loadDocument('r');
    await first.close();

    const second = await SqliteWorkerStore.open(file);
    expect(await second.getRoom('r')).toEqual({ ...record, updatedAt: 4_000 });
    expect(await second.loadDocument('r')).toEqual(before);
    await second.close();
  });

  it('sets up WAL, full sync, foreign keys and a schema version, idempotently', async () => {
    const file = join(dir, 'rooms.db');
    await (await SqliteWorkerStore.open(file)).close();
    await (await SqliteWorkerStore.open(file)).close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('never reuses a seq once compaction deleted the newest log entry', async () => {
    const store = await SqliteWorkerStore.open(join(dir, 'rooms.db'));
    await store.createRoom(record, new Uint8Array([1]));
    const stored = await store.loadDocument('r');
    await store.storeCheckpoint('r', new Uint8Array([9]), stored?.lastSeq ?? 0);
    await append(store, 'r', 5, new Uint8Array([2]));
    expect((await store.loadDocument('r'))?.updates).toEqual([new Uint8Array([9]), new Uint8Array([2])]);
    await store.close();
  });

  it('upgrades a database from before accounts: its rooms keep their content, get the default access and count as opened when last changed', async () => {
    const file = join(dir, 'rooms.db');
    const old = new Database(file);
    for (const sql of SQLITE_MIGRATIONS.slice(0, 2)) old.exec(sql);
    old.pragma('user_version = 2');
    old.prepare(`INSERT INTO rooms VALUES ('r', 'Room', 'go', 1, 2, 'inc-1')`).run();
    old.prepare(`INSERT INTO room_updates (room_id, data) VALUES ('r', x'0102')`).run();
    old.close();

    const store = await SqliteWorkerStore.open(file);
    try {
      expect(await store.getAccess('r')).toEqual(DEFAULT_ROOM_ACCESS);
      expect(await store.loadDocument('r')).toMatchObject({ incarnation: 'inc-1', updates: [new Uint8Array([1, 2])] });
      await store.createUser({ id: 'u', username: 'alice', passwordHash: 'h', createdAt: 3 });
      expect(await store.setMember('r', 'u', 'editor', 4)).toBe(true);
      expect((await store.listRoomsOf('u', 10, null)).rooms).toEqual([{ ...record, access: DEFAULT_ROOM_ACCESS, memberRole: 'editor' }]);
      // Rooms from before last-opened tracking count as opened when they last changed.
      expect(await store.listRoomsNotOpenedSince(3, 10)).toEqual([{ id: 'r', lastOpenedAt: 2 }]);
    } finally {
      await store.close();
    }
  });

  it('refuses a database written by a newer schema', async () => {
    const file = join(dir, 'rooms.db');
    await (await SqliteWorkerStore.open(file)).close();
    const db = new Database(file);
    db.pragma('user_version = 99');
    db.close();
    await expect(SqliteWorkerStore.open(file)).rejects.toThrow(/newer/);
  });

  it('rejects (never hangs) when the storage worker cannot open the file', async () => {
    await writeFile(join(dir, 'not-a-directory'), '');
    await expect(SqliteWorkerStore.open(join(dir, 'not-a-directory', 'rooms.db'))).rejects.toThrow(/EEXIST|ENOTDIR/);
  });
});
