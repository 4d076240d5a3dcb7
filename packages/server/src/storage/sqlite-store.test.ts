import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteWorkerStore } from './sqlite-worker-store.js';
import { append, describeRoomStoreContract } from './store.contract.js';

async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'pairwise-sqlite-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describeRoomStoreContract('SqliteWorkerStore', async () => {
  const { dir, remove } = await tempDir();
  const store = await SqliteWorkerStore.open(join(dir, 'rooms.db'));
  return {
    store,
    cleanup: async () => {
      await store.close();
      await remove();
    },
  };
});

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
    await append(first, 'r', 3, new Uint8Array([2]));
    await first.compactDocument('r', new Uint8Array([9]), (await first.loadDocument('r'))?.lastSeq ?? 0);
    await append(first, 'r', 4, new Uint8Array([3]));
    const before = await first.loadDocument('r');
    await first.close();

    const second = await SqliteWorkerStore.open(file);
    expect(await second.getRoom('r')).toEqual({ ...record, updatedAt: 4 });
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
      expect(db.pragma('user_version', { simple: true })).toBe(2);
    } finally {
      db.close();
    }
  });

  it('never reuses a seq once compaction deleted the newest log entry', async () => {
    const store = await SqliteWorkerStore.open(join(dir, 'rooms.db'));
    await store.createRoom(record, new Uint8Array([1]));
    const stored = await store.loadDocument('r');
    await store.compactDocument('r', new Uint8Array([9]), stored?.lastSeq ?? 0);
    await append(store, 'r', 5, new Uint8Array([2]));
    expect((await store.loadDocument('r'))?.updates).toEqual([new Uint8Array([9]), new Uint8Array([2])]);
    await store.close();
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
