import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/test-server.js';
import { moveCursor, percentile, recordCloses, startTyping } from './support/typist.js';
import { within } from './support/within.js';

/**
 * The default abuse limits never bother honest users: a fast typist in a busy room (whose stock
 * client echoes everyone's cursor moves), a 1 MB paste, an offline client pushing megabytes of
 * edits when it reconnects, and a new client syncing a big room. Real time, real server, stock clients.
 */

const MiB = 1024 * 1024;
const clients: TestClient[] = [];
const servers: TestServer[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of servers.splice(0)) await s.close();
});

async function serverWithRoom(options: TestServerOptions = {}): Promise<{ s: TestServer; roomId: string }> {
  const s = await startTestServer(options);
  servers.push(s);
  return { s, roomId: await s.createRoom() };
}

function join(s: TestServer, roomId: string, options: { connect?: boolean } = {}): TestClient {
  const c = connectClient(s.wsUrl, roomId, options);
  clients.push(c);
  return c;
}

describe('honest users are never cut off by the default limits', () => {
  it('a typist at 15 keys/s in a room of 8 where everyone moves their cursor at 60 Hz, for 5 s', async () => {
    const { s, roomId } = await serverWithRoom();
    const users = Array.from({ length: 8 }, () => join(s, roomId));
    await within(Promise.all(users.map((u) => u.synced())), 10_000, 'users sync');
    const [typist, watcher, ...others] = users as [TestClient, TestClient, ...TestClient[]];
    const closes = users.map(recordCloses);
    let fromTypist = 0;
    watcher.provider.awareness.on('update', ({ updated }: { updated: number[] }) => {
      if (updated.includes(typist.doc.clientID)) fromTypist++;
    });

    const stopCursors = [typist, watcher, ...others].map((u) => moveCursor(u, 60));
    const typing = startTyping(typist, watcher, 15);
    await new Promise((r) => setTimeout(r, 5_000));
    for (const stop of stopCursors) stop();
    await typing.stop();

    expect(closes.map((c) => c.codes)).toEqual(users.map(() => []));
    expect(users.every((u) => u.provider.wsconnected)).toBe(true);
    expect(watcher.text.toString()).toBe(typist.text.toString());
    // The traffic was what the test says: ~75 awareness updates/s from the typist reached the watcher.
    expect(fromTypist).toBeGreaterThan(5 * 50);
    console.info(
      `[limits] busy room: ${typing.typed} keys, p95 ${percentile(
        typing.arrivals.map((a) => a.latencyMs),
        95,
      ).toFixed(1)} ms; ${fromTypist} typist cursor updates seen`,
    );
  });

  it('a 1 MB paste, an offline client pushing 3 MB of edits on connect, and a new client syncing the 4 MB room', async () => {
    // The per-connection limits are under test here, not the room's size (MAX_ROOM_TEXT_LENGTH is 1,000,000 by default).
    const { s, roomId } = await serverWithRoom({ roomLimits: { maxTextLength: 8 * MiB } });
    const typist = join(s, roomId);
    const watcher = join(s, roomId);
    await within(Promise.all([typist.synced(), watcher.synced()]), 10_000, 'users sync');
    const closes = [typist, watcher].map(recordCloses);

    typist.text.insert(typist.text.length, 'p'.repeat(MiB));
    await waitFor(() => watcher.text.length === typist.text.length, 'the paste reaches the watcher', 10_000);

    const offline = join(s, roomId, { connect: false });
    offline.text.insert(0, 'o'.repeat(3 * MiB));
    const offlineCloses = recordCloses(offline);
    const expectedLength = typist.text.length + 3 * MiB;
    offline.provider.connect();
    await waitFor(
      () => watcher.text.length === expectedLength,
      `the offline edits reach the watcher (closes: ${offlineCloses.codes})`,
      20_000,
    );

    const newcomer = join(s, roomId);
    await within(newcomer.synced(), 20_000, 'the newcomer syncs');
    await waitFor(() => newcomer.text.length === watcher.text.length, 'the newcomer holds the whole room', 20_000);

    expect([...closes.map((c) => c.codes), offlineCloses.codes]).toEqual([[], [], []]);
    expect(newcomer.text.toString()).toBe(typist.text.toString());
  });
});
