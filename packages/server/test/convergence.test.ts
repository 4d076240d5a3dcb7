import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT, LANGUAGES, META_KEYS, META_MAP } from '@pairwise/protocol';
import { applyStoredUpdates, type RoomStore } from '../src/storage/index.js';
import type { Room } from '../src/sync/room.js';
import { describeEachBackend, type StoreBackend } from './support/backends.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { runSeed, seededRandom } from './support/random.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { assertHoldsExactly, TokenLedger } from './support/token-editing.js';

const CLIENTS = 8;
const STEPS = 600;

await describeEachBackend('randomized concurrent editing', (createBackend) => {
  let backend: StoreBackend;
  let server: TestServer;
  let clients: TestClient[] = [];

  afterEach(async () => {
    for (const c of clients) c.destroy();
    clients = [];
    await server?.close();
    await backend?.destroy();
  });

  it(`${CLIENTS} stock clients with random edits, disconnects and reconnects converge, lose nothing and are never cut off`, async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    console.info(`convergence seed ${seed} (replay with PAIRWISE_SEED=${seed})`);

    backend = await createBackend();
    server = await startTestServer({ store: await backend.open() });
    const roomId = await server.createRoom({ language: 'plaintext' });
    clients = Array.from({ length: CLIENTS }, () => connectClient(server.wsUrl, roomId));
    const serverCloses = recordServerCloses(clients);
    await Promise.all(clients.map((c) => c.synced()));

    const ledger = new TokenLedger({ payloads: true });
    typeWhileReconnecting(clients, ledger, random);
    for (let step = 0; step < STEPS; step++) {
      const index = Math.floor(random() * CLIENTS);
      const client = clients[index]!;
      const roll = random();
      if (roll < 0.55) ledger.insert(client.text, index, random);
      else if (roll < 0.8) ledger.deleteOne(client.text, random);
      else if (roll < 0.85) changeMeta(client, step, random);
      else if (roll < 0.93) toggleConnection(client);
      else await new Promise((r) => setTimeout(r, random() * 15));
    }
    for (const c of clients) {
      if (!c.provider.wsconnected) c.provider.connect();
    }

    const room = (): Room | undefined => server.server.registry.loaded(roomId);
    const views = (): string[] => [...clients.map(viewOf), ...(room() ? [viewOf(room()!)] : [])];
    await waitFor(
      () => new Set(views()).size === 1 && views().length === CLIENTS + 1 && clients.every((c) => c.provider.synced),
      'clients and server converge (text, meta, state vector)',
      20_000,
    );
    const converged = clients[0]!.text.toString();
    assertHoldsExactly(converged, ledger.expected());
    expect(serverCloses, 'the server closed an honest client').toEqual([]);

    const details = (await (await fetch(`${server.url}/api/rooms/${roomId}`)).json()) as { code: string };
    expect(details.code).toBe(converged);
    const meta = clients[0]!.doc.getMap(META_MAP).toJSON();
    await waitFor(async () => {
      const indexed = (await (await fetch(`${server.url}/api/rooms/${roomId}`)).json()) as { name: string; language: string };
      return indexed.name === meta[META_KEYS.name] && indexed.language === meta[META_KEYS.language];
    }, 'the rooms index holds the converged name and language');

    await server.server.commits.flush();
    const fresh = await backend.open();
    try {
      expect(await storedText(fresh, roomId)).toBe(converged);
    } finally {
      await fresh.close();
    }
  });
});

/** Closes initiated by the server (client-initiated disconnects report a null event). */
function recordServerCloses(clients: readonly TestClient[]): string[] {
  const closes: string[] = [];
  for (const [i, c] of clients.entries()) {
    c.provider.on('connection-close', (event) => {
      if (event) closes.push(`client ${i}: ${event.code} ${event.reason}`);
    });
  }
  return closes;
}

/**
 * Users who keep typing while their client reconnects: the edit leaves right after the socket opens,
 * before the client's sync step 2, which carries the offline edits it depends on.
 */
function typeWhileReconnecting(clients: readonly TestClient[], ledger: TokenLedger, random: () => number): void {
  for (const [i, c] of clients.entries()) {
    c.provider.on('status', ({ status }) => {
      if (status === 'connected') ledger.insert(c.text, i, random);
    });
  }
}

/** Renames the room or switches its language, as the web app's settings do. */
function changeMeta(client: TestClient, step: number, random: () => number): void {
  const meta = client.doc.getMap(META_MAP);
  if (random() < 0.5) meta.set(META_KEYS.name, `Room ${step}`);
  else meta.set(META_KEYS.language, LANGUAGES[Math.floor(random() * LANGUAGES.length)]!.id);
}

/** Text, meta map and state vector of a document, in one comparable string. */
function viewOf(holder: { doc: Y.Doc }): string {
  const { doc } = holder;
  const stateVector = [...Y.decodeStateVector(Y.encodeStateVector(doc))].sort(([a], [b]) => a - b);
  return JSON.stringify({ text: doc.getText(CODE_TEXT).toString(), meta: doc.getMap(META_MAP).toJSON(), stateVector });
}

function toggleConnection(client: TestClient): void {
  if (client.provider.shouldConnect) client.provider.disconnect();
  else client.provider.connect();
}

async function storedText(store: RoomStore, roomId: string): Promise<string> {
  const stored = await store.loadDocument(roomId);
  const doc = new Y.Doc();
  applyStoredUpdates(doc, stored!.updates);
  const text = doc.getText(CODE_TEXT).toString();
  doc.destroy();
  return text;
}
