import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { editOn, step2Frame, step2UpdateFrame } from '../src/sync/room.testkit.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { roomCode } from './support/http-api.js';
import { awarenessFrame, closeRawSockets, updateFrame } from './support/raw-socket.js';
import { QueryRoleResolver, rawPeer, roomUrl } from './support/roles.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * Viewers against the real server: whatever they send (updates, sync step 2, step 2 with offline
 * edits) changes nothing, and they stay connected, see everyone's edits and show their cursor.
 */

let s: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  s = await startTestServer({ sessions: new QueryRoleResolver() });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  closeRawSockets();
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

/** A document holding the room's current state, as a client that synced would. */
async function replicaOf(roomId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  await s.server.registry.withRoom(roomId, (room) => Y.applyUpdate(doc, Y.encodeStateAsUpdate(room.doc)));
  return doc;
}

describe('a viewer', () => {
  it('sending crafted updates, a sync step 2 and a step 2 with offline edits changes nothing; it stays connected', async () => {
    const roomId = await s.createRoom();
    const editor = stockClient(roomId);
    await editor.synced();
    const code = await roomCode(s, roomId);
    const viewer = await rawPeer(roomUrl(s.wsUrl, roomId, { role: 'viewer' }));

    // Each frame on its own would change the room: none depends on another.
    const crafted = await replicaOf(roomId);
    viewer.ws.send(updateFrame(editOn(crafted, (d) => d.getText(CODE_TEXT).insert(0, 'crafted update\n'))));
    const whole = await replicaOf(roomId);
    whole.getText(CODE_TEXT).insert(0, 'in a full step 2\n');
    viewer.ws.send(step2Frame(whole, Y.encodeStateVector(new Y.Doc())));
    const offline = await replicaOf(roomId);
    viewer.ws.send(step2UpdateFrame(editOn(offline, (d) => d.getText(CODE_TEXT).insert(0, 'typed offline\n'))));
    await viewer.barrier();
    for (const doc of [crafted, whole, offline]) doc.destroy();

    expect(await roomCode(s, roomId)).toBe(code);
    expect(editor.text.toString()).toBe(code);
    expect(viewer.ws.readyState).toBe(WebSocket.OPEN);
    await s.server.commits.flush();
    const stored = await s.store.loadDocument(roomId);
    const storedDoc = new Y.Doc();
    for (const update of stored!.updates) Y.applyUpdate(storedDoc, update);
    expect(storedDoc.getText(CODE_TEXT).toString()).toBe(code);
    storedDoc.destroy();
  });

  it("a stock client as viewer: its own typing stays local, it sees the editor's edits and the editor sees its cursor", async () => {
    const roomId = await s.createRoom();
    const editor = stockClient(roomId, { name: 'Ed', color: '#00aa00' });
    const viewer = stockClient(roomId, { role: 'viewer', name: 'Vi', color: '#aa0000' });
    await Promise.all([editor.synced(), viewer.synced()]);
    const code = editor.text.toString();

    viewer.text.insert(0, 'the viewer tries to type\n');
    viewer.provider.awareness.setLocalStateField('cursor', { anchor: 3 });
    editor.text.insert(0, '# from the editor\n');

    await waitFor(() => viewer.text.toString().includes('# from the editor'), 'the viewer receives the edit');
    await waitFor(
      () => editor.provider.awareness.getStates().get(viewer.doc.clientID)?.cursor?.anchor === 3,
      "the editor sees the viewer's cursor",
    );
    expect(editor.provider.awareness.getStates().get(viewer.doc.clientID)?.user).toEqual({ name: 'Vi', color: '#aa0000', guest: true });
    expect(await roomCode(s, roomId)).toBe(`# from the editor\n${code}`);
    expect(editor.text.toString()).toBe(`# from the editor\n${code}`);
    expect(viewer.provider.wsconnected).toBe(true);
  });

  it('shows under the name of its session, not the one it claims', async () => {
    const roomId = await s.createRoom();
    const watcher = stockClient(roomId);
    await watcher.synced();
    const viewer = await rawPeer(roomUrl(s.wsUrl, roomId, { role: 'viewer', name: 'Quiet' }));
    viewer.ws.send(awarenessFrame([[4040, 1, { user: { name: 'Loud', color: '#000000' } }]]));
    await waitFor(() => watcher.provider.awareness.getStates().has(4040), 'the watcher sees the viewer');
    expect(watcher.provider.awareness.getStates().get(4040)?.user?.name).toBe('Quiet');
  });
});
