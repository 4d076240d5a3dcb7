import { afterEach, expect, it } from 'vitest';
import { describeEachBackend, type StoreBackend } from './support/backends.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { runSeed, seededRandom } from './support/random.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { YwasmClient } from './support/ywasm-client.js';

/**
 * The server speaks the standard protocol to independent implementations: a ywasm (yrs) client and
 * a stock Yjs client type into one room. A keystroke that applied as sent is relayed and stored as
 * its sender's bytes (sync/change-feed.ts), so yrs' encoding reaches Yjs clients and storage as is.
 */
await describeEachBackend('a ywasm (yrs) client beside a stock Yjs client', (createBackend) => {
  let backend: StoreBackend;
  let server: TestServer | undefined;
  const yjsClients: TestClient[] = [];
  const ywasmClients: YwasmClient[] = [];

  afterEach(async () => {
    for (const c of yjsClients.splice(0)) c.destroy();
    for (const c of ywasmClients.splice(0)) c.destroy();
    await server?.close();
    server = undefined;
    await backend?.destroy();
  });

  const ywasmClient = (roomId: string): YwasmClient => {
    const client = new YwasmClient(`${server!.wsUrl}/${roomId}`);
    ywasmClients.push(client);
    return client;
  };

  it("each sees the other's keystrokes, nobody is cut off, and the room loads them back after a restart", async () => {
    const random = seededRandom(runSeed());
    backend = await createBackend();
    server = await startTestServer({ store: await backend.open() });
    const roomId = await server.createRoom({ language: 'plaintext' });
    const yjs = connectClient(server.wsUrl, roomId);
    yjsClients.push(yjs);
    const rust = ywasmClient(roomId);
    await yjs.synced();
    await waitFor(() => rust.isSynced, 'the ywasm client synced');

    const initial = yjs.text.length;
    // Alternating typists at random places; every fifth keystroke of each deletes a character.
    for (let keystroke = 0; keystroke < 120; keystroke++) {
      const deletes = keystroke % 10 >= 8;
      if (keystroke % 2 === 0) {
        const length = rust.text.length(undefined);
        const at = Math.floor(random() * length);
        if (deletes && length > 0) rust.text.delete(at, 1, undefined);
        else rust.text.insert(at, String.fromCharCode(97 + (keystroke % 26)), undefined, undefined);
      } else {
        const at = Math.floor(random() * yjs.text.length);
        if (deletes && yjs.text.length > 0) yjs.text.delete(at, 1);
        else yjs.text.insert(at, String(keystroke % 10));
      }
      if (keystroke % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const room = (): string | undefined => server!.server.registry.loaded(roomId)?.text.toString();
    await waitFor(
      () => rust.toString() === yjs.text.toString() && room() === yjs.text.toString(),
      'both clients and the room hold the same text',
    );
    const expected = yjs.text.toString();
    // 96 characters typed, 24 deleted (fewer if both deleted the same one at once).
    expect(expected.length).toBeGreaterThanOrEqual(initial + 72);
    expect(rust.closes).toEqual([]);
    expect(yjs.provider.wsconnected).toBe(true);

    yjs.destroy();
    rust.destroy();
    await server.close();
    server = await startTestServer({ store: await backend.open() });
    const late = ywasmClient(roomId);
    await waitFor(() => late.isSynced, 'a ywasm client synced after the restart');
    expect(late.toString()).toBe(expected);
  });
});
