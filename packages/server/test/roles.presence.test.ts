import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { api } from './support/http-api.js';
import { awarenessFrame, closeOf, closeRawSockets } from './support/raw-socket.js';
import { QueryRoleResolver, rawPeer, roomUrl } from './support/roles.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Presence against the real server: names and colours come from the session, a connection only
 * touches awareness ids it owns, and an id freed by a disconnect is kept for its owner a while.
 */

const GRACE_MS = 1_500;
let s: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  s = await startTestServer({ sessions: new QueryRoleResolver(), roomLimits: { awarenessIdGraceMs: GRACE_MS } });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  closeRawSockets();
});
afterAll(async () => {
  await s.close();
});

function watcherOf(roomId: string): TestClient {
  const c = connectClient(s.wsUrl, roomId);
  c.provider.disconnectBc();
  clients.push(c);
  return c;
}

const userOf = (c: TestClient, id: number): unknown => c.provider.awareness.getStates().get(id)?.user;
/** The awareness state the server holds for a client id. */
const serverState = (roomId: string, id: number): Record<string, unknown> | undefined =>
  s.server.registry.loaded(roomId)?.awareness.getStates().get(id);

describe('presence', () => {
  it("a guest cannot pass for a signed-in user, nor touch another's state", async () => {
    const roomId = await s.createRoom();
    const watcher = watcherOf(roomId);
    await watcher.synced();
    const ada = await rawPeer(roomUrl(s.wsUrl, roomId, { user: 'ada' }));
    ada.ws.send(awarenessFrame([[1001, 1, { cursor: 1 }]]));
    await waitFor(() => watcher.provider.awareness.getStates().has(1001), 'watcher sees ada');

    const mallory = await rawPeer(roomUrl(s.wsUrl, roomId, { name: 'Mallory', color: '#000000' }));
    mallory.ws.send(awarenessFrame([[1001, 99, { user: { name: 'ada', color: '#1f77b4', guest: false }, cursor: 666 }]]));
    mallory.ws.send(awarenessFrame([[1001, 100, null]]));
    mallory.ws.send(awarenessFrame([[2002, 1, { user: { name: 'ada', color: '#1f77b4', guest: false } }]]));
    await mallory.barrier();
    await waitFor(() => watcher.provider.awareness.getStates().has(2002), 'watcher sees mallory');

    expect(watcher.provider.awareness.getStates().get(1001)).toEqual({ cursor: 1, user: { name: 'ada', color: '#1f77b4', guest: false } });
    expect(userOf(watcher, 2002)).toEqual({ name: 'Mallory', color: '#000000', guest: true });
    const details = (await api(s, 'GET', `/api/rooms/${roomId}`)).body as { activeUsers: unknown[] };
    expect(details.activeUsers).toEqual([
      { name: 'ada', color: '#1f77b4' },
      { name: 'Mallory', color: '#000000' },
    ]);
    expect(mallory.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('an id freed by a disconnect cannot be taken over during the grace period; its owner reconnecting gets it back', async () => {
    const roomId = await s.createRoom();
    const watcher = watcherOf(roomId);
    await watcher.synced();
    const owner = await rawPeer(roomUrl(s.wsUrl, roomId, { user: 'ada', session: 'tab-1' }));
    owner.ws.send(awarenessFrame([[3003, 7, { cursor: 1 }]]));
    await waitFor(() => watcher.provider.awareness.getStates().has(3003), 'watcher sees the owner');
    owner.ws.close();
    await closeOf(owner, 'owner leaves');
    await waitFor(() => !watcher.provider.awareness.getStates().has(3003), 'the owner leaves');

    const thief = await rawPeer(roomUrl(s.wsUrl, roomId, { name: 'Thief' }));
    thief.ws.send(awarenessFrame([[3003, 8, { cursor: 666 }]]));
    await thief.barrier();
    expect(serverState(roomId, 3003)).toBeUndefined();
    expect(thief.ws.readyState).toBe(WebSocket.OPEN);

    // The same person, from a new connection (another tab or a reconnect), even re-sending its last clock.
    const back = await rawPeer(roomUrl(s.wsUrl, roomId, { user: 'ada', session: 'tab-2' }));
    back.ws.send(awarenessFrame([[3003, 7, { cursor: 2 }]]));
    await back.barrier();
    expect(serverState(roomId, 3003)).toEqual({ cursor: 2, user: { name: 'ada', color: '#1f77b4', guest: false } });
    const later = watcherOf(roomId);
    await waitFor(() => later.provider.awareness.getStates().get(3003)?.cursor === 2, 'someone joining later sees the owner');
  });

  it('after the grace period, a freed id is anyone’s', async () => {
    const roomId = await s.createRoom();
    const watcher = watcherOf(roomId);
    await watcher.synced();
    const first = await rawPeer(roomUrl(s.wsUrl, roomId, { name: 'First' }));
    first.ws.send(awarenessFrame([[5005, 1, {}]]));
    await waitFor(() => watcher.provider.awareness.getStates().has(5005), 'watcher sees the first');
    first.ws.close();
    await closeOf(first, 'first leaves');
    await new Promise((resolve) => setTimeout(resolve, GRACE_MS + 100));

    const second = await rawPeer(roomUrl(s.wsUrl, roomId, { name: 'Second' }));
    second.ws.send(awarenessFrame([[5005, 2, {}]]));
    await waitFor(() => (userOf(watcher, 5005) as { name?: string } | undefined)?.name === 'Second', 'the second takes the id');
  });

  // y-websocket re-sends its state on reconnect with the clock the server last saw. Clients that saw
  // that clock ignore it until the next change (a y-protocols limitation); the server must not.
  it('a stock client that reconnects is present again at once for the server and anyone joining', async () => {
    const roomId = await s.createRoom();
    const watcher = watcherOf(roomId);
    const mover = connectClient(s.wsUrl, roomId, { params: { guest: 'g-mover', name: 'Mover' } });
    mover.provider.disconnectBc();
    clients.push(mover);
    await Promise.all([watcher.synced(), mover.synced()]);
    mover.provider.awareness.setLocalStateField('cursor', { anchor: 1 });
    const id = mover.doc.clientID;
    await waitFor(() => watcher.provider.awareness.getStates().has(id), 'watcher sees the mover');

    mover.provider.disconnect();
    await waitFor(() => !watcher.provider.awareness.getStates().has(id), 'the mover left');
    mover.provider.connect();
    await waitFor(() => serverState(roomId, id) !== undefined, 'the server has the mover back', 2_000);
    const details = (await api(s, 'GET', `/api/rooms/${roomId}`)).body as { activeUsers: { name: string }[] };
    expect(details.activeUsers.map((u) => u.name)).toContain('Mover');
  });
});
