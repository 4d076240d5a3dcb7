/**
 * MESSAGE_STORED_STATE against the real server with storage slowed on purpose: a client that sent
 * the Pairwise hello learns what is stored at once and after each write, never before the write
 * finished; a stock y-websocket client never gets the message (nor is it closed over it).
 */
import * as decoding from 'lib0/decoding';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { MESSAGE_PAIRWISE_HELLO, MESSAGE_STORED_STATE } from '@pairwise/protocol';
import { connectClient, waitFor, type TestClient } from './support/clients.js';
import { SlowedStore } from './support/slowed-store.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const WRITE_DELAY_MS = 300;

interface Told {
  readonly vector: Map<number, number>;
  readonly at: number;
}

let server: TestServer | undefined;
const clients: TestClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await server?.close();
  server = undefined;
});

/** A y-websocket client that sends the hello on every connect, as the web app does, and records each stored vector. */
function connectWithHello(wsUrl: string, roomId: string): TestClient & { told: Told[] } {
  const client = connectClient(wsUrl, roomId, { connect: false });
  const told: Told[] = [];
  const { provider } = client;
  provider.messageHandlers[MESSAGE_STORED_STATE] = (_encoder, decoder) => {
    told.push({ vector: Y.decodeStateVector(decoding.readVarUint8Array(decoder)), at: performance.now() });
  };
  provider.on('status', ({ status }) => {
    if (status === 'connected') provider.ws?.send(Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
  });
  provider.connect();
  clients.push(client);
  return Object.assign(client, { told });
}

/** A stock client, plus the type of every frame the server sent it and every close it saw. */
function connectStock(wsUrl: string, roomId: string): TestClient & { types: Set<number>; closes: number } {
  const client = Object.assign(connectClient(wsUrl, roomId, { connect: false }), { types: new Set<number>(), closes: 0 });
  const { provider } = client;
  provider.on('status', ({ status }) => {
    if (status !== 'connected') return;
    provider.ws?.addEventListener('message', (event) => {
      client.types.add(decoding.readVarUint(decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer))));
    });
  });
  provider.on('connection-close', () => void client.closes++);
  provider.connect();
  clients.push(client);
  return client;
}

const ownClock = (client: TestClient): number => Y.getState(client.doc.store, client.doc.clientID);

describe('stored state (MESSAGE_STORED_STATE)', () => {
  it('is told on the hello, and after each slow write only once that write finished', async () => {
    const store = new SlowedStore(WRITE_DELAY_MS);
    server = await startTestServer({ store });
    const roomId = await server.createRoom({ language: 'plaintext' });
    const saver = connectWithHello(server.wsUrl, roomId);
    const stock = connectStock(server.wsUrl, roomId);
    await Promise.all([saver.synced(), stock.synced()]);
    await waitFor(() => saver.told.length === 1, 'the stored vector right after the hello');
    expect(saver.told[0]!.vector.has(saver.doc.clientID)).toBe(false);

    const release = store.hold();
    const writesBefore = store.started.length;
    saver.text.insert(0, 'first ');
    const firstClock = ownClock(saver);
    await waitFor(() => store.started.length > writesBefore, 'the write of the first edit to start');
    // Queued behind the write in flight: not part of it.
    saver.text.insert(0, 'second ');
    stock.text.insert(0, 'stock ');
    await new Promise((resolve) => setTimeout(resolve, WRITE_DELAY_MS + 300));
    expect(saver.told).toHaveLength(1);

    release();
    await waitFor(() => saver.told.length >= 2, 'the stored vector after the first write');
    const firstWrite = store.finished.find((write) => write.roomIds.includes(roomId));
    expect(firstWrite).toBeDefined();
    expect(saver.told[1]!.at).toBeGreaterThanOrEqual(firstWrite!.at);
    expect(saver.told[1]!.vector.get(saver.doc.clientID)).toBe(firstClock);

    await waitFor(() => saver.told.at(-1)?.vector.get(saver.doc.clientID) === ownClock(saver), 'the second edit stored');
    expect(saver.told.at(-1)!.vector.get(stock.doc.clientID)).toBe(ownClock(stock));
    // Only y-websocket's own messages (sync 0, awareness 1), and it did get those.
    expect(stock.types.has(0)).toBe(true);
    expect([...stock.types].filter((type) => type !== 0 && type !== 1)).toEqual([]);
    expect(stock.closes).toBe(0);
  });

  it('tells a client that reconnects what is stored, its own earlier edits included', async () => {
    server = await startTestServer({ store: new SlowedStore(WRITE_DELAY_MS) });
    const roomId = await server.createRoom({ language: 'plaintext' });
    const saver = connectWithHello(server.wsUrl, roomId);
    await saver.synced();
    saver.text.insert(0, 'kept ');
    await waitFor(() => saver.told.at(-1)?.vector.get(saver.doc.clientID) === ownClock(saver), 'the edit stored');

    const toldBefore = saver.told.length;
    saver.provider.disconnect();
    saver.provider.connect();
    await waitFor(() => saver.told.length > toldBefore, 'the stored vector after the reconnect');
    expect(saver.told.at(-1)!.vector.get(saver.doc.clientID)).toBe(ownClock(saver));
  });
});
