import { afterEach, expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import type { RoomRetention } from '../src/rooms/retention.js';
import { initialDocument } from '../src/rooms/room-service.js';
import { starterSnippet } from '../src/rooms/starter-snippets.js';
import type { RoomStore } from '../src/storage/store.js';
import { describeEachBackend, type StoreBackend } from './support/backends.js';
import { closedAfterEach } from './support/closed-after-each.js';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { startTestCluster, type TestCluster } from './support/cluster.js';
import { api, roomCode } from './support/http-api.js';
import { describeWithPostgres } from './support/postgres.js';
import { type ServerProcess, spawnServer } from './support/server-process.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * ROOM_RETENTION_DAYS against real servers and databases: a room nobody opened for that long is
 * deleted like an API delete (deleted stays deleted), rooms opened recently or open now are kept.
 * The servers' clock (creation, last opened, sweep) is the real one plus an offset the test moves.
 */

const DAY = 24 * 3600_000;

/** A server clock the test can move forward. */
function shiftedClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    skip: (ms: number): void => {
      offset += ms;
    },
  };
}

function retentionOf(s: TestServer): RoomRetention {
  const { retention } = s.server;
  if (!retention) throw new Error('retention is off');
  return retention;
}

/** The close codes a client's connection gets, in order. */
function closeCodes(c: TestClient): number[] {
  const codes: number[] = [];
  c.provider.on('connection-close', (event) => event && codes.push(event.code));
  return codes;
}

/** Waits until the store no longer counts the room as unopened since `before` (its opening was written). */
async function recordedOpenedSince(store: RoomStore, roomId: string, before: number): Promise<void> {
  await waitFor(
    async () => !(await store.listRoomsNotOpenedSince(before, 1000)).some((room) => room.id === roomId),
    `${roomId} recorded as opened`,
  );
}

/** A tab that held the deleted room reconnects: refused as a missing room, then (re-created) as the deleted one's content. */
async function assertCannotBringBack(
  tab: TestClient,
  codes: number[],
  recreate: () => Promise<unknown>,
  readers: TestServer[],
): Promise<void> {
  tab.provider.connect();
  await waitFor(() => codes.includes(CLOSE_CODES.forbidden), 'reconnect refused: no such room (4403)');
  tab.text.insert(0, 'TYPED AFTER THE DELETE\n');
  await recreate();
  tab.provider.connect();
  await waitFor(() => codes.includes(CLOSE_CODES.roomNotFound), "the deleted room's content refused (4404)");
  for (const reader of readers) {
    await reader.server.commits.flush();
    expect(await roomCode(reader, 'stale-room')).toBe(starterSnippet('python'));
  }
}

await describeEachBackend('room retention (ROOM_RETENTION_DAYS)', (createBackend) => {
  let backend: StoreBackend | undefined;
  // Registered before closedAfterEach, so it runs after the server has closed the store.
  afterEach(async () => {
    await backend?.destroy();
    backend = undefined;
  });
  const opened = closedAfterEach();
  const processes: ServerProcess[] = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      p.child.kill('SIGKILL');
      await p.exited;
    }
  });

  async function start(roomRetentionDays: number | null, clock: () => number): Promise<TestServer> {
    backend = await createBackend();
    const s = await startTestServer({ store: await backend.open(), roomRetentionDays, clock });
    opened.servers.push(s);
    return s;
  }

  function client(s: TestServer, roomId: string): TestClient {
    const c = connectClient(s.wsUrl, roomId);
    opened.clients.push(c);
    return c;
  }

  it('deletes a room nobody opened for that long, for good; keeps a recently opened room and an open one', async () => {
    const clock = shiftedClock();
    const server = await start(1, clock.now);
    for (const id of ['stale-room', 'open-room', 'recent-room']) await server.createRoom({ id, language: 'python' });

    const oldTab = client(server, 'stale-room');
    await oldTab.synced();
    oldTab.text.insert(0, 'FROM THE STALE ROOM\n');
    await waitFor(() => server.server.registry.loaded('stale-room')?.text.toString().startsWith('FROM THE STALE ROOM') === true, 'edit in');
    const codes = closeCodes(oldTab);
    oldTab.provider.disconnect();
    await waitFor(() => server.server.registry.loaded('stale-room') === undefined, 'stale room unloaded');
    const holder = client(server, 'open-room');
    await holder.synced();

    clock.skip(2 * DAY);
    const visitor = client(server, 'recent-room');
    await visitor.synced();
    visitor.provider.disconnect();
    await waitFor(() => server.server.registry.loaded('recent-room') === undefined, 'recent room unloaded');
    await recordedOpenedSince(server.store, 'recent-room', clock.now() - DAY);

    expect(await retentionOf(server).sweep()).toEqual({ deleted: ['stale-room'], skipped: [] });
    expect((await api(server, 'GET', '/api/rooms/stale-room')).status).toBe(404);
    expect(await roomCode(server, 'recent-room')).toBe(starterSnippet('python'));
    holder.text.insert(0, 'STILL HERE\n');
    await waitFor(async () => (await roomCode(server, 'open-room')).startsWith('STILL HERE'), 'the open room still takes edits');

    await assertCannotBringBack(oldTab, codes, () => server.createRoom({ id: 'stale-room', language: 'python' }), [server]);
    const fresh = client(server, 'stale-room');
    await fresh.synced();
    expect(fresh.text.toString()).toBe(starterSnippet('python'));
  });

  it('ROOM_RETENTION_DAYS makes the server process sweep at start', async () => {
    backend = await createBackend();
    const store = await backend.open();
    const now = Date.now();
    try {
      for (const [id, daysAgo] of [
        ['untouched-for-ten-days', 10],
        ['created-two-days-ago', 2],
      ] as const) {
        const at = now - daysAgo * DAY;
        await store.createRoom({ id, name: id, language: 'python', createdAt: at, updatedAt: at }, initialDocument(id, 'python'));
      }
    } finally {
      await store.close();
    }
    const server = await spawnServer({ ...backend.env, ROOM_RETENTION_DAYS: '7', LOG_LEVEL: 'debug' });
    processes.push(server);
    const status = async (id: string) => (await fetch(`${server.url}/api/rooms/${id}`)).status;
    // Not by asking the API: reading the room loads it, and the sweep keeps a loaded room.
    await waitFor(() => server.output().includes('rooms deleted by retention'), 'the first sweep deleted a room');
    expect(await status('untouched-for-ten-days')).toBe(404);
    expect(await status('created-two-days-ago')).toBe(200);
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => line.msg === 'deleted rooms nobody opened within the retention period')).toMatchObject({
      count: 1,
      retentionDays: 7,
    });
    expect(lines.find((line) => line.msg === 'rooms deleted by retention')).toMatchObject({ roomIds: ['untouched-for-ten-days'] });
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('is off unless set; opening rooms is recorded all the same', async () => {
    const clock = shiftedClock();
    const server = await start(null, clock.now);
    expect(server.server.retention).toBeNull();
    await server.createRoom({ id: 'kept' });
    clock.skip(400 * DAY);
    expect(await roomCode(server, 'kept')).toBe(starterSnippet('python'));
    await recordedOpenedSince(server.store, 'kept', clock.now() - DAY);
  });
});

await describeWithPostgres('room retention with several instances', () => {
  let cluster: TestCluster | undefined;
  // Registered before closedAfterEach, so the clients are gone before the instances close.
  afterEach(async () => {
    await cluster?.close();
    cluster = undefined;
  });
  const opened = closedAfterEach();

  function client(s: TestServer, roomId: string): TestClient {
    const c = connectClient(s.wsUrl, roomId);
    opened.clients.push(c);
    return c;
  }

  it('each instance keeps the rooms it holds open fresh; a room one deletes stays deleted on the others', async () => {
    const clock = shiftedClock();
    cluster = await startTestCluster(2, () => ({ roomRetentionDays: 1, clock: clock.now }));
    const [a, b] = cluster.instances as [TestServer, TestServer];
    await a.createRoom({ id: 'stale-room', language: 'python' });
    await a.createRoom({ id: 'busy-room' });
    const holder = client(b, 'busy-room');
    await holder.synced();
    const oldTab = client(a, 'stale-room');
    await oldTab.synced();
    oldTab.text.insert(0, 'FROM THE STALE ROOM\n');
    await waitFor(() => a.server.registry.loaded('stale-room')?.text.toString().startsWith('FROM THE STALE ROOM') === true, 'edit in');
    const codes = closeCodes(oldTab);
    oldTab.provider.disconnect();
    await waitFor(() => a.server.registry.loaded('stale-room') === undefined, 'stale room unloaded from A');

    clock.skip(2 * DAY);
    // B's sweep records the room it holds open as opened now, so A's sweep keeps it.
    expect(await retentionOf(b).sweep()).toEqual({ deleted: ['stale-room'], skipped: [] });
    expect(await retentionOf(a).sweep()).toEqual({ deleted: [], skipped: [] });
    expect((await api(a, 'GET', '/api/rooms/busy-room')).status).toBe(200);
    expect((await api(a, 'GET', '/api/rooms/stale-room')).status).toBe(404);

    await assertCannotBringBack(oldTab, codes, () => b.createRoom({ id: 'stale-room', language: 'python' }), [a, b]);
    holder.text.insert(0, 'STILL HERE\n');
    await waitFor(async () => (await roomCode(a, 'busy-room')).startsWith('STILL HERE'), 'the open room still takes edits');
  });
});
