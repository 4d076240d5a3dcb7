/**
 * Storage must never stall the server: SQLite commits (fsync under disk load, busy waits) block
 * only the storage worker thread. With the synchronous store every 500 ms commit froze the event
 * loop, so edits reached the other client up to 500 ms late.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { afterEach, expect, it } from 'vitest';
import { SqliteWorkerStore } from '../src/storage/index.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { CODE_TEXT } from '@pairwise/protocol';

const COMMIT_DELAY_MS = 500;
const KEYSTROKES = 30;
const KEYSTROKE_GAP_MS = 25;

let dir: string | undefined;
let server: TestServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

it(`edits reach the other client quickly while every SQLite commit takes ${COMMIT_DELAY_MS} ms`, async () => {
  dir = await mkdtemp(join(tmpdir(), 'pairwise-slow-storage-'));
  const store = await SqliteWorkerStore.open(join(dir, 'pairwise.sqlite'), { simulatedCommitDelayMs: COMMIT_DELAY_MS });
  server = await startTestServer({ store });
  const roomId = await server.createRoom({ language: 'plaintext' });
  const writer = connectClient(server.wsUrl, roomId);
  const reader = connectClient(server.wsUrl, roomId);
  clients.push(writer, reader);
  await Promise.all([writer.synced(), reader.synced()]);

  const latencies = await typeAndTimeArrivals(writer, reader);

  // Typing spans several slow commits; each edit still arrives in a fraction of one.
  expect(latencies).toHaveLength(KEYSTROKES);
  expect(Math.max(...latencies), `latencies: ${latencies.map(Math.round).join(' ')}`).toBeLessThan(COMMIT_DELAY_MS / 3);
  const typed = writer.text.toString();
  // Fast, and stored too: closing the server waits for the slow commits.
  await server.close({ keepStore: true });
  server = undefined;
  const stored = new Y.Doc();
  for (const update of (await store.loadDocument(roomId))?.updates ?? []) Y.applyUpdate(stored, update);
  await store.close();
  expect(stored.getText(CODE_TEXT).toString()).toBe(typed);
});

/** Types one character every KEYSTROKE_GAP_MS; returns how long each took to show up at `reader`. */
async function typeAndTimeArrivals(writer: TestClient, reader: TestClient): Promise<number[]> {
  const sentAt: number[] = [];
  const latencies: number[] = [];
  const base = reader.text.length;
  reader.text.observe(() => {
    const arrived = reader.text.length - base;
    for (let i = latencies.length; i < arrived; i++) latencies.push(performance.now() - (sentAt[i] ?? NaN));
  });
  for (let i = 0; i < KEYSTROKES; i++) {
    sentAt.push(performance.now());
    writer.text.insert(writer.text.length, String.fromCharCode(97 + (i % 26)));
    await new Promise((resolve) => setTimeout(resolve, KEYSTROKE_GAP_MS));
  }
  await waitFor(() => latencies.length === KEYSTROKES, 'every keystroke to reach the reader');
  return latencies;
}
