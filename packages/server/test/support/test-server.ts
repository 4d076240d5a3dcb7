import { CREDENTIALS, type CreatedRoom } from '@pairwise/protocol';
import { createPairwiseServer, type PairwiseServer, type PairwiseServerOptions } from '../../src/server.js';
import { LocalCompletionProvider } from '../../src/completion/index.js';
import type { AuthConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging.js';
import { DEFAULT_LIMITS } from '../../src/limits/config.js';
import { MemoryRoomStore, type Store } from '../../src/storage/index.js';

/** The server's defaults, with a fixed secret (no store round trip) and a generous sign-in limit per address (every test client is 127.0.0.1). */
export const TEST_AUTH_CONFIG: AuthConfig = {
  secret: 'test-secret-test-secret-test-secret',
  sessionTtlMs: 720 * 3600_000,
  maxRoomsPerUser: 1000,
  loginAttemptsPerAccount: 10,
  loginAttemptsPerIp: 1000,
};

export interface TestServer {
  readonly server: PairwiseServer;
  readonly store: Store;
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Base URL for the y-websocket provider: rooms live at `${wsUrl}/${roomId}`. */
  readonly wsUrl: string;
  /** Creates a room through the API, as a guest, and returns its id; its owner key is kept for `asOwner`. */
  createRoom(body?: Record<string, unknown>): Promise<string>;
  /** Headers that make a request the owner of a room made by `createRoom` (its owner key). */
  asOwner(roomId: string): Record<string, string>;
  /** Closes the server; the store too unless `keepStore`. */
  close(options?: { keepStore?: boolean }): Promise<void>;
}

/** `log` defaults to a silent logger (TEST_LOG_LEVEL shows it). */
export type TestServerOptions = Partial<PairwiseServerOptions> & { port?: number };

/** The real server, in this process, on a free loopback port, with fast timers for tests. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? new MemoryRoomStore();
  const server = await createPairwiseServer({
    store,
    log: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    webDistDir: null,
    flushWindowMs: 20,
    maxRoomBacklogBytes: 8 * 1024 * 1024,
    maxBacklogBytes: 64 * 1024 * 1024,
    shutdownRetryMs: 2_000,
    idleUnloadMs: 200,
    compactionThreshold: 500,
    maxMessageBytes: 4 * 1024 * 1024,
    maxBufferedBytes: 4 * 1024 * 1024,
    pingIntervalMs: 30_000,
    completionProvider: new LocalCompletionProvider(),
    autocompleteRequestsPerMinute: 600,
    auth: TEST_AUTH_CONFIG,
    // The production defaults: every suite runs under the limits a real server has.
    limits: DEFAULT_LIMITS,
    allowedOrigins: null,
    trustProxy: false,
    ...options,
  });
  const { port } = await server.listen(options.port ?? 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  const ownerKeys = new Map<string, string>();
  return {
    server,
    store,
    url,
    wsUrl: `ws://127.0.0.1:${port}/ws`,
    async createRoom(body = {}) {
      const response = await fetch(`${url}/api/rooms`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 201) throw new Error(`create room: ${response.status} ${await response.text()}`);
      const created = (await response.json()) as CreatedRoom;
      if (created.ownerKey !== undefined) ownerKeys.set(created.id, created.ownerKey);
      return created.id;
    },
    asOwner(roomId) {
      const key = ownerKeys.get(roomId);
      if (key === undefined) throw new Error(`no owner key for room ${roomId}: create it with createRoom()`);
      return { [CREDENTIALS.ownerKeyHeader]: key };
    },
    async close({ keepStore = false } = {}) {
      await server.close();
      if (!keepStore) await store.close();
    },
  };
}
