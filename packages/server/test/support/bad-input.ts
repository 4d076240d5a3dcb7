/**
 * Hostile and broken input against the real server (in process): stock y-websocket clients
 * play the honest users, raw `ws` sockets and a hand-made `net` WebSocket play everything else.
 * Every case proves that the bad peer alone is dropped and the room, its storage and the other
 * users carry on untouched.
 */
import { afterAll, afterEach } from 'vitest';
import { connectClient, waitFor, type TestClient } from './clients.js';
import { roomCode } from './http-api.js';
import { closeRawSockets } from './raw-socket.js';
import { startTestServer, type TestServer, type TestServerOptions } from './test-server.js';

// Shared setup of the bad-input.*.test.ts files: servers and stock clients, cleaned up after the tests.

const servers: TestServer[] = [];
const clients: TestClient[] = [];

/** A test server, closed after the test file. */
export async function server(options: TestServerOptions = {}): Promise<TestServer> {
  const s = await startTestServer(options);
  servers.push(s);
  return s;
}

/**
 * A stock client that talks to the server only. y-websocket also links providers of the same room
 * in one process through a BroadcastChannel (synchronously, for local subscribers); left on, two
 * clients here would sync with each other without the server and prove nothing about it.
 */
export function client(s: TestServer, roomId: string): TestClient {
  const c = connectClient(s.wsUrl, roomId);
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

/** Registers the cleanup of the bad-input tests; call once at the top of each bad-input test file. */
export function setUpBadInputTests(): void {
  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    closeRawSockets();
  });

  afterAll(async () => {
    for (const s of servers.splice(0)) await s.close();
  });
}
