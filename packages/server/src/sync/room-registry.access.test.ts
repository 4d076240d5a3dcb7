import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES, CODE_TEXT, type RoomRole } from '@pairwise/protocol';
import type { ConnectionSession, SessionDecision, SessionResolver } from '../access/session.js';
import { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import { GroupCommitter } from '../persistence/group-commit.js';
import { initialDocument } from '../rooms/room-service.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import { RoomRegistry, type RoomLease } from './room-registry.js';
import { FakeSocket, clientOf, docs, editOn, sessionFor, updateFrame } from './room.testkit.js';

/**
 * The registry as AccessEvents: access changes reach open connections (and connections still being
 * admitted) at once; logouts close their sign-in session's sockets. Real store, committer and rooms.
 */

const log = pino({ level: 'silent' });

interface PendingReview {
  session: ConnectionSession;
  answer(role: RoomRole | null): void;
  fail(error: Error): void;
}

/** A resolver whose reviews the test answers, one by one. */
class ScriptedResolver implements SessionResolver {
  readonly reviews: PendingReview[] = [];
  resolve(): Promise<SessionDecision> {
    return Promise.reject(new Error('not used here'));
  }
  review(session: ConnectionSession): Promise<RoomRole | null> {
    return new Promise((resolve, reject) => this.reviews.push({ session, answer: resolve, fail: reject }));
  }
  /** Answers every review waiting now with `role`. */
  answerAll(role: RoomRole | null): void {
    for (const review of this.reviews.splice(0)) review.answer(role);
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  for (const doc of docs.splice(0)) doc.destroy();
});

async function setup(): Promise<{ registry: RoomRegistry; resolver: ScriptedResolver; store: MemoryRoomStore }> {
  const store = new MemoryRoomStore();
  const commits = new GroupCommitter({ store, windowMs: 10, log, maxRoomBacklogBytes: 1 << 20, maxBacklogBytes: 1 << 23, closeRetryMs: 0 });
  const compaction = new CompactionScheduler(store, 1_000, log);
  const resolver = new ScriptedResolver();
  const registry = new RoomRegistry({ store, commits, compaction, idleUnloadMs: 60_000, log, sessions: resolver });
  for (const id of ['room-a', 'room-b']) {
    await store.createRoom({ id, name: 'Room', language: 'python', createdAt: 1, updatedAt: 1 }, initialDocument('Room', 'python'));
  }
  cleanups.push(async () => {
    await registry.close();
    await commits.close();
    await store.close();
  });
  return { registry, resolver, store };
}

/** Admits and joins a fake socket as the endpoint does. */
async function connect(
  registry: RoomRegistry,
  roomId: string,
  session: ConnectionSession,
): Promise<{ socket: FakeSocket; lease: RoomLease }> {
  const admission = registry.admit(roomId);
  const lease = (await registry.acquire(roomId))!;
  const socket = new FakeSocket(session.presence.name);
  registry.join(admission, lease, socket, session);
  return { socket, lease };
}

const ada = (sessionId: string) => ({ principal: { kind: 'user', userId: 'u-ada', username: 'ada', sessionId } as const });

describe('RoomRegistry access events', () => {
  it('accessChanged reviews each open connection of the room: a lower role closes it (4100), none closes it (4403)', async () => {
    const { registry, resolver } = await setup();
    const { socket: editor, lease } = await connect(registry, 'room-a', sessionFor('editor'));
    const { socket: revoked } = await connect(registry, 'room-a', sessionFor('revoked'));
    const { socket: owner } = await connect(registry, 'room-a', sessionFor('owner', { role: 'owner' }));
    const { socket: unchanged } = await connect(registry, 'room-a', sessionFor('unchanged'));
    const { socket: elsewhere } = await connect(registry, 'room-b', sessionFor('elsewhere'));

    registry.accessChanged('room-a');
    expect(resolver.reviews.map((r) => r.session.presence.name)).toEqual(['editor', 'revoked', 'owner', 'unchanged']);
    resolver.reviews[0]!.answer('viewer');
    resolver.reviews[1]!.answer(null);
    resolver.reviews[2]!.answer('editor');
    resolver.reviews[3]!.answer('editor');
    await vi.waitFor(() => expect(lease.room.connectionCount).toBe(1));

    expect(revoked.closes).toEqual([{ code: CLOSE_CODES.forbidden, reason: 'access revoked' }]);
    expect(editor.closes).toEqual([{ code: CLOSE_CODES.roleChanged, reason: 'role changed' }]);
    // Owner to editor loses powers too (owner controls): the client must learn it now.
    expect(owner.closes).toEqual([{ code: CLOSE_CODES.roleChanged, reason: 'role changed' }]);
    const text = lease.room.text.toString();
    lease.room.receive(editor, updateFrame(editOn(clientOf(lease.room), (d) => d.getText(CODE_TEXT).insert(0, 'ignored '))));
    expect(lease.room.text.toString()).toBe(text);
    expect(unchanged.closes).toEqual([]);
    expect(lease.room.connections().map(([, s]) => [s.presence.name, s.role])).toEqual([['unchanged', 'editor']]);
    expect(elsewhere.closes).toEqual([]);
  });

  it('a promotion keeps the socket open and applies the new role to its next frame', async () => {
    const { registry, resolver } = await setup();
    const { socket, lease } = await connect(registry, 'room-a', sessionFor('promoted', { role: 'viewer' }));
    registry.accessChanged('room-a');
    resolver.answerAll('editor');
    await vi.waitFor(() => expect(lease.room.connections()[0]![1].role).toBe('editor'));

    lease.room.receive(socket, updateFrame(editOn(clientOf(lease.room), (d) => d.getText(CODE_TEXT).insert(0, 'applied '))));
    expect(lease.room.text.toString()).toMatch(/^applied /);
    expect(socket.closes).toEqual([]);
  });

  it('sessionEnded closes every socket of that sign-in session, in every room, with 4401', async () => {
    const { registry } = await setup();
    const { socket: tabA } = await connect(registry, 'room-a', sessionFor('ada-1', ada('s-1')));
    const { socket: tabB } = await connect(registry, 'room-b', sessionFor('ada-2', ada('s-1')));
    const { socket: otherSession } = await connect(registry, 'room-a', sessionFor('ada-3', ada('s-2')));
    const { socket: guest } = await connect(registry, 'room-a', sessionFor('guest'));

    registry.sessionEnded('s-1');

    expect(tabA.closes).toEqual([{ code: CLOSE_CODES.sessionEnded, reason: 'session ended' }]);
    expect(tabB.closes).toEqual([{ code: CLOSE_CODES.sessionEnded, reason: 'session ended' }]);
    expect(otherSession.closes).toEqual([]);
    expect(guest.closes).toEqual([]);
    expect(registry.loaded('room-a')!.connectionCount).toBe(2);
  });

  it('a connection being admitted when access changes is reviewed once it joins', async () => {
    const { registry, resolver } = await setup();
    const admission = registry.admit('room-a');
    registry.accessChanged('room-a');
    const lease = (await registry.acquire('room-a'))!;
    const socket = new FakeSocket('late');
    registry.join(admission, lease, socket, sessionFor('late'));
    expect(resolver.reviews).toHaveLength(1);
    resolver.answerAll(null);
    await vi.waitFor(() => expect(socket.closes.map((c) => c.code)).toEqual([CLOSE_CODES.forbidden]));
  });

  it('a connection being admitted when its sign-in session ends is closed (4401) as it joins', async () => {
    const { registry } = await setup();
    const admission = registry.admit('room-a');
    registry.sessionEnded('s-9');
    const lease = (await registry.acquire('room-a'))!;
    const socket = new FakeSocket('ada');
    registry.join(admission, lease, socket, sessionFor('ada', ada('s-9')));
    expect(socket.closes.map((c) => c.code)).toEqual([CLOSE_CODES.sessionEnded]);
    expect(lease.room.connectionCount).toBe(0);
  });

  it('admissions that ended are not touched by later changes', async () => {
    const { registry, resolver } = await setup();
    const { socket } = await connect(registry, 'room-a', sessionFor('done'));
    const abandoned = registry.admit('room-a');
    registry.abandon(abandoned);
    registry.accessChanged('room-b');
    expect(resolver.reviews).toEqual([]);
    expect(socket.closes).toEqual([]);
  });

  it('when reviews answer out of order, the latest review wins', async () => {
    const { registry, resolver } = await setup();
    const { socket, lease } = await connect(registry, 'room-a', sessionFor('someone', { role: 'viewer' }));
    registry.accessChanged('room-a');
    registry.accessChanged('room-a');
    const [older, newer] = resolver.reviews.splice(0);
    newer!.answer('editor');
    await vi.waitFor(() => expect(lease.room.connections()[0]![1].role).toBe('editor'));
    older!.answer('viewer');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(lease.room.connections()[0]![1].role).toBe('editor');
    expect(socket.closes).toEqual([]);
  });

  it('a review that fails closes the connection (1011): its role is unknown', async () => {
    const { registry, resolver } = await setup();
    const { socket } = await connect(registry, 'room-a', sessionFor('someone'));
    registry.accessChanged('room-a');
    resolver.reviews[0]!.fail(new Error('database down'));
    await vi.waitFor(() => expect(socket.closes.map((c) => c.code)).toEqual([CLOSE_CODES.internalError]));
  });

  it("carries each compaction's snapshot size to the loaded room", async () => {
    const { registry } = await setup();
    const { lease } = await connect(registry, 'room-a', sessionFor('someone'));
    registry.compactionStarted('room-a');
    registry.compacted('room-a', 42);
    expect(lease.room.size.bytes).toBe(42);
    registry.compacted('not-loaded', 1);
  });
});
