import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import { GroupCommitter } from '../persistence/group-commit.js';
import { initialDocument } from '../rooms/room-service.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import { RoomRegistry } from '../sync/room-registry.js';
import { editOn, FakeSocket, sessionFor, updateFrame } from '../sync/room.testkit.js';
import { LocalBusNetwork, LocalRoomBus } from './local-room-bus.js';
import type { RoomBusHandlers } from './room-bus.js';

/**
 * Two registries ("instances") on one store and one in-process bus: what one applies reaches the
 * other's sockets, is stored once (by the instance that accepted it) and published once (no loop).
 */

const log = pino({ level: 'silent' });
const ROOM = 'shared-room';

interface Instance {
  registry: RoomRegistry;
  commits: GroupCommitter;
  bus: LocalRoomBus;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function instance(store: MemoryRoomStore, network: LocalBusNetwork, instanceId: string): Instance {
  const commits = new GroupCommitter({ store, windowMs: 5, log, maxRoomBacklogBytes: 1 << 20, maxBacklogBytes: 1 << 23, closeRetryMs: 0 });
  const compaction = new CompactionScheduler(store, 1_000, log);
  const bus = new LocalRoomBus({ network, instanceId });
  const registry = new RoomRegistry({ store, commits, compaction, idleUnloadMs: 60_000, log, bus });
  cleanups.push(async () => {
    await registry.close();
    await commits.close();
    await bus.close();
  });
  return { registry, commits, bus };
}

async function cluster(maxLogLength = 10_000) {
  const store = new MemoryRoomStore();
  await store.createRoom({ id: ROOM, name: 'Room', language: 'python', createdAt: 1, updatedAt: 1 }, initialDocument('Room', 'python'));
  const network = new LocalBusNetwork(maxLogLength);
  const a = instance(store, network, 'a');
  const b = instance(store, network, 'b');
  const roomA = (await a.registry.acquire(ROOM))!.room;
  const roomB = (await b.registry.acquire(ROOM))!.room;
  // What goes through the room's log from now on, as a third party hears it.
  const heard: Uint8Array[] = [];
  const observer: RoomBusHandlers = { update: (u) => void heard.push(u), awareness: () => {}, control: () => {}, gap: () => {} };
  const listening = await new LocalRoomBus({ network, instanceId: 'observer' }).join(ROOM, observer);
  cleanups.push(() => listening.leave());
  return { store, network, a, b, roomA, roomB, heard };
}

const settle = () => new Promise((r) => setTimeout(r, 30));

async function storedUpdateCount(store: MemoryRoomStore): Promise<number> {
  return (await store.loadDocument(ROOM))!.updates.length;
}

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
    const { network, a, roomA, roomB } = await cluster(4);
    network.stall('b');
    const writer = new FakeSocket('writer');
    roomA.join(writer, sessionFor('writer'));
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(roomA.doc));
    for (let i = 0; i < 10; i++) roomA.receive(writer, updateFrame(editOn(client, (doc) => doc.getText('code').insert(0, `${i};`))));
    await a.commits.flush();
    console.log('before', JSON.stringify(roomB.text.toString()));
    network.resume('b');
    await settle();
    console.log('after', JSON.stringify(roomB.text.toString().slice(0, 40)), roomB.doc.store.pendingStructs !== null);
    expect(roomB.text.toString()).toBe(roomA.text.toString());
    client.destroy();
  });
});
