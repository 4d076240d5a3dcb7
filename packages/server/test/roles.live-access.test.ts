import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_CODES, CODE_TEXT } from '@pairwise/protocol';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { api, roomCode } from './support/http-api.js';
import { closeOf, closeRawSockets, updateFrame } from './support/raw-socket.js';
import { QueryRoleResolver, rawPeer, roomUrl } from './support/roles.js';
import { principalKey } from '../src/access/session.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { editOn } from '../src/sync/room.testkit.js';
import * as Y from 'yjs';

/**
 * Sessions at the upgrade and access changes on open sockets, against the real server: refusals
 * never load the room, and a lowered role (4100), a revoked one (4403) or an ended sign-in (4401)
 * reach an open socket within a second; a raised one applies to it at once.
 */

let s: TestServer;
let resolver: QueryRoleResolver;
const clients: TestClient[] = [];

beforeAll(async () => {
  resolver = new QueryRoleResolver();
  s = await startTestServer({ sessions: resolver });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  closeRawSockets();
  resolver.roles.clear();
});
afterAll(async () => {
  await s.close();
});

function stockClient(roomId: string, params: Record<string, string> = {}): TestClient {
  const c = connectClient(s.wsUrl, roomId, { params });
  c.provider.disconnectBc();
  clients.push(c);
  return c;
}

/** An update typed on top of the room's current state. */
async function typedUpdate(roomId: string, insert: string): Promise<Uint8Array> {
  const doc = new Y.Doc();
  await s.server.registry.withRoom(roomId, (room) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc)));
  const update = editOn(doc, (d) => d.getText(CODE_TEXT).insert(0, insert));
  doc.destroy();
  return update;
}

describe('sessions at the upgrade', () => {
  it('a refused upgrade is closed with the decided code and never loads the room', async () => {
    const roomId = await s.createRoom();
    await waitFor(() => s.server.registry.loaded(roomId) === undefined, 'the room is not in memory');
    const refused = await rawPeer(roomUrl(s.wsUrl, roomId, { refuse: String(CLOSE_CODES.forbidden) }));
    expect(await closeOf(refused, 'refused')).toEqual({ code: CLOSE_CODES.forbidden, reason: 'refused by the test resolver' });
    expect(s.server.registry.loaded(roomId)).toBeUndefined();
    expect(s.server.registry.leaseCount(roomId)).toBe(0);
  });

  it('a room at MAX_CONNECTIONS_PER_ROOM refuses the next connection with 4429', async () => {
    const small = await startTestServer({ sessions: resolver, roomLimits: { maxConnections: 2 } });
    try {
      const roomId = await small.createRoom();
      await rawPeer(roomUrl(small.wsUrl, roomId));
      await rawPeer(roomUrl(small.wsUrl, roomId));
      const third = await rawPeer(roomUrl(small.wsUrl, roomId));
      expect((await closeOf(third, 'third')).code).toBe(CLOSE_CODES.rateLimited);
      expect(small.server.registry.loaded(roomId)?.connectionCount).toBe(2);
    } finally {
      closeRawSockets();
      await small.close();
    }
  });

  it('an edit past MAX_ROOM_TEXT_LENGTH closes its sender with 4413 and changes nothing', async () => {
    const small = await startTestServer({ roomLimits: { maxTextLength: 1_000 } });
    try {
      const roomId = await small.createRoom();
      const code = await roomCode(small, roomId);
      const writer = await rawPeer(roomUrl(small.wsUrl, roomId));
      const doc = new Y.Doc();
      await small.server.registry.withRoom(roomId, (room) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc)));
      writer.ws.send(updateFrame(editOn(doc, (d) => d.getText(CODE_TEXT).insert(0, 'x'.repeat(1_000)))));
      doc.destroy();
      expect((await closeOf(writer, 'writer')).code).toBe(CLOSE_CODES.roomFull);
      expect(await roomCode(small, roomId)).toBe(code);
    } finally {
      closeRawSockets();
      await small.close();
    }
  });
});

describe('access changes on open sockets', () => {
  it('editor made viewer: the open socket is closed with 4100 within a second; reconnecting, it is a viewer whose edits are ignored', async () => {
    const roomId = await s.createRoom();
    const someone = await rawPeer(roomUrl(s.wsUrl, roomId, { guest: 'g-demoted' }));
    const watcher = stockClient(roomId);
    await watcher.synced();
    someone.ws.send(updateFrame(await typedUpdate(roomId, 'as editor\n')));
    await waitFor(() => watcher.text.toString().startsWith('as editor\n'), 'the edit arrives');

    resolver.roles.set('guest:g-demoted', 'viewer');
    const changed = performance.now();
    s.server.registry.accessChanged(roomId);
    expect(await closeOf(someone, 'demoted')).toEqual({ code: CLOSE_CODES.roleChanged, reason: 'role changed' });
    expect(performance.now() - changed).toBeLessThan(1_000);

    const again = await rawPeer(roomUrl(s.wsUrl, roomId, { guest: 'g-demoted' }));
    const room = s.server.registry.loaded(roomId)!;
    expect(room.connections().find(([, session]) => principalKey(session.principal) === 'guest:g-demoted')?.[1].role).toBe('viewer');
    const code = await roomCode(s, roomId);
    again.ws.send(updateFrame(await typedUpdate(roomId, 'as viewer\n')));
    await again.barrier();
    expect(await roomCode(s, roomId)).toBe(code);
    expect(again.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a viewer made editor keeps its socket open, and its next edit applies', async () => {
    const roomId = await s.createRoom();
    const someone = await rawPeer(roomUrl(s.wsUrl, roomId, { guest: 'g-promoted', role: 'viewer' }));
    resolver.roles.set('guest:g-promoted', 'editor');
    s.server.registry.accessChanged(roomId);
    const room = s.server.registry.loaded(roomId)!;
    await waitFor(() => room.connections().some(([, session]) => session.role === 'editor'), 'the role changes', 1_000);

    someone.ws.send(updateFrame(await typedUpdate(roomId, 'as editor\n')));
    await someone.barrier();
    expect(await roomCode(s, roomId)).toMatch(/^as editor\n/);
    expect(someone.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('a stock client whose role is revoked is closed with 4403 within a second, and stays away (4400-4499 are final)', async () => {
    const roomId = await s.createRoom();
    const revoked = stockClient(roomId, { user: 'bob' });
    await revoked.synced();
    const closed = new Promise<number>((resolve) => revoked.provider.on('connection-close', (event) => resolve(event?.code ?? 0)));

    resolver.roles.set('user:bob', null);
    const changed = performance.now();
    s.server.registry.accessChanged(roomId);
    expect(await closed).toBe(CLOSE_CODES.forbidden);
    expect(performance.now() - changed).toBeLessThan(1_000);
    const resolvedBefore = resolver.resolved;
    // Twice the client's longest reconnect back-off (300 ms here).
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(resolver.resolved).toBe(resolvedBefore);
    expect(s.server.registry.loaded(roomId)?.connectionCount ?? 0).toBe(0);
  });

  it("a sign-in session that ends closes its sockets with 4401 within a second; other sessions' stay", async () => {
    const roomId = await s.createRoom();
    const ended = await rawPeer(roomUrl(s.wsUrl, roomId, { user: 'carol', session: 'old' }));
    const other = await rawPeer(roomUrl(s.wsUrl, roomId, { user: 'carol', session: 'new' }));
    const changed = performance.now();
    s.server.registry.sessionEnded('old');
    expect((await closeOf(ended, 'ended')).code).toBe(CLOSE_CODES.sessionEnded);
    expect(performance.now() - changed).toBeLessThan(1_000);
    await other.barrier();
    expect(other.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("the suggestions switch changes by PATCH only: a stock client's flip is undone for everyone", async () => {
    const roomId = await s.createRoom();
    const editor = stockClient(roomId);
    const watcher = stockClient(roomId);
    await Promise.all([editor.synced(), watcher.synced()]);
    expect((await api(s, 'PATCH', `/api/rooms/${roomId}`, { aiCompletions: false }, s.asOwner(roomId))).status).toBe(200);
    await waitFor(() => watcher.doc.getMap('meta').get('aiCompletions') === false, 'the switch reaches the clients');

    editor.doc.getMap('meta').set('aiCompletions', true);
    editor.text.insert(0, 'barrier\n');
    await waitFor(() => watcher.text.toString().startsWith('barrier\n'), 'the edit arrives');
    await waitFor(() => editor.doc.getMap('meta').get('aiCompletions') === false, 'the editor is set back');
    expect(watcher.doc.getMap('meta').get('aiCompletions')).toBe(false);
    expect(s.server.registry.loaded(roomId)!.meta().aiCompletions).toBe(false);
  });
});
