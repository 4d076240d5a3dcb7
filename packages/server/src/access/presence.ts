import type { PublicUser } from '@pairwise/protocol';
import { guestPresence } from './guest-presence.js';
import { colorFor } from './presence-colors.js';
import { principalKey, type ConnectionSession, type Principal } from './session.js';

/**
 * Who everyone in the room sees: a signed-in user by their username (nobody can pose as them, and
 * their colour follows them), a guest by the name and colour it asks for (`?name=`, `?color=`).
 */
export function presenceOf(principal: Principal, query: URLSearchParams): ConnectionSession['presence'] {
  if (principal.kind === 'guest') return guestPresence(query, principal.guestId);
  return { name: principal.username, color: colorFor(principalKey(principal)), guest: false };
}

/** A signed-in user as the API shows them, with the colour the room shows them in. */
export function publicUser(userId: string, username: string): PublicUser {
  return { id: userId, username, color: colorFor(principalKey({ kind: 'user', userId, username, sessionId: '' })) };
}
