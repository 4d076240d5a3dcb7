import { Client } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresRoomStore } from '../src/storage/index.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { storedTextOf, typeTokens } from './support/fault-typing.js';
import { createTestDatabase, describeWithPostgres, type TestDatabase } from './support/postgres.js';
import { startPrivatePostgres, type PrivatePostgres } from './support/private-postgres.js';
import { runSeed } from './support/random.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { assertHoldsExactly } from './support/token-editing.js';

/** Real PostgreSQL faults while three users type: whatever happens to the database, no edit is lost. */

let server: TestServer | undefined;
let clients: TestClient[] = [];
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of clients) c.destroy();
  clients = [];
  await server?.close().catch(() => {});
  server = undefined;
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function serveRoom(url: string): Promise<string> {
  server = await startTestServer({ store: await PostgresRoomStore.open(url, { onError: () => {} }), flushWindowMs: 50 });
  const roomId = await server.createRoom({ language: 'plaintext' });
  clients = [0, 1, 2].map(() => connectClient(server!.wsUrl, roomId));
  await Promise.all(clients.map((c) => c.synced()));
  return roomId;
}

/** Once storage works again every edit is stored: what a fresh load sees equals what the clients agree on. */
async function expectNothingLost(url: string, roomId: string, expected: ReadonlySet<string>): Promise<void> {
  const texts = () => clients.map((c) => c.text.toString());
  await waitFor(() => new Set(texts()).size === 1, 'clients converge', 20_000);
  const [converged] = texts();
  assertHoldsExactly(converged!, expected);
  await waitFor(
    () =>
      server!.server.commits.flush().then(
        () => true,
        () => false,
      ),
    'storage writes succeed again',
    20_000,
  );
  const fresh = await PostgresRoomStore.open(url);
  try {
    expect(await storedTextOf(fresh, roomId)).toBe(converged);
  } finally {
    await fresh.close();
  }
}

await describeWithPostgres('PostgreSQL connections terminated', () => {
  it('pg_terminate_backend again and again while three users type: nothing is lost', { timeout: 60_000 }, async () => {
    const db: TestDatabase = await createTestDatabase();
    cleanups.push(db.drop);
    const roomId = await serveRoom(db.url);
    const name = new URL(db.url).pathname.slice(1);
    const admin = new Client({ connectionString: db.url.replace(`/${name}`, '/postgres') });
    await admin.connect();
    cleanups.push(() => admin.end());

    let terminated = 0;
    const ledger = await typeTokens(clients, runSeed(), 2_500, async (elapsedMs) => {
      if (elapsedMs % 300 > 25) return;
      const { rowCount } = await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
      terminated += rowCount ?? 0;
    });
    expect(terminated).toBeGreaterThan(0);
    await expectNothingLost(db.url, roomId, ledger.expected());
  });
});

describe('PostgreSQL restarted (a private server of this test)', () => {
  let pg: PrivatePostgres;

  it('down while three users type: /ready says 503, a new user waits, and every edit is stored once it is back', {
    timeout: 90_000,
  }, async () => {
    pg = await startPrivatePostgres();
    cleanups.push(() => pg.destroy());
    const roomId = await serveRoom(pg.url);

    let phase: 'up' | 'down' | 'back' = 'up';
    let healthWhileDown = 0;
    const ledger = await typeTokens(clients, runSeed(), 4_000, async (elapsedMs) => {
      if (phase === 'up' && elapsedMs > 1_000) {
        phase = 'down';
        await pg.stop();
        // Edits typed now can only be kept in memory: the server must say it is not healthy.
        await waitFor(async () => (await fetch(`${server!.url}/ready`)).status === 503, '/ready reports failing writes');
        healthWhileDown = 503;
        clients.push(connectClient(server!.wsUrl, roomId));
      } else if (phase === 'down' && elapsedMs > 2_500) {
        phase = 'back';
        await pg.start();
      }
    });
    expect(healthWhileDown).toBe(503);
    await expectNothingLost(pg.url, roomId, ledger.expected());
    await waitFor(async () => (await fetch(`${server!.url}/ready`)).status === 200, '/ready recovers');
  });

  // A shutdown during an outage must neither hang nor pretend: it retries for SHUTDOWN_RETRY_MS,
  // then names what it could not store and exits 1; the clients that hold those edits push them
  // to the next server.
  it('SIGTERM while it is down: retries for the configured time, logs the room it could not store, exits 1; the edit survives', {
    timeout: 90_000,
  }, async () => {
    pg = await startPrivatePostgres();
    cleanups.push(() => pg.destroy());
    const env = { DATABASE_URL: pg.url, FLUSH_WINDOW_MS: '50', SHUTDOWN_RETRY_MS: '1500' };
    const processes: ServerProcess[] = [];
    cleanups.push(async () => {
      for (const p of processes) p.child.kill('SIGKILL');
    });
    const first = await spawnServer(env);
    processes.push(first);
    const response = await fetch(`${first.url}/api/rooms`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"language":"plaintext"}',
    });
    const { id: roomId } = (await response.json()) as { id: string };
    clients = [0, 1].map(() => connectClient(first.wsUrl, roomId));
    await Promise.all(clients.map((c) => c.synced()));

    await pg.stop();
    clients[0]!.text.insert(0, '[c0-0]');
    await waitFor(() => clients[1]!.text.toString() === '[c0-0]', 'the server accepted the edit');
    const stopping = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(1);
    expect(Date.now() - stopping).toBeGreaterThanOrEqual(1_400);
    expect(first.output()).toMatch(/could not be stored/);
    expect(first.output()).toContain(roomId);

    await pg.start();
    const second = await spawnServer({ ...env, PORT: String(first.port) });
    processes.push(second);
    await waitFor(() => clients.every((c) => c.provider.synced), 'clients reconnect to the next server', 20_000);
    const fresh = await PostgresRoomStore.open(pg.url);
    try {
      await waitFor(async () => (await storedTextOf(fresh, roomId)) === '[c0-0]', 'the edit is stored', 10_000);
    } finally {
      await fresh.close();
    }
  });
});
