import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy.js';
import { RedisRoomBus } from './redis-room-bus.js';
import type { RoomBus } from './room-bus.js';
import { describeRoomBusContract } from './room-bus.contract.js';

const SHARED_REDIS_PORT = 6379;
let admin: Redis;

beforeAll(() => {
  admin = new Redis(SHARED_REDIS_PORT, '127.0.0.1');
});
afterAll(async () => {
  await admin.quit();
});

/** Each instance reaches the shared Redis through a proxy of its own, so a test can stall it. */
describeRoomBusContract('RedisRoomBus', async () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const proxies = new Map<RoomBus, TcpProxy>();
  const proxyOf = (bus: RoomBus) => {
    const proxy = proxies.get(bus);
    if (!proxy) throw new Error('not an instance of this cluster');
    return proxy;
  };
  // Instances are made synchronously, so their proxies are opened ahead, one per instance.
  const ready = await Promise.all(Array.from({ length: 3 }, () => startTcpProxy(SHARED_REDIS_PORT)));
  return {
    instance: () => {
      const proxy = ready.shift();
      if (!proxy) throw new Error('the contract uses at most three instances per test');
      const bus = new RedisRoomBus({ url: `redis://127.0.0.1:${proxy.port}`, keyPrefix, maxLogLength: 400 });
      proxies.set(bus, proxy);
      return bus;
    },
    stall: async (bus) => proxyOf(bus).pause(),
    resume: async (bus) => proxyOf(bus).resume(),
    // Approximate trimming removes whole stream nodes (100 entries each by default).
    appendsPastWindow: 2_000,
    cleanup: async () => {
      await Promise.all([...proxies.values(), ...ready].map((proxy) => proxy.close()));
      const keys = await admin.keys(`${keyPrefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    },
  };
});
