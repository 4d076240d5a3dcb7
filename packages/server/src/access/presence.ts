import { createHash } from 'node:crypto';
import { guestPresence } from './guest-presence.js';
import { principalKey, type ConnectionSession, type Principal } from './session.js';

/** The web app's cursor colours (packages/web/src/lib/identity.ts), for signed-in users. */
const PRESENCE_COLORS = [
  '#e5484d',
  '#f76b15',
  '#e2a336',
  '#30a46c',
  '#12a594',
  '#0090ff',
  '#3e63dd',
  '#6e56cf',
  '#ab4aba',
  '#d6409f',
  '#8e4ec6',
  '#46a758',
] as const;

/**
 * Who everyone in the room sees: a signed-in user by their username (nobody can pose as them, and
 * their colour follows them), a guest by the name and colour it asks for (`?name=`, `?color=`).
 */
export function presenceOf(principal: Principal, query: URLSearchParams): ConnectionSession['presence'] {
  if (principal.kind === 'guest') return guestPresence(query, principal.guestId);
  return { name: principal.username, color: colorFor(principalKey(principal)), guest: false };
}

/** The same colour for the same key, every time and on every instance. */
export function colorFor(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return PRESENCE_COLORS[digest.readUInt32BE(0) % PRESENCE_COLORS.length] ?? PRESENCE_COLORS[0];
}
