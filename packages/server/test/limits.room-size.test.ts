import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT } from '@pairwise/protocol';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { roomCode } from './support/http-api.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { recordCloses } from './support/typist.js';
import { within } from './support/within.js';

/**
 * MAX_ROOM_TEXT_LENGTH over the wire, with stock y-websocket clients: an edit past the limit is
 * refused whole (4413), relayed to no one and never stored, however often its client sends it again.
 * Regression: a browser test saw a refused 1,201-character "paste" leave the room at exactly 1,000;
 * Playwright's `insertText` had typed it one character at a time, and the server was right.
 */

const LIMIT = 1_000;
let s: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  s = await startTestServer({ roomLimits: { maxTextLength: LIMIT } });
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
});
afterAll(async () => {
  await s.close();
});

async function synced(roomId: string): Promise<TestClient> {
  const c = connectClient(s.wsUrl, roomId);
  clients.push(c);
  await c.synced();
  return c;
}

/** The code text as storage holds it, once everything relayed is written. */
async function storedCode(roomId: string): Promise<string> {
  await s.server.commits.flush();
  const stored = await s.store.loadDocument(roomId);
  const doc = new Y.Doc();
  for (const update of stored?.updates ?? []) Y.applyUpdate(doc, update);
  const code = doc.getText(CODE_TEXT).toString();
  doc.destroy();
  return code;
}

/** Resolves with the code of the next close the server sends this client; fails after 5 s. */
function nextClose(c: TestClient): Promise<number> {
  const closed = new Promise<number>((resolve) => c.provider.once('connection-close', (event) => resolve(event?.code ?? 0)));
  return within(closed, 5_000, 'the server closes the writer');
}

describe('a room at MAX_ROOM_TEXT_LENGTH, over the wire', () => {
  it('one 1,201-character insert into a room with text: 4413, nothing applied, relayed or stored; the client stays away', async () => {
    const roomId = await s.createRoom({ language: 'python' });
    const before = await roomCode(s, roomId);
    expect(before.length).toBeGreaterThan(0);
    const watcher = await synced(roomId);
    const writer = await synced(roomId);
    let relayed = 0;
    watcher.doc.on('update', () => relayed++);
    const closes = recordCloses(writer);

    const closed = nextClose(writer);
    writer.text.insert(writer.text.length, ` ${'x'.repeat(1_200)}`);
    expect(await closed).toBe(CLOSE_CODES.roomFull);

    // 4400-4499 are final for a stock client: it does not come back to push the edit again.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(closes.codes).toEqual([CLOSE_CODES.roomFull]);
    expect(writer.provider.wsconnected || writer.provider.wsconnecting).toBe(false);
    expect(relayed).toBe(0);
    expect(await roomCode(s, roomId)).toBe(before);
    expect(await storedCode(roomId)).toBe(before);
  });

  it('a client that reconnects anyway sends the refused edit again in its sync step 2: refused again, every time', async () => {
    const roomId = await s.createRoom({ language: 'python' });
    const before = await roomCode(s, roomId);
    const watcher = await synced(roomId);
    const writer = await synced(roomId);
    let relayed = 0;
    watcher.doc.on('update', () => relayed++);

    let closed = nextClose(writer);
    writer.text.insert(0, 'y'.repeat(LIMIT - before.length + 1));
    expect(await closed).toBe(CLOSE_CODES.roomFull);
    for (let attempt = 0; attempt < 2; attempt++) {
      closed = nextClose(writer);
      writer.provider.connect();
      expect(await closed).toBe(CLOSE_CODES.roomFull);
    }

    expect(relayed).toBe(0);
    expect(await roomCode(s, roomId)).toBe(before);
    expect(await storedCode(roomId)).toBe(before);
  });

  it('an edit that brings the room to exactly the limit is applied; one more character is refused', async () => {
    const roomId = await s.createRoom({ language: 'python' });
    const writer = await synced(roomId);
    const watcher = await synced(roomId);
    writer.text.insert(0, 'a'.repeat(LIMIT - writer.text.length));
    await waitFor(() => watcher.text.length === LIMIT, 'the edit up to the limit arrives');

    const closed = nextClose(writer);
    writer.text.insert(0, 'b');
    expect(await closed).toBe(CLOSE_CODES.roomFull);
    expect((await roomCode(s, roomId)).length).toBe(LIMIT);
    expect(await storedCode(roomId)).toBe(watcher.text.toString());
  });
});
