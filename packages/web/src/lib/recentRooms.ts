import { ROOM_ID_PATTERN } from '@pairwise/protocol';
import { isRecord, readJson } from './storage';
import type { KeyValueStore } from './storage';

export const RECENT_ROOMS_KEY = 'pairwise.recentRooms';
export const RECENT_ROOMS_MAX = 12;

export interface RecentRoom {
  id: string;
  name: string;
  language: string;
  /** Epoch ms of the last visit. */
  visitedAt: number;
}

function parseEntry(value: unknown): RecentRoom | null {
  if (!isRecord(value)) return null;
  const { id, name, language, visitedAt } = value;
  if (typeof id !== 'string' || !ROOM_ID_PATTERN.test(id)) return null;
  if (typeof name !== 'string' || typeof language !== 'string') return null;
  if (typeof visitedAt !== 'number' || !Number.isFinite(visitedAt)) return null;
  return { id, name, language, visitedAt };
}

/** Newest first. Tolerates anything in storage: another version of the app may have written it. */
export function loadRecentRooms(store: KeyValueStore): RecentRoom[] {
  const stored = readJson(store, RECENT_ROOMS_KEY);
  if (!Array.isArray(stored)) return [];
  const rooms = stored.map(parseEntry).filter((r): r is RecentRoom => r !== null);
  const seen = new Set<string>();
  return rooms
    .sort((a, b) => b.visitedAt - a.visitedAt)
    .filter((r) => {
      if (seen.has(r.id)) return false;
      seen.add(r.id);
      return true;
    })
    .slice(0, RECENT_ROOMS_MAX);
}

export function rememberRoom(store: KeyValueStore, room: Omit<RecentRoom, 'visitedAt'>, now: number = Date.now()): RecentRoom[] {
  const rest = loadRecentRooms(store).filter((r) => r.id !== room.id);
  const rooms = [{ ...room, visitedAt: now }, ...rest].slice(0, RECENT_ROOMS_MAX);
  store.setItem(RECENT_ROOMS_KEY, JSON.stringify(rooms));
  return rooms;
}

export function forgetRoom(store: KeyValueStore, id: string): RecentRoom[] {
  const before = loadRecentRooms(store);
  const rooms = before.filter((r) => r.id !== id);
  if (rooms.length !== before.length) store.setItem(RECENT_ROOMS_KEY, JSON.stringify(rooms));
  return rooms;
}
