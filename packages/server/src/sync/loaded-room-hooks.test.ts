import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { BUS_ORIGIN } from '../cluster/room-link.js';
import { GroupCommitter } from '../persistence/group-commit.js';
import { initialDocument } from '../rooms/room-service.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import type { RoomWrite } from '../storage/store.js';
import { LoadedRoomHooks } from './loaded-room-hooks.js';
import { Room } from './room.js';
import { clientOf, editOn, FakeSocket, joinAs, updateFrame } from './room.testkit.js';
import { StoredStates } from './stored-state.js';

/** A real memory store that keeps every write it was given, to read who the group commit named. */
class WriteLog extends MemoryRoomStore {
  readonly writes: RoomWrite[] = [];

  override async writeRooms(writes: readonly RoomWrite[], updatedAt: number): Promise<void> {
    this.writes.push(...writes);
    return super.writeRooms(writes, updatedAt);
  }
}

const log = pino({ level: 'silent' });
let closing: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closing) await close();
  closing = [];
});

async function loadedRoom(): Promise<{
  store: WriteLog;
  commits: GroupCommitter;
  hooks: LoadedRoomHooks;
  room: Room;
  published: Uint8Array[];
}> {
  const store = new WriteLog();
  await store.createRoom({ id: 'r1', name: 'Room', language: 'python', createdAt: 1, updatedAt: 1 }, initialDocument('Room', 'python'));
  const stored = await store.loadDocument('r1');
  if (!stored) throw new Error('room not created');
  const commits = new GroupCommitter({ store, windowMs: 10, log, maxRoomBacklogBytes: 1 << 20, maxBacklogBytes: 1 << 23, closeRetryMs: 0 });
  const storedStates = new StoredStates((roomId) => commits.holds(roomId));
  const hooks = new LoadedRoomHooks({ commits, log, storedStates }, 'r1', stored.incarnation);
  const room = new Room('r1', stored.updates, hooks, () => {}, { incarnation: stored.incarnation });
  const published: Uint8Array[] = [];
  hooks.link = { publishUpdate: (update) => published.push(update) };
  hooks.room = room;
  closing.push(async () => {
    room.destroy();
    await commits.close();
    await store.close();
  });
  return { store, commits, hooks, room, published };
}

describe('LoadedRoomHooks', () => {
  it("stores and publishes a client's update with its author; an update heard on the room bus is neither", async () => {
    const { store, commits, room, published } = await loadedRoom();
    const alice = joinAs(room, 'alice');
    const doc = clientOf(room);
    room.receive(alice, updateFrame(editOn(doc, (d) => d.getText('code').insert(0, 'a'))));
    const fromPeer = new Y.Doc();
    fromPeer.getText('code').insert(0, 'b');
    Y.transact(room.doc, () => Y.applyUpdate(room.doc, Y.encodeStateAsUpdate(fromPeer)), BUS_ORIGIN);
    await commits.flush();

    const written = store.writes.flatMap((write) => write.updates.map((_, i) => write.authorIds?.[i] ?? null));
    expect(written).toEqual(['guest:alice']);
    expect(store.writes.flatMap((write) => write.authors ?? []).map((author) => author.name)).toEqual(['alice']);
    expect(published).toHaveLength(1);
  });

  it('indexes the settings clients change, and not an invalid language', async () => {
    const { store, commits, hooks } = await loadedRoom();
    hooks.onMetaChange({ name: 'Renamed', language: 'python', aiCompletions: true, runCode: true });
    await commits.flush();
    expect((await store.getRoom('r1'))?.name).toBe('Renamed');

    hooks.onMetaChange({ name: 'Renamed', language: 'not-a-language', aiCompletions: true, runCode: true });
    await commits.flush();
    expect((await store.getRoom('r1'))?.language).toBe('python');
  });

  it('a hook that needs the room does nothing before the room is set (it runs inside the room constructor)', async () => {
    const { commits } = await loadedRoom();
    const early = new LoadedRoomHooks({ commits, log, storedStates: new StoredStates(() => false) }, 'r1', 'x');
    const socket = new FakeSocket('early');
    expect(() => {
      early.onSubscribed(socket);
      early.onEditFrame(socket);
      early.onLeave(socket);
    }).not.toThrow();
  });
});
