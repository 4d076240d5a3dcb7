import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpenedFullStore } from './accounts.contract.js';
import type { NewChatMessage } from './chat.js';
import { room } from './store.contract.js';
import type { Store } from './store.js';

const INITIAL = new Uint8Array([1]);
const ALICE = { id: 'user:alice-id', name: 'alice', color: '#e11d48' };
const GUEST = { id: 'guest:g1', name: 'Guest “Zoë” 🙂', color: '#0891b2' };

function message(id: string, at: number, text = `message ${id}`, author = ALICE): NewChatMessage {
  return { id, at, author, text };
}

/** The behaviour every ChatStore implementation must show. `open` gives each test a fresh store. */
export function describeChatStoreContract(name: string, open: () => Promise<OpenedFullStore>): void {
  describe(`${name} (ChatStore contract)`, () => {
    let opened: OpenedFullStore;
    let store: Store;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
      await store.createRoom(room('r', 1_000), INITIAL);
    });
    afterEach(async () => {
      await opened.cleanup();
    });

    it('stores a message with its author and text exactly, and gives it a seq', async () => {
      const text = 'use `const x = 1;`\n```ts\nlet y = "<b>";\n```';
      const stored = await store.appendChat('r', message('m1', 2_000, text, GUEST));
      expect(stored).toEqual({ id: 'm1', seq: expect.any(Number), at: 2_000, author: GUEST, text });
      expect(await store.listChat('r', null, 10)).toEqual({ messages: [stored], hasOlder: false });
    });

    it('seqs increase within a room, across rooms sharing the store', async () => {
      await store.createRoom(room('other', 1_000), INITIAL);
      const seqs: number[] = [];
      for (let i = 0; i < 4; i++) {
        const stored = await store.appendChat(i % 2 === 0 ? 'r' : 'other', message(`m${i}`, 2_000 + i));
        seqs.push(stored?.seq ?? Number.NaN);
      }
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
      expect(new Set(seqs).size).toBe(4);
      expect((await store.listChat('r', null, 10)).messages.map((m) => m.id)).toEqual(['m0', 'm2']);
      expect((await store.listChat('other', null, 10)).messages.map((m) => m.id)).toEqual(['m1', 'm3']);
    });

    it('pages from the newest: each page oldest first, `before` continues with older ones', async () => {
      for (let i = 1; i <= 5; i++) await store.appendChat('r', message(`m${i}`, 2_000 + i));
      const newest = await store.listChat('r', null, 2);
      expect(newest.messages.map((m) => m.id)).toEqual(['m4', 'm5']);
      expect(newest.hasOlder).toBe(true);
      const middle = await store.listChat('r', newest.messages[0]?.seq ?? 0, 2);
      expect(middle.messages.map((m) => m.id)).toEqual(['m2', 'm3']);
      expect(middle.hasOlder).toBe(true);
      const oldest = await store.listChat('r', middle.messages[0]?.seq ?? 0, 2);
      expect(oldest).toEqual({ messages: [expect.objectContaining({ id: 'm1' })], hasOlder: false });
      // Exactly `limit` left: no older page.
      expect((await store.listChat('r', middle.messages[0]?.seq ?? 0, 1)).hasOlder).toBe(false);
      expect(await store.listChat('r', 1, 10)).toEqual({ messages: [], hasOlder: false });
    });

    it('appends nothing to a room that does not exist; an unknown room has no messages', async () => {
      expect(await store.appendChat('missing', message('m1', 2_000))).toBeNull();
      expect(await store.listChat('missing', null, 10)).toEqual({ messages: [], hasOlder: false });
    });

    it('deletes the chat with the room: a room re-created under its id starts with an empty chat', async () => {
      const old = await store.appendChat('r', message('m1', 2_000));
      expect(await store.deleteRoom('r', new Uint8Array([0]))).toBe(true);
      expect(await store.listChat('r', null, 10)).toEqual({ messages: [], hasOlder: false });
      await store.createRoom(room('r', 3_000), INITIAL);
      expect(await store.listChat('r', null, 10)).toEqual({ messages: [], hasOlder: false });
      const fresh = await store.appendChat('r', message('m2', 4_000));
      // Seqs are never reused, so a cursor from the old room's chat cannot reach into the new one.
      expect(fresh?.seq).toBeGreaterThan(old?.seq ?? Number.POSITIVE_INFINITY);
      expect((await store.listChat('r', null, 10)).messages.map((m) => m.id)).toEqual(['m2']);
    });

    it('refuses a limit that is not a positive integer', async () => {
      await expect(store.listChat('r', null, 0)).rejects.toBeInstanceOf(RangeError);
      await expect(store.listChat('r', null, 1.5)).rejects.toBeInstanceOf(RangeError);
    });

    it('returns copies: changing a returned message changes nothing stored', async () => {
      const stored = await store.appendChat('r', message('m1', 2_000));
      if (stored) stored.author.name = 'mallory';
      const [listed] = (await store.listChat('r', null, 10)).messages;
      if (listed) listed.text = 'changed';
      expect((await store.listChat('r', null, 10)).messages).toEqual([expect.objectContaining({ text: 'message m1', author: ALICE })]);
    });
  });

  describe(`${name} (ChatStore contract, shared database)`, () => {
    it('a message appended by one instance is listed by another on the same database', async () => {
      const first = await open();
      try {
        if (first.openAnother === null) return;
        await first.store.createRoom(room('r', 1_000), INITIAL);
        await first.store.appendChat('r', message('m1', 2_000));
        const another = await first.openAnother();
        expect((await another.listChat('r', null, 10)).messages.map((m) => m.id)).toEqual(['m1']);
      } finally {
        await first.cleanup();
      }
    });
  });
}
