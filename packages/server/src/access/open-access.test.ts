import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { GUEST_DEFAULT_NAME } from './guest-presence.js';
import { OPEN_ACCESS } from './open-access.js';
import type { ConnectionSession } from './session.js';

/** OPEN_ACCESS: everyone is a fresh guest editor, named from the query. */

async function sessionFor(url: string): Promise<ConnectionSession> {
  const decision = await OPEN_ACCESS.resolve({ url } as IncomingMessage, 'room-1');
  if (!('session' in decision)) throw new Error(`refused: ${decision.reason}`);
  return decision.session;
}

describe('OPEN_ACCESS', () => {
  it('makes every connection a new guest editor, named and coloured as asked', async () => {
    const a = await sessionFor('/ws/room-1?name=Ada%20Lovelace&color=%23FF0000');
    const b = await sessionFor('/ws/room-1?name=Ada%20Lovelace&color=%23FF0000');
    expect(a.role).toBe('editor');
    expect(a.presence).toEqual({ name: 'Ada Lovelace', color: '#ff0000', guest: true });
    expect(a.principal.kind).toBe('guest');
    expect(a.principal).not.toEqual(b.principal);
    expect(a.presented).toEqual({ ownerKey: null, linkToken: null });
  });

  it('falls back to "Guest" and a palette colour for a missing or invalid name or colour', async () => {
    for (const url of ['/ws/room-1', '/ws/room-1?name=%20%20&color=red', `/ws/room-1?name=${'x'.repeat(65)}&color=%23abc`]) {
      const { presence } = await sessionFor(url);
      expect(presence.name).toBe(GUEST_DEFAULT_NAME);
      expect(presence.color).toMatch(/^#[0-9a-f]{6}$/);
      expect(presence.guest).toBe(true);
    }
  });

  it('keeps the role it gave on review', async () => {
    const session = await sessionFor('/ws/room-1');
    expect(await OPEN_ACCESS.review(session, 'room-1')).toBe('editor');
  });
});
