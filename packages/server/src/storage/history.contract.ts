import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedFullStore } from './accounts.contract.js';
import type { VersionRecord } from './history.js';
import type { RoomRecord, RoomWrite, Store } from './store.js';

const alice = { id: 'user:a', name: 'alice', color: '#aa0000' };
const bob = { id: 'guest:b', name: 'Bob', color: '#0000bb' };

/** The behaviour every HistoryStore implementation must show. `open` gives each test a fresh store. */
export function describeHistoryStoreContract(name: string, open: () => Promise<OpenedFullStore>): void {
  describe(`${name} (HistoryStore contract)`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;

    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    async function roomWithLog(id: string, writes: Omit<RoomWrite, 'roomId' | 'incarnation'>[]): Promise<number[]> {
      await store.createRoom(room(id, 1_000), bytes(1));
      const { incarnation } = (await store.loadDocument(id)) ?? { incarnation: '' };
      for (const write of writes) await store.writeRooms([{ roomId: id, incarnation, ...write }], 5_000);
      return (await store.readHistory(id, 0, 1000)).map((entry) => entry.seq);
    }

    it('keeps when each update was accepted and who sent it, with the authors as the room showed them', async () => {
      const seqs = await roomWithLog('h', [
        { updates: [bytes(2), bytes(3)], acceptedAt: [2_000, 2_100], authorIds: ['user:a', 'guest:b'], authors: [alice, bob] },
        { updates: [bytes(4)] },
      ]);
      const entries = await store.readHistory('h', 0, 10);
      expect(entries.map(({ at, authorId, update }) => ({ at, authorId, update }))).toEqual([
        { at: 1_000, authorId: 'server', update: bytes(1) },
        { at: 2_000, authorId: 'user:a', update: bytes(2) },
        { at: 2_100, authorId: 'guest:b', update: bytes(3) },
        { at: 5_000, authorId: null, update: bytes(4) },
      ]);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(await store.roomAuthors('h')).toEqual([bob, alice].sort((a, b) => (a.id < b.id ? -1 : 1)));
      expect(await store.roomAuthors('h', ['user:a'])).toEqual([alice]);
      expect(await store.authorsBetween('h', seqs[0] ?? 0, seqs[2] ?? 0)).toEqual(['guest:b', 'user:a']);
      expect(await store.historyBounds('h')).toEqual({ firstSeq: seqs[0], lastSeq: seqs[3] });
    });

    it('pages the history after a seq, oldest first', async () => {
      const seqs = await roomWithLog('p', [{ updates: [bytes(2), bytes(3), bytes(4)] }]);
      expect((await store.readHistory('p', seqs[0] ?? 0, 2)).map((entry) => entry.seq)).toEqual(seqs.slice(1, 3));
      expect(await store.readHistory('p', seqs[3] ?? 0, 2)).toEqual([]);
      expect(await store.readHistory('missing', 0, 2)).toEqual([]);
      await expect(store.readHistory('p', 0, 0)).rejects.toThrow(RangeError);
    });

    it('a checkpoint keeps the log (the history) while loads start from it', async () => {
      const seqs = await roomWithLog('c', [{ updates: [bytes(2), bytes(3)], acceptedAt: [2_000, 3_000] }]);
      await store.storeCheckpoint('c', bytes(9), seqs[1] ?? 0);
      expect((await store.loadDocument('c'))?.updates).toEqual([bytes(9), bytes(3)]);
      expect((await store.readHistory('c', 0, 10)).map((entry) => entry.update)).toEqual([bytes(1), bytes(2), bytes(3)]);
      expect(await store.checkpointAtOrBefore('c', seqs[2] ?? 0)).toEqual({ seq: seqs[1], at: 2_000, state: bytes(9) });
      expect(await store.checkpointAtOrBefore('c', seqs[0] ?? 0)).toBeNull();
    });

    it('thinning replaces old entries with checkpoints, keeps the newest checkpoint, and loads stay whole', async () => {
      const seqs = await roomWithLog('t', [{ updates: [bytes(2), bytes(3), bytes(4)], acceptedAt: [2_000, 2_500, 9_000] }]);
      const [s1 = 0, s2 = 0, s3 = 0, s4 = 0] = seqs;
      expect(await store.roomsWithLogBefore(2_600, 10)).toEqual(['t']);
      await store.thinHistory('t', {
        addCheckpoints: [
          { seq: s2, at: 2_000, state: bytes(7) },
          { seq: s3, at: 2_500, state: bytes(8) },
        ],
        logThrough: s3,
        dropCheckpoints: [s2],
      });
      const points = await store.readHistory('t', 0, 10);
      expect(points.map(({ seq, update }) => ({ seq, update }))).toEqual([
        { seq: s3, update: null },
        { seq: s4, update: bytes(4) },
      ]);
      expect(points[0]).toMatchObject({ at: 2_500, authorId: null });
      expect((await store.loadDocument('t'))?.updates).toEqual([bytes(8), bytes(4)]);
      expect(await store.historyBounds('t')).toEqual({ firstSeq: s3, lastSeq: s4 });
      expect(await store.roomsWithLogBefore(2_600, 10)).toEqual([]);
      // Never the newest checkpoint, and never log entries no checkpoint covers.
      await store.thinHistory('t', { addCheckpoints: [], logThrough: s4, dropCheckpoints: [s3] });
      expect((await store.loadDocument('t'))?.updates).toEqual([bytes(8), bytes(4)]);
      expect(s1).toBeLessThan(s2);
    });

    it('keeps versions whatever thinning does; auto versions can expire, named ones never', async () => {
      const seqs = await roomWithLog('v', [{ updates: [bytes(2)], authorIds: ['user:a'], authors: [alice] }]);
      const named = version('v', 'n1', { seq: seqs[1] ?? 0, createdAt: 3_000, authorIds: ['user:a'] });
      const auto = version('v', 'a1', { auto: true, name: 'After a pause', createdAt: 4_000 });
      await store.addVersion(named);
      await store.addVersion(auto);
      await store.addVersion(version('missing-room', 'x'));
      expect(await store.listVersions('v')).toEqual([summary(auto), summary(named)]);
      expect(await store.getVersion('v', 'n1')).toEqual(named);
      expect(await store.getVersion('v', 'nope')).toBeNull();
      expect(await store.getVersion('other', 'n1')).toBeNull();
      expect(await store.deleteAutoVersionsBefore('v', 5_000)).toBe(1);
      expect((await store.listVersions('v')).map((v) => v.id)).toEqual(['n1']);
    });

    it('thinning a room deleted meanwhile does nothing', async () => {
      await store.thinHistory('never-was', { addCheckpoints: [{ seq: 1, at: 1, state: bytes(1) }], logThrough: 1, dropCheckpoints: [] });
      expect(await store.historyBounds('never-was')).toBeNull();
    });

    it('a room deleted and created again under the same id starts with no history, authors or versions', async () => {
      await roomWithLog('d', [{ updates: [bytes(2)], authorIds: ['user:a'], authors: [alice] }]);
      await store.addVersion(version('d', 'd1'));
      await store.deleteRoom('d', bytes(0));
      await store.createRoom(room('d', 9_000), bytes(5));
      expect((await store.readHistory('d', 0, 10)).map((entry) => entry.update)).toEqual([bytes(5)]);
      expect(await store.roomAuthors('d')).toEqual([]);
      expect(await store.listVersions('d')).toEqual([]);
    });
  });
}

function room(id: string, at: number): RoomRecord {
  return { id, name: id, language: 'python', createdAt: at, updatedAt: at };
}

function bytes(...values: number[]): Uint8Array {
  return Uint8Array.from(values);
}

function version(roomId: string, id: string, fields: Partial<VersionRecord> = {}): VersionRecord {
  return {
    id,
    roomId,
    name: `v ${id}`,
    auto: false,
    createdAt: 3_000,
    seq: 1,
    authorIds: [],
    code: `code of ${id}`,
    state: bytes(6, 6),
    ...fields,
  };
}

function summary({ code: _code, state: _state, ...rest }: VersionRecord) {
  return rest;
}
