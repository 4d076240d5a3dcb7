import { afterEach, expect, it } from 'vitest';
import { describeEachBackend, type StoreBackend } from './support/backends.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { startTestServer, type TestServer } from './support/test-server.js';

await describeEachBackend('server restart', (createBackend) => {
  let backend: StoreBackend;
  let server: TestServer | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    await server?.close();
    server = undefined;
    await backend?.destroy();
  });

  it('a fresh client after a clean restart sees exactly the text and settings left behind', async () => {
    backend = await createBackend();
    server = await startTestServer({ store: await backend.open() });
    const roomId = await server.createRoom({ name: 'Interview', language: 'python' });
    const writer = connectClient(server.wsUrl, roomId);
    clients.push(writer);
    await writer.synced();
    writer.text.insert(writer.text.length, '\nprint("after restart")\n');
    writer.doc.getMap('meta').set('language', 'java');
    const expected = writer.text.toString();
    // Give the update a moment to reach the server before it closes; close() then stores it.
    await waitFor(async () => (await roomCode(server!, roomId)) === expected, 'server has the edit');
    writer.destroy();
    await server.close();

    server = await startTestServer({ store: await backend.open() });
    const reader = connectClient(server.wsUrl, roomId);
    clients.push(reader);
    await reader.synced();
    expect(reader.text.toString()).toBe(expected);
    expect(reader.doc.getMap('meta').get('language')).toBe('java');
    const room = (await (await fetch(`${server.url}/api/rooms/${roomId}`)).json()) as { language: string; code: string };
    expect(room).toMatchObject({ language: 'java', code: expected });
  });

  it('a room unloaded while idle loads again with every edit', async () => {
    backend = await createBackend();
    server = await startTestServer({ store: await backend.open(), idleUnloadMs: 50 });
    const roomId = await server.createRoom({ language: 'plaintext' });
    for (let round = 0; round < 3; round++) {
      const client = connectClient(server.wsUrl, roomId);
      await client.synced();
      client.text.insert(client.text.length, `round ${round};`);
      await waitFor(async () => (await roomCode(server!, roomId)).endsWith(`round ${round};`), 'edit reached server');
      client.destroy();
      await waitFor(() => server!.server.registry.loaded(roomId) === undefined, 'room unloaded');
    }
    expect(await roomCode(server, roomId)).toBe('round 0;round 1;round 2;');
  });
});

async function roomCode(server: TestServer, roomId: string): Promise<string> {
  const room = (await (await fetch(`${server.url}/api/rooms/${roomId}`)).json()) as { code: string };
  return room.code;
}
