import { connect } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { CLOSE_CODES } from '@pairwise/protocol';
import { MemoryRoomStore } from '../src/storage/index.js';
import { describeEachBackend, type StoreBackend } from './support/backends.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { seededRandom } from './support/random.js';
import { closeRawSockets, stalledSocket } from './support/raw-socket.js';
import { spawnServer, type ServerProcess } from './support/server-process.js';
import { startTestServer } from './support/test-server.js';
import { TokenLedger, tokensOf } from './support/token-editing.js';

// Regression: a client that never finished sending its request headers kept `app.close()` waiting
// (Node's header timeout is a minute), so SIGTERM never reached the step that stores the edits.
it('close() stores every edit even while an HTTP client stalls mid-request', async () => {
  const store = new MemoryRoomStore();
  const server = await startTestServer({ store, httpDrainMs: 300, flushWindowMs: 60_000 });
  const roomId = await server.createRoom({ language: 'plaintext' });
  const client = connectClient(server.wsUrl, roomId);
  await client.synced();
  client.text.insert(0, 'kept through shutdown');
  await expect.poll(() => server.server.registry.loaded(roomId)?.text.toString()).toBe('kept through shutdown');

  const stalled = connect(Number(new URL(server.url).port), '127.0.0.1');
  await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
  stalled.write('GET /health HTTP/1.1\r\nHost: x\r\n'); // headers never finished
  stalled.on('error', () => {});

  const started = Date.now();
  await server.close({ keepStore: true });
  expect(Date.now() - started).toBeLessThan(5_000);
  client.destroy();
  stalled.destroy();

  // The flush window (60 s) never elapsed: only shutdown can have stored the edit.
  const stored = await store.loadDocument(roomId);
  expect(stored!.logLength).toBeGreaterThan(1);
  await store.close();
});

/** The promise: a SIGTERM'd instance is gone within this long. */
const EXIT_WITHIN_MS = 10_000;
/** Long enough that no edit is stored by the flush timer during the test: only shutdown stores them. */
const FLUSH_WINDOW_MS = 10_000;

await describeEachBackend('graceful shutdown of a server process', (createBackend) => {
  let backend: StoreBackend;
  const processes: ServerProcess[] = [];
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const c of clients.splice(0)) c.destroy();
    closeRawSockets();
    for (const p of processes.splice(0)) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
    await backend?.destroy();
  });

  const start = async (): Promise<ServerProcess> => {
    const p = await spawnServer({ ...backend.env, FLUSH_WINDOW_MS: String(FLUSH_WINDOW_MS) });
    processes.push(p);
    return p;
  };

  it('SIGTERM while three users type: /ready turns 503 while it drains, clients get 1012, every acknowledged edit is stored, exit 0 within 10 s', {
    timeout: 60_000,
  }, async () => {
    backend = await createBackend();
    const server = await start();
    const roomId = await createRoom(server.url);
    clients.push(...[0, 1, 2].map(() => connectClient(server.wsUrl, roomId)));
    await Promise.all(clients.map((c) => c.synced()));
    // A client that never reads keeps the close handshake open for a second, as on a bad network.
    await stalledSocket(server, roomId);

    // Acknowledged: the server relayed the edit to another client, so it had accepted it.
    const acknowledged = new Set<string>();
    const closeCodes: number[][] = clients.map(() => []);
    for (const [i, c] of clients.entries()) {
      c.doc.on('update', (_update: Uint8Array, origin: unknown) => {
        if (origin !== c.provider) return;
        for (const token of tokensOf(c.text.toString())) if (!token.startsWith(`[c${i}-`)) acknowledged.add(token);
      });
      c.provider.on('connection-close', (event: { code: number } | null) => {
        if (event) closeCodes[i]!.push(event.code);
      });
    }
    const ledger = new TokenLedger();
    const random = seededRandom(8);
    const typing = setInterval(() => {
      for (const [i, c] of clients.entries()) ledger.insert(c.text, i, random);
    }, 10);
    try {
      await waitFor(() => acknowledged.size >= 100, 'edits acknowledged while typing');
      server.child.kill('SIGTERM');
      const signalledAt = Date.now();
      const readiness = pollReadiness(server.url, server.exited);
      expect(await server.exited).toBe(0);
      const tookMs = Date.now() - signalledAt;
      expect(tookMs).toBeLessThan(EXIT_WITHIN_MS);

      const statuses = await readiness;
      console.info(
        `[shutdown ${backend.name}] ${acknowledged.size} edits acknowledged; exit 0 after ${tookMs} ms; /ready: ${statuses.join(' ')}`,
      );
      const firstNotReady = statuses.indexOf(503);
      expect(firstNotReady, `/ready while draining: ${statuses.join(' ')}`).toBeGreaterThanOrEqual(0);
      expect(statuses.slice(firstNotReady)).not.toContain(200);
      for (const codes of closeCodes) expect(codes).toContain(CLOSE_CODES.serviceRestart);
      expect(server.output()).toContain('shut down cleanly');
    } finally {
      clearInterval(typing);
    }
    for (const c of clients.splice(0)) c.destroy();

    // Restart: everything the first process acknowledged is there.
    const restarted = await start();
    const code = await roomCode(restarted.url, roomId);
    const stored = new Set(tokensOf(code));
    const missing = [...acknowledged].filter((token) => !stored.has(token));
    expect(missing, `${missing.length} of ${acknowledged.size} acknowledged edits missing`).toEqual([]);
  });
});

/** Polls `/ready` until the process exits: each answer's status, 0 where the connection was refused. */
async function pollReadiness(url: string, exited: Promise<unknown>): Promise<number[]> {
  const statuses: number[] = [];
  let done = false;
  void exited.then(() => (done = true));
  while (!done) {
    statuses.push(
      await fetch(`${url}/ready`).then(
        (r) => r.status,
        () => 0,
      ),
    );
    await new Promise((r) => setTimeout(r, 10));
  }
  return statuses;
}

async function createRoom(url: string): Promise<string> {
  const response = await fetch(`${url}/api/rooms`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language: 'plaintext' }),
  });
  return ((await response.json()) as { id: string }).id;
}

async function roomCode(url: string, roomId: string): Promise<string> {
  return ((await (await fetch(`${url}/api/rooms/${roomId}`)).json()) as { code: string }).code;
}
