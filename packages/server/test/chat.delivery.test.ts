import { afterEach, describe, expect, it } from 'vitest';
import { type ChatMessage, type ChatPage, MESSAGE_CHAT, MESSAGE_PAIRWISE_HELLO } from '@pairwise/protocol';
import { readChatFrame } from '../src/chat/chat-frame.js';
import { describeEachBackend, type StoreBackend } from './support/backends.js';
import { connectClient, type TestClient, waitFor } from './support/clients.js';
import { startTestCluster, type TestCluster } from './support/cluster.js';
import { api } from './support/http-api.js';
import { describeWithPostgres } from './support/postgres.js';
import { closeRawSockets } from './support/raw-socket.js';
import { type RawPeer, rawPeer } from './support/roles.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/**
 * New chat messages reach everyone in the room at once, as a Pairwise message (MESSAGE_CHAT) to the
 * connections that sent the hello, on every instance; stock clients never see it. The chat is stored.
 */

const chatsOf = (peer: RawPeer): ChatMessage[] =>
  peer.received.map(readChatFrame).filter((message): message is ChatMessage => message !== null);

async function subscriber(s: TestServer, roomId: string): Promise<RawPeer> {
  const peer = await rawPeer(`${s.wsUrl}/${roomId}`);
  peer.ws.send(Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
  // Handled in order: once the barrier's answer is back, the hello was too.
  await peer.barrier();
  return peer;
}

async function post(s: TestServer, roomId: string, text: string): Promise<ChatMessage> {
  const response = await api(s, 'POST', `/api/rooms/${roomId}/chat`, { text });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body as ChatMessage;
}

describe('chat delivery on one instance', () => {
  let s: TestServer | undefined;
  const clients: TestClient[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    closeRawSockets();
    await s?.close();
    s = undefined;
  });

  it('every connection that sent the hello gets the message at once, exactly as stored', async () => {
    s = await startTestServer();
    const roomId = await s.createRoom();
    const [alice, bob] = [await subscriber(s, roomId), await subscriber(s, roomId)];
    const posted = Date.now();
    const message = await post(s, roomId, 'look at line 3');
    await waitFor(() => chatsOf(alice).length === 1 && chatsOf(bob).length === 1, 'both hear it', 1_000);
    expect(Date.now() - posted).toBeLessThan(1_000);
    expect(chatsOf(alice)).toEqual([message]);
    expect(chatsOf(bob)).toEqual([message]);
    const other = await s.createRoom();
    await post(s, other, 'another room');
    expect(chatsOf(alice)).toEqual([message]);
  });

  it('a stock y-websocket client never receives type 102 and stays connected', async () => {
    s = await startTestServer();
    const roomId = await s.createRoom();
    const raw = await rawPeer(`${s.wsUrl}/${roomId}`);
    await raw.barrier();
    const stock = connectClient(s.wsUrl, roomId);
    clients.push(stock);
    await stock.synced();
    const stockFrames: number[] = [];
    stock.provider.ws?.addEventListener('message', (event: MessageEvent) => {
      stockFrames.push(new Uint8Array(event.data as ArrayBuffer)[0] ?? -1);
    });
    const watcher = await subscriber(s, roomId);

    await post(s, roomId, 'hello stock clients');
    await waitFor(() => chatsOf(watcher).length === 1, 'the subscriber hears it', 1_000);
    await raw.barrier();
    stock.text.insert(0, 'still editing ');
    await waitFor(() => s?.server.registry.loaded(roomId)?.text.toString().startsWith('still editing ') === true, 'the stock edit arrives');

    expect(raw.received.some((frame) => frame[0] === MESSAGE_CHAT)).toBe(false);
    expect(stockFrames).not.toContain(MESSAGE_CHAT);
    expect(stock.provider.wsconnected).toBe(true);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
  });
});

await describeEachBackend('chat survives a restart', (createBackend) => {
  let backend: StoreBackend | undefined;
  let s: TestServer | undefined;

  afterEach(async () => {
    await s?.close();
    s = undefined;
    await backend?.destroy();
  });

  it('messages posted before a restart are read back after it, in order', async () => {
    backend = await createBackend();
    s = await startTestServer({ store: await backend.open() });
    const roomId = await s.createRoom();
    const posted = [await post(s, roomId, 'first'), await post(s, roomId, 'second `code`')];
    await s.close();

    s = await startTestServer({ store: await backend.open() });
    expect((await api(s, 'GET', `/api/rooms/${roomId}/chat`)).body).toEqual({ messages: posted, nextBefore: null } satisfies ChatPage);
    const third = await post(s, roomId, 'third');
    expect(third.seq).toBeGreaterThan(posted[1]?.seq ?? Number.POSITIVE_INFINITY);
  });
});

await describeWithPostgres('chat across instances', () => {
  let cluster: TestCluster | undefined;

  afterEach(async () => {
    closeRawSockets();
    await cluster?.close();
    cluster = undefined;
  });

  it('a message posted on one instance reaches subscribers on the others at once, whether or not the poster holds the room', async () => {
    cluster = await startTestCluster(3);
    const [a, b, c] = cluster.instances as [TestServer, TestServer, TestServer];
    const roomId = await a.createRoom();
    const onB = await subscriber(b, roomId);
    const onC = await subscriber(c, roomId);
    expect(a.server.registry.loaded(roomId)).toBeUndefined();

    // `a` has not loaded the room: it tells the instances that have.
    const fromA = await post(a, roomId, 'posted where nobody is connected');
    await waitFor(() => chatsOf(onB).length === 1 && chatsOf(onC).length === 1, 'the others hear it', 5_000);
    const fromB = await post(b, roomId, 'posted where the room is loaded');
    await waitFor(() => chatsOf(onC).length === 2, 'c hears b', 5_000);
    expect(chatsOf(onB)).toEqual([fromA, fromB]);
    expect(chatsOf(onC)).toEqual([fromA, fromB]);
    expect((await api(c, 'GET', `/api/rooms/${roomId}/chat`)).body).toEqual({ messages: [fromA, fromB], nextBefore: null });
  });
});
