import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CLOSE_CODES, CODE_TEXT } from '@pairwise/protocol';
import { applyStoredUpdates } from '../src/storage/index.js';
import { step2UpdateFrame } from '../src/sync/room.testkit.js';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { roomCode } from './support/http-api.js';
import { closeOf, closeRawSockets, rawClient, updateFrame } from './support/raw-socket.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** The room sync engine against the real server with stock and raw clients: line endings, update races, server failures. */

let s: TestServer;
const clients: TestClient[] = [];

beforeAll(async () => {
  s = await startTestServer();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.destroy();
  closeRawSockets();
});
afterAll(async () => {
  await s.close();
});

function stockClient(roomId: string): TestClient {
  const c = connectClient(s.wsUrl, roomId);
  clients.push(c);
  return c;
}

async function storedText(roomId: string): Promise<string> {
  await s.server.commits.flush();
  const doc = new Y.Doc();
  applyStoredUpdates(doc, (await s.store.loadDocument(roomId))!.updates);
  const text = doc.getText(CODE_TEXT).toString();
  doc.destroy();
  return text;
}

/** What y-monaco does: the editor model is LF-only, so its offsets count a `\r\n` as one character. */
const monacoEndOffset = (text: Y.Text): number => text.toString().replace(/\r\n?/g, '\n').length;

describe('line endings', () => {
  // Regression: the stock client's `\r`s stayed in the Y.Text; a browser typing at the end of its
  // LF-only editor wrote inside `three` on the server, and the two never agreed again.
  it('a stock client inserting CRLF and a browser typing at the end agree on LF text, equal to the API code', async () => {
    const roomId = await s.createRoom({ language: 'plaintext' });
    const windows = stockClient(roomId);
    const browser = stockClient(roomId);
    await Promise.all([windows.synced(), browser.synced()]);
    windows.doc.transact(() => {
      windows.text.delete(0, windows.text.length);
      windows.text.insert(0, 'one\r\ntwo\r\nthree\r\n');
    });
    await waitFor(() => browser.text.toString().includes('three'), 'browser receives the text');

    browser.text.insert(monacoEndOffset(browser.text), 'four');

    const expected = 'one\ntwo\nthree\nfour';
    await waitFor(() => windows.text.toString() === expected && browser.text.toString() === expected, 'both end with LF text');
    expect(await roomCode(s, roomId)).toBe(expected);
    expect(await storedText(roomId)).toBe(expected);
  });
});

describe('updates sent before what they depend on', () => {
  /** A client's offline edit and the typing after it, from an empty document (both land at the start of the room's text). */
  function offlineThenTyping(): { offline: Uint8Array; typing: Uint8Array } {
    const doc = new Y.Doc();
    const text = doc.getText(CODE_TEXT);
    text.insert(0, 'offline ');
    const offline = Y.encodeStateAsUpdate(doc);
    const before = Y.encodeStateVector(doc);
    text.insert(8, 'typed ');
    const typing = Y.encodeStateAsUpdate(doc, before);
    doc.destroy();
    return { offline, typing };
  }

  // Regression: the server closed the socket (1007) on the typing; the client reconnected and could hit the same race again.
  it('typing sent before its own sync step 2 is applied once the step 2 arrives; the socket stays open; both are stored', async () => {
    const roomId = await s.createRoom({ language: 'plaintext' });
    const watcher = stockClient(roomId);
    await watcher.synced();
    const raw = rawClient(`${s.wsUrl}/${roomId}`);
    await raw.opened;
    const { offline, typing } = offlineThenTyping();

    raw.ws.send(updateFrame(typing));
    raw.ws.send(step2UpdateFrame(offline));

    await waitFor(() => watcher.text.toString().startsWith('offline typed '), 'another client sees both edits');
    expect((await roomCode(s, roomId)).startsWith('offline typed ')).toBe(true);
    expect((await storedText(roomId)).startsWith('offline typed ')).toBe(true);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
  });

  it('a stock client typing the moment it reconnects, before its step 2 carries its offline edit, is not cut off', async () => {
    const roomId = await s.createRoom({ language: 'plaintext' });
    const watcher = stockClient(roomId);
    const typist = stockClient(roomId);
    await Promise.all([watcher.synced(), typist.synced()]);
    const closedByServer: number[] = [];
    typist.provider.on('connection-close', (event) => void (event && closedByServer.push(event.code)));
    typist.provider.disconnect();
    typist.text.insert(0, 'offline ');
    // y-websocket reports 'connected' before sending its sync step 1: this edit leaves before the step 2.
    const typeOnConnect = ({ status }: { status: string }): void => {
      if (status !== 'connected') return;
      typist.provider.off('status', typeOnConnect);
      typist.text.insert(8, 'typed ');
    };
    typist.provider.on('status', typeOnConnect);
    typist.provider.connect();

    await waitFor(() => watcher.text.toString().startsWith('offline typed '), 'another client sees both edits');
    expect(closedByServer).toEqual([]);
    expect((await storedText(roomId)).startsWith('offline typed ')).toBe(true);
  });
});

describe('server failures', () => {
  // Regression: a failure of the server's own storage was reported as the client's invalid message (1007).
  it('storing fails (the committer is closed): the sender is closed with 1011, not 1007', async () => {
    const failing = await startTestServer();
    try {
      const roomId = await failing.createRoom({ language: 'plaintext' });
      const raw = rawClient(`${failing.wsUrl}/${roomId}`);
      await raw.opened;
      await failing.server.commits.close();
      raw.ws.send(updateFrame(insertAtStart('x')));
      expect((await closeOf(raw, 'sender')).code).toBe(CLOSE_CODES.internalError);
    } finally {
      await failing.close();
    }
  });
});

/** A self-contained insert at the start of the code. */
function insertAtStart(insert: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText(CODE_TEXT).insert(0, insert);
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}
