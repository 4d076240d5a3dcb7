import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PrivateRedis, startPrivateRedis } from '../../test/support/private-redis.js';
import { RedisRoomBus } from './redis-room-bus.js';
import { encode, hear } from './room-bus.contract.js';

describe('RedisRoomBus faults (own redis-server)', () => {
  let redis: PrivateRedis;
  let buses: RedisRoomBus[];
  /** XREADs Redis has run so far, on every connection. */
  const xreads = async () => Number(/cmdstat_xread:calls=(\d+)/.exec(await redis.admin.info('commandstats'))?.[1] ?? 0);
  /**
   * Instances a and b in one room, with the full read of every stream a minute apart: only notices,
   * and the reads they ask for, deliver in time. B has heard a's first update.
   */
  const followedByB = async () => {
    const options = { url: redis.url, keyPrefix: 'faults:', blockMs: 200, fullReadPauseMs: 60_000 };
    const [a, b] = [new RedisRoomBus(options), new RedisRoomBus(options)];
    buses.push(a, b);
    const heardB = hear();
    const subA = await a.join('room', hear().handlers);
    await b.join('room', heardB.handlers);
    await subA.publishUpdate(encode(1));
    await vi.waitFor(() => expect(heardB.updates).toEqual([1]));
    return { subA, heardB };
  };
  const instance = () => {
    const bus = new RedisRoomBus({ url: redis.url, keyPrefix: 'faults:', blockMs: 200 });
    buses.push(bus);
    return bus;
  };

  beforeEach(async () => {
    redis = await startPrivateRedis();
    buses = [];
  });
  afterEach(async () => {
    await Promise.all(buses.map((bus) => bus.close()));
    await redis.destroy();
  });

  it('loses no update published while its connections are killed, and presence resumes', async () => {
    const [a, b] = [instance(), instance()];
    const heardB = hear();
    const subA = await a.join('room', hear().handlers);
    await b.join('room', heardB.handlers);
    const total = 600;
    let published = 0;
    const publishing = (async () => {
      for (let n = 1; n <= total; n += 20) {
        await Promise.all(Array.from({ length: 20 }, (_, i) => subA.publishUpdate(encode(n + i))));
        published += 20;
        await sleep(5);
      }
    })();
    for (let kills = 0; kills < 3; kills++) {
      await sleep(20);
      // SKIPME (the default) spares the admin connection; every bus connection goes.
      await redis.admin.client('KILL', 'TYPE', 'normal');
      await redis.admin.client('KILL', 'TYPE', 'pubsub');
    }
    // The kills must land while updates are still being published.
    expect(published).toBeLessThan(total);
    await publishing;
    await vi.waitFor(() => expect(new Set(heardB.updates).size).toBe(total), { timeout: 10_000 });
    // A command in flight when its connection died may be sent again: a repeat is harmless for Yjs.
    const firstSeen = [...new Set(heardB.updates)];
    expect(firstSeen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(heardB.gaps).toBe(0);
    await vi.waitFor(
      async () => {
        await subA.publishAwareness(encode(7));
        expect(heardB.log).toContain(`a7@${a.instanceId}`);
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('answers a ping (the /ready probe) while Redis answers, not while it stalls, and again after', async () => {
    const bus = instance();
    await bus.ping();
    await redis.admin.call('CLIENT', 'PAUSE', '1500', 'ALL');
    const outcome = await Promise.race([bus.ping().then(() => 'answered'), sleep(500).then(() => 'silent')]);
    expect(outcome).toBe('silent');
    await bus.ping();
  });

  it('reports a gap when Redis restarts empty, then delivers the new log', async () => {
    const [a, b] = [instance(), instance()];
    const heardB = hear();
    const subA = await a.join('room', hear().handlers);
    await b.join('room', heardB.handlers);
    await subA.publishUpdate(encode(1));
    await vi.waitFor(() => expect(heardB.updates).toEqual([1]), { timeout: 5_000 });
    await redis.restart();
    await subA.publishUpdate(encode(2));
    await vi.waitFor(() => expect(heardB.log).toEqual([`u1@${a.instanceId}`, 'gap', `u2@${a.instanceId}`]), { timeout: 10_000 });
  });

  it('turns a log entry it cannot read into a gap, bad presence into an error, for that room only', async () => {
    const errors: [unknown, string | null][] = [];
    const a = instance();
    const b = new RedisRoomBus({ url: redis.url, keyPrefix: 'faults:', onError: (error, roomId) => errors.push([error, roomId]) });
    buses.push(b);
    const [heardBad, heardGood] = [hear(), hear()];
    const subBad = await a.join('bad', hear().handlers);
    const subGood = await a.join('good', hear().handlers);
    await b.join('bad', heardBad.handlers);
    await b.join('good', heardGood.handlers);
    await redis.admin.xadd('faults:room:bad:log', '*', 'kind', 'x', 'data', 'garbage');
    await redis.admin.publish('faults:room:bad:presence', Buffer.of(200));
    await subBad.publishUpdate(encode(1));
    await subGood.publishUpdate(encode(2));
    await vi.waitFor(() => expect(heardBad.log).toEqual(['gap', `u1@${a.instanceId}`]), { timeout: 5_000 });
    await vi.waitFor(() => expect(heardGood.log).toEqual([`u2@${a.instanceId}`]), { timeout: 5_000 });
    expect(errors.map(([, roomId]) => roomId)).toEqual(['bad', 'bad']);
  });

  it('reports a malformed notice as an error of that room, and keeps delivering', async () => {
    const errors: [unknown, string | null][] = [];
    const a = instance();
    const b = new RedisRoomBus({ url: redis.url, keyPrefix: 'faults:', onError: (error, roomId) => errors.push([error, roomId]) });
    buses.push(b);
    const heardB = hear();
    const subA = await a.join('room', hear().handlers);
    await b.join('room', heardB.handlers);
    await redis.admin.publish('faults:room:room:entries', 'not-an-id');
    await vi.waitFor(() => expect(errors.map(([, roomId]) => roomId)).toEqual(['room']));
    await subA.publishUpdate(encode(1));
    await vi.waitFor(() => expect(heardB.log).toEqual([`u1@${a.instanceId}`]));
  });

  it('delivers an update when it is appended, not at the next read of every stream (which ran every 2 ms and cost 10% of the event loop)', async () => {
    const { subA, heardB } = await followedByB();
    await subA.publishUpdate(encode(2));
    await vi.waitFor(() => expect(heardB.updates).toEqual([1, 2]), { timeout: 2_000 });
    expect(heardB.gaps).toBe(0);
  });

  it('does not read back its own appends (each cost a notice, a read and a decode, only to be dropped)', async () => {
    // The full read a minute apart: past the first, every read is one a notice asked for.
    const a = new RedisRoomBus({ url: redis.url, keyPrefix: 'faults:', blockMs: 200, fullReadPauseMs: 60_000 });
    buses.push(a);
    const subA = await a.join('room', hear().handlers);
    await subA.publishUpdate(encode(1));
    await sleep(50);
    const before = await xreads();
    for (let n = 2; n <= 21; n++) {
      await subA.publishUpdate(encode(n));
      // Apart, as typing is: each notice is handled on its own.
      await sleep(5);
    }
    await sleep(50);
    // It read each of them back before.
    expect((await xreads()) - before).toBeLessThanOrEqual(3);
    // Another instance still reads all of them, in order.
    const heardB = hear();
    await instance().join('room', heardB.handlers);
    for (let n = 22; n <= 24; n++) await subA.publishUpdate(encode(n));
    await vi.waitFor(() => expect(heardB.updates).toEqual([22, 23, 24]));
    expect(heardB.gaps).toBe(0);
  });

  it("takes another instance's entries from their notices, without reading the stream (a second round trip per entry)", async () => {
    // Past the first, every read is one a notice asked for.
    const { subA, heardB } = await followedByB();
    const before = await xreads();
    for (let n = 2; n <= 21; n++) {
      await subA.publishUpdate(encode(n));
      await sleep(5);
    }
    await vi.waitFor(() => expect(heardB.updates).toHaveLength(21));
    // It read the stream for each of them before.
    expect((await xreads()) - before).toBeLessThanOrEqual(3);
    expect(heardB.updates).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    expect(heardB.gaps).toBe(0);
  });

  it('reads an entry too big for its notice, and one whose notice never came, in log order', async () => {
    const { subA, heardB } = await followedByB();
    // Its notice names it only: 20 KB is past what a notice carries.
    await subA.publishUpdate(new TextEncoder().encode(`${'0'.repeat(20_000)}2`));
    // Written past the script, as if its notice were lost: the next notice does not chain to what B has.
    const [last] = (await redis.admin.xrevrange('faults:room:room:log', '+', '-', 'COUNT', 1))[0] ?? [''];
    await redis.admin.xadd('faults:room:room:log', '*', 'prev', last, 'origin', 'elsewhere', 'kind', 'u', 'data', '3');
    await subA.publishUpdate(encode(4));
    await vi.waitFor(() => expect(heardB.updates).toEqual([1, 2, 3, 4]), { timeout: 2_000 });
    expect(heardB.gaps).toBe(0);
  });

  it('reads what was published while its pub/sub connection was away as soon as it is back, not a full-read pause later', async () => {
    const { subA, heardB } = await followedByB();
    // Its notice goes nowhere: no subscriber is connected when it is published, and nothing follows it.
    await redis.admin.client('KILL', 'TYPE', 'pubsub');
    await subA.publishUpdate(encode(2));
    await vi.waitFor(() => expect(heardB.updates).toEqual([1, 2]), { timeout: 3_000 });
    expect(heardB.gaps).toBe(0);
  });

  it('releases every subscription of the rooms it leaves', async () => {
    const a = instance();
    const subscriptions = await Promise.all(Array.from({ length: 50 }, (_, i) => a.join(`room-${i}`, hear().handlers)));
    expect(await redis.admin.pubsub('CHANNELS', 'faults:*')).toHaveLength(100); // Two per room: presence, and the log's entry notices.
    expect(a.joinedRoomCount).toBe(50);
    await Promise.all(subscriptions.map((subscription) => subscription.leave()));
    expect(await redis.admin.pubsub('CHANNELS', 'faults:*')).toEqual([]);
    expect(a.joinedRoomCount).toBe(0);
  });
});
