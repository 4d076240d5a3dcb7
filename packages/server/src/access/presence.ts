import { createHash } from 'node:crypto';
import { principalKey, type ConnectionSession, type Principal } from './session.js';

/** The web app's cursor colours (packages/web/src/lib/identity.ts), so server-chosen ones fit its themes. */
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

export const GUEST_NAME_DEFAULT = 'Guest';
/** The protocol's presence name limit (presenceUserSchema). */
const NAME_MAX = 64;

/**
 * Who everyone in the room sees: a signed-in user by their username (nobody can pose as them), a
 * guest by the name they chose (`?name=`). Colours follow the person, not the connection.
 */
export function presenceOf(principal: Principal, requestedName: string | null): ConnectionSession['presence'] {
  const color = colorFor(principalKey(principal));
  if (principal.kind === 'user') return { name: principal.username, color, guest: false };
  return { name: guestName(requestedName), color, guest: true };
}

/** The same colour for the same key, every time and on every instance. */
export function colorFor(key: string): string {
  const digest = createHash('sha256').update(key).digest();
  return PRESENCE_COLORS[digest.readUInt32BE(0) % PRESENCE_COLORS.length] ?? PRESENCE_COLORS[0];
}

/** Control characters dropped, whitespace collapsed, at most 64 UTF-16 code units; "Guest" when nothing is left. */
export function guestName(requested: string | null): string {
  const cleaned = (requested ?? '')
    .replace(/\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const name = truncate(cleaned, NAME_MAX).trim();
  return name === '' ? GUEST_NAME_DEFAULT : name;
}

/** At most `max` UTF-16 code units (what the protocol's limit counts), never splitting a character. */
function truncate(text: string, max: number): string {
  let result = '';
  for (const char of text) {
    if (result.length + char.length > max) break;
    result += char;
  }
  return result;
}
