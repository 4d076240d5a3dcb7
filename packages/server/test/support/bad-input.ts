/**
 * Hostile and broken input against the real server (in process): stock y-websocket clients
 * play the honest users, raw `ws` sockets and a hand-made `net` WebSocket play everything else.
 * Every case proves that the bad peer alone is dropped and the room, its storage and the other
 * users carry on untouched, over every store the server runs on.
 */
import { afterAll, afterEach, describe } from 'vitest';
import { MemoryRoomStore, type Store } from '../../src/storage/index.js';
import { describeEachBackend, type StoreBackend } from './backends.js';
import { connectClient, waitFor, type TestClient } from './clients.js';
import { roomCode } from './http-api.js';
import { closeRawSockets } from './raw-socket.js';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js';

/** What a bad-input suite gets for the store it runs on. */
export interface BadInputKit {
  /** A test server on a database of its own, closed (and the database dropped) after the suite. */
  server(options?: TestServerOptions): Promise<TestServer>;
  /** A store on a database of its own, for tests that wrap it before handing it to `server`; dropped after the suite. */
  openStore(): Promise<Store>;
}

type Backend = Pick<StoreBackend, 'open' | 'destroy'>;

const createMemoryBackend = async (): Promise<Backend> => ({ open: async () => new MemoryRoomStore(), destroy: async () => {} });

/**
 * Runs a bad-input suite once per store: in memory, SQLite and PostgreSQL (PostgreSQL fails in CI
 * when the server is missing, see describeEachBackend). Call with top-level await.
 */
export async function describeBadInput(name: string, body: (kit: BadInputKit) => void): Promise<void> {
  describe(`${name} [memory]`, () => body(kitOn(createMemoryBackend)));
  await describeEachBackend(name, (createBackend) => body(kitOn(createBackend)));
}

/** Registers the suite's cleanup and hands out servers and stores on fresh databases of one backend. */
function kitOn(createBackend: () => Promise<Backend>): BadInputKit {
  const servers: TestServer[] = [];
  const backends: Backend[] = [];
  const openStore = async (): Promise<Store> => {
    const backend = await createBackend();
    backends.push(backend);
    return backend.open();
  };

  afterEach(() => {
    for (const c of clients.splice(0)) c.destroy();
    closeRawSockets();
  });
  afterAll(async () => {
    for (const s of servers.splice(0)) await s.close();
    for (const backend of backends.splice(0)) await backend.destroy();
  });

  return {
    openStore,
    async server(options = {}) {
      const s = await startTestServer({ ...options, store: options.store ?? (await openStore()) });
      servers.push(s);
      return s;
    },
  };
}

const clients: TestClient[] = [];

/**
 * A stock client that talks to the server only. y-websocket also links providers of the same room
 * in one process through a BroadcastChannel (synchronously, for local subscribers); left on, two
 * clients here would sync with each other without the server and prove nothing about it.
 * Destroyed after the test.
 */
export function client(s: TestServer, roomId: string, params: Record<string, string> = {}): TestClient {
  const c = connectClient(s.wsUrl, roomId, { params });
  c.provider.disconnectBc();
  clients.push(c);
  return c;
}

/** Stock client edit, then wait until the server's API shows it: proves the room still works. */
export async function editAndConfirm(s: TestServer, roomId: string, c: TestClient, insert: string): Promise<void> {
  const before = c.text.toString();
  c.text.insert(0, insert);
  await waitFor(async () => (await roomCode(s, roomId)) === insert + before, `server sees the edit ${JSON.stringify(insert)}`);
}

/** The real store with some methods replaced (e.g. a failing ping, a held load); everything else goes to the store. */
export function withOverrides(store: Store, overrides: Partial<Store>): Store {
  return new Proxy(store, {
    get(target, key) {
      const override: unknown = Reflect.get(overrides, key);
      if (override !== undefined) return override;
      const value: unknown = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
