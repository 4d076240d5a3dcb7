import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_ROOM_ACCESS, type LinkRecord } from './access.js';
import { type OpenedFullStore, user } from './accounts.contract.js';
import { append, room } from './store.contract.js';
import type { Store } from './store.js';

const INITIAL = new Uint8Array([1]);

/** The behaviour every AccessStore implementation must show. `open` gives each test a fresh store. */
export function describeAccessStoreContract(name: string, open: () => Promise<OpenedFullStore>): void {
  describe(`${name} (AccessStore contract)`, () => {
    let opened: OpenedFullStore;
    let store: Store;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      await store.createUser(user('alice-id', 'alice'));
      await store.createUser(user('bob-id', 'bob'));
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('creates access with the room: the defaults, or what the creator chose', async () => {
      await store.createRoom(room('guest', 1_000), INITIAL);
      expect(await store.getAccess('guest')).toEqual(DEFAULT_ROOM_ACCESS);
      const chosen = { visibility: 'private', ownerUserId: 'alice-id', ownerKeyHash: null } as const;
      await store.createRoom(room('owned', 1_000), INITIAL, chosen);
      expect(await store.getAccess('owned')).toEqual({ ...chosen, aiCompletions: true, runCode: true, historyAccess: 'editors' });
      await store.createRoom(room('keyed', 1_000), INITIAL, {
        visibility: 'public-view',
        ownerUserId: null,
        ownerKeyHash: 'ab'.repeat(32),
      });
      expect(await store.getAccess('keyed')).toMatchObject({ visibility: 'public-view', ownerKeyHash: 'ab'.repeat(32) });
      expect(await store.getAccess('missing')).toBeNull();
    });

    it('updates only the fields given; false for a missing room', async () => {
      await store.createRoom(room('r', 1_000), INITIAL);
      expect(await store.updateAccess('r', { aiCompletions: false })).toBe(true);
      expect(await store.updateAccess('r', { visibility: 'public-view', aiCompletions: undefined })).toBe(true);
      expect(await store.getAccess('r')).toEqual({ ...DEFAULT_ROOM_ACCESS, visibility: 'public-view', aiCompletions: false });
      expect(await store.updateAccess('r', { aiCompletions: true })).toBe(true);
      expect((await store.getAccess('r'))?.aiCompletions).toBe(true);
      expect(await store.updateAccess('r', { runCode: false })).toBe(true);
      expect(await store.getAccess('r')).toEqual({ ...DEFAULT_ROOM_ACCESS, visibility: 'public-view', runCode: false });
      expect(await store.updateAccess('r', { visibility: 'public-view' })).toBe(true);
      expect((await store.getAccess('r'))?.runCode).toBe(false);
      expect(await store.updateAccess('r', { runCode: true })).toBe(true);
      expect(await store.updateAccess('r', { historyAccess: 'owners' })).toBe(true);
      expect(await store.getAccess('r')).toEqual({ ...DEFAULT_ROOM_ACCESS, visibility: 'public-view', historyAccess: 'owners' });
      expect(await store.updateAccess('r', { visibility: 'private' })).toBe(true);
      expect((await store.getAccess('r'))?.historyAccess).toBe('owners');
      expect(await store.updateAccess('r', { historyAccess: 'editors' })).toBe(true);
      expect((await store.getAccess('r'))?.historyAccess).toBe('editors');
      expect(await store.updateAccess('missing', { visibility: 'private' })).toBe(false);
    });

    it('deletes access, members and links with the room; a room re-created under its id starts fresh', async () => {
      await store.createRoom(room('r', 1_000), INITIAL, { visibility: 'private', ownerUserId: 'alice-id', ownerKeyHash: null });
      await store.updateAccess('r', { aiCompletions: false });
      await store.setMember('r', 'bob-id', 'editor', 2_000);
      await store.createLink(link('l1', 'r', 'hash-1'));
      expect(await store.deleteRoom('r', new Uint8Array([0]))).toBe(true);
      expect(await store.getAccess('r')).toBeNull();
      expect(await store.listMembers('r')).toEqual([]);
      expect(await store.listLinks('r')).toEqual([]);

      await store.createRoom(room('r', 3_000), INITIAL);
      expect(await store.getAccess('r')).toEqual(DEFAULT_ROOM_ACCESS);
      expect(await store.memberRole('r', 'bob-id')).toBeNull();
      expect(await store.listMembers('r')).toEqual([]);
      expect(await store.findLink('r', 'hash-1')).toBeNull();
      expect(await store.listLinks('r')).toEqual([]);
      expect((await store.listRoomsOf('alice-id', 10, null)).rooms).toEqual([]);
      expect((await store.listRoomsOf('bob-id', 10, null)).rooms).toEqual([]);
      // The accounts themselves outlive the room.
      expect(await store.getUser('bob-id')).not.toBeNull();
    });

    it('adds members only to existing rooms and accounts', async () => {
      await store.createRoom(room('r', 1_000), INITIAL);
      expect(await store.setMember('missing', 'bob-id', 'editor', 2_000)).toBe(false);
      expect(await store.setMember('r', 'nobody', 'editor', 2_000)).toBe(false);
      expect(await store.listMembers('r')).toEqual([]);
      expect(await store.memberRole('missing', 'bob-id')).toBeNull();
    });

    it('lists members in the order they were added; a role change keeps the place and addedAt', async () => {
      await store.createRoom(room('r', 1_000), INITIAL);
      expect(await store.setMember('r', 'bob-id', 'viewer', 2_000)).toBe(true);
      expect(await store.setMember('r', 'alice-id', 'owner', 1_500)).toBe(true);
      expect(await store.memberRole('r', 'bob-id')).toBe('viewer');
      expect(await store.setMember('r', 'bob-id', 'editor', 9_000)).toBe(true);
      expect(await store.memberRole('r', 'bob-id')).toBe('editor');
      expect(await store.listMembers('r')).toEqual([
        { userId: 'bob-id', username: 'bob', role: 'editor', addedAt: 2_000 },
        { userId: 'alice-id', username: 'alice', role: 'owner', addedAt: 1_500 },
      ]);
    });

    it('removes a member once, touching no other room', async () => {
      await store.createRoom(room('r', 1_000), INITIAL);
      await store.createRoom(room('other', 1_000), INITIAL);
      await store.setMember('r', 'bob-id', 'editor', 2_000);
      await store.setMember('other', 'bob-id', 'viewer', 2_000);
      expect(await store.removeMember('r', 'bob-id')).toBe(true);
      expect(await store.removeMember('r', 'bob-id')).toBe(false);
      expect(await store.removeMember('missing', 'bob-id')).toBe(false);
      expect(await store.memberRole('r', 'bob-id')).toBeNull();
      expect(await store.memberRole('other', 'bob-id')).toBe('viewer');
    });

    it('finds a link by its room and token hash, revoked or not; revokes it once', async () => {
      await store.createRoom(room('r', 1_000), INITIAL);
      await store.createRoom(room('other', 1_000), INITIAL);
      const viewLink = link('l1', 'r', 'hash-1');
      expect(await store.createLink(viewLink)).toBe(true);
      expect(await store.createLink(link('l2', 'missing', 'hash-2'))).toBe(false);
      expect(await store.findLink('r', 'hash-1')).toEqual(viewLink);
      expect(await store.findLink('other', 'hash-1')).toBeNull();
      expect(await store.findLink('r', 'hash-unknown')).toBeNull();

      expect(await store.revokeLink('other', 'l1', 5_000)).toBe(false);
      expect(await store.revokeLink('r', 'l1', 5_000)).toBe(true);
      expect(await store.revokeLink('r', 'l1', 6_000)).toBe(false);
      expect(await store.revokeLink('r', 'missing', 6_000)).toBe(false);
      expect(await store.findLink('r', 'hash-1')).toEqual({ ...viewLink, revokedAt: 5_000 });
    });

    it('lists the links of a room newest first', async () => {
      await store.createRoom(room('r', 1_000), INITIAL);
      await store.createRoom(room('other', 1_000), INITIAL);
      const links = [link('l1', 'r', 'h1'), { ...link('l2', 'r', 'h2'), role: 'editor', expiresAt: null } as const, link('l3', 'r', 'h3')];
      for (const each of links) await store.createLink(each);
      await store.createLink(link('lx', 'other', 'hx'));
      await store.revokeLink('r', 'l2', 4_000);
      expect(await store.listLinks('r')).toEqual([links[2], { ...links[1], revokedAt: 4_000 }, links[0]]);
      expect(await store.listLinks('missing')).toEqual([]);
    });

    it("lists the rooms a user owns or is a member of, in listRooms order, never others' rooms", async () => {
      await store.createRoom(room('owned-old', 10), INITIAL, { visibility: 'public-edit', ownerUserId: 'alice-id', ownerKeyHash: null });
      await store.createRoom(room('member', 30), INITIAL);
      await store.createRoom(room('owned-and-member', 20), INITIAL, { visibility: 'private', ownerUserId: 'alice-id', ownerKeyHash: null });
      await store.createRoom(room('bobs', 40), INITIAL, { visibility: 'private', ownerUserId: 'bob-id', ownerKeyHash: null });
      await store.createRoom(room('public', 50), INITIAL);
      await store.setMember('member', 'alice-id', 'viewer', 1);
      await store.setMember('owned-and-member', 'alice-id', 'owner', 1);
      await store.setMember('bobs', 'bob-id', 'owner', 1);

      expect(await ids(store, 'alice-id', 10)).toEqual(['member', 'owned-and-member', 'owned-old']);
      expect(await ids(store, 'bob-id', 10)).toEqual(['bobs']);
      expect(await store.listRoomsOf('nobody', 10, null)).toEqual({ rooms: [], next: null });
      // An edit moves a room to the front, as in listRooms (a second or more after its last change: UPDATED_AT_RESOLUTION_MS).
      await append(store, 'owned-old', 5_000, new Uint8Array([2]));
      expect(await ids(store, 'alice-id', 10)).toEqual(['owned-old', 'member', 'owned-and-member']);
      expect((await store.listRoomsOf('alice-id', 10, null)).rooms[0]).toMatchObject(room('owned-old', 5_000));
      await expect(store.listRoomsOf('alice-id', 0, null)).rejects.toBeInstanceOf(RangeError);
    });

    it("lists each room with its access and the user's member role, so a page needs no more queries", async () => {
      const owned = { visibility: 'private', ownerUserId: 'alice-id', ownerKeyHash: null } as const;
      await store.createRoom(room('owned', 10), INITIAL, owned);
      await store.createRoom(room('member', 20), INITIAL, { visibility: 'public-view', ownerUserId: null, ownerKeyHash: 'ab'.repeat(32) });
      await store.createRoom(room('both', 30), INITIAL, { ...owned, ownerUserId: 'bob-id' });
      await store.setMember('member', 'alice-id', 'editor', 1);
      await store.setMember('member', 'bob-id', 'viewer', 1);
      await store.setMember('both', 'alice-id', 'owner', 1);
      await store.updateAccess('both', { aiCompletions: false, runCode: false, historyAccess: 'owners' });

      const { rooms } = await store.listRoomsOf('alice-id', 10, null);
      expect(rooms).toEqual([
        {
          ...room('both', 30),
          access: { ...owned, ownerUserId: 'bob-id', aiCompletions: false, runCode: false, historyAccess: 'owners' },
          memberRole: 'owner',
        },
        {
          ...room('member', 20),
          access: {
            visibility: 'public-view',
            ownerUserId: null,
            ownerKeyHash: 'ab'.repeat(32),
            aiCompletions: true,
            runCode: true,
            historyAccess: 'editors',
          },
          memberRole: 'editor',
        },
        { ...room('owned', 10), access: { ...owned, aiCompletions: true, runCode: true, historyAccess: 'editors' }, memberRole: null },
      ]);
      expect((await store.listRoomsOf('bob-id', 10, null)).rooms.map((r) => [r.id, r.memberRole])).toEqual([
        ['both', null],
        ['member', 'viewer'],
      ]);
    });

    it('pages through the rooms of a user with tied updatedAt without duplicates or gaps', async () => {
      const mine: string[] = [];
      for (let i = 0; i < 23; i += 1) {
        const id = `room-${String(i).padStart(2, '0')}`;
        const owner = i % 3 === 0 ? 'bob-id' : 'alice-id';
        await store.createRoom(room(id, 1_000 + (i % 4)), INITIAL, { visibility: 'public-edit', ownerUserId: owner, ownerKeyHash: null });
        if (i % 3 === 0 && i % 2 === 0) await store.setMember(id, 'alice-id', 'editor', 1);
        if (owner === 'alice-id' || i % 2 === 0) mine.push(id);
      }
      const expected = (await store.listRooms(100, null)).rooms.map((r) => r.id).filter((id) => mine.includes(id));
      expect(expected).toHaveLength(mine.length);
      for (const pageSize of [1, 4, 7, mine.length, 50]) expect(await ids(store, 'alice-id', pageSize)).toEqual(expected);
    });

    it('counts the rooms a user owns: not those they are only a member of, not deleted ones', async () => {
      const owned = { visibility: 'public-edit', ownerUserId: 'alice-id', ownerKeyHash: null } as const;
      expect(await store.countRoomsOwnedBy('alice-id')).toBe(0);
      await store.createRoom(room('a1', 1_000), INITIAL, owned);
      await store.createRoom(room('a2', 1_000), INITIAL, owned);
      await store.createRoom(room('b1', 1_000), INITIAL, { ...owned, ownerUserId: 'bob-id' });
      await store.setMember('b1', 'alice-id', 'owner', 2_000);
      await store.createRoom(room('guest', 1_000), INITIAL, { ...owned, ownerUserId: null, ownerKeyHash: 'h' });
      expect(await store.countRoomsOwnedBy('alice-id')).toBe(2);
      expect(await store.countRoomsOwnedBy('bob-id')).toBe(1);
      await store.deleteRoom('a1', new Uint8Array([0]));
      expect(await store.countRoomsOwnedBy('alice-id')).toBe(1);
    });
  });
}

function link(id: string, roomId: string, tokenHash: string): LinkRecord {
  return { id, roomId, tokenHash, role: 'viewer', createdAt: 3_000, expiresAt: 9_000, revokedAt: null };
}

/** Every room id of the user, following the cursor page by page. */
async function ids(store: Store, userId: string, pageSize: number): Promise<string[]> {
  const all: string[] = [];
  let page = await store.listRoomsOf(userId, pageSize, null);
  all.push(...page.rooms.map((r) => r.id));
  while (page.next) {
    expect(page.rooms).toHaveLength(pageSize);
    page = await store.listRoomsOf(userId, pageSize, page.next);
    all.push(...page.rooms.map((r) => r.id));
  }
  return all;
}
