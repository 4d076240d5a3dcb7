import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../src/limits/config.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support/test-server.js';
import { closedAfterEach } from './support/closed-after-each.js';
import { countFramesSent, moveCursor, percentile, recordCloses, startTyping } from './support/typist.js';
import { within } from './support/within.js';

/**
 * The default abuse limits never bother honest users: a fast typist in a busy room (whose stock
 * client echoes everyone's cursor moves), a 1 MB paste, an offline client pushing megabytes of
 * edits when it reconnects, and a new client syncing a big room. Real time, real server, stock clients.
 */

const MiB = 1024 * 1024;
/** The busy room's traffic, 5 s of it: each user's cursor moves at 60 Hz and the typist's keys at 15/s. */
const CURSOR_MOVES = 300;
const KEYS = 75;
const { clients, servers } = closedAfterEach();

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

/** Whether every user sees every other user's cursor at its last position. */
function everyoneSeesLastMoves(users: readonly TestClient[]): boolean {
  return users.every((u) =>
    users.every((other) => {
      if (other === u) return true;
      const state = u.provider.awareness.getStates().get(other.doc.clientID) as { selection?: { head?: number } } | undefined;
      return state?.selection?.head === CURSOR_MOVES;
    }),
  );
}

describe('honest users are never cut off by the default limits', () => {
  it('a typist at 15 keys/s in a room of 8 where everyone moves their cursor at 60 Hz, for 5 s', { timeout: 90_000 }, async () => {
    const { s, roomId } = await serverWithRoom();
    const users = Array.from({ length: 8 }, () => join(s, roomId));
    await within(Promise.all(users.map((u) => u.synced())), 10_000, 'users sync');
    const [typist, watcher] = users as [TestClient, TestClient, ...TestClient[]];
    const closes = users.map(recordCloses);
    let typistUpdates = 0;
    typist.provider.awareness.on('update', (_: unknown, origin: unknown) => {
      if (origin === 'local') typistUpdates++;
    });
    let fromTypist = 0;
    // Its first move is the watcher's first sight of the typist's state ('added'); the rest are 'updated'.
    watcher.provider.awareness.on('update', ({ added, updated }: { added: number[]; updated: number[] }) => {
      if ([...added, ...updated].includes(typist.doc.clientID)) fromTypist++;
    });
    const typistFrames = countFramesSent(typist);

    // By count, on a fixed schedule: a loaded machine delivers late, it does not send less.
    const startedAt = performance.now();
    const cursors = users.map((u) => moveCursor(u, 60, CURSOR_MOVES));
    const typing = startTyping(typist, watcher, 15, KEYS);
    await Promise.all([...cursors.map((c) => c.done), typing.done]);
    const nobodyCutOff = (): void => expect(closes.map((c) => c.codes)).toEqual(users.map(() => []));
    nobodyCutOff();
    await typing.stop();
    // Generous: this waits for delivery; whether anyone was cut off is what the test judges.
    await waitFor(() => everyoneSeesLastMoves(users), 'every cursor move reaches everyone', 60_000);
    const seconds = (performance.now() - startedAt) / 1000;

    nobodyCutOff();
    expect(users.every((u) => u.provider.wsconnected)).toBe(true);
    expect(watcher.text.toString()).toBe(typist.text.toString());
    // The traffic was what the test says: the typist's 375 awareness updates (a cursor move with each key
    // too), every one of them seen by the watcher...
    expect(typistUpdates).toBe(CURSOR_MOVES + KEYS);
    expect(fromTypist).toBeGreaterThanOrEqual(typistUpdates);
    // ...and its stock client sent those, its 75 edits and an echo of each of the others' 7 x 300 moves:
    // 2,550 frames, far past its burst of 1,000; on the 5 s schedule, past what its allowance admits
    // without the credit for echoes (logged below).
    expect(typistFrames.count).toBeGreaterThanOrEqual(typistUpdates + KEYS + 7 * CURSOR_MOVES);
    const { messageBurst, messagesPerSecond } = DEFAULT_LIMITS.connection;
    console.info(
      `[limits] busy room: ${typing.typed} keys, p95 ${percentile(
        typing.arrivals.map((a) => a.latencyMs),
        95,
      ).toFixed(
        1,
      )} ms; typist sent ${typistFrames.count} frames in ${seconds.toFixed(1)} s (its allowance without the echo credit: ${Math.round(
        messageBurst + messagesPerSecond * seconds,
      )})`,
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
