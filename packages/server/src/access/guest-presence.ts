import { presenceUserSchema } from '@pairwise/protocol';
import { colorFor } from './presence-colors.js';
import type { ConnectionSession } from './session.js';

/** WebSocket query parameters a guest names itself with (the stock provider's `params` option). */
export const PRESENCE_PARAMS = { name: 'name', color: 'color' } as const;

export const GUEST_DEFAULT_NAME = 'Guest';

/**
 * How a guest appears to the others: the name and colour it asked for in the query (`?name=`,
 * `?color=`) when they are valid, otherwise "Guest" and a colour derived from its identity (stable
 * for a returning guest). Always marked `guest`, so nobody mistakes it for a signed-in user.
 */
export function guestPresence(query: URLSearchParams, guestId: string): ConnectionSession['presence'] {
  // Control and format characters (newlines, bidi overrides) would let a name pose as another line or another user.
  const name = (query.get(PRESENCE_PARAMS.name) ?? '').replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  const color = query.get(PRESENCE_PARAMS.color)?.toLowerCase() ?? '';
  return {
    name: presenceUserSchema.shape.name.safeParse(name).success ? name : GUEST_DEFAULT_NAME,
    color: presenceUserSchema.shape.color.safeParse(color).success ? color : colorFor(`guest:${guestId}`),
    guest: true,
  };
}
