import { afterEach, expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import { starterSnippet } from '../src/rooms/starter-snippets.js';
import { describeEachBackend, type StoreBackend } from './support/backends.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { api, roomCode } from './support/http-api.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Deleted stays deleted: nothing of a deleted room reaches a new room created under the same id. */

await describeEachBackend('delete and re-create under the same id', (createBackend) => {
  let backend: StoreBackend;
  let server: TestServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients = [];
    await server?.close();
    await backend?.destroy();
  });

  async function start(flushWindowMs: number): Promise<void> {
    backend = await createBackend();
    server = await startTestServer({ store: await backend.open(), flushWindowMs });
  }

  function client(roomId: string): TestClient {
    const c = connectClient(server.wsUrl, roomId);
    clients.push(c);
    return c;
  }

  async function recreate(roomId: string): Promise<void> {
    expect((await api(server, 'DELETE', `/api/rooms/${roomId}`, undefined, server.asOwner(roomId))).status).toBe(204);
    await server.createRoom({ id: roomId, language: 'python' });
  }

  // Regression: edits still queued in the group commit when the room was deleted were written into
  // the new room, which then held the old text.
  it('edits queued when the room was deleted never reach the new room', async () => {
    await start(2_000);
    await server.createRoom({ id: 'reused-id', language: 'python' });
    const typist = client('reused-id');
    await typist.synced();
    typist.text.insert(0, 'OLD ROOM TEXT\n');
    await waitFor(async () => (await roomCode(server, 'reused-id')).startsWith('OLD ROOM TEXT'), 'edit accepted');

    await recreate('reused-id');
    await server.server.commits.flush();
    expect(await roomCode(server, 'reused-id')).toBe(starterSnippet('python'));
    const stored = await backend.open();
    try {
      const doc = await stored.loadDocument('reused-id');
      expect(doc?.updates).toHaveLength(1);
    } finally {
      await stored.close();
    }
  });

  // Regression: an open tab that still held the deleted room's content pushed it into the new room
  // when it reconnected (its sync step 2 carries everything the new room lacks).
  it("a client still holding the deleted room's content cannot push it into the new room", async () => {
    await start(20);
    await server.createRoom({ id: 'old-tab', language: 'python' });
    const oldTab = client('old-tab');
    await oldTab.synced();
    oldTab.text.insert(0, 'FROM THE DELETED ROOM\n');
    await waitFor(async () => (await roomCode(server, 'old-tab')).startsWith('FROM THE DELETED ROOM'), 'edit accepted');

    const closes: number[] = [];
    oldTab.provider.on('connection-close', (event) => event && closes.push(event.code));
    await recreate('old-tab');
    await waitFor(() => closes.includes(CLOSE_CODES.roomNotFound), 'old tab told the room is gone');

    // A client that reconnects anyway (a stock client of another kind, or the user insisting).
    oldTab.provider.connect();
    await waitFor(() => closes.filter((code) => code === CLOSE_CODES.roomNotFound).length >= 2, 'reconnect refused with 4404');
    oldTab.text.insert(0, 'TYPED AFTER\n');
    oldTab.provider.connect();
    await waitFor(() => closes.filter((code) => code === CLOSE_CODES.roomNotFound).length >= 3, 'refused again');

    const fresh = client('old-tab');
    await fresh.synced();
    await server.server.commits.flush();
    expect(await roomCode(server, 'old-tab')).toBe(starterSnippet('python'));
    expect(fresh.text.toString()).toBe(starterSnippet('python'));
  });
});
