import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import { SqliteWorkerStore } from '../src/storage/index.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { storedTextOf, typeTokensWhile } from './support/fault-typing.js';
import { runSeed } from './support/random.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { assertHoldsExactly } from './support/token-editing.js';

/** SQLite out of space (a page cap, failing exactly as a full disk does) while three users type. */

/** How long a phase may take to show what it waits for: generous, a test server on a loaded machine is slow. */
const PHASE_DEADLINE_MS = 30_000;

let server: TestServer | undefined;
let clients: TestClient[] = [];
let dir: string | undefined;

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await server?.close().catch(() => {});
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('disk full: edits are kept and retried, typists are told (4503, /ready 503), nothing is lost when space returns', {
  timeout: 120_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'pairwise-full-'));
  const file = join(dir, 'pairwise.sqlite');
  const store = await SqliteWorkerStore.open(file);
  // A small backlog bound, so the room stops taking edits (4503) while the disk is full.
  server = await startTestServer({ store, flushWindowMs: 50, maxRoomBacklogBytes: 2 * 1024 });
  const roomId = await server.createRoom({ language: 'plaintext' });
  clients = [0, 1, 2].map(() => connectClient(server!.wsUrl, roomId));
  await Promise.all(clients.map((c) => c.synced()));
  const told: number[] = [];
  for (const c of clients) c.provider.on('connection-close', (event) => event && told.push(event.code));

  // Phases end after so many keystrokes (~20 ms each on an idle machine) and what the server must show,
  // not at fixed times: a loaded machine types slower, and a wall-clock phase would end too early.
  let phase: 'space' | 'full' | 'back' = 'space';
  let phaseStart = 0;
  let phaseDeadline = Date.now() + PHASE_DEADLINE_MS;
  let healthWhileFull = 0;
  const enter = (next: typeof phase, keystrokes: number): void => {
    phase = next;
    phaseStart = keystrokes;
    phaseDeadline = Date.now() + PHASE_DEADLINE_MS;
  };
  const ledger = await typeTokensWhile(clients, runSeed(), async ({ keystrokes }) => {
    if (Date.now() > phaseDeadline) {
      throw new Error(`still '${phase}' after ${PHASE_DEADLINE_MS} ms: /ready ${healthWhileFull}, closes [${told}]`);
    }
    const typedInPhase = keystrokes - phaseStart;
    if (phase === 'space' && typedInPhase >= 40) {
      enter('full', keystrokes);
      await store.capPageCount(1);
    } else if (phase === 'full' && healthWhileFull !== 503) {
      healthWhileFull = (await fetch(`${server!.url}/ready`)).status;
    } else if (phase === 'full' && told.includes(CLOSE_CODES.storageUnavailable) && typedInPhase >= 110) {
      enter('back', keystrokes);
      await store.capPageCount(1_000_000_000);
    }
    return phase !== 'back' || keystrokes - phaseStart < 100;
  });
  expect(phase).toBe('back');
  expect(healthWhileFull).toBe(503);
  expect(told.filter((code) => code !== CLOSE_CODES.storageUnavailable)).toEqual([]);

  const texts = () => clients.map((c) => c.text.toString());
  await waitFor(() => new Set(texts()).size === 1 && clients.every((c) => c.provider.synced), 'clients converge', 30_000);
  const [converged] = texts();
  assertHoldsExactly(converged!, ledger.expected());
  await server.server.commits.flush();
  const fresh = await SqliteWorkerStore.open(file);
  try {
    expect(await storedTextOf(fresh, roomId)).toBe(converged);
  } finally {
    await fresh.close();
  }
  expect((await fetch(`${server.url}/ready`)).status).toBe(200);
});

// Found in CI: the three typists, closed with 4503 at once, reconnected after the idle room had been unloaded; the
// reload first flushes the room's queued edits, which failed on the full disk, and every reconnect was refused 1011.
it('disk full: a room whose edits are not stored stays loaded when everyone leaves, so a reconnect reads it', {
  timeout: 60_000,
}, async () => {
  dir = await mkdtemp(join(tmpdir(), 'pairwise-full-'));
  const file = join(dir, 'pairwise.sqlite');
  const store = await SqliteWorkerStore.open(file);
  const idleUnloadMs = 100;
  server = await startTestServer({ store, flushWindowMs: 20, idleUnloadMs });
  const roomId = await server.createRoom({ language: 'plaintext' });
  const typist = connectClient(server.wsUrl, roomId);
  clients = [typist];
  await typist.synced();
  typist.text.insert(0, 'stored ');
  await waitFor(async () => (await storedTextOf(store, roomId)) === 'stored ', 'first edit stored');

  await store.capPageCount(1);
  // Pages freed earlier still take a few writes; type until one fails.
  await waitFor(async () => {
    typist.text.insert(typist.text.length, 'not yet stored ');
    return (await fetch(`${server!.url}/ready`)).status === 503;
  }, 'a write fails and /ready says so');
  const typed = typist.text.toString();
  typist.destroy();
  await new Promise((resolve) => setTimeout(resolve, idleUnloadMs * 5));

  const reader = connectClient(server.wsUrl, roomId);
  clients = [reader];
  const told: number[] = [];
  reader.provider.on('connection-close', (event) => event && told.push(event.code));
  await waitFor(() => reader.provider.synced || told.length > 0, 'the reconnect syncs or is closed');
  expect(told).toEqual([]);
  expect(reader.text.toString()).toBe(typed);

  await store.capPageCount(1_000_000_000);
  await waitFor(async () => (await storedTextOf(store, roomId)) === typed, 'kept edits stored once space returns');
});
