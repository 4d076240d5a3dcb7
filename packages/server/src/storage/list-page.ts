import type { ListPage, RoomRecord } from './store.js';

/** listRooms and listRoomsOf take a positive integer limit; anything else is a caller bug. */
export function assertListLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`invalid list limit ${limit}`);
}

/**
 * The page of a keyset query that fetched `limit + 1` rows in list order: the extra row only
 * tells whether another page follows.
 */
export function pageOfRows<Room extends RoomRecord>(rows: readonly Room[], limit: number): ListPage<Room> {
  const rooms = rows.slice(0, limit);
  const last = rooms[rooms.length - 1];
  const next = rows.length > limit && last ? { updatedAt: last.updatedAt, id: last.id } : null;
  return { rooms, next };
}
