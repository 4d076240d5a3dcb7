import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NO_ACCESS_EVENTS } from '../access/no-access-events.js';
import type { Principal } from '../access/session.js';
import { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import { GroupCommitter } from '../persistence/group-commit.js';
import { LastOpenedRecorder } from '../persistence/last-opened.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import type { UnopenedRoom } from '../storage/store.js';
import { RoomRegistry } from '../sync/room-registry.js';
import { RoomRetention, type RoomRetentionOptions } from './retention.js';
import { RoomService } from './room-service.js';

const DAY = 24 * 3600_000;
const T0 = 1_700_000_000_000;
const guest: Principal = { kind: 'guest', guestId: 'g1' };

/** JSON log lines written by a debug-level logger. */
function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

describe('RoomRetention', () => {
  let cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const step of cleanup.reverse()) await step();
    cleanup = [];
  });

  /** The real rooms stack on the memory store, every part on one clock the test moves by hand. */
  function stack(options: Partial<RoomRetentionOptions> = {}) {
    let now = T0;
    const clock = {
      now: () => now,
      advance: (ms: number): void => {
        now += ms;
      },
    };
    const { log, lines } = capturedLog();
    const store = new MemoryRoomStore();
    const commits = new GroupCommitter({
      store,
      windowMs: 5,
      log,
      maxRoomBacklogBytes: 1 << 20,
      maxBacklogBytes: 1 << 23,
      closeRetryMs: 0,
    });
    const compaction = new CompactionScheduler(store, 1_000, log);
    const lastOpened = new LastOpenedRecorder({ store, log, now: clock.now });
    const registry = new RoomRegistry({ store, commits, compaction, idleUnloadMs: 5, log, opens: lastOpened });
    const rooms = new RoomService({ store, registry, events: NO_ACCESS_EVENTS, maxRoomsPerUser: 100, now: clock.now });
    const retention = new RoomRetention({ retentionDays: 7, store, rooms, registry, log, now: clock.now, ...options });
    cleanup.push(async () => {
      await retention.close();
      await registry.close();
      await commits.close();
      await lastOpened.idle();
      await store.close();
    });
    const create = async (id: string) => (await rooms.create({ id }, guest)).id;
    /** Load the room as a connection would, and wait until that opening is recorded. */
    const open = async (id: string) => {
      const lease = await registry.acquire(id);
      if (!lease) throw new Error(`room ${id} does not exist`);
      await lastOpened.idle();
      return lease;
    };
    const waitUnloaded = async (id: string) => {
      await vi.waitFor(() => expect(registry.loaded(id)).toBeUndefined());
      await lastOpened.idle();
    };
    return { clock, store, registry, rooms, retention, lines, create, open, waitUnloaded };
  }

  it('deletes rooms nobody opened within the retention period the way the API does, and keeps the rest', async () => {
    const { clock, store, retention, lines, create } = stack();
    await create('old');
    clock.advance(3 * DAY);
    await create('recent');
    clock.advance(5 * DAY);

    expect(await retention.sweep()).toEqual({ deleted: ['old'], skipped: [] });
    expect(await store.getRoom('old')).toBeNull();
    expect(await store.getRoom('recent')).not.toBeNull();
    // The API's delete path: what the room held is retired, for a room created again under its id.
    await create('old');
    expect((await store.loadDocument('old'))?.retiredStateVectors).toHaveLength(1);

    expect(lines.find((line) => line.msg === 'deleted rooms nobody opened within the retention period')).toMatchObject({
      level: 30,
      count: 1,
      retentionDays: 7,
    });
    expect(lines.find((line) => line.msg === 'rooms deleted by retention')).toMatchObject({ level: 20, roomIds: ['old'] });
    expect(await retention.sweep()).toEqual({ deleted: [], skipped: [] });
  });

  it('counts loading a room as opening it', async () => {
    const { clock, retention, create, open, waitUnloaded } = stack();
    await create('r');
    clock.advance(6 * DAY);
    (await open('r')).release();
    await waitUnloaded('r');
    clock.advance(6 * DAY);
    expect((await retention.sweep()).deleted).toEqual([]);
    clock.advance(2 * DAY);
    expect((await retention.sweep()).deleted).toEqual(['r']);
  });

  it('counts unloading as opening: a room held open for weeks does not look idle once closed', async () => {
    const { clock, retention, create, open, waitUnloaded } = stack();
    await create('long');
    const lease = await open('long');
    clock.advance(30 * DAY);
    lease.release();
    await waitUnloaded('long');
    clock.advance(6 * DAY);
    expect((await retention.sweep()).deleted).toEqual([]);
  });

  it('keeps a room loaded on this instance, and records it as opened at each sweep', async () => {
    const { clock, store, retention, create, open } = stack();
    await create('held');
    await create('idle');
    const lease = await open('held');
    clock.advance(30 * DAY);
    expect(await retention.sweep()).toEqual({ deleted: ['idle'], skipped: [] });
    // Another instance sweeping now would not see it as stale either.
    expect(await store.listRoomsNotOpenedSince(clock.now() + 1, 10)).toEqual([{ id: 'held', lastOpenedAt: clock.now() }]);
    lease.release();
  });

  it('skips a stale room loaded here after the sweep listed it', async () => {
    const { clock, store, registry, rooms, create } = stack();
    await create('opened-meanwhile');
    clock.advance(8 * DAY);
    let lease: Awaited<ReturnType<RoomRegistry['acquire']>> = null;
    // The listing answers, then a connection loads the room before the sweep reaches it.
    const listing: RoomRetentionOptions['store'] = {
      touchRooms: (ids, at) => store.touchRooms(ids, at),
      listRoomsNotOpenedSince: async (before, limit) => {
        const stale = await store.listRoomsNotOpenedSince(before, limit);
        lease = await registry.acquire('opened-meanwhile');
        return stale;
      },
    };
    const retention = new RoomRetention({
      retentionDays: 7,
      store: listing,
      rooms,
      registry,
      log: pino({ level: 'silent' }),
      now: clock.now,
    });
    expect(await retention.sweep()).toEqual({ deleted: [], skipped: ['opened-meanwhile'] });
    expect(await store.getRoom('opened-meanwhile')).not.toBeNull();
    (lease as { release(): void } | null)?.release();
  });

  it('deletes at most one batch per sweep, least recently opened first', async () => {
    const { clock, retention, create } = stack({ batchSize: 2 });
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) {
      await create(id);
      clock.advance(1_000);
    }
    clock.advance(8 * DAY);
    expect((await retention.sweep()).deleted).toEqual(['r1', 'r2']);
    expect((await retention.sweep()).deleted).toEqual(['r3', 'r4']);
    expect((await retention.sweep()).deleted).toEqual(['r5']);
  });

  it('logs a failing store and tries again at the next sweep', async () => {
    const { clock, store, rooms, registry, create } = stack();
    await create('r');
    clock.advance(8 * DAY);
    let failures = 1;
    const flaky: RoomRetentionOptions['store'] = {
      touchRooms: (ids, at) => store.touchRooms(ids, at),
      listRoomsNotOpenedSince: (before, limit) =>
        failures-- > 0 ? Promise.reject(new Error('database is down')) : store.listRoomsNotOpenedSince(before, limit),
    };
    const { log, lines } = capturedLog();
    const retention = new RoomRetention({ retentionDays: 7, store: flaky, rooms, registry, log, now: clock.now });
    expect(await retention.sweep()).toEqual({ deleted: [], skipped: [] });
    expect(lines).toMatchObject([
      { level: 50, msg: 'room retention sweep failed; the next sweep tries again', err: { message: 'database is down' } },
    ]);
    expect(await retention.sweep()).toEqual({ deleted: ['r'], skipped: [] });
  });

  it('sweeps at start, then every interval, until closed', async () => {
    vi.useFakeTimers();
    const listed: number[] = [];
    const store: RoomRetentionOptions['store'] = {
      touchRooms: async () => {},
      listRoomsNotOpenedSince: async (before): Promise<UnopenedRoom[]> => {
        listed.push(before);
        return [];
      },
    };
    const registry = { loadedRooms: function* () {}, loaded: () => undefined, leaseCount: () => 0 };
    const rooms = { delete: async () => false };
    let now = T0;
    const retention = new RoomRetention({
      retentionDays: 1,
      intervalMs: 60_000,
      store,
      rooms,
      registry,
      log: pino({ level: 'silent' }),
      now: () => now,
    });
    retention.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(listed).toEqual([T0 - DAY]);
    now += 60_000;
    await vi.advanceTimersByTimeAsync(59_999);
    expect(listed).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(listed).toEqual([T0 - DAY, T0 + 60_000 - DAY]);
    await retention.close();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(listed).toHaveLength(2);
  });
});
