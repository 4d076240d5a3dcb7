import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { append, incarnationOf, type OpenedStore } from './store.contract.js';
import type { RoomRecord, RoomStore } from './store.js';

/**
 * When rooms were last opened (touchRooms) and which were not opened since a time
 * (listRoomsNotOpenedSince): what ROOM_RETENTION_DAYS relies on. Every RoomStore runs it.
 */
export function describeLastOpenedContract(name: string, open: () => Promise<OpenedStore>): void {
  describe(`${name} (RoomStore last-opened contract)`, () => {
    let store: RoomStore;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    const create = (id: string, createdAt: number): Promise<void> => store.createRoom(created(id, createdAt), new Uint8Array([1]));
    const unopened = (before: number, limit = 100) => store.listRoomsNotOpenedSince(before, limit);

    it('a new room counts as opened when it was created', async () => {
      await create('r', 1_000);
      expect(await unopened(1_000)).toEqual([]);
      expect(await unopened(1_001)).toEqual([{ id: 'r', lastOpenedAt: 1_000 }]);
    });

    it('lists rooms opened before the time, least recently opened first, then by id in binary order', async () => {
      await create('c', 3_000);
      await create('a', 2_000);
      await create('b', 2_000);
      await create('B', 2_000);
      await create('late', 9_000);
      expect(await unopened(5_000)).toEqual([
        { id: 'B', lastOpenedAt: 2_000 },
        { id: 'a', lastOpenedAt: 2_000 },
        { id: 'b', lastOpenedAt: 2_000 },
        { id: 'c', lastOpenedAt: 3_000 },
      ]);
      expect((await unopened(5_000, 2)).map((room) => room.id)).toEqual(['B', 'a']);
      expect(await unopened(10_000, 1)).toEqual([{ id: 'B', lastOpenedAt: 2_000 }]);
    });

    it('touching moves lastOpenedAt forward, never backwards, and only for the rooms named', async () => {
      await create('x', 1_000);
      await create('y', 1_000);
      await store.touchRooms(['x', 'missing'], 5_000);
      expect(await unopened(10_000)).toEqual([
        { id: 'y', lastOpenedAt: 1_000 },
        { id: 'x', lastOpenedAt: 5_000 },
      ]);
      await store.touchRooms(['x', 'y'], 3_000);
      await store.touchRooms([], 99_000);
      expect(await unopened(10_000)).toEqual([
        { id: 'y', lastOpenedAt: 3_000 },
        { id: 'x', lastOpenedAt: 5_000 },
      ]);
      expect(await store.getRoom('missing')).toBeNull();
    });

    it('edits and settings do not count as opening (loading the room does), and touching leaves updatedAt alone', async () => {
      await create('e', 1_000);
      await append(store, 'e', 7_000, new Uint8Array([2]));
      await store.writeRooms([{ roomId: 'e', incarnation: await incarnationOf(store, 'e'), updates: [], meta: { name: 'n' } }], 8_000);
      expect(await unopened(2_000)).toEqual([{ id: 'e', lastOpenedAt: 1_000 }]);
      await store.touchRooms(['e'], 9_000);
      expect((await store.getRoom('e'))?.updatedAt).toBe(8_000);
    });

    it('a deleted room is not listed; one created again under its id starts from its own creation', async () => {
      await create('d', 1_000);
      await store.touchRooms(['d'], 6_000);
      await store.deleteRoom('d', new Uint8Array([0]));
      expect(await unopened(10_000)).toEqual([]);
      await create('d', 2_000);
      expect(await unopened(10_000)).toEqual([{ id: 'd', lastOpenedAt: 2_000 }]);
    });

    it('rejects a non-positive limit', async () => {
      await expect(store.listRoomsNotOpenedSince(1_000, 0)).rejects.toBeInstanceOf(RangeError);
    });

    // PostgreSQL: touches and group commits lock room rows; in different orders they could deadlock.
    it('touches racing each other and group commits over the same rooms all complete', async () => {
      const ids = Array.from({ length: 12 }, (_, i) => `race-${String(i).padStart(2, '0')}`);
      for (const id of ids) await create(id, 1_000);
      const writes = await Promise.all(
        ids.map(async (id) => ({ roomId: id, incarnation: await incarnationOf(store, id), updates: [new Uint8Array([7])] })),
      );
      const reversed = [...ids].reverse();
      await Promise.all([
        ...Array.from({ length: 6 }, (_, i) => store.touchRooms(i % 2 === 0 ? ids : reversed, 2_000 + i)),
        store.writeRooms(writes, 3_000),
        store.writeRooms([...writes].reverse(), 3_001),
      ]);
      const listed = await unopened(10_000);
      expect(listed.map((room) => room.lastOpenedAt)).toEqual(ids.map(() => 2_005));
    });
  });
}

function created(id: string, createdAt: number): RoomRecord {
  return { id, name: `room ${id}`, language: 'typescript', createdAt, updatedAt: createdAt };
}
