import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { CODE_TEXT, LANGUAGE_IDS, META_KEYS, META_MAP, ROOM_ID_PATTERN, type LanguageId } from '@pairwise/protocol';
import { NO_ACCESS_EVENTS } from '../access/no-access-events.js';
import type { RoomMember } from '../access/room-access.js';
import type { Principal } from '../access/session.js';
import { DEFAULT_ROOM_ACCESS } from '../storage/access.js';
import { CompactionScheduler } from '../persistence/compaction-scheduler.js';
import { GroupCommitter } from '../persistence/group-commit.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import { RoomRegistry } from '../sync/room-registry.js';
import {
  InvalidCursorError,
  RoomService,
  TooManyRoomsError,
  decodeCursor,
  encodeCursor,
  initialDocument,
  newRoomId,
} from './room-service.js';
import { starterSnippet } from './starter-snippets.js';

/** Room ids, list cursors and the first stored update of a room. */

const log = pino({ level: 'silent' });

function docFrom(...updates: Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

describe('list cursors', () => {
  it('round-trip (updatedAt, id)', () => {
    const cursors = [
      { updatedAt: 1_700_000_000_123, id: 'abc' },
      { updatedAt: 0, id: 'A-b_C' },
      { updatedAt: 9_007_199_254_740_991, id: 'z'.repeat(64) },
      { updatedAt: 42, id: '0123456789abcdefABCDEF_-' },
    ];
    for (const cursor of cursors) {
      const encoded = encodeCursor(cursor);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // safe in a query string as is
      expect(decodeCursor(encoded)).toEqual(cursor);
    }
  });

  describe('garbage cursors throw InvalidCursorError', () => {
    const b64 = (s: string): string => Buffer.from(s).toString('base64url');
    const garbage: Record<string, string> = {
      empty: '',
      'not base64': '!!!***',
      'plain id': 'my-room',
      'no separator': b64('1700000000000abc'),
      'no id': b64('1700000000000:'),
      'no time': b64(':abc'),
      'time not a number': b64('soon:abc'),
      'negative time': b64('-5:abc'),
      'time too long': b64(`${'9'.repeat(17)}:abc`),
      'id too short': b64('1:ab'),
      'id too long': b64(`1:${'a'.repeat(65)}`),
      'id with bad characters': b64('1:abc def'),
      'id with a path': b64('1:../etc'),
      'extra field': b64('1:abc:def'),
      'trailing newline': b64('1:abc\n'),
      binary: Buffer.from([0xff, 0x00, 0xfe, 0x3a, 0x61]).toString('base64url'),
    };
    for (const [name, cursor] of Object.entries(garbage)) {
      it(name, () => {
        expect(() => decodeCursor(cursor)).toThrow(InvalidCursorError);
      });
    }
  });
});

describe('newRoomId', () => {
  it('is URL-safe, at least 10 characters, a valid room id, and unique over 10k ids', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const id = newRoomId();
      expect(id).toMatch(/^[A-Za-z0-9_-]{10,}$/);
      expect(ROOM_ID_PATTERN.test(id)).toBe(true);
      expect(encodeURIComponent(id)).toBe(id);
      ids.add(id);
    }
    expect(ids.size).toBe(10_000);
  });
});

describe('initialDocument', () => {
  it('seeds meta (name, language) and the starter snippet', () => {
    const doc = docFrom(initialDocument('My room', 'python'));
    expect(doc.getMap(META_MAP).get(META_KEYS.name)).toBe('My room');
    expect(doc.getMap(META_MAP).get(META_KEYS.language)).toBe('python');
    expect(doc.getText(CODE_TEXT).toString()).toBe(starterSnippet('python'));
    expect(starterSnippet('python').length).toBeGreaterThan(0);
    doc.destroy();
  });

  it('gives every language its own snippet (or none), never two', () => {
    for (const language of LANGUAGE_IDS as readonly LanguageId[]) {
      const doc = docFrom(initialDocument('r', language));
      expect(doc.getText(CODE_TEXT).toString(), language).toBe(starterSnippet(language));
      expect(doc.getMap(META_MAP).get(META_KEYS.language)).toBe(language);
      doc.destroy();
    }
  });

  it('is idempotent: applying the same first update again (a reload, a second replica) does not duplicate the snippet', () => {
    const update = initialDocument('r', 'go');
    const doc = docFrom(update, update, update);
    expect(doc.getText(CODE_TEXT).toString()).toBe(starterSnippet('go'));
    doc.destroy();
  });

  it('is one transaction: a single update that holds everything', () => {
    const doc = docFrom(initialDocument('r', 'rust'));
    // One client, all of it written in one go.
    expect(Y.encodeStateVector(doc)).toEqual(Y.encodeStateVector(docFrom(Y.encodeStateAsUpdate(doc))));
    expect([...Y.decodeStateVector(Y.encodeStateVector(doc)).keys()]).toHaveLength(1);
    doc.destroy();
  });

  describe('through RoomService', () => {
    let cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0)) await fn();
      cleanup = [];
    });

    function service(): { store: MemoryRoomStore; registry: RoomRegistry; rooms: RoomService; accessChanges: string[] } {
      const store = new MemoryRoomStore();
      const commits = new GroupCommitter({
        store,
        windowMs: 10,
        log,
        maxRoomBacklogBytes: 1 << 20,
        maxBacklogBytes: 1 << 23,
        closeRetryMs: 0,
      });
      const compaction = new CompactionScheduler(store, 1_000, log);
      const registry = new RoomRegistry({ store, commits, compaction, idleUnloadMs: 10, log });
      cleanup.push(async () => {
        await registry.close();
        await commits.close();
        await store.close();
      });
      const accessChanges: string[] = [];
      const events = { ...NO_ACCESS_EVENTS, accessChanged: (roomId: string) => void accessChanges.push(roomId) };
      const rooms = new RoomService({ store, registry, events, maxRoomsPerUser: 2, now: () => 1_700_000_000_000 });
      return { store, registry, rooms, accessChanges };
    }

    const guest: Principal = { kind: 'guest', guestId: 'g1' };
    const ada: Principal = { kind: 'user', userId: 'u-ada', username: 'ada', sessionId: 's1' };
    const owner: RoomMember = { access: DEFAULT_ROOM_ACCESS, role: 'owner' };

    it('create() stores exactly one seeded update; loading and reloading the room shows the snippet once', async () => {
      const { store, registry, rooms } = service();
      const created = await rooms.create({ name: 'Seeded', language: 'javascript' }, guest);
      expect(created).toMatchObject({ name: 'Seeded', language: 'javascript' });
      expect(ROOM_ID_PATTERN.test(created.id)).toBe(true);

      const stored = await store.loadDocument(created.id);
      expect(stored!.updates).toHaveLength(1);

      const snippet = starterSnippet('javascript');
      expect((await rooms.get(created.id, owner))?.code).toBe(snippet);
      // Unload, then load again: nothing seeds a second time.
      await new Promise((r) => setTimeout(r, 50));
      expect(registry.loaded(created.id)).toBeUndefined();
      expect((await rooms.get(created.id, owner))?.code).toBe(snippet);
      expect((await store.loadDocument(created.id))!.updates).toHaveLength(1);
    });

    it('create() without a body uses defaults; a caller-chosen id is kept', async () => {
      const { rooms } = service();
      const plain = await rooms.create({}, guest);
      expect(plain).toMatchObject({
        name: 'Untitled room',
        language: 'python',
        visibility: 'public-edit',
        aiCompletions: true,
        historyAccess: 'editors',
        role: 'owner',
      });
      expect((await rooms.get(plain.id, owner))?.code).toBe(starterSnippet('python'));
      const chosen = await rooms.create({ id: 'my-own-id' }, guest);
      expect(chosen.id).toBe('my-own-id');
    });

    it('create() by a guest hands out an owner key once and stores only its SHA-256', async () => {
      const { store, rooms } = service();
      const created = await rooms.create({ visibility: 'private' }, guest);
      expect(created.ownerKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await store.getAccess(created.id)).toEqual({
        visibility: 'private',
        ownerUserId: null,
        ownerKeyHash: createHash('sha256').update(created.ownerKey!).digest('hex'),
        aiCompletions: true,
        runCode: true,
        historyAccess: 'editors',
      });
    });

    it('create() by a signed-in user makes them the owner, up to maxRoomsPerUser', async () => {
      const { store, rooms } = service();
      const first = await rooms.create({}, ada);
      expect(first.ownerKey).toBeUndefined();
      expect((await store.getAccess(first.id))?.ownerUserId).toBe('u-ada');
      await rooms.create({}, ada);
      await expect(rooms.create({}, ada)).rejects.toBeInstanceOf(TooManyRoomsError);
      // Guests have no account to count against; their rooms are bounded per address (rate limits).
      await rooms.create({}, guest);
    });

    it('update() stores the suggestions switch in the access and writes it into the live document', async () => {
      const { store, registry, rooms, accessChanges } = service();
      const { id } = await rooms.create({}, ada);
      const updated = await rooms.update(id, { aiCompletions: false }, owner);
      expect(updated).toMatchObject({ aiCompletions: false, role: 'owner' });
      expect((await store.getAccess(id))?.aiCompletions).toBe(false);
      expect(await registry.withRoom(id, (room) => room.doc.getMap(META_MAP).get(META_KEYS.aiCompletions))).toBe(false);
      expect((await rooms.get(id, owner))?.aiCompletions).toBe(false);
      expect(accessChanges).toEqual([]); // the switch changes nobody's role
    });

    it('update() of the visibility is announced so open connections are reviewed', async () => {
      const { store, rooms, accessChanges } = service();
      const { id } = await rooms.create({}, ada);
      expect(await rooms.update(id, { visibility: 'public-view', name: 'Renamed' }, owner)).toMatchObject({
        visibility: 'public-view',
        name: 'Renamed',
      });
      expect((await store.getAccess(id))?.visibility).toBe('public-view');
      expect(accessChanges).toEqual([id]);
    });

    it('list() shows a user their own rooms with their role, and a guest nothing', async () => {
      const { rooms } = service();
      const mine = await rooms.create({ name: 'Mine' }, ada);
      await rooms.create({ name: 'Not mine' }, guest);
      const listed = await rooms.list(ada, 10, undefined);
      expect(listed.rooms.map((r) => [r.id, r.role])).toEqual([[mine.id, 'owner']]);
      expect(await rooms.list(guest, 10, undefined)).toEqual({ rooms: [], nextCursor: null });
    });

    it('list() reads a page in one store query, however many rooms it holds', async () => {
      const { store, rooms } = service();
      await store.createUser({ id: 'u-ada', username: 'ada', passwordHash: 'x', createdAt: 1 });
      await rooms.create({ name: 'Owned' }, ada);
      const shared = await rooms.create({ name: 'Shared', visibility: 'private' }, guest);
      await store.setMember(shared.id, 'u-ada', 'viewer', 1);
      const reads = ['listRoomsOf', 'getRoom', 'getAccess', 'memberRole'] as const;
      const spies = reads.map((method) => vi.spyOn(store, method));

      const listed = await rooms.list(ada, 10, undefined);
      // Both rooms have the same updatedAt (a fixed clock), so their order is their random ids'.
      expect(listed.rooms.map((r) => [r.name, r.role, r.visibility]).sort()).toEqual([
        ['Owned', 'owner', 'public-edit'],
        ['Shared', 'viewer', 'private'],
      ]);
      expect(spies.map((spy) => spy.mock.calls.length)).toEqual([1, 0, 0, 0]);
    });
  });
});
