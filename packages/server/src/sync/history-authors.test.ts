import { describe, expect, it } from 'vitest';
import type { ConnectionSession } from '../access/session.js';
import { authorOfSession } from './history-authors.js';

function guestSession(name: string): ConnectionSession {
  return {
    principal: { kind: 'guest', guestId: 'g1' },
    presented: { ownerKey: null, linkToken: null },
    role: 'editor',
    presence: { name, color: '#112233', guest: true },
  };
}

describe('authorOfSession', () => {
  it('makes a session’s author once: every edit of the session gets the same object', () => {
    const session = guestSession('Zoë');
    const first = authorOfSession(session);
    expect(first).toEqual({ id: 'guest:g1', name: 'Zoë', color: '#112233' });
    expect(authorOfSession(session)).toBe(first);
    expect(authorOfSession(guestSession('Zoë'))).not.toBe(first);
  });

  it('follows the session’s presence when it changes', () => {
    const session = guestSession('Zoë');
    authorOfSession(session);
    session.presence = { ...session.presence, name: 'Zoë K.' };
    expect(authorOfSession(session)).toEqual({ id: 'guest:g1', name: 'Zoë K.', color: '#112233' });
  });
});
