import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { applyStoredUpdates, compactStoredDocument } from './compaction.js';
import { RoomExistsError, type RoomRecord, type RoomStore, type StoredDocument, UPDATED_AT_RESOLUTION_MS } from './store.js';
import { seededRandom } from '../../test/support/random.js';

export interface OpenedStore {
  store: RoomStore;
  cleanup: () => Promise<void>;
}

/** The behaviour every RoomStore implementation must show. `open` gives each test a fresh store. */
export function describeRoomStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name} (RoomStore contract)`, () => {
    let store: RoomStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    it('creates a room and reads it back with its first update', async () => {
      const record = room('r1', 1_000);
      await store.createRoom(record, bytes(1, 2, 3));
      expect(await store.getRoom('r1')).toEqual(record);
      const doc = await store.loadDocument('r1');
      expect(doc?.updates).toEqual([bytes(1, 2, 3)]);
      expect(doc?.logLength).toBe(1);
      expect(doc?.lastSeq).toBeGreaterThan(0);
    });

    it('returns null for a missing room', async () => {
      expect(await store.getRoom('nope')).toBeNull();
      expect(await store.loadDocument('nope')).toBeNull();
    });

    it('refuses a duplicate id and keeps the original room', async () => {
      await store.createRoom(room('dup', 1_000, 'first'), bytes(1));
      await expect(store.createRoom(room('dup', 2_000, 'second'), bytes(2))).rejects.toBeInstanceOf(RoomExistsError);
      expect((await store.getRoom('dup'))?.name).toBe('first');
      expect((await store.loadDocument('dup'))?.updates).toEqual([bytes(1)]);
    });

    it('lists rooms by updatedAt then id, both descending', async () => {
      await store.createRoom(room('a', 10), bytes(1));
      await store.createRoom(room('b', 30), bytes(1));
      await store.createRoom(room('c', 20), bytes(1));
      await store.createRoom(room('d', 30), bytes(1));
      const page = await store.listRooms(10, null);
      expect(page.rooms.map((r) => r.id)).toEqual(['d', 'b', 'c', 'a']);
      expect(page.next).toBeNull();
      expect(await store.listRooms(3, null)).toMatchObject({ next: { updatedAt: 20, id: 'c' } });
      expect(await store.listRooms(5, null).then((p) => p.rooms[0])).toEqual(room('d', 30));
    });

    it('pages through many rooms with tied updatedAt without duplicates or gaps', async () => {
      const records = Array.from({ length: 57 }, (_, i) => room(`room-${String(i).padStart(3, '0')}`, 1_000 + (i % 4)));
      for (const record of records) await store.createRoom(record, bytes(1));
      const expected = [...records].sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? 1 : -1)).map((r) => r.id);
      for (const pageSize of [1, 5, 19, 57, 100]) {
        expect(await listAll(store, pageSize)).toEqual(expected);
      }
    });

    it('returns an empty page when there are no rooms, and rejects a non-positive limit', async () => {
      expect(await store.listRooms(10, null)).toEqual({ rooms: [], next: null });
      await expect(store.listRooms(0, null)).rejects.toBeInstanceOf(RangeError);
    });

    it('writes settings with a group commit, bumping updatedAt; a missing room is skipped', async () => {
      await store.createRoom(room('m', 1_000), bytes(1));
      const incarnation = await incarnationOf(store, 'm');
      await store.writeRooms([{ roomId: 'm', incarnation, updates: [], meta: { name: 'renamed' } }], 2_000);
      expect(await store.getRoom('m')).toEqual({ ...room('m', 2_000), name: 'renamed' });
      await store.writeRooms([{ roomId: 'm', incarnation, updates: [bytes(2)], meta: { language: 'python' } }], 3_000);
      expect(await store.getRoom('m')).toMatchObject({ name: 'renamed', language: 'python', updatedAt: 3_000 });
      expect((await loadOrFail(store, 'm')).updates).toEqual(bytesList(1, 2));
      await store.writeRooms([{ roomId: 'missing', incarnation, updates: [], meta: { name: 'x' } }], 4_000);
      expect(await store.getRoom('missing')).toBeNull();
    });

    it('deletes a room with its log and snapshot; false for a missing room', async () => {
      await store.createRoom(room('del', 1_000), bytes(1));
      await append(store, 'del', 2_000, bytes(2));
      const stored = await loadOrFail(store, 'del');
      await store.storeCheckpoint('del', bytes(9), stored.lastSeq);
      await append(store, 'del', 3_000, bytes(3));

      expect(await store.deleteRoom('del', bytes(0xd1))).toBe(true);
      expect(await store.getRoom('del')).toBeNull();
      expect(await store.loadDocument('del')).toBeNull();
      expect(await store.deleteRoom('del', bytes(0xd2))).toBe(false);
      // A new room under the same id must not inherit the old log or snapshot.
      await store.createRoom(room('del', 4_000), bytes(4));
      expect(await loadOrFail(store, 'del')).toMatchObject({ updates: [bytes(4)], logLength: 1 });
    });

    it('a room created again under a deleted id gets a new incarnation and the retired state vectors', async () => {
      await store.createRoom(room('re', 1_000), bytes(1));
      const first = await loadOrFail(store, 're');
      expect(first.incarnation).not.toBe('');
      expect(first.retiredStateVectors).toEqual([]);
      await store.deleteRoom('re', bytes(0xa1));
      await store.createRoom(room('re', 2_000), bytes(2));
      await store.deleteRoom('re', bytes(0xa2));
      await store.createRoom(room('re', 3_000), bytes(3));
      const third = await loadOrFail(store, 're');
      expect(third.incarnation).not.toBe(first.incarnation);
      expect(third.retiredStateVectors).toEqual(bytesList(0xa1, 0xa2));
      expect(await store.loadDocument('other')).toBeNull();
    });

    // Regression: edits still queued in the group commit when a room was deleted were written into
    // a new room created under the same id, which then held the old text.
    it('drops writes for an earlier incarnation of a re-created room', async () => {
      await store.createRoom(room('inc', 1_000, 'old'), bytes(1));
      const old = await incarnationOf(store, 'inc');
      await store.deleteRoom('inc', bytes(0));
      await store.createRoom(room('inc', 2_000, 'new'), bytes(2));
      await store.writeRooms([{ roomId: 'inc', incarnation: old, updates: [bytes(9)], meta: { name: 'old again' } }], 3_000);
      expect(await loadOrFail(store, 'inc')).toMatchObject({ updates: [bytes(2)], logLength: 1 });
      expect(await store.getRoom('inc')).toEqual(room('inc', 2_000, 'new'));
    });

    it("appends a batch keeping each room's order", async () => {
      await store.createRoom(room('a', 1_000), bytes(0xa0));
      await store.createRoom(room('b', 1_000), bytes(0xb0));
      await store.createRoom(room('idle', 1_000), bytes(0));
      const writes = [
        { roomId: 'a', incarnation: await incarnationOf(store, 'a'), updates: bytesList(0xa1, 0xa2, 0xa3) },
        { roomId: 'b', incarnation: await incarnationOf(store, 'b'), updates: bytesList(0xb1, 0xb2) },
      ];
      await store.writeRooms(writes, 5_000);
      expect(await loadOrFail(store, 'a')).toMatchObject({ updates: bytesList(0xa0, 0xa1, 0xa2, 0xa3), logLength: 4 });
      expect(await loadOrFail(store, 'b')).toMatchObject({ updates: bytesList(0xb0, 0xb1, 0xb2), logLength: 3 });
      expect((await store.getRoom('a'))?.updatedAt).toBe(5_000);
      expect((await store.getRoom('b'))?.updatedAt).toBe(5_000);
      expect((await store.getRoom('idle'))?.updatedAt).toBe(1_000);
    });

    it('drops updates of unknown and deleted rooms without failing the rest of the batch', async () => {
      await store.createRoom(room('keep', 1_000), bytes(1));
      await store.createRoom(room('gone', 1_000), bytes(1));
      const keep = await incarnationOf(store, 'keep');
      const gone = await incarnationOf(store, 'gone');
      await store.deleteRoom('gone', bytes(0));
      await store.writeRooms(
        [
          { roomId: 'ghost', incarnation: keep, updates: [bytes(9)] },
          { roomId: 'keep', incarnation: keep, updates: bytesList(2, 3) },
          { roomId: 'gone', incarnation: gone, updates: [bytes(9)] },
        ],
        2_000,
      );
      expect((await loadOrFail(store, 'keep')).updates).toEqual(bytesList(1, 2, 3));
      expect(await store.getRoom('ghost')).toBeNull();
      expect(await store.loadDocument('gone')).toBeNull();
      await store.writeRooms([{ roomId: 'ghost', incarnation: keep, updates: [bytes(9)] }], 3_000);
    });

    it('treats an empty batch as a no-op', async () => {
      await store.createRoom(room('e', 1_000), bytes(1));
      await store.writeRooms([], 9_000);
      await store.writeRooms([{ roomId: 'e', incarnation: await incarnationOf(store, 'e'), updates: [] }], 9_000);
      expect((await store.getRoom('e'))?.updatedAt).toBe(1_000);
      expect((await loadOrFail(store, 'e')).updates).toEqual([bytes(1)]);
    });

    it('keeps updatedAt within UPDATED_AT_RESOLUTION_MS of the last edit, and exact for a settings change', async () => {
      await store.createRoom(room('r', 1_000), bytes(1));
      const step = UPDATED_AT_RESOLUTION_MS / 4;
      for (let at = 10_000; at <= 10_000 + 8 * step; at += step) {
        await append(store, 'r', at, bytes(2));
        const updatedAt = (await store.getRoom('r'))?.updatedAt ?? 0;
        expect(updatedAt).toBeLessThanOrEqual(at);
        expect(updatedAt).toBeGreaterThan(at - UPDATED_AT_RESOLUTION_MS);
      }
      const settingsAt = 10_000 + 8 * step + 1;
      await store.writeRooms([{ roomId: 'r', incarnation: await incarnationOf(store, 'r'), updates: [], meta: { name: 'n' } }], settingsAt);
      expect((await store.getRoom('r'))?.updatedAt).toBe(settingsAt);
      expect((await loadOrFail(store, 'r')).updates).toHaveLength(10);
    });

    it('never moves updatedAt backwards', async () => {
      await store.createRoom(room('t', 5_000), bytes(1));
      await append(store, 't', 4_000, bytes(2));
      await store.writeRooms([{ roomId: 't', incarnation: await incarnationOf(store, 't'), updates: [], meta: { name: 'n' } }], 3_000);
      expect((await store.getRoom('t'))?.updatedAt).toBe(5_000);
    });

    it('rebuilds the same document before and after compaction, keeping later updates', async () => {
      const session = new EditingSession(7);
      await store.createRoom(room('doc', 1_000), session.initialUpdate());
      for (let round = 0; round < 3; round += 1) {
        for (let i = 0; i < 20; i += 1) await append(store, 'doc', 2_000 + i, ...session.edit(1 + (i % 5)));
        expect(await rebuild(store, 'doc')).toEqual(session.state());

        const before = await loadOrFail(store, 'doc');
        const result = await compactStoredDocument(store, 'doc');
        expect(result).toMatchObject({ updatesBefore: before.updates.length });
        const after = await loadOrFail(store, 'doc');
        expect(after).toMatchObject({ lastSeq: before.lastSeq, logLength: 0 });
        expect(after.updates).toHaveLength(1);
        expect(after.updates[0]?.byteLength).toBe(result?.bytesAfter);
        expect(await rebuild(store, 'doc')).toEqual(session.state());
      }
      await append(store, 'doc', 9_000, ...session.edit(3));
      expect(await rebuild(store, 'doc')).toEqual(session.state());
      expect((await loadOrFail(store, 'doc')).logLength).toBe(3);
    });

    it('compactStoredDocument returns null for a missing room or an empty log', async () => {
      expect(await compactStoredDocument(store, 'missing')).toBeNull();
      await store.createRoom(room('c', 1_000), new EditingSession(1).initialUpdate());
      expect(await compactStoredDocument(store, 'c')).not.toBeNull();
      expect(await compactStoredDocument(store, 'c')).toBeNull();
    });

    it('keeps log entries appended after the compacted seq', async () => {
      await store.createRoom(room('k', 1_000), bytes(1));
      await append(store, 'k', 2_000, bytes(2));
      const read = await loadOrFail(store, 'k');
      await append(store, 'k', 3_000, bytes(3));
      await store.storeCheckpoint('k', bytes(0x51), read.lastSeq);
      expect(await loadOrFail(store, 'k')).toMatchObject({ updates: bytesList(0x51, 3), logLength: 1 });
    });

    it('ignores a compaction through an older seq than the stored snapshot', async () => {
      await store.createRoom(room('o', 1_000), bytes(1));
      await append(store, 'o', 2_000, bytes(2));
      const older = await loadOrFail(store, 'o');
      await append(store, 'o', 3_000, bytes(3));
      const newer = await loadOrFail(store, 'o');
      await store.storeCheckpoint('o', bytes(0x52), newer.lastSeq);
      await append(store, 'o', 4_000, bytes(4));

      await store.storeCheckpoint('o', bytes(0x51), older.lastSeq);
      await store.storeCheckpoint('o', bytes(0x53), newer.lastSeq);
      expect(await loadOrFail(store, 'o')).toMatchObject({ updates: bytesList(0x52, 4), logLength: 1 });
      await store.storeCheckpoint('missing', bytes(1), newer.lastSeq);
    });

    it('does not alias stored bytes to caller buffers', async () => {
      const initial = bytes(1, 1);
      const appended = bytes(2, 2);
      await store.createRoom(room('alias', 1_000), initial);
      await append(store, 'alias', 2_000, appended);
      initial.fill(0);
      appended.fill(0);
      const loaded = await loadOrFail(store, 'alias');
      expect(loaded.updates).toEqual([bytes(1, 1), bytes(2, 2)]);
      for (const update of loaded.updates) update.fill(7);

      const snapshot = bytes(5, 5);
      await store.storeCheckpoint('alias', snapshot, loaded.lastSeq);
      snapshot.fill(0);
      expect((await loadOrFail(store, 'alias')).updates).toEqual([bytes(5, 5)]);

      const record = await store.getRoom('alias');
      if (record) record.name = 'mutated';
      expect((await store.getRoom('alias'))?.name).toBe('room alias');
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

export function room(id: string, updatedAt: number, name = `room ${id}`): RoomRecord {
  return { id, name, language: 'typescript', createdAt: 500, updatedAt };
}

function bytes(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

/** One single-byte update per value. */
function bytesList(...values: number[]): Uint8Array[] {
  return values.map((value) => bytes(value));
}

export async function incarnationOf(store: RoomStore, id: string): Promise<string> {
  return (await loadOrFail(store, id)).incarnation;
}

/** Append updates to a room's current incarnation, as one group commit. */
export async function append(store: RoomStore, id: string, updatedAt: number, ...updates: Uint8Array[]): Promise<void> {
  await store.writeRooms([{ roomId: id, incarnation: await incarnationOf(store, id), updates }], updatedAt);
}

async function loadOrFail(store: RoomStore, id: string): Promise<StoredDocument> {
  const stored = await store.loadDocument(id);
  if (stored === null) throw new Error(`room ${id} not found`);
  return stored;
}

async function listAll(store: RoomStore, pageSize: number): Promise<string[]> {
  const ids: string[] = [];
  let page = await store.listRooms(pageSize, null);
  ids.push(...page.rooms.map((r) => r.id));
  while (page.next) {
    expect(page.rooms).toHaveLength(pageSize);
    page = await store.listRooms(pageSize, page.next);
    ids.push(...page.rooms.map((r) => r.id));
  }
  return ids;
}

/** The state of the document rebuilt from what the store holds for room `id`. */
export async function rebuild(store: RoomStore, id: string): Promise<DocState> {
  const doc = new Y.Doc();
  applyStoredUpdates(doc, (await loadOrFail(store, id)).updates);
  const state = docState(doc);
  doc.destroy();
  return state;
}

export interface DocState {
  text: string;
  stateVector: Uint8Array;
}

function docState(doc: Y.Doc): DocState {
  return { text: doc.getText('code').toString(), stateVector: Y.encodeStateVector(doc) };
}

const CATCH_UP = Symbol('catch-up');

/** Two clients making seeded random edits to room 'doc'; every update also lands in a reference doc. */
export class EditingSession {
  private readonly reference = new Y.Doc();
  private readonly clients = [new Y.Doc(), new Y.Doc()];
  private readonly random: () => number;
  private pending: Uint8Array[] = [];

  constructor(seed: number) {
    this.random = seededRandom(seed);
    this.reference.getText('code').insert(0, 'hello\n');
    const initial = Y.encodeStateAsUpdate(this.reference);
    for (const client of this.clients) {
      Y.applyUpdate(client, initial);
      client.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === CATCH_UP) return; // already in the reference, and stored
        this.pending.push(update);
        Y.applyUpdate(this.reference, update);
      });
    }
  }

  initialUpdate(): Uint8Array {
    return Y.encodeStateAsUpdate(this.reference);
  }

  /** `count` random edits, as the updates of one group commit. */
  edit(count: number): Uint8Array[] {
    for (let i = 0; i < count; i += 1) {
      const client = this.clients[Math.floor(this.random() * this.clients.length)] as Y.Doc;
      Y.applyUpdate(client, Y.encodeStateAsUpdate(this.reference, Y.encodeStateVector(client)), CATCH_UP);
      this.randomEdit(client.getText('code'));
    }
    const updates = this.pending;
    this.pending = [];
    return updates;
  }

  private randomEdit(text: Y.Text): void {
    const at = Math.floor(this.random() * (text.length + 1));
    if (this.random() < 0.3 && at < text.length) {
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(this.random() * 3)));
    } else {
      const letter = String.fromCharCode(97 + Math.floor(this.random() * 26));
      text.insert(at, letter.repeat(1 + Math.floor(this.random() * 4)));
    }
  }

  state(): DocState {
    return docState(this.reference);
  }
}
