import { connect } from 'node:net';
import { expect, it } from 'vitest';
import { MemoryRoomStore } from '../src/storage/index.js';
import { connectClient } from './support/clients.js';
import { startTestServer } from './support/test-server.js';

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
