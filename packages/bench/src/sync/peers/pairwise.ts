import { join } from 'node:path';
import { pino } from 'pino';
import * as Y from 'yjs';
import { DEFAULT_LANGUAGE } from '@pairwise/protocol';
import {
  createPairwiseServer,
  DEFAULT_LIMITS,
  loadConfig,
  LocalCompletionProvider,
  MemoryRoomStore,
  PostgresRoomStore,
  RedisRoomBus,
  SqliteWorkerStore,
  type Store,
  tuneV8ForServing,
} from '@pairwise/server';
import type { BenchServer } from './bench-server.js';

const MiB = 1024 * 1024;

/**
 * Pairwise as `main.ts` runs it (production defaults from config.ts), except `idleUnloadMs`:
 * 1 s instead of 10 s so rooms a scenario left unload without a long wait; the per-address
 * limits: every benchmark client connects from 127.0.0.1 (the capacity scenario opens 10,000); the
 * per-connection message and byte rates (200 messages/s by default), which the cold-load
 * scenario's ingest of a 250,000-op history and any saturation run exceed on purpose, and which
 * none of the peers has; and the connections a room
 * takes: the fan-out scenario puts a writer and 200 readers in one room (the production default,
 * MAX_CONNECTIONS_PER_ROOM, is 200).
 * `simulatedCommitDelayMs` slows every SQLite commit inside the storage worker, as a slow disk would.
 */
export async function startPairwise(storage: 'memory' | 'sqlite', dataDir: string, simulatedCommitDelayMs = 0): Promise<BenchServer> {
  const store: Store =
    storage === 'memory'
      ? new MemoryRoomStore()
      : await SqliteWorkerStore.open(join(dataDir, 'pairwise.sqlite'), { simulatedCommitDelayMs });
  return serve(store, dataDir, null);
}

/**
 * One Pairwise instance on PostgreSQL, as `main.ts` runs it with DATABASE_URL; with `redisUrl` it
 * joins the other instances on that Redis (REDIS_URL), which serve the same rooms.
 */
export async function startPairwiseOnPostgres(databaseUrl: string, redisUrl: string | null, dataDir: string): Promise<BenchServer> {
  const store = await PostgresRoomStore.open(databaseUrl, { onError: () => {} });
  return serve(store, dataDir, redisUrl === null ? null : new RedisRoomBus({ url: redisUrl, onError: () => {} }));
}

async function serve(store: Store, dataDir: string, bus: RedisRoomBus | null): Promise<BenchServer> {
  tuneV8ForServing();
  const server = await createPairwiseServer({
    store,
    log: pino({ level: 'silent' }),
    webDistDir: null,
    flushWindowMs: 100,
    maxRoomBacklogBytes: 8 * MiB,
    maxBacklogBytes: 256 * MiB,
    shutdownRetryMs: 10_000,
    idleUnloadMs: 1_000,
    compactionThreshold: 500,
    maxMessageBytes: 16 * MiB,
    maxBufferedBytes: 16 * MiB,
    pingIntervalMs: 30_000,
    completionProvider: new LocalCompletionProvider(),
    autocompleteRequestsPerMinute: 300,
    limits: {
      ...DEFAULT_LIMITS,
      connection: { messagesPerSecond: 1_000_000, messageBurst: 10_000_000, bytesPerSecond: 1024 * MiB, bytesBurst: 1024 * MiB },
      connectionsPerAddress: 1_000_000,
      connectsPerMinute: 1_000_000,
    },
    allowedOrigins: null,
    trustProxy: false,
    roomLimits: { maxConnections: 1_000 },
    auth: loadConfig({}, dataDir, dataDir).auth,
    ...(bus === null ? {} : { bus }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  // Empty rooms, like the other servers' on-demand documents (the rooms API would add a starter snippet).
  const emptyDocument = Y.encodeStateAsUpdate(new Y.Doc());
  return {
    port,
    async createRooms(ids) {
      const now = Date.now();
      for (const id of ids) {
        await store.createRoom({ id, name: id, language: DEFAULT_LANGUAGE, createdAt: now, updatedAt: now }, emptyDocument);
      }
    },
    isLoaded: (roomId) => server.registry.loaded(roomId) !== undefined,
    async stop() {
      await server.close();
      await store.close();
    },
  };
}
