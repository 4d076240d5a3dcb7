import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT, META_KEYS, META_MAP } from '@pairwise/protocol';
import { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import { GroupCommitter } from '../persistence/group-commit.js';
import { initialDocument } from '../rooms/room-service.js';
import { starterSnippet } from '../rooms/starter-snippets.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import type { RoomWrite, StoredDocument } from '../storage/store.js';
import type { SyncSocket } from './room.js';
import { RoomRegistry, type RoomLease } from './room-registry.js';
import { sessionFor } from './room.testkit.js';

/**
 * The registry's life cycle of rooms against a MemoryRoomStore wrapped with spies: load once,
 * never cache failures or misses, unload when idle, and never lose queued updates across an unload.
 */

const log = pino({ level: 'silent' });
const SNIPPET = starterSnippet('python');

class SpyStore extends MemoryRoomStore {
  loadCalls = 0;
  appendCalls = 0;
  /** How many of the next loads throw. */
  failLoads = 0;
  /** While set, loads wait for it. */
  loadGate: Promise<void> | null = null;

  override async loadDocument(id: string): Promise<StoredDocument | null> {
    this.loadCalls++;
    if (this.loadGate) await this.loadGate;
    if (this.failLoads > 0) {
      this.failLoads--;
      throw new Error('connection reset');
    }
    return super.loadDocument(id);
  }

  override async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    this.appendCalls++;
    return super.writeRooms(writes, updatedAt);
  }
}

class FakeSocket implements SyncSocket {
  readonly closes: number[] = [];
  send(): void {}
  close(code: number): void {
    this.closes.push(code);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

interface Setup {
  store: SpyStore;
  commits: GroupCommitter;
  registry: RoomRegistry;
}

let setups: Setup[] = [];

async function setup(options: { idleUnloadMs?: number; windowMs?: number } = {}): Promise<Setup> {
  const store = new SpyStore();
  const commits = new GroupCommitter({
    store,
    windowMs: options.windowMs ?? 20,
    log,
    maxRoomBacklogBytes: 1024 * 1024,
    maxBacklogBytes: 8 * 1024 * 1024,
    closeRetryMs: 0,
  });
  const compaction = new CompactionScheduler(store, 1_000, log);
  const registry = new RoomRegistry({ store, commits, compaction, idleUnloadMs: options.idleUnloadMs ?? 60_000, log });
  const s = { store, commits, registry };
  setups.push(s);
  return s;
}

async function createRoom(store: MemoryRoomStore, id: string): Promise<void> {
  await store.createRoom({ id, name: 'Room', language: 'python', createdAt: 1, updatedAt: 1 }, initialDocument('Room', 'python'));
}

/** The room's text as stored (what a fresh load would see). */
async function storedText(store: MemoryRoomStore, id: string): Promise<string | null> {
  const stored = await store.loadDocument(id);
  if (!stored) return null;
  const doc = new Y.Doc();
  for (const update of stored.updates) Y.applyUpdate(doc, update);
  const text = doc.getText(CODE_TEXT).toString();
  doc.destroy();
  return text;
}

afterEach(async () => {
  vi.useRealTimers();
  for (const { store, commits, registry } of setups) {
    store.loadGate = null;
    await registry.close();
    await commits.close().catch(() => {});
    await store.close();
  }
  setups = [];
});

describe('RoomRegistry', () => {
  it('concurrent acquires of one room load it once and share one Room', async () => {
    const { store, registry } = await setup();
    await createRoom(store, 'shared');
    const gate = deferred();
    store.loadGate = gate.promise;
    const acquiring = Array.from({ length: 8 }, () => registry.acquire('shared'));
    gate.resolve();
    const leases = await Promise.all(acquiring);
    expect(store.loadCalls).toBe(1);
    const rooms = new Set(leases.map((l) => l!.room));
    expect(rooms.size).toBe(1);
    expect(leases[0]!.room.text.toString()).toBe(SNIPPET);
    expect(registry.loaded('shared')).toBe(leases[0]!.room);
    // Acquiring a loaded room does not load again.
    await registry.acquire('shared');
    expect(store.loadCalls).toBe(1);
  });

  it('a missing room resolves null and is not cached: once created, acquire works', async () => {
    const { store, registry } = await setup();
    const [a, b] = await Promise.all([registry.acquire('later'), registry.acquire('later')]);
    expect(a).toBeNull();
    expect(b).toBeNull();
    expect(registry.loaded('later')).toBeUndefined();

    await createRoom(store, 'later');
    const lease = await registry.acquire('later');
    expect(lease).not.toBeNull();
    expect(lease!.room.text.toString()).toBe(SNIPPET);
  });

  it('withRoom runs on the loaded room and resolves null for a missing one', async () => {
    const { store, registry } = await setup();
    await createRoom(store, 'with');
    expect(await registry.withRoom('with', (room) => room.text.toString())).toBe(SNIPPET);
    expect(await registry.withRoom('nope', () => 'ran')).toBeNull();
  });

  describe('regression: hocuspocus #382 — a failed load must never let an empty doc overwrite stored data', () => {
    it('a load that throws rejects every waiting acquire, caches nothing, and stores nothing', async () => {
      const { store, commits, registry } = await setup();
      await createRoom(store, 'fragile');
      const before = await store.loadDocument('fragile');
      const appendsBefore = store.appendCalls;
      const loadsBefore = store.loadCalls;

      store.failLoads = 1;
      const gate = deferred();
      store.loadGate = gate.promise;
      const first = registry.acquire('fragile');
      const second = registry.acquire('fragile');
      gate.resolve();
      store.loadGate = null;
      await expect(first).rejects.toThrow('connection reset');
      await expect(second).rejects.toThrow('connection reset');
      expect(store.loadCalls - loadsBefore).toBe(1);
      expect(registry.loaded('fragile')).toBeUndefined();

      await commits.flush();
      expect(store.appendCalls).toBe(appendsBefore);
      expect(await store.loadDocument('fragile')).toEqual(before);

      // The next acquire loads again and sees the stored document, not an empty one.
      const lease = await registry.acquire('fragile');
      expect(store.loadCalls - loadsBefore).toBe(3); // our own check above read it once more
      expect(lease!.room.text.toString()).toBe(SNIPPET);
      expect(lease!.room.meta()).toEqual({ name: 'Room', language: 'python' });
    });
  });

  describe('idle unload', () => {
    it('unloads idleUnloadMs after the last lease is released, and not before', async () => {
      vi.useFakeTimers();
      const { store, registry } = await setup({ idleUnloadMs: 1_000 });
      await createRoom(store, 'idle');
      const a = (await registry.acquire('idle'))!;
      const b = (await registry.acquire('idle'))!;
      const room = a.room;

      a.release();
      a.release(); // releasing twice counts once
      await vi.advanceTimersByTimeAsync(5_000);
      expect(registry.loaded('idle')).toBe(room);

      b.release();
      await vi.advanceTimersByTimeAsync(999);
      expect(registry.loaded('idle')).toBe(room);
      await vi.advanceTimersByTimeAsync(1);
      expect(registry.loaded('idle')).toBeUndefined();
      expect(room.doc.isDestroyed).toBe(true);
    });

    it('an acquire during the idle wait cancels the unload and reuses the room', async () => {
      vi.useFakeTimers();
      const { store, registry } = await setup({ idleUnloadMs: 1_000 });
      await createRoom(store, 'idle');
      const first = (await registry.acquire('idle'))!;
      first.release();
      await vi.advanceTimersByTimeAsync(600);
      const second = (await registry.acquire('idle'))!;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(second.room).toBe(first.room);
      expect(registry.loaded('idle')).toBe(first.room);
      expect(store.loadCalls).toBe(1);
    });

    it('an idle room stays loaded while its edits are queued, unloads once they are stored, and reloads them all', async () => {
      vi.useFakeTimers();
      // The committer's window is far longer than the test: updates stay queued until something flushes.
      const { store, commits, registry } = await setup({ idleUnloadMs: 100, windowMs: 3_600_000 });
      await createRoom(store, 'queued');
      const lease = (await registry.acquire('queued'))!;
      const first = lease.room;
      first.text.insert(0, '# one\n');
      const client = new Y.Doc();
      Y.applyUpdate(client, Y.encodeStateAsUpdate(first.doc));
      client.getText(CODE_TEXT).insert(0, '# two\n');
      Y.applyUpdate(first.doc, Y.encodeStateAsUpdate(client, Y.encodeStateVector(first.doc)));
      client.destroy();
      expect(commits.pendingCount).toBe(2);
      expect(await storedText(store, 'queued')).toBe(SNIPPET);

      lease.release();
      await vi.advanceTimersByTimeAsync(500);
      // Unloaded now, a reload would have to store them first: with a failing store it could not load at all.
      expect(registry.loaded('queued')).toBe(first);

      await commits.flush();
      await vi.advanceTimersByTimeAsync(100);
      expect(registry.loaded('queued')).toBeUndefined();
      const again = (await registry.acquire('queued'))!;
      expect(again.room).not.toBe(first);
      expect(again.room.text.toString()).toBe(`# two\n# one\n${SNIPPET}`);
      again.release();
    });
  });

  describe('evict', () => {
    it("closes the room's sockets with 4404, once, and drops it from memory", async () => {
      const { store, registry } = await setup();
      await createRoom(store, 'doomed');
      const lease = (await registry.acquire('doomed'))!;
      const a = new FakeSocket();
      const b = new FakeSocket();
      lease.room.join(a, sessionFor('a'));
      lease.room.join(b, sessionFor('b'));

      registry.evict('doomed');
      await vi.waitFor(() => expect(a.closes).toEqual([CLOSE_CODES.roomNotFound]));
      expect(b.closes).toEqual([CLOSE_CODES.roomNotFound]);
      expect(registry.loaded('doomed')).toBeUndefined();
      expect(lease.room.doc.isDestroyed).toBe(true);
      lease.release(); // a late release of a lease on the evicted room is harmless
      expect(registry.loaded('doomed')).toBeUndefined();
    });

    it('evicting a room that is not loaded does nothing', async () => {
      const { registry } = await setup();
      expect(await registry.evict('never-loaded')).toEqual(new Map());
    });

    it('answers with the state vector of everything it held, queued edits included, and drops the queue', async () => {
      const { store, commits, registry } = await setup({ windowMs: 3_600_000 });
      await createRoom(store, 'held');
      const lease = (await registry.acquire('held'))!;
      lease.room.text.insert(0, 'unstored ');
      const expected = Y.decodeStateVector(Y.encodeStateVector(lease.room.doc));
      expect(commits.pendingCount).toBe(1);
      expect(await registry.evict('held')).toEqual(expected);
      expect(commits.pendingCount).toBe(0);
      await commits.flush();
      expect(await storedText(store, 'held')).toBe(SNIPPET);
    });

    // Regression (fixed): acquire() does not check that its entry is still the registry's after `await entry.ready`.
    // When a room is evicted (DELETE /api/rooms/:id) while a WebSocket connect is loading it, the
    // acquire still resolves with a lease on the Room that evict() destroys, and the endpoint then
    // joins the socket to that destroyed room: the client never gets 4404 and edits into a dead doc.
    it('an acquire racing an evict never hands out an evicted (destroyed) room', async () => {
      const { store, registry } = await setup();
      await createRoom(store, 'racing');
      const gate = deferred();
      store.loadGate = gate.promise;
      const acquiring = registry.acquire('racing');
      await vi.waitFor(() => expect(store.loadCalls).toBe(1));
      registry.evict('racing');
      gate.resolve();
      let lease: RoomLease | null = null;
      try {
        lease = await acquiring;
      } catch {
        // Rejecting is an acceptable answer too.
      }
      // Let evict's clean-up run, then look at what the caller was given.
      await new Promise((r) => setTimeout(r, 0));
      if (lease !== null) expect(lease.room.doc.isDestroyed).toBe(false);
      expect(lease === null || registry.loaded('racing') === lease.room).toBe(true);
    });
  });

  it('keeps the rooms index in step with settings clients change (invalid values are not indexed)', async () => {
    const { store, registry } = await setup();
    await createRoom(store, 'meta');
    const lease = (await registry.acquire('meta'))!;
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(lease.room.doc));
    const sync = (): void => Y.applyUpdate(lease.room.doc, Y.encodeStateAsUpdate(client, Y.encodeStateVector(lease.room.doc)));

    client.getMap(META_MAP).set(META_KEYS.name, 'Renamed by a user');
    sync();
    await vi.waitFor(async () => expect((await store.getRoom('meta'))?.name).toBe('Renamed by a user'));

    client.getMap(META_MAP).set(META_KEYS.language, 'not-a-language');
    client.getMap(META_MAP).set(META_KEYS.name, 'x'.repeat(500));
    sync();
    await new Promise((r) => setTimeout(r, 20));
    expect(await store.getRoom('meta')).toMatchObject({ name: 'Renamed by a user', language: 'python' });
    client.destroy();
  });

  it('close() unloads every room, closing its sockets with 1001', async () => {
    const { store, registry } = await setup();
    await createRoom(store, 'one');
    await createRoom(store, 'two');
    const one = (await registry.acquire('one'))!;
    const two = (await registry.acquire('two'))!;
    const a = new FakeSocket();
    const b = new FakeSocket();
    one.room.join(a, sessionFor('a'));
    two.room.join(b, sessionFor('b'));
    await registry.close();
    expect(a.closes).toEqual([CLOSE_CODES.goingAway]);
    expect(b.closes).toEqual([CLOSE_CODES.goingAway]);
    expect(registry.loaded('one')).toBeUndefined();
    expect(registry.loaded('two')).toBeUndefined();
  });
});
