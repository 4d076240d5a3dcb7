import { CREDENTIALS } from '@pairwise/protocol';
import { isRecord, readJson } from './storage';
import type { KeyValueStore } from './storage';

/** Owner keys of rooms this browser created as a guest: the only proof that the guest owns them. */
export const OWNER_KEYS_KEY = 'pairwise.ownerKeys';
/** Share-link tokens this browser was given, so a room opened from the recent list still lets them in. */
export const LINK_TOKENS_KEY = 'pairwise.linkTokens';
/** Oldest entries go first past these; owner keys get more room because losing one loses the room. */
export const OWNER_KEYS_MAX = 1000;
export const LINK_TOKENS_MAX = 200;

/** What this browser presents for a room besides its session cookie. */
export interface RoomCredentials {
  ownerKey?: string;
  link?: string;
}

/**
 * Server tokens are URL-safe base64 or similar. Anything else did not come from the server and
 * would make `fetch` throw on the header (or smuggle text into it), so it is ignored.
 */
const TOKEN_PATTERN = /^[A-Za-z0-9_.~-]{8,512}$/;

export function isToken(value: unknown): value is string {
  return typeof value === 'string' && TOKEN_PATTERN.test(value);
}

function loadTokens(store: KeyValueStore, key: string): Map<string, string> {
  const stored = readJson(store, key);
  const tokens = new Map<string, string>();
  if (!isRecord(stored)) return tokens;
  for (const [roomId, token] of Object.entries(stored)) if (isToken(token)) tokens.set(roomId, token);
  return tokens;
}

function saveToken(store: KeyValueStore, key: string, max: number, roomId: string, token: string): void {
  if (!isToken(token)) return;
  const tokens = loadTokens(store, key);
  // Re-inserted last, so insertion order is age and trimming drops the oldest.
  tokens.delete(roomId);
  tokens.set(roomId, token);
  const kept = [...tokens].slice(-max);
  store.setItem(key, JSON.stringify(Object.fromEntries(kept)));
}

function deleteToken(store: KeyValueStore, key: string, roomId: string): void {
  const tokens = loadTokens(store, key);
  if (!tokens.delete(roomId)) return;
  store.setItem(key, JSON.stringify(Object.fromEntries(tokens)));
}

export function saveOwnerKey(store: KeyValueStore, roomId: string, ownerKey: string): void {
  saveToken(store, OWNER_KEYS_KEY, OWNER_KEYS_MAX, roomId, ownerKey);
}

/** The share-link token in a room URL's query (`?link=`), if it looks like one. */
export function linkFromSearch(search: string): string | null {
  const token = new URLSearchParams(search).get(CREDENTIALS.linkParam);
  return isToken(token) ? token : null;
}

/** Keeps the link in a room URL, so the room still opens from the recent list once the URL is gone. */
export function rememberLinkFromUrl(store: KeyValueStore, roomId: string, search: string): void {
  const fromUrl = linkFromSearch(search);
  if (fromUrl !== null) saveToken(store, LINK_TOKENS_KEY, LINK_TOKENS_MAX, roomId, fromUrl);
}

/** The credentials to present for a room. A link in the URL wins over a remembered one. */
export function roomCredentials(store: KeyValueStore, roomId: string, search: string): RoomCredentials {
  const link = linkFromSearch(search) ?? loadTokens(store, LINK_TOKENS_KEY).get(roomId);
  const ownerKey = loadTokens(store, OWNER_KEYS_KEY).get(roomId);
  return { ...(ownerKey !== undefined && { ownerKey }), ...(link !== undefined && { link }) };
}

/** A room that no longer exists takes its keys with it. */
export function forgetRoomCredentials(store: KeyValueStore, roomId: string): void {
  deleteToken(store, OWNER_KEYS_KEY, roomId);
  deleteToken(store, LINK_TOKENS_KEY, roomId);
}

/** HTTP headers for the room's API calls. */
export function credentialHeaders(credentials: RoomCredentials): Record<string, string> {
  const headers: Record<string, string> = {};
  if (credentials.ownerKey) headers[CREDENTIALS.ownerKeyHeader] = credentials.ownerKey;
  if (credentials.link) headers[CREDENTIALS.linkHeader] = credentials.link;
  return headers;
}

/** WebSocket query parameters (the provider's `params`) carrying the same credentials. */
export function credentialParams(credentials: RoomCredentials): Record<string, string> {
  const params: Record<string, string> = {};
  if (credentials.ownerKey) params[CREDENTIALS.ownerKeyParam] = credentials.ownerKey;
  if (credentials.link) params[CREDENTIALS.linkParam] = credentials.link;
  return params;
}
