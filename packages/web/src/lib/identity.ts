import { PRESENCE_COLORS } from '@pairwise/protocol';
import { isRecord, readJson } from './storage';
import type { KeyValueStore } from './storage';

export const IDENTITY_KEY = 'pairwise.identity';
/** Same limit as the protocol's `presenceUserSchema`: longer names are dropped by other clients. */
export const NAME_MAX = 64;

/** Cursor colours, shared with the server (it picks from them for signed-in users and guests). */
export const USER_COLORS = PRESENCE_COLORS;

const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

export interface Identity {
  /** null until the user has told us their name. */
  name: string | null;
  color: string;
}

export function pickColor(random: () => number = Math.random): string {
  const index = Math.floor(random() * USER_COLORS.length) % USER_COLORS.length;
  return USER_COLORS[index] ?? USER_COLORS[0];
}

/** Trims and collapses whitespace; null when nothing usable is left. */
export function normalizeName(raw: string): string | null {
  const name = raw.replace(/\s+/g, ' ').trim().slice(0, NAME_MAX).trim();
  return name.length > 0 ? name : null;
}

/**
 * Reads the stored identity. The colour is picked once and stored right away, so a guest keeps
 * the same colour across rooms and reloads even before choosing a name.
 */
export function loadIdentity(store: KeyValueStore, random: () => number = Math.random): Identity {
  const stored = readJson(store, IDENTITY_KEY);
  const rawName = isRecord(stored) && typeof stored.name === 'string' ? stored.name : null;
  const name = rawName === null ? null : normalizeName(rawName);
  const rawColor = isRecord(stored) ? stored.color : undefined;
  if (typeof rawColor === 'string' && COLOR_PATTERN.test(rawColor)) return { name, color: rawColor.toLowerCase() };
  const identity = { name, color: pickColor(random) };
  store.setItem(IDENTITY_KEY, JSON.stringify(identity));
  return identity;
}

export function saveName(store: KeyValueStore, rawName: string, random: () => number = Math.random): Identity {
  const name = normalizeName(rawName);
  if (name === null) throw new Error('name must not be empty');
  const identity = { ...loadIdentity(store, random), name };
  store.setItem(IDENTITY_KEY, JSON.stringify(identity));
  return identity;
}
