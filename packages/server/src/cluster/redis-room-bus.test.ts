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

/**
 * Drops the pub/sub connection that reaches Redis through `proxy`, with the messages queued on it,
 * as Redis drops a subscriber past its output buffer limit.
 */
async function dropSubscriber(proxy: TcpProxy): Promise<void> {
  const ports = new Set(proxy.upstreamPorts());
  const clients = String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).split('\n');
  for (const port of clients.map((line) => Number(/\baddr=\S+:(\d+)/.exec(line)?.[1]))) {
    if (ports.has(port)) proxy.drop(port);
  }
}

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
    resume: async (bus) => {
      // A stall that outlasts the log's window outlasts Redis' patience with a subscriber not reading
      // too (client-output-buffer-limit pubsub): the notices queued for it are lost.
      await dropSubscriber(proxyOf(bus));
      proxyOf(bus).resume();
    },
    // Approximate trimming removes whole stream nodes (100 entries each by default).
    appendsPastWindow: 2_000,
    cleanup: async () => {
      await Promise.all([...proxies.values(), ...ready].map((proxy) => proxy.close()));
      const keys = await admin.keys(`${keyPrefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    },
  };
});
