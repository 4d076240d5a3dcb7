import { describe, expect, it } from 'vitest';
import { RECENT_ROOMS_KEY, RECENT_ROOMS_MAX, forgetRoom, loadRecentRooms, rememberRoom } from './recentRooms';
import { memoryStore } from './storage';

const room = (id: string) => ({ id, name: `Room ${id}`, language: 'python' });

describe('recent rooms', () => {
  it('lists the newest visit first and moves a revisited room to the top', () => {
    const store = memoryStore();
    rememberRoom(store, room('aaa'), 1);
    rememberRoom(store, room('bbb'), 2);
    rememberRoom(store, { ...room('aaa'), name: 'Renamed' }, 3);
    const rooms = loadRecentRooms(store);
    expect(rooms.map((r) => r.id)).toEqual(['aaa', 'bbb']);
    expect(rooms[0]).toEqual({ id: 'aaa', name: 'Renamed', language: 'python', visitedAt: 3 });
  });

  it(`keeps at most ${RECENT_ROOMS_MAX}`, () => {
    const store = memoryStore();
    for (let i = 0; i < RECENT_ROOMS_MAX + 5; i++) rememberRoom(store, room(`room${i}`), i);
    const rooms = loadRecentRooms(store);
    expect(rooms).toHaveLength(RECENT_ROOMS_MAX);
    expect(rooms[0]?.id).toBe(`room${RECENT_ROOMS_MAX + 4}`);
  });

  it('forgets a room', () => {
    const store = memoryStore();
    rememberRoom(store, room('aaa'), 1);
    rememberRoom(store, room('bbb'), 2);
    expect(forgetRoom(store, 'aaa').map((r) => r.id)).toEqual(['bbb']);
    expect(loadRecentRooms(store).map((r) => r.id)).toEqual(['bbb']);
  });

  it('drops malformed entries and duplicate ids', () => {
    const store = memoryStore({
      [RECENT_ROOMS_KEY]: JSON.stringify([
        { id: 'ok1', name: 'A', language: 'go', visitedAt: 5 },
        { id: 'x', name: 'bad id', language: 'go', visitedAt: 6 },
        { id: 'ok1', name: 'older duplicate', language: 'go', visitedAt: 1 },
        null,
        'junk',
        { id: 'ok2', name: 'B', language: 'go', visitedAt: 'yesterday' },
      ]),
    });
    expect(loadRecentRooms(store)).toEqual([{ id: 'ok1', name: 'A', language: 'go', visitedAt: 5 }]);
    expect(loadRecentRooms(memoryStore({ [RECENT_ROOMS_KEY]: '{' }))).toEqual([]);
  });
});
