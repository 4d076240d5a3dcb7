import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteHistory } from './sqlite-history.js';
import { openSqliteDatabase, SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { SqliteRoomStore } from './sqlite-store.js';
import { SqliteUpdateInbox } from './sqlite-update-inbox.js';
import { room } from './store.contract.js';

const { MOVE_EVERY_COMMITS, MOVE_AT_ENTRIES } = SqliteUpdateInbox;

describe('SqliteUpdateInbox', () => {
  let dir: string;
  let file: string;
  const opened: Database.Database[] = [];
  const open = (): { db: Database.Database; store: SqliteRoomStore; history: SqliteHistory } => {
    const db = openSqliteDatabase(file);
    opened.push(db);
    return { db, store: new SqliteRoomStore(db), history: new SqliteHistory(db) };
  };
  const count = (db: Database.Database, table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  const incarnation = (db: Database.Database, id: string): string =>
    db.prepare('SELECT incarnation FROM rooms WHERE id = ?').pluck().get(id) as string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pairwise-inbox-'));
    file = join(dir, 'rooms.db');
  });
  afterEach(async () => {
    for (const db of opened.splice(0)) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps a group commit out of the indexed log until the tenth, then moves them all in seq order', async () => {
    const { db, store } = open();
    for (const id of ['b', 'a']) await store.createRoom(room(id, 1), new Uint8Array([0]));
    const writes = (n: number) =>
      ['b', 'a'].map((id) => ({ roomId: id, incarnation: incarnation(db, id), updates: [new Uint8Array([n])] }));
    // createRoom is not a group commit: its entries wait with the rest.
    for (let n = 1; n < MOVE_EVERY_COMMITS; n++) await store.writeRooms(writes(n), 10 + n);
    expect(count(db, 'room_updates')).toBe(0);
    expect(count(db, 'room_update_inbox')).toBe(2 + 2 * (MOVE_EVERY_COMMITS - 1));

    await store.writeRooms(writes(MOVE_EVERY_COMMITS), 100);
    expect(count(db, 'room_update_inbox')).toBe(0);
    const seqs = db.prepare("SELECT seq FROM room_updates WHERE room_id = 'a' ORDER BY seq").pluck().all() as number[];
    expect(seqs).toHaveLength(MOVE_EVERY_COMMITS + 1);
    const loaded = await store.loadDocument('a');
    expect(loaded?.updates.map((u) => u[0])).toEqual(Array.from({ length: MOVE_EVERY_COMMITS + 1 }, (_, i) => i));
    expect(loaded?.lastSeq).toBe(seqs.at(-1));
  });

  it('moves after fewer commits once enough entries wait (ten commits of fast typing made one commit take 200-470 ms)', async () => {
    const { db, store } = open();
    await store.createRoom(room('r', 1), new Uint8Array([0]));
    const half = Math.ceil(MOVE_AT_ENTRIES / 2);
    const write = (at: number) =>
      store.writeRooms(
        [{ roomId: 'r', incarnation: incarnation(db, 'r'), updates: Array.from({ length: half }, () => new Uint8Array([1])) }],
        at,
      );
    await write(10);
    expect(count(db, 'room_update_inbox')).toBe(1 + half);
    await write(20);
    expect(count(db, 'room_update_inbox')).toBe(0);
    expect(count(db, 'room_updates')).toBe(1 + 2 * half);
    expect((await store.loadDocument('r'))?.logLength).toBe(1 + 2 * half);
  });

  it('settles before history and retention read the log; loads and checkpoints read the inbox where it is', async () => {
    const { db, store, history } = open();
    await store.createRoom(room('r', 1), new Uint8Array([0]));
    const write = (n: number, at: number) =>
      store.writeRooms(
        [{ roomId: 'r', incarnation: incarnation(db, 'r'), updates: [new Uint8Array([n])], acceptedAt: [at], authorIds: ['ada'] }],
        at,
      );

    await write(1, 20);
    expect((await history.historyBounds('r'))?.lastSeq).toBe(2);
    await write(2, 30);
    expect(await history.authorsBetween('r', 1, 3)).toEqual(['ada']);
    await write(3, 40);
    expect((await history.readHistory('r', 0, 10)).map((e) => e.at)).toEqual([500, 20, 30, 40]);
    await write(4, 50);
    expect(await history.roomsWithLogBefore(51, 10)).toEqual(['r']);
    expect(count(db, 'room_update_inbox')).toBe(0);

    await write(5, 60);
    expect(await store.loadDocument('r')).toMatchObject({ lastSeq: 6, logLength: 6 });
    await store.storeCheckpoint('r', new Uint8Array([9]), 6);
    expect(await history.checkpointAtOrBefore('r', 6)).toMatchObject({ seq: 6, at: 60 });
    await write(6, 70);
    expect((await store.loadDocument('r'))?.updates.map((u) => u[0])).toEqual([9, 6]);
    expect(count(db, 'room_update_inbox')).toBe(2);
  });

  it('loads a room whose entries wait in the inbox while a full disk refuses every write', async () => {
    const { db, store } = open();
    const updates = [1, 2, 3].map((n) => new Uint8Array(16 * 1024).fill(n));
    await store.createRoom(room('r', 1), new Uint8Array([0]));
    await store.writeRooms([{ roomId: 'r', incarnation: incarnation(db, 'r'), updates }], 2);
    // Moving 48 KB into room_updates would need pages the cap refuses.
    await store.capPageCount(1);
    await expect(store.createRoom(room('big', 3), new Uint8Array(64 * 1024))).rejects.toThrow(/full/);
    expect((await store.loadDocument('r'))?.updates).toEqual([new Uint8Array([0]), ...updates]);
  });

  it("never lets a deleted room's waiting entries reach a re-created room of the same id", async () => {
    const { db, store } = open();
    await store.createRoom(room('r', 1), new Uint8Array([1]));
    await store.writeRooms([{ roomId: 'r', incarnation: incarnation(db, 'r'), updates: [new Uint8Array([2])] }], 2);
    expect(count(db, 'room_update_inbox')).toBe(2);

    expect(await store.deleteRoom('r', new Uint8Array([0]))).toBe(true);
    expect(count(db, 'room_update_inbox')).toBe(0);
    await store.createRoom(room('r', 3), new Uint8Array([7]));
    expect((await store.loadDocument('r'))?.updates).toEqual([new Uint8Array([7])]);
  });

  it("moves another connection's waiting entries when this one reads", async () => {
    const first = open();
    await first.store.createRoom(room('r', 1), new Uint8Array([1]));
    const second = open();
    await second.store.writeRooms([{ roomId: 'r', incarnation: incarnation(second.db, 'r'), updates: [new Uint8Array([2])] }], 2);
    expect((await first.store.loadDocument('r'))?.updates).toEqual([new Uint8Array([1]), new Uint8Array([2])]);
  });

  it("continues past every seq of a database from before it, so no entry hides behind an older checkpoint's seq", async () => {
    const old = new Database(file);
    const before = SQLITE_MIGRATIONS.length - 1;
    for (const sql of SQLITE_MIGRATIONS.slice(0, before)) old.exec(sql);
    old.pragma(`user_version = ${before}`);
    old.prepare(`INSERT INTO rooms (id, name, language, created_at, updated_at, incarnation) VALUES ('r', 'R', 'go', 1, 1, 'i')`).run();
    for (const byte of [1, 2, 3]) old.prepare('INSERT INTO room_updates (room_id, data) VALUES (?, ?)').run('r', Buffer.from([byte]));
    // Compaction removed the newest entry: its seq (3) must never be given again.
    old.prepare('INSERT INTO room_checkpoints (room_id, through_seq, at, data) VALUES (?, 3, 1, ?)').run('r', Buffer.from([9]));
    old.prepare('DELETE FROM room_updates WHERE seq = 3').run();
    old.close();

    const { store } = open();
    await store.writeRooms([{ roomId: 'r', incarnation: 'i', updates: [new Uint8Array([4])] }], 2);
    expect(await store.loadDocument('r')).toMatchObject({ updates: [new Uint8Array([9]), new Uint8Array([4])], lastSeq: 4 });
  });
});
