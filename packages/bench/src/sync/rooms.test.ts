import { afterEach, expect, it } from 'vitest';
import { SYNC_PATH } from './ipc.js';
import { startRelay } from './peers/relay.js';
import { askAgainThroughRelay } from './rooms.js';
import { Scope } from './scope.js';
import { ThinClient } from './thin-client.js';
import { waitUntil } from './wait.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) await cleanup();
});

it("syncs a relay room's first client, whose sync step 1 reached nobody, once its partner is in", async () => {
  const relay = await startRelay();
  cleanups.push(relay.stop);
  const scope = new Scope();
  cleanups.push(() => scope.close());
  const url = `ws://127.0.0.1:${relay.port}${SYNC_PATH}/room`;
  const first = new ThinClient(url, 'room', 'y-websocket', scope);
  await waitUntil(() => first.open, 'the first client to connect', 5_000);
  const second = new ThinClient(url, 'room', 'y-websocket', scope);
  await waitUntil(() => second.synced, 'the second client to be answered by the first', 5_000);
  // How a relay run of the bench timed out after 60 s waiting for its clients to sync.
  expect(first.synced).toBe(false);

  await askAgainThroughRelay([first, second]);
  await waitUntil(() => first.synced, 'the first client to be answered', 5_000);
});
