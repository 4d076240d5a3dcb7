import { afterEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT } from '@pairwise/protocol';
import { applyStoredUpdates, type RoomStore } from '../src/storage/index.js';
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
    clients.forEach((c) => c.destroy());
    clients = [];
    await server?.close();
    await backend?.destroy();
  });

  it(`${CLIENTS} stock clients with random edits, disconnects and reconnects converge and lose nothing`, async () => {
    const seed = runSeed();
    const random = seededRandom(seed);
    console.info(`convergence seed ${seed} (replay with PAIRWISE_SEED=${seed})`);

    backend = await createBackend();
    server = await startTestServer({ store: await backend.open() });
    const roomId = await server.createRoom({ language: 'plaintext' });
    clients = Array.from({ length: CLIENTS }, () => connectClient(server.wsUrl, roomId));
    await Promise.all(clients.map((c) => c.synced()));

    const ledger = new TokenLedger();
    for (let step = 0; step < STEPS; step++) {
      const index = Math.floor(random() * CLIENTS);
      const client = clients[index]!;
      const roll = random();
      if (roll < 0.6) ledger.insert(client.text, index, random);
      else if (roll < 0.85) ledger.deleteOne(client.text, random);
      else if (roll < 0.93) toggleConnection(client);
      else await new Promise((r) => setTimeout(r, random() * 15));
    }
    clients.forEach((c) => c.provider.wsconnected || c.provider.connect());

    const texts = (): string[] => clients.map((c) => c.text.toString());
    await waitFor(() => new Set(texts()).size === 1 && clients.every((c) => c.provider.synced), 'clients converge', 20_000);
    const [converged] = texts();
    assertHoldsExactly(converged!, ledger.expected());

    const details = (await (await fetch(`${server.url}/api/rooms/${roomId}`)).json()) as { code: string };
    expect(details.code).toBe(converged);

    await server.server.commits.flush();
    const fresh = await backend.open();
    try {
      expect(await storedText(fresh, roomId)).toBe(converged);
    } finally {
      await fresh.close();
    }
  });
});

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
