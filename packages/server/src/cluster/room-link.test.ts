import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { type ChatMessage, MESSAGE_CHAT, MESSAGE_PAIRWISE_HELLO } from '@pairwise/protocol';
import { readChatFrame } from '../chat/chat-frame.js';
import { editOn, FakeSocket, sessionFor, updateFrame } from '../sync/room.testkit.js';
import { ROOM, settle, storedUpdateCount, useLinkedCluster } from './room-link.testkit.js';

/**
 * Two registries ("instances") on one store and one in-process bus: what one applies reaches the
 * other's sockets, is stored once (by the instance that accepted it) and published once (no loop).
 */

const cluster = useLinkedCluster();

describe('rooms linked over the room bus', () => {
  it("a client's edit on A reaches B's sockets, is published once and stored once", async () => {
    const { store, a, b, roomA, roomB, heard } = await cluster();
    const before = await storedUpdateCount(store);
    const writer = new FakeSocket('writer');
    const reader = new FakeSocket('reader');
    roomA.join(writer, sessionFor('writer'));
    roomB.join(reader, sessionFor('reader'));
    reader.take();

    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(roomA.doc));
    roomA.receive(writer, updateFrame(editOn(client, (doc) => doc.getText('code').insert(0, 'from A '))));
    await settle();
    await Promise.all([a.commits.flush(), b.commits.flush()]);

    expect(roomB.text.toString()).toBe(roomA.text.toString());
    expect(roomB.text.toString().startsWith('from A ')).toBe(true);
    expect(reader.take().length).toBe(1);
    expect(heard.length).toBe(1);
    expect(await storedUpdateCount(store)).toBe(before + 1);
    client.destroy();
  });

  it('a chat message posted on A reaches the subscribed sockets on both instances, once, and no other socket', async () => {
    const { a, roomA, roomB } = await cluster();
    const [onA, onB, stockOnB] = [new FakeSocket('a'), new FakeSocket('b'), new FakeSocket('stock')];
    roomA.join(onA, sessionFor('a'));
    roomB.join(onB, sessionFor('b'));
    roomB.join(stockOnB, sessionFor('stock'));
    roomA.receive(onA, Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
    roomB.receive(onB, Uint8Array.of(MESSAGE_PAIRWISE_HELLO));
    for (const socket of [onA, onB, stockOnB]) socket.take();

    const message: ChatMessage = {
      id: 'm1',
      seq: 1,
      at: new Date(0).toISOString(),
      author: { id: 'guest:g', name: 'Ada', color: '#112233' },
      text: 'see `x`',
    };
    a.registry.chatPosted(ROOM, message);
    await settle();
    const chats = (socket: FakeSocket) =>
      socket
        .take()
        .map(readChatFrame)
        .filter((m) => m !== null);
    expect(chats(onA)).toEqual([message]);
    expect(chats(onB)).toEqual([message]);
    expect(stockOnB.take().filter((frame) => frame[0] === MESSAGE_CHAT)).toEqual([]);
  });

  it('a server change on B (settings) reaches A as a document update; no settings event is needed', async () => {
    const { b, roomA } = await cluster();
    await b.registry.changeSettings(ROOM, { name: 'Renamed on B' });
    await settle();
    expect(roomA.meta().name).toBe('Renamed on B');
  });

  it("a server-only key changed on A is held to A's value on B: a client on B cannot change it back", async () => {
    const { a, roomA, roomB } = await cluster();
    await a.registry.changeSettings(ROOM, { aiCompletions: false });
    await settle();
    expect(roomB.meta().aiCompletions).toBe(false);

    const tamperer = new FakeSocket('tamperer');
    roomB.join(tamperer, sessionFor('tamperer'));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(roomB.doc));
    roomB.receive(tamperer, updateFrame(editOn(client, (doc) => doc.getMap('meta').set('aiCompletions', true))));
    await settle();
    expect([roomA.meta().aiCompletions, roomB.meta().aiCompletions]).toEqual([false, false]);
    client.destroy();
  });

  it('a gap (B fell behind the trimmed log) is repaired from storage', async () => {
    const { network, a, roomA, roomB } = await cluster({ maxLogLength: 4 });
    network.stall('b');
    const writer = new FakeSocket('writer');
    roomA.join(writer, sessionFor('writer'));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(roomA.doc));
    for (let i = 0; i < 10; i++) roomA.receive(writer, updateFrame(editOn(client, (doc) => doc.getText('code').insert(0, `${i};`))));
    await a.commits.flush();
    network.resume('b');
    await settle();
    expect(roomB.text.toString()).toBe(roomA.text.toString());
    client.destroy();
  });
});
