import { pino } from 'pino';
import { createPairwiseServer, type PairwiseServer, type PairwiseServerOptions } from '../../src/server.js';
import { LocalCompletionProvider } from '../../src/completion/index.js';
import { DEFAULT_LIMITS } from '../../src/limits/config.js';
import { MemoryRoomStore, type Store } from '../../src/storage/index.js';

export interface TestServer {
  readonly server: PairwiseServer;
  readonly store: Store;
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Base URL for the y-websocket provider: rooms live at `${wsUrl}/${roomId}`. */
  readonly wsUrl: string;
  /** Creates a room through the API and returns its id. */
  createRoom(body?: Record<string, unknown>): Promise<string>;
  /** Closes the server; the store too unless `keepStore`. */
  close(options?: { keepStore?: boolean }): Promise<void>;
}

export type TestServerOptions = Partial<Omit<PairwiseServerOptions, 'log'>> & { port?: number };

/** The real server, in this process, on a free loopback port, with fast timers for tests. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? new MemoryRoomStore();
  const server = await createPairwiseServer({
    store,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
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
    // The production defaults: every suite runs under the limits a real server has.
    limits: DEFAULT_LIMITS,
    allowedOrigins: null,
    trustProxy: false,
    ...options,
  });
  const { port } = await server.listen(options.port ?? 0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
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
      return ((await response.json()) as { id: string }).id;
    },
    async close({ keepStore = false } = {}) {
      await server.close();
      if (!keepStore) await store.close();
    },
  };
}
