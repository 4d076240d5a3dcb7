import { createHash } from 'node:crypto';
import { presenceUserSchema } from '@pairwise/protocol';
import type { ConnectionSession } from './session.js';

/** WebSocket query parameters a guest names itself with (the stock provider's `params` option). */
export const PRESENCE_PARAMS = { name: 'name', color: 'color' } as const;

export const GUEST_DEFAULT_NAME = 'Guest';

/** Colours for guests that did not pick one: readable on the editor's light and dark themes. */
const GUEST_COLORS = ['#e6194b', '#3cb44b', '#4363d8', '#f58231', '#911eb4', '#46a0a8', '#d6336c', '#808000'] as const;

/**
 * How a guest appears to the others: the name and colour it asked for in the query (`?name=`,
 * `?color=`) when they are valid, otherwise "Guest" and a colour derived from its identity (stable
 * for a returning guest). Always marked `guest`, so nobody mistakes it for a signed-in user.
 */
export function guestPresence(query: URLSearchParams, guestId: string): ConnectionSession['presence'] {
  const name = query.get(PRESENCE_PARAMS.name)?.trim() ?? '';
  const color = query.get(PRESENCE_PARAMS.color)?.toLowerCase() ?? '';
  const fallbackColor = GUEST_COLORS[createHash('sha256').update(guestId).digest()[0]! % GUEST_COLORS.length]!;
  return {
    name: presenceUserSchema.shape.name.safeParse(name).success ? name : GUEST_DEFAULT_NAME,
    color: presenceUserSchema.shape.color.safeParse(color).success ? color : fallbackColor,
    guest: true,
  };
}
