import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '@pairwise/protocol';
import { colorFor } from '../access/presence-colors.js';
import type { Principal } from '../access/session.js';
import { MemoryRoomStore } from '../storage/memory-store.js';
import { room } from '../storage/store.contract.js';
import { joinAs, newRoom } from '../sync/room.testkit.js';
import { ChatService, isChatRefusal } from './chat-service.js';

const ADA: Principal = { kind: 'user', userId: 'u1', username: 'ada', sessionId: 's1' };
const GUEST: Principal = { kind: 'guest', guestId: 'g1' };

async function setUp(burst = 20) {
  const store = new MemoryRoomStore();
  await store.createRoom(room('r', 1_000), new Uint8Array([0]));
  await store.createRoom(room('other', 1_000), new Uint8Array([0]));
  const delivered: [string, ChatMessage][] = [];
  const loaded = newRoom();
  const chat = new ChatService({
    store,
    loaded: (roomId) => (roomId === 'r' ? loaded : undefined),
    deliver: (roomId, message) => delivered.push([roomId, message]),
    now: () => Date.UTC(2026, 11, 1, 13, 0),
    burst,
  });
  return { chat, delivered, loaded };
}

describe('ChatService', () => {
  it('stores and delivers a message with the author the session gives', async () => {
    const { chat, delivered } = await setUp();
    const message = await chat.post('r', ADA, 'hello');
    expect(message).toEqual({
      id: expect.any(String),
      seq: expect.any(Number),
      at: '2026-12-01T13:00:00.000Z',
      author: { id: 'user:u1', name: 'ada', color: colorFor('user:u1') },
      text: 'hello',
    });
    expect(delivered).toEqual([['r', message]]);
  });

  it('names a guest as their open connection shows them, else as a guest', async () => {
    const { chat, loaded } = await setUp();
    const before = await chat.post('r', GUEST, 'before');
    expect(isChatRefusal(before) ? null : before.author).toEqual({ id: 'guest:g1', name: 'Guest', color: colorFor('guest:g1') });
    joinAs(loaded, 'zoe', { principal: GUEST, presence: { name: 'Zoë', color: '#112233' } });
    const after = await chat.post('r', GUEST, 'after');
    expect(isChatRefusal(after) ? null : after.author).toEqual({ id: 'guest:g1', name: 'Zoë', color: '#112233' });
  });

  it('refuses past the burst, per person and room, saying when to retry; nothing is stored or delivered', async () => {
    const { chat, delivered } = await setUp(2);
    expect(isChatRefusal(await chat.post('r', ADA, '1'))).toBe(false);
    expect(isChatRefusal(await chat.post('r', ADA, '2'))).toBe(false);
    const refused = await chat.post('r', ADA, '3');
    expect(refused).toEqual({ refused: 'rate_limited', retryAfterSeconds: expect.any(Number) });
    expect(isChatRefusal(refused) && refused.refused === 'rate_limited' && refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(isChatRefusal(await chat.post('r', GUEST, 'someone else'))).toBe(false);
    expect(isChatRefusal(await chat.post('other', ADA, 'another room'))).toBe(false);
    expect(delivered.map(([, m]) => m.text)).toEqual(['1', '2', 'someone else', 'another room']);
    expect((await chat.page('r', null, 10)).messages.map((m) => m.text)).toEqual(['1', '2', 'someone else']);
  });

  it('refuses a room that does not exist', async () => {
    const { chat, delivered } = await setUp();
    expect(await chat.post('missing', ADA, 'hello?')).toEqual({ refused: 'room_not_found' });
    expect(delivered).toEqual([]);
  });

  it('pages newest first: nextBefore is the oldest shown seq while older ones exist', async () => {
    const { chat } = await setUp();
    for (const text of ['a', 'b', 'c']) await chat.post('r', ADA, text);
    const newest = await chat.page('r', null, 2);
    expect(newest.messages.map((m) => m.text)).toEqual(['b', 'c']);
    expect(newest.nextBefore).toBe(newest.messages[0]?.seq);
    const older = await chat.page('r', newest.nextBefore, 2);
    expect(older).toEqual({ messages: [expect.objectContaining({ text: 'a' })], nextBefore: null });
  });
});
