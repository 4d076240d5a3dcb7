import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { RedisRoomBus } from '../../src/cluster/redis-room-bus.js';
import { PostgresRoomStore } from '../../src/storage/postgres-store.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js';

/** Several real servers in this process serving the same rooms: one PostgreSQL database, one Redis key prefix. */
export interface TestCluster {
  readonly instances: TestServer[];
  /** Starts one more instance on the same database and bus. */
  add(options?: TestServerOptions): Promise<TestServer>;
  close(): Promise<void>;
}

/** The shared Redis; each cluster uses a key prefix of its own. */
const REDIS_URL = 'redis://127.0.0.1:6379';

export async function startTestCluster(size: number, options: (index: number) => TestServerOptions = () => ({})): Promise<TestCluster> {
  const database: TestDatabase = await createTestDatabase();
  const keyPrefix = `test:cluster:${randomUUID()}:`;
  const instances: TestServer[] = [];
  const add = async (extra: TestServerOptions = {}): Promise<TestServer> => {
    const store = await PostgresRoomStore.open(database.url);
    const bus = new RedisRoomBus({ url: REDIS_URL, keyPrefix });
    const instance = await startTestServer({ store, bus, ...extra });
    instances.push(instance);
    return instance;
  };
  for (let i = 0; i < size; i++) await add(options(i));
  return {
    instances,
    add,
    async close() {
      await Promise.all(instances.map((instance) => instance.close()));
      await database.drop();
      // The shared Redis keeps no logs of this cluster's rooms.
      const admin = new Redis(REDIS_URL);
      try {
        const keys = await admin.keys(`${keyPrefix}*`);
        if (keys.length > 0) await admin.del(...keys);
      } finally {
        admin.disconnect();
      }
    },
  };
}
