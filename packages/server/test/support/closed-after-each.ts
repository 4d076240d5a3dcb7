import { afterEach } from 'vitest';
import type { TestClient } from './clients.js';
import { closeRawSockets } from './raw-socket.js';
import type { TestServer } from './test-server.js';

/** Lists a test file pushes the clients and servers it opens into; all closed (raw sockets too) after each test. */
export function closedAfterEach(): { clients: TestClient[]; servers: TestServer[] } {
  const opened = { clients: [] as TestClient[], servers: [] as TestServer[] };
  afterEach(async () => {
    for (const c of opened.clients.splice(0)) c.destroy();
    closeRawSockets();
    for (const s of opened.servers.splice(0)) await s.close();
  });
  return opened;
}
